-- Rebuild dev from prod, then scrub personal data from it: the shared steps come from
-- examples/lib/sync_steps.lua and examples/lib/scrub.lua through require(), so this file
-- holds only what is particular to it.
--
--   beekrun --dry-run examples/sync_and_scrub.lua     # the plan
--   beekrun --yes examples/sync_and_scrub.lua

local sync_steps = require("lib.sync_steps")
local scrub = require("lib.scrub")

local prod <close> = connect{url = env("PROD_DATABASE_URL"), name = "prod", production = true, readonly = true}
local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev"}

local b = sync_steps.rebuild_dev(prod, dev)
log(string.format("dev rebuilt from %s (%d tables, %d rows)", b.path, b.tables, b.rows))
local users = scrub.scrub(dev)
log("scrubbed", users or "(dry run: unknown)", "users")
