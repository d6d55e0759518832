-- Reset & Sync: production → development.
--
-- Makes dev a clone of prod: schema (tables, functions, triggers, policies, grants …), auth
-- users and data. Production is opened read only and marked production, so nothing here can
-- write to it. Try it first with:  beekrun --dry-run sync.lua
--
-- Needs PROD_DATABASE_URL and DEV_DATABASE_URL (in .env or the environment). For Supabase, use
-- the session pooler or the direct connection string, never the transaction pooler.

local prod <close> = connect{url = env("PROD_DATABASE_URL"), name = "prod", production = true, readonly = true}
local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev"}

-- 1. Backups first: prod's data is what dev receives; dev's own backup keeps unmerged work
--    from being lost to the reset (restore it with restore(dev, "backups/dev_...")).
local prod_backup = backup(prod, {label = "prod"})
backup(dev, {label = "dev"})

-- 2. Rebuild dev in one transaction: all of it lands, or none of it (an error, Ctrl-C or a
--    killed process leaves dev exactly as it was).
transaction(dev, function()
  nuke(dev, {schemas = {"public"}})
  clone_schema(prod, dev, {schemas = {"public"}})   -- indexes and keys are added after the rows
  clone_auth(prod, dev)                             -- conflicting dev users are replaced
  restore(dev, prod_backup)
end)

-- 3. Verify: the schemas match, and every table holds the same rows as prod's (row counts and
--    row checksums computed on each server; no row crosses the network).
if dry_run then
  log("verification runs after a real sync")
  return
end

local drift = diff(prod, dev)
if not drift.empty then
  print(drift.summary)
  abort("dev does not match prod after the sync")
end

local check = verify(prod, dev, {schemas = {"public"}})
if not check.equal then
  for _, t in ipairs(check.tables) do
    if not t.equal then log(t.name .. ":", t.reason, "(prod", t.rows_a, "rows, dev", t.rows_b, "rows)") end
  end
  abort("dev's rows differ from prod's")
end

log("dev is a clone of prod")
