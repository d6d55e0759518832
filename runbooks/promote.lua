-- Promote Release: development → production.
--
-- 1. git safety: on develop, clean, in step with origin/develop;
-- 2. schema check: prod's schema must already match dev's (apply migrations first, with
--    `beekrun migrate.lua Migrations/NNN_name.sql`); on drift, prints the migration and stops;
-- 3. merges develop into main and pushes main (which triggers the deployment).

local status = git.status()
if status.branch ~= "develop" then
  abort("promote runs on develop, but " .. status.branch .. " is checked out: git checkout develop")
end
if not status.clean then
  abort("the working tree has uncommitted changes: commit or stash them first")
end
if (status.ahead or 0) > 0 or (status.behind or 0) > 0 then
  abort(string.format("develop is %d ahead and %d behind origin/develop: push or pull first",
    status.ahead or 0, status.behind or 0))
end

local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev", readonly = true}
local prod <close> = connect{url = env("PROD_DATABASE_URL"), name = "prod", production = true, readonly = true}

local drift = diff(dev, prod)
if not drift.empty then
  print(drift.summary)
  print("")
  print("-- The migration that brings prod to dev. Save it under Migrations/ with the next number")
  print("-- (e.g. Migrations/004_describe_the_change.sql), review it, then apply it to prod:")
  print("--   beekrun migrate.lua Migrations/004_describe_the_change.sql")
  print(drift.sql)
  abort("schema drift: dev has changes that prod does not (see the migration above)")
end
log("prod's schema matches dev's")

confirm("Merge develop into main and push it? The push deploys to production.")
local merged = git_merge{from = "develop", into = "main", push = true, remote = "origin"}
if merged.commit then log("released", merged.commit) end
