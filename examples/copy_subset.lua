-- Copy a few tables from prod to dev, leaving dev's other tables alone. Name the tables as
-- arguments (schema.name, * and ? allowed); the default is the users and their hives:
--
--   beekrun examples/copy_subset.lua                        # auth.*, public.profiles, public.hives
--   beekrun examples/copy_subset.lua 'auth.*' public.profiles
--
-- Foreign keys must stay satisfied: a copied table whose rows reference a table that is not
-- copied (and lacks those rows in dev) is refused, in a dry run as in the real run.

local tables = #args > 0 and args or {"auth.*", "public.profiles", "public.hives"}
local prod <close> = connect{url = env("PROD_DATABASE_URL"), name = "prod", production = true, readonly = true}
local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev"}

local b = backup(prod, {label = "subset", schemas = {"public", "auth"}, tables = tables})
local r = restore(dev, b)
log(string.format("copied %d tables (%d rows) from prod to dev", r.tables, r.rows))
