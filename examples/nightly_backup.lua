-- A nightly backup of production with retention, for cron:
--
--   15 3 * * *  cd /srv/ops && beekrun examples/nightly_backup.lua >> backups/nightly.log 2>&1
--
-- The auth schema is backed up with public, so a restore (restore_dev_from_backup.lua) brings
-- the users that profiles reference. BACKUP_KEEP backups are kept (default 14).

local keep = tonumber(env("BACKUP_KEEP", "14"))
local prod <close> = connect{url = env("PROD_DATABASE_URL"), name = "prod", production = true, readonly = true}

local b = backup(prod, {label = "nightly", schemas = {"public", "auth"}})
log(string.format("backed up %d tables, %d rows to %s", b.tables, b.rows, b.path))

local pruned = prune_backups{label = "nightly", keep = keep}
log("kept", #pruned.kept, "backups, removed", #pruned.removed)
