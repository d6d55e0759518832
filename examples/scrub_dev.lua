-- Scrub personal data in dev after a sync, so a cloned production database can be shared
-- with the whole team. Run it right after sync.lua:
--
--   beekrun --yes sync.lua && beekrun examples/scrub_dev.lua
--
-- Every user keeps their id (so foreign keys and test logins by id still work), but emails,
-- phones, names and passwords become fake. Everyone's password is "password" afterwards.

local dev <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev"}

-- Refuse to run anywhere that looks like production.
if dev.production then abort("scrub_dev must never run on production") end

transaction(dev, function()
  local users = exec(dev, [[
    update auth.users set
      email = 'user-' || left(id::text, 8) || '@example.invalid',
      phone = null,
      raw_user_meta_data = jsonb_build_object('full_name', 'User ' || left(id::text, 8)),
      encrypted_password = crypt('password', gen_salt('bf', 4))
  ]])
  exec(dev, [[
    update auth.identities set identity_data = identity_data
      || jsonb_build_object('email', 'user-' || left(user_id::text, 8) || '@example.invalid')
  ]])
  exec(dev, "update public.profiles set full_name = 'User ' || left(id::text, 8), username = null")
  log("scrubbed", users, "users")
end)

-- Prove it: no real address is left.
local left = query(dev, "select count(*) as n from auth.users where email not like '%@example.invalid'")[1].n
if left > 0 then abort(left .. " users still have a real email address") end
