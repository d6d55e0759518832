-- Loops and transactions: give every hive a name that says whose it is, one hive at a time.
-- The whole backfill is one transaction; each hive is a nested transaction (a savepoint), so a
-- hive that fails (here: a name too long for the check below) rolls back alone and the loop
-- goes on, instead of leaving the outer transaction aborted.
--
--   beekrun --dry-run examples/backfill_hive_names.lua
--   beekrun examples/backfill_hive_names.lua

local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev"}

local done, failed = 0, {}
transaction(dev, function()
  for _, hive in ipairs(query(dev, [[
      select h.id, h.name, coalesce(p.username, p.full_name, 'someone') as owner
      from public.hives h join public.profiles p on p.id = h.owner order by h.id]])) do
    local ok, err = pcall(transaction, dev, function()
      local name = hive.owner .. "'s " .. hive.name
      if #name > 40 then error("name too long: " .. name) end
      exec(dev, "update public.hives set name = $1 where id = $2", name, hive.id)
    end)
    if ok then done = done + 1 else failed[#failed + 1] = hive.id; log("hive", hive.id, "skipped:", err) end
  end
end)
log(done, "hives renamed,", #failed, "skipped")
