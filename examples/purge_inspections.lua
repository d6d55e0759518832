-- Arguments and confirmations: delete dev's inspections older than DAYS days.
--
--   beekrun examples/purge_inspections.lua 90          # asks first
--   beekrun --yes examples/purge_inspections.lua 90    # for scripts
--
-- args holds the words after the script (beekrun's own flags go before it). confirm() returns
-- only when the answer is yes: declining, or no terminal without --yes, stops the run.

local days = tonumber(args[1])
if not days or days < 1 then abort("usage: beekrun examples/purge_inspections.lua DAYS (a whole number of days)") end

local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev"}
local old = query(dev, "select count(*) as n from public.inspections where inspected_at < now() - make_interval(days => $1)", days)[1].n
if old == 0 then
  log("no inspection is older than", days, "days")
  return
end
confirm(string.format("delete %d inspections older than %d days from dev?", old, days))
local deleted = exec(dev, "delete from public.inspections where inspected_at < now() - make_interval(days => $1)", days)
log("deleted", deleted or "(dry run: unknown)", "inspections")
