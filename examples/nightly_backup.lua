-- Nightly backup of production with retention: keeps the newest 14 backups, removes older ones.
-- Run it from cron (no terminal: nothing here needs a confirmation):
--
--   15 3 * * *  cd /srv/ops && beekrun examples/nightly_backup.lua >> backups/nightly.log 2>&1
--
-- Production is opened read only: a backup only reads. For Supabase use the session pooler
-- or the direct connection string (one backup is one snapshot, which needs one session).

local keep = tonumber(env("BACKUP_KEEP", "14"))
local prod <close> = connect{url = env("PROD_DATABASE_URL"), name = "prod", production = true, readonly = true}

local b = backup(prod, {label = "nightly", schemas = {"public"}})
log(string.format("backed up %d tables, %d rows, %.1f MB to %s", b.tables, b.rows, b.bytes / 1048576, b.path))

local pruned = prune_backups{label = "nightly", keep = keep}
log("kept", #pruned.kept, "backups, removed", #pruned.removed)
