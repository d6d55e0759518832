-- Replaces personal data in a development database (require("lib.scrub")).
local M = {}

--- Scrubs emails, phones, names and passwords; refuses a production connection.
--- Returns the number of users scrubbed (nil in a dry run, where it is unknown).
function M.scrub(dev)
  if dev.production then abort("scrubbing must never run on production") end
  local users
  transaction(dev, function()
    users = exec(dev, [[
      update auth.users set
        email = 'user-' || left(id::text, 8) || '@example.invalid', phone = null,
        raw_user_meta_data = jsonb_build_object('full_name', 'User ' || left(id::text, 8)),
        encrypted_password = crypt('password', gen_salt('bf', 4))
    ]])
    exec(dev, [[update auth.identities set identity_data = identity_data
      || jsonb_build_object('email', 'user-' || left(user_id::text, 8) || '@example.invalid')]])
    exec(dev, "update public.profiles set full_name = 'User ' || left(id::text, 8), username = null")
  end)
  return users
end

return M
