-- A first runbook: connect, read, write in a transaction. Try it with --dry-run too.
local db <close> = connect{url = env("DEV_DATABASE_URL"), name = "dev"}

local before = query(db, "select count(*) as n from notes")[1].n
log("dev has", before, "notes")

transaction(db, function()
  exec(db, "insert into notes(body) values ($1)", "written by beekrun at " .. os.date("!%Y-%m-%dT%H:%M:%SZ"))
end)

for _, row in ipairs(query(db, "select id, body from notes order by id")) do
  print(row.id, row.body)
end
