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

-- 3. Verify: the schemas match and every table holds as many rows as prod's.
if dry_run then
  log("verification runs after a real sync")
  return
end

local drift = diff(prod, dev)
if not drift.empty then
  print(drift.summary)
  abort("dev does not match prod after the sync")
end

-- Row counts of every table, in one query per database.
local counts_sql = [[
  select format('%I.%I', schemaname, tablename) as name,
         (xpath('/row/n/text()', query_to_xml(
            format('select count(*) as n from %I.%I', schemaname, tablename), false, true, '')))[1]::text::bigint as n
  from pg_tables where schemaname = 'public' order by 1
]]
local dev_counts = {}
for _, t in ipairs(query(dev, counts_sql)) do dev_counts[t.name] = t.n end
local mismatches = 0
for _, t in ipairs(query(prod, counts_sql)) do
  if dev_counts[t.name] ~= t.n then
    mismatches = mismatches + 1
    log(t.name, "has", dev_counts[t.name] or 0, "rows in dev but", t.n, "in prod")
  end
end
if mismatches > 0 then abort(mismatches .. " table(s) differ in rows") end

log("dev is a clone of prod")
