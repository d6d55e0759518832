-- Apply one migration file to production, then show the drift that is left.
--
--   beekrun migrate.lua Migrations/004_add_color.sql
--   beekrun migrate.lua supabase/migrations      (a folder: every pending file, in order)
--
-- The file runs in one transaction and is recorded in beekrun.schema_migrations, so it is
-- never applied twice; a file edited after it was applied is refused. Production asks you to
-- type its database name before anything changes (--yes answers for you). Files in
-- supabase/migrations/ are recorded where the Supabase CLI records them
-- (supabase_migrations.schema_migrations), so `supabase db push` and beekrun agree.

local file = args[1]
if not file then abort("usage: beekrun migrate.lua Migrations/NNN_name.sql (or a folder such as supabase/migrations)") end

local prod <close> = connect{url = env("PROD_DATABASE_URL"), name = "prod", production = true}
local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev", readonly = true}

if file:sub(-4) ~= ".sql" then
  -- A folder: one transaction per file, stopping at the first that fails.
  migrate_all(prod, file)
else
  local result = migrate(prod, file)
  if not result.applied and not dry_run then log(result.file, "was applied before: nothing to do") end
end

local drift = diff(dev, prod)
if drift.empty then
  log("prod's schema now matches dev's")
else
  log("drift left between dev and prod" .. (dry_run and " (before this migration)" or "") .. ":")
  print(drift.summary)
end
