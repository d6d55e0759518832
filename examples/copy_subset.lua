-- Copy a slice of prod to dev: every user and profile, but only one user's hives, and only the
-- inspections of those hives since a date. The slice is chosen with `where=` on the backup: one
-- SQL expression per table, run read only in prod's snapshot (name other tables with their schema).
--
--   beekrun examples/copy_subset.lua                              # ada@example.com, since 2026-05-01
--   beekrun examples/copy_subset.lua bo@example.com 2026-06-01
--
-- Foreign keys stay satisfied: had public.hives been filtered but not public.inspections, the
-- backup would be refused (in a dry run too), naming the key and how many kept inspections would
-- point at hives left out, and suggesting the inspections filter written below.

local email = args[1] or "ada@example.com"
local since = args[2] or "2026-05-01"
if not since:match("^%d%d%d%d%-%d%d%-%d%d$") then abort("the date must look like 2026-05-01, got " .. since) end
local function literal(text) return "'" .. text:gsub("'", "''") .. "'" end

local hives = "owner in (select id from auth.users where email = " .. literal(email) .. ")"
local prod <close> = connect{url = env("PROD_DATABASE_URL"), name = "prod", production = true, readonly = true}
local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev"}

local b = backup(prod, {
  label = "subset",
  schemas = {"public", "auth"},
  tables = {"auth.*", "public.profiles", "public.hives", "public.inspections"},
  where = {
    ["public.hives"] = hives,
    ["public.inspections"] = "inspected_at >= date " .. literal(since)
      .. " and hive_id in (select id from public.hives where " .. hives .. ")",
  },
})
local r = restore(dev, b)
log(string.format("copied %d tables (%d rows) from prod to dev: %d hives of %s, %d inspections since %s",
  r.tables, r.rows, b.table_rows["public.hives"], email, b.table_rows["public.inspections"], since))
