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
-- What stays in prod, never copied (Supabase): Vault secrets, pg_cron jobs, and the files of
-- Storage (they live in object storage; only the bucket settings are rows we copy).
local stays = platform_state(prod)
log("never copied: " .. stays.vault_secrets .. " vault secret(s), " .. #stays.cron_jobs .. " cron job(s), "
    .. stays.storage_objects .. " storage object(s) stay in prod")

local cloned
transaction(dev, function()
  nuke(dev, {schemas = {"public"}})
  -- Webhooks (supabase_functions.http_request, net.http_post …) are cloned disabled, so dev
  -- never calls prod's endpoints. With PROD_WEBHOOK_URL and DEV_WEBHOOK_URL set (e.g.
  -- https://<ref>.supabase.co), webhooks to prod's URL are rewritten to call dev's instead.
  local webhooks = "disable"
  if env("PROD_WEBHOOK_URL", "") ~= "" then
    webhooks = {from = env("PROD_WEBHOOK_URL"), to = env("DEV_WEBHOOK_URL")}
  end
  cloned = clone_schema(prod, dev, {schemas = {"public"}, webhooks = webhooks})  -- indexes and keys come after the rows
  clone_auth(prod, dev)                             -- conflicting dev users are replaced
  restore(dev, prod_backup)
  clone_buckets(prod, dev)                          -- storage.buckets rows; dev's object rows stay
end)

-- 3. Verify: the schemas match, and every table holds the same rows as prod's (row counts and
--    row checksums computed on each server; no row crosses the network).
if dry_run then
  log("verification runs after a real sync")
  return
end

local drift = diff(prod, dev)
-- The webhooks disabled (or rewritten) above are the one intended difference.
local disabled = {}
for _, name in ipairs(cloned.outbound.disabled and cloned.outbound.diff_names or {}) do disabled[name] = true end
local unexpected = 0
for _, change in ipairs(drift.changes) do
  if not (change.kind == "trigger" and disabled[change.name]) then unexpected = unexpected + 1 end
end
if unexpected > 0 then
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
