-- The sync that bench/run.sh times when BENCH_CLI=1: production → a fresh development
-- database, as runbooks/sync.lua does it (without the verification step).
--   PROD_DATABASE_URL, DEV_DATABASE_URL, BEEK_BACKUP_DIR come from the script.
local prod <close> = connect{url = env("PROD_DATABASE_URL"), name = "prod", production = true, readonly = true}
local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev"}

local b = backup(prod, {dir = env("BEEK_BACKUP_DIR", "backups"), label = "bench"})
transaction(dev, function()
  nuke(dev, {schemas = {"public"}})
  clone_schema(prod, dev, {schemas = {"public"}})
  restore(dev, b)
end)
log(string.format("bench: %d rows, %.1f MB of JSON", b.rows, b.bytes / 1e6))
