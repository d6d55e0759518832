import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Issue 15, item 10: `backup(prod, {where = {["public.orders"] = "…"}})` backs up a slice,
/// `restore(dev, it)` loads it with foreign keys satisfied, through the real CLI.
@Suite("Subsets (backup where=)")
struct SubsetTests {
    let cluster = PostgresCluster.shared

    /// Customers 1–10; orders 1–100 (customer = id % 10 + 1); items 1–300 (order = id % 100 + 1);
    /// events partitioned by time: 100 before 2026 (ids 1–100), 100 from 2026 on (ids 101–200).
    static let schema = """
        create table customers (id int primary key, name text);
        create table orders (id int primary key, customer_id int not null references customers, total numeric);
        create table order_items (id int primary key, order_id int not null references orders, qty int);
        create table events (id bigint not null, created_at timestamptz not null, note text, primary key (id, created_at)) partition by range (created_at);
        create table events_old partition of events for values from ('2000-01-01') to ('2026-01-01');
        create table events_new partition of events for values from ('2026-01-01') to ('2100-01-01');
        create table event_tags (event_id bigint, created_at timestamptz, tag text, foreign key (event_id, created_at) references events);
        """
    static let data = """
        insert into customers select g, 'c' || g from generate_series(1, 10) g;
        insert into orders select g, g % 10 + 1, g * 1.5 from generate_series(1, 100) g;
        insert into order_items select g, g % 100 + 1, g from generate_series(1, 300) g;
        insert into events select g, timestamptz '2025-01-01' + g * interval '1 day', 'e' || g from generate_series(1, 100) g;
        insert into events select g, timestamptz '2026-01-01' + (g - 100) * interval '1 day', 'e' || g from generate_series(101, 200) g;
        insert into event_tags select id, created_at, 'tag' from events;
        """

    /// prod with data, dev with the same tables and a few rows of its own.
    func databases() throws -> (prod: String, dev: String, env: [String: String]) {
        let prod = try cluster.createDatabase("subp"), dev = try cluster.createDatabase("subd")
        _ = try cluster.psql(prod, Self.schema + Self.data)
        _ = try cluster.psql(dev, Self.schema + "insert into customers values (99, 'dev'); insert into orders values (99, 99, 0);")
        return (prod, dev, ["PROD": cluster.url(prod), "DEV": cluster.url(dev)])
    }

