-- Scrub personal data in dev after a sync, so a cloned production database can be shared
-- with the whole team. Run it right after sync.lua:
--
--   beekrun --yes sync.lua && beekrun examples/scrub_dev.lua
--
-- The scrubbing itself lives in examples/lib/scrub.lua, shared with sync_and_scrub.lua.

local scrub = require("lib.scrub")

local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev"}
local users = scrub.scrub(dev)
log("scrubbed", users or "(dry run: unknown)", "users")
