-- Restore dev from an older nightly backup of prod (public and auth, as nightly_backup.lua
-- writes them). Which one:
--
--   beekrun examples/restore_dev_from_backup.lua            # the newest
--   beekrun examples/restore_dev_from_backup.lua 3          # the third newest
--   beekrun examples/restore_dev_from_backup.lua 2026-11-25 # the newest of that day (UTC)
--
-- The backup's checksums are verified first; dev's tables are replaced in one transaction.

local which = args[1] or "1"
local backups = list_backups{label = env("BACKUP_LABEL", "nightly"), verify = true}
if #backups == 0 then abort("no backups found in " .. env("BEEK_BACKUP_DIR", "backups")) end

local chosen
if which:match("^%d+$") then
  chosen = backups[tonumber(which)]
else
  for _, b in ipairs(backups) do                       -- newest first
    if b.time:sub(1, #which) == which then chosen = b; break end
  end
end
if not chosen then abort("no backup matches '" .. which .. "' (" .. #backups .. " found)") end
if not chosen.verified then abort(chosen.path .. " is damaged: its files do not match their checksums") end
log(string.format("restoring %s (%s): %d tables, %d rows", chosen.path, chosen.time, chosen.tables, chosen.rows))

local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev"}
transaction(dev, function()
  restore(dev, chosen)
end)
