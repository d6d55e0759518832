-- A CI gate: does prod's schema match dev's (what the code expects)? On drift it prints the
-- migration SQL that brings prod to dev on standard output and fails (exit 1); beekrun's own
-- lines go to standard error, so the SQL can be captured as it is:
--
--   beekrun examples/drift_gate.lua > migration.sql            # exit 1 on drift
--   beekrun --json examples/drift_gate.lua 2> steps.jsonl      # a machine-readable step log
--   beekrun examples/drift_gate.lua Migrations/next.sql        # or write the file itself

local prod <close> = connect{url = env("PROD_DATABASE_URL"), name = "prod", production = true, readonly = true}
local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev", readonly = true}

local d = diff(dev, prod)   -- d.sql brings prod to dev
if d.empty then
  log("no drift: prod matches dev")
  return
end
log(d.summary)
if args[1] then
  write_file(args[1], d.sql)
else
  print(d.sql)
end
abort(#d.changes .. " difference(s) between dev and prod")
