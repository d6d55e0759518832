-- Apply every pending migration to production, in the order given (the shell sorts a glob):
--
--   beekrun --dry-run examples/apply_pending.lua Migrations/*.sql
--   beekrun examples/apply_pending.lua Migrations/*.sql
--
-- migrate() records each file in beekrun.schema_migrations, so applied ones are skipped and an
-- applied file that was edited since is refused. All of them land, or none.

if #args == 0 then abort("usage: beekrun examples/apply_pending.lua Migrations/*.sql") end
local prod <close> = connect{url = env("PROD_DATABASE_URL"), name = "prod", production = true}

local applied, skipped = 0, 0
transaction(prod, function()
  for _, file in ipairs(args) do
    if migrate(prod, file).applied then applied = applied + 1 else skipped = skipped + 1 end
  end
end)
log(applied, "applied,", skipped, "already applied")
