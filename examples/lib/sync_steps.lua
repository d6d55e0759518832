-- Shared steps for runbooks that rebuild dev from prod (require("lib.sync_steps")).
-- A module is a plain Lua file that returns a table; beekrun's require() finds it next to the
-- running runbook or in runbooks/, and loads it once.
local M = {}

--- Backs up prod, then rebuilds dev from it in one transaction: all of it lands, or none.
--- Returns the prod backup (a plain table: path, label, time, tables, rows, bytes).
function M.rebuild_dev(prod, dev)
  local prod_backup = backup(prod, {label = "prod"})
  backup(dev, {label = "dev"})   -- dev's own work is not lost to the reset
  transaction(dev, function()
    nuke(dev, {schemas = {"public"}})
    clone_schema(prod, dev, {schemas = {"public"}})
    clone_auth(prod, dev)
    restore(dev, prod_backup)
  end)
  return prod_backup
end

return M