    func backupFolders(_ cli: BeekrunCLI) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cli.directory + "/backups")) ?? []).filter { $0 != "beekrun-audit.jsonl" }
    }

    static let slice = """
        local prod <close> = connect{url = env('PROD'), name = 'prod', readonly = true}
        local dev <close> = connect{url = env('DEV'), name = 'dev'}
        local b = backup(prod, {label = 'slice', where = {
          ['public.orders'] = "id > 70",
          ['order_items'] = "order_id in (select id from public.orders where id > 70)",
          ['public.events'] = "id > 150 and created_at > '2025-06-01' -- a comment at the end",
          ['public.event_tags'] = "event_id > 150",
        }})
        print('rows', b.table_rows['public.orders'], b.table_rows['public.order_items'], b.table_rows['public.events_new'],
              b.table_rows['public.events_old'], b.table_rows['public.customers'], b.table_rows['public.event_tags'])
        print('where', b.where['public.orders'], b.where['public.events_new'], b.where['public.customers'])
        local r = restore(dev, b)
        print('restored', r.tables, r.rows)
        local listed = list_backups{label = 'slice'}
        print('listed', #listed, listed[1] and listed[1].where and listed[1].where['public.orders'])
        """

    @Test("a slice is backed up and restored: exact counts in the dry run and for real, dev's foreign keys hold, the manifest records each filter")
    func sliceBackedUpAndRestored() throws {
        let (_, dev, env) = try databases()
        let cli = try BeekrunCLI()
        // events: ids 151–200, all in the 2026 partition.
        let dry = try cli.runbook(Self.slice, flags: ["--dry-run"], environment: env)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.contains("rows\t30\t90\t50\t0\t10\t50"), "\(dry)")
        #expect(dry.stdout.contains("where\tid > 70\tid > 150 and created_at > '2025-06-01' -- a comment at the end\tnil"))
        #expect(dry.stderr.contains("public.orders: 30 rows (subset: where id > 70)"), "\(dry)")
        #expect(dry.stderr.contains("6 tables (5 subsets)"), "backup and restore name the subsets: \(dry)")
        #expect(dry.stderr.contains("public.order_items: 90 rows (subset: where order_id in"))
        #expect(backupFolders(cli).isEmpty)

        let real = try cli.runbook(Self.slice, flags: ["--yes"], environment: env)
        #expect(real.status == 0, "\(real)")
        #expect(real.stdout.contains("rows\t30\t90\t50\t0\t10\t50"), "\(real)")
        #expect(real.stdout.contains("restored\t6\t230"))
        #expect(real.stdout.contains("listed\t1\tid > 70"))
        #expect(real.stderr.contains("~ restore dev") || real.stderr.contains("restore dev"))
        #expect(real.stderr.contains("(5 subsets)"), "the restore step line says subset: \(real)")
        #expect(try cluster.psql(dev, "select count(*), min(id) from orders") == "30|71")
        #expect(try cluster.psql(dev, "select count(*) from order_items") == "90")
        #expect(try cluster.psql(dev, "select count(*), min(id) from events") == "50|151")
        #expect(try cluster.psql(dev, "select count(*) from customers") == "10")
        #expect(try cluster.psql(dev, "select count(*) from event_tags") == "50")
        // The keys hold (rows were loaded with checks held off: ask the data itself).
        #expect(try cluster.psql(dev, """
            select (select count(*) from order_items i where not exists (select 1 from orders o where o.id = i.order_id))
                 + (select count(*) from orders o where not exists (select 1 from customers c where c.id = o.customer_id))
                 + (select count(*) from event_tags t where not exists (select 1 from events e where (e.id, e.created_at) = (t.event_id, t.created_at)))
            """) == "0")

        let folder = backupFolders(cli).first { $0.hasPrefix("slice_") }!
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cli.directory + "/backups/" + folder + "/manifest.json"))) as! [String: Any]
        let filters = Dictionary(uniqueKeysWithValues: (manifest["tables"] as! [[String: Any]]).map { ($0["name"] as! String, $0["where"] as? String) })
        #expect(filters["orders"] == "id > 70")
        #expect(filters["events_new"] == "id > 150 and created_at > '2025-06-01' -- a comment at the end", "a filter on a partitioned table applies to its partitions")
        #expect(filters["events_old"] == "id > 150 and created_at > '2025-06-01' -- a comment at the end")
        #expect(filters["customers"] == .some(nil), "whole tables have no where field")

        // Restoring the backup from its path says subset too, in the dry run's plan.
        let again = try cli.runbook("""
            local dev <close> = connect{url = env('DEV'), name = 'dev'}
            restore(dev, list_backups{label = 'slice'}[1])
            """, name: "again.lua", flags: ["--dry-run"], environment: env)
        #expect(again.status == 0, "\(again)")
        #expect(again.stderr.contains("public.orders: 30 rows (subset: where id > 70), replacing 30"), "\(again)")
    }

    @Test("a filter that would orphan rows is refused with the key, both tables, the count and a suggested filter; dry run alike; nothing written")
    func orphansRefused() throws {
        let (prod, dev, env) = try databases()
        let cli = try BeekrunCLI()
        let devBefore = try cluster.pgDump(dev)
        let script = """
            local prod <close> = connect{url = env('PROD'), name = 'prod', readonly = true}
            local dev <close> = connect{url = env('DEV'), name = 'dev'}
            restore(dev, backup(prod, {where = {['public.orders'] = "id > 70"}}))
            """
        for flags in [["--dry-run"], ["--yes"]] {
            let r = try cli.runbook(script, flags: flags, environment: env)
            #expect(r.status == 1, "\(r)")
            // Items 1–300 reference order id % 100 + 1: those of orders 1–70 are 210 rows.
            #expect(r.stderr.contains("test.lua:3:"), "\(r)")
            #expect(r.stderr.contains("order_items_order_id_fkey") && r.stderr.contains("210 kept rows of public.order_items"), "\(r)")
            #expect(r.stderr.contains("rows of public.orders that its filter leaves out"))
            #expect(r.stderr.contains(#"where = {["public.order_items"] = [[order_id IN (SELECT id FROM public.orders WHERE id > 70)]]}"#), "\(r)")
            #expect(backupFolders(cli).isEmpty, "no backup folder, not even a partial one")
        }
        #expect(try cluster.pgDump(dev) == devBefore)

        // The suggestion works as written; a child filtered on its own is kept with it.
        let fixed = try cli.runbook("""
            local prod <close> = connect{url = env('PROD'), name = 'prod', readonly = true}
            local b = backup(prod, {where = {['public.orders'] = "id > 70", ['public.order_items'] = [[order_id IN (SELECT id FROM public.orders WHERE id > 70)]]}})
            print(b.table_rows['public.order_items'])
            """, name: "fixed.lua", environment: env)
        #expect(fixed.status == 0 && fixed.stdout.contains("90"), "\(fixed)")

        // A parent filtered under a child that is filtered too: the suggestion keeps the child's filter.
        let both = try cli.runbook("""
            local prod <close> = connect{url = env('PROD'), name = 'prod', readonly = true}
            backup(prod, {tables = {'customers', 'orders'}, where = {customers = "id <= 5", orders = "total > 30"}})
            """, name: "both.lua", flags: ["--dry-run"], environment: env)
        // Orders 20–100 (total > 30) of customers 6–10: ids ending in 5–9, 40 of them.
        #expect(both.status == 1, "\(both)")
        #expect(both.stderr.contains("40 kept rows of public.orders") && both.stderr.contains("orders_customer_id_fkey"), "\(both)")
        #expect(both.stderr.contains("[[(total > 30) AND customer_id IN (SELECT id FROM public.customers WHERE id <= 5)]]"), "\(both)")
        // A filtered partitioned table: its dropped rows are looked for in every partition.
        let partitioned = try cli.runbook("""
            local prod <close> = connect{url = env('PROD'), name = 'prod', readonly = true}
            backup(prod, {tables = {'events', 'event_tags'}, where = {events = "id > 150"}})
            """, name: "partitioned.lua", flags: ["--dry-run"], environment: env)
        #expect(partitioned.status == 1, "\(partitioned)")
        #expect(partitioned.stderr.contains("150 kept rows of public.event_tags reference rows of public.events"), "\(partitioned)")
        #expect(partitioned.stderr.contains("[[(event_id, created_at) IN (SELECT id, created_at FROM public.events WHERE id > 150)]]"), "\(partitioned)")
        _ = prod
    }

    @Test("a filter that is not one expression, is transaction control, does not parse or writes is refused naming the line and the table")
    func badFilters() throws {
        let (prod, _, env) = try databases()
        _ = try cluster.psql(prod, "create table audit (n int); create function public.bump() returns int language sql as 'insert into public.audit values (1) returning 1'")
        let cli = try BeekrunCLI()
        func failure(_ filter: String, _ extra: String = "", flags: [String] = []) throws -> String {
            let r = try cli.runbook("""
                local prod <close> = connect{url = env('PROD'), name = 'prod'}
                \(extra)backup(prod, {where = {['public.orders'] = \(filter)}})
                """, flags: flags, environment: env)
            #expect(r.status == 1, "\(r)")
            #expect(r.stderr.contains("test.lua:2:"), "\(r)")
            return r.stderr
        }
        for flags in [["--dry-run"], []] {
            #expect(try failure("'1; drop table orders'", flags: flags).contains(#"where["public.orders"]: it holds a ';'"#))
            #expect(try failure("'id > 1;'", flags: flags).contains("it holds a ';'"))
            #expect(try failure("'commit'", flags: flags).contains("'COMMIT' is transaction control"))
            #expect(try failure("'id > 1) or (true'", flags: flags).contains("closes a parenthesis it did not open"))
            #expect(try failure("\"note = 'x\"", flags: flags).contains("unclosed string"))
            #expect(try failure("'id > 1 /* x'", flags: flags).contains("unclosed comment"))
            let syntax = try failure("'id >'", flags: flags)
            #expect(syntax.contains("where filter of public.orders (id >)") && syntax.contains("SQLSTATE 42601"), "\(syntax)")
            let column = try failure("'idd > 1'", flags: flags)
            #expect(column.contains("SQLSTATE 42703") && column.contains("public.orders"))
            let unqualified = try failure("'id in (select id from customers)'", flags: flags)
            #expect(unqualified.contains("SQLSTATE 42P01") && unqualified.contains("search_path = pg_catalog"), "\(unqualified)")
            // The snapshot is read only: the server refuses a write, in the caller's transaction too.
            #expect(try failure("'public.bump() > 0'", flags: flags).contains("SQLSTATE 25006"))
        }
        let inTransaction = try cli.runbook("""
            local prod <close> = connect{url = env('PROD'), name = 'prod'}
            transaction(prod, function() backup(prod, {where = {['public.orders'] = 'public.bump() > 0'}}) end)
            """, environment: env)
        #expect(inTransaction.status == 1 && inTransaction.stderr.contains("SQLSTATE 25006"), "\(inTransaction)")
        #expect(try cluster.psql(prod, "select count(*) from audit") == "0")
        // A good filter inside a transaction: the transaction goes on, its settings as before.
        let ok = try cli.runbook("""
            local prod <close> = connect{url = env('PROD'), name = 'prod'}
            transaction(prod, function()
              local b = backup(prod, {label = 'tx', where = {['public.orders'] = 'id > 70', order_items = 'false'}})
              exec(prod, 'insert into public.audit values (2)')
              print('tx', b.table_rows['public.orders'], query(prod, 'show search_path')[1].search_path)
            end)
            """, name: "tx.lua", environment: env)
        #expect(ok.status == 0 && ok.stdout.contains("tx\t30\t\"$user\", public"), "\(ok)")
        #expect(try cluster.psql(prod, "select count(*) from audit") == "1")
        #expect(backupFolders(cli).count == 1)

        // Keys: a typo gets did-you-mean, a table left out of the backup is refused.
        let typo = try failure("'true', ['public.ordres'] = 'true'")
        #expect(typo.contains(#"where key "public.ordres" names no table"#) && typo.contains("did you mean 'public.orders'?"), "\(typo)")
        let r = try cli.runbook("""
            local prod <close> = connect{url = env('PROD'), name = 'prod'}
            backup(prod, {tables = {'customers'}, where = {orders = 'id > 1'}})
            """, environment: env)
        #expect(r.status == 1 && r.stderr.contains(#"where key "orders" names a table that is not in this backup"#), "\(r)")
        let notText = try failure("42")
        #expect(notText.contains(#"where["public.orders"] must be a string"#), "\(notText)")
    }

    @Test("references out of a subset to tables left out are checked by restore against the target, the dry run reading the planned filter")
    func referencesOutOfSubset() throws {
        let (_, dev, env) = try databases()
        _ = try cluster.psql(dev, "insert into customers select g, 'dev' || g from generate_series(1, 5) g")
        let cli = try BeekrunCLI()
        func run(_ filter: String, _ flags: [String]) throws -> BeekrunCLI.Result {
            try cli.runbook("""
                local prod <close> = connect{url = env('PROD'), name = 'prod', readonly = true}
                local dev <close> = connect{url = env('DEV'), name = 'dev'}
                restore(dev, backup(prod, {tables = {'orders'}, where = {orders = "\(filter)"}}))
                """, flags: flags, environment: env)
        }
        for flags in [["--dry-run"], ["--yes"]] {
            // Orders of customers 6–10 reference rows dev lacks: refused, dry run alike.
            let broken = try run("id > 50", flags)
            #expect(broken.status == 1 && broken.stderr.contains("missing from customers (foreign key orders_customer_id_fkey)"), "\(broken)")
            #expect(try cluster.psql(dev, "select count(*) from orders") == "1")
        }
        // Only orders of customers 1–5 (which dev has): the dry run, checking the filtered rows, agrees with the real run.
        for flags in [["--dry-run"], ["--yes"]] {
            let ok = try run("customer_id <= 5", flags)
            #expect(ok.status == 0, "\(ok)")
        }
        #expect(try cluster.psql(dev, "select count(*) from orders") == "50")
    }

    @Test("hostile table and column names as where keys: quotes, spaces, capitals, unicode")
    func hostileNames() throws {
        let prod = try cluster.createDatabase("subh"), dev = try cluster.createDatabase("subh")
        let schema = """
            create schema "Mÿ Schema";
            create table "Mÿ Schema"."Pa""rent tåble" ("Ïd" int primary key);
            create table "Mÿ Schema"."chïld 'x'" (id int primary key, "Pa rent" int references "Mÿ Schema"."Pa""rent tåble");
            """
        _ = try cluster.psql(prod, schema + """
            insert into "Mÿ Schema"."Pa""rent tåble" select g from generate_series(1, 10) g;
            insert into "Mÿ Schema"."chïld 'x'" select g, g from generate_series(1, 10) g;
            """)
        _ = try cluster.psql(dev, schema)
        let env = ["PROD": cluster.url(prod), "DEV": cluster.url(dev)]
        let cli = try BeekrunCLI()
        let orphan = try cli.runbook("""
            local prod <close> = connect{url = env('PROD'), name = 'prod'}
            backup(prod, {schemas = {'Mÿ Schema'}, where = {['Mÿ Schema.Pa"rent tåble'] = '"Ïd" > 4'}})
            """, environment: env)
        #expect(orphan.status == 1, "\(orphan)")
        #expect(orphan.stderr.contains("4 kept rows of Mÿ Schema.chïld 'x'"), "\(orphan)")
        #expect(orphan.stderr.contains(#"[["Pa rent" IN (SELECT "Ïd" FROM "Mÿ Schema"."Pa""rent tåble" WHERE "Ïd" > 4)]]"#), "\(orphan)")
        let r = try cli.runbook("""
            local prod <close> = connect{url = env('PROD'), name = 'prod'}
            local dev <close> = connect{url = env('DEV'), name = 'dev'}
            local b = backup(prod, {schemas = {'Mÿ Schema'}, where = {
              ['Mÿ Schema.Pa"rent tåble'] = '"Ïd" > 4',
              ["Mÿ Schema.chïld 'x'"] = [["Pa rent" IN (SELECT "Ïd" FROM "Mÿ Schema"."Pa""rent tåble" WHERE "Ïd" > 4)]],
            }})
            print(restore(dev, b).rows)
            """, name: "ok.lua", flags: ["--yes"], environment: env)
        #expect(r.status == 0 && r.stdout.contains("12"), "\(r)")
        #expect(try cluster.psql(dev, #"select count(*) from "Mÿ Schema"."chïld 'x'""#) == "6")
    }
}
