import BeekrunKit
import Foundation
import Testing
import TestSupport

private let shopDDL = """
    create table customers (id serial primary key, name text not null);
    create table orders (id serial primary key, customer_id int not null references customers, total numeric(10,2));
    create table audit (id serial primary key, what text);
    create function log_order() returns trigger language plpgsql as $$
    begin insert into audit (what) values ('order ' || new.id); return new; end $$;
    create trigger order_logged after insert on orders for each row execute function log_order();
    """
private let shopData = """
    insert into customers (name) select 'customer ' || g from generate_series(1, 50) g;
    insert into orders (customer_id, total) select 1 + g % 50, g * 1.25 from generate_series(1, 200) g;
    """

@Suite("Restore safety")
struct RestoreSafetyTests {
    func shop() throws -> (src: PGConnection, dst: PGConnection, backup: BackupResult) {
        let (src, dst, _, _) = try DataFixtures.pair(shopDDL, data: shopData)
        let backup = try BackupWriter.run(src, BackupOptions(directory: try DataFixtures.backupDirectory(), label: "shop"))
        // The target has its own rows, which a refused restore must leave alone.
        try dst.execute("insert into customers (name) values ('dev only'); insert into orders (customer_id, total) values (1, 9.99);")
        return (src, dst, backup)
    }

    func snapshot(_ db: PGConnection) throws -> [String] {
        try ["customers", "orders", "audit"].map { try DataFixtures.digest(db, $0) }
    }

    func file(of table: String, in backup: BackupResult) -> String {
        backup.path + "/" + backup.manifest.tables.first { $0.name == table }!.file
    }

    @Test("a truncated table file is refused, naming the table; the target is unchanged")
    func truncatedFile() throws {
        let (_, dst, backup) = try shop()
        let before = try snapshot(dst)
        let path = file(of: "orders", in: backup)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 40).write(to: URL(fileURLWithPath: path))
        do {
            _ = try Restorer.run(dst, from: backup.path)
            Issue.record("expected a refusal")
        } catch let error as BeekError {
            #expect(error.description.contains("public.orders"))
            #expect(error.description.contains("truncated"))
        }
        #expect(throws: BeekError.self) { _ = try Restorer.plan(dst, from: backup.path) }
        #expect(try snapshot(dst) == before)
        #expect(!dst.inTransaction)
    }

    @Test("an edited table file (same size) is refused; the target is unchanged")
    func editedFile() throws {
        let (_, dst, backup) = try shop()
        let before = try snapshot(dst)
        let path = file(of: "customers", in: backup)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "customer 7\"", with: "customer 8\"")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try Restorer.run(dst, from: backup.path)
            Issue.record("expected a refusal")
        } catch let error as BeekError {
            #expect(error.description.contains("public.customers"))
            #expect(error.description.contains("checksum"))
        }
        #expect(try snapshot(dst) == before)
    }

    @Test("a missing table file or a missing manifest is refused")
    func partialBackup() throws {
        let (_, dst, backup) = try shop()
        let before = try snapshot(dst)
        try FileManager.default.removeItem(atPath: file(of: "orders", in: backup))
        #expect(throws: BeekError.self) { _ = try Restorer.run(dst, from: backup.path) }
        try FileManager.default.removeItem(atPath: backup.path + "/manifest.json")
        do {
            _ = try Restorer.run(dst, from: backup.path)
            Issue.record("expected a refusal")
        } catch let error as BeekError {
            #expect(error.description.contains("partial backup"))
        }
        #expect(try snapshot(dst) == before)
    }

    @Test("a failure while loading rolls everything back")
    func failureRollsBack() throws {
        let (_, dst, backup) = try shop()
        let before = try snapshot(dst)
        // The target's column is too narrow for the source's values: COPY fails mid-restore.
        try dst.execute("alter table orders alter column total type numeric(3,2) using 0")
        let narrowed = try snapshot(dst)
        #expect(throws: BeekError.self) { _ = try Restorer.run(dst, from: backup.path) }
        #expect(try snapshot(dst) == narrowed)
        #expect(before[0] == narrowed[0])
        #expect(!dst.inTransaction)
        #expect(try dst.scalar("select current_setting('session_replication_role')") == "origin")
    }

    @Test("restore replaces the target's rows and no user trigger fires")
    func replacesRows() throws {
        let (src, dst, backup) = try shop()
        let plan = try Restorer.plan(dst, from: backup.path)
        #expect(plan.tables.map(\.name) == ["public.audit", "public.customers", "public.orders"])
        #expect(plan.rows == 450) // 50 customers, 200 orders, 200 audit rows their trigger wrote
        #expect(plan.existingRows == 3) // 1 customer, 1 order and its audit row
        #expect(plan.sequences == ["public.audit_id_seq", "public.customers_id_seq", "public.orders_id_seq"])
        let result = try Restorer.run(dst, from: backup.path)
        #expect(result.rows == 450)
        #expect(try snapshot(dst) == snapshot(src))
        #expect(try dst.scalar("select count(*) from audit") == "200") // 400 if the trigger had fired
        #expect(try dst.scalar("select nextval('orders_id_seq')") == "201")
    }

    @Test("restoring some tables: sequences of those only; a referencing table with rows is refused")
    func someTables() throws {
        let (src, dst, backup) = try shop()
        // orders references customers and has rows: emptying customers alone would break it.
        do {
            _ = try Restorer.run(dst, from: backup.path, RestoreOptions(tables: ["customers"]))
            Issue.record("expected a refusal")
        } catch let error as BeekError {
            #expect(error.description.contains("public.orders"))
        }
        // orders alone would point at customers the target does not have: checked, refused.
        do {
            _ = try Restorer.run(dst, from: backup.path, RestoreOptions(tables: ["orders"]))
            Issue.record("expected a refusal")
        } catch let error as BeekError {
            #expect(error.description.contains("orders_customer_id_fkey"))
        }
        #expect(try dst.scalar("select count(*) from orders") == "1")
        let result = try Restorer.run(dst, from: backup.path, RestoreOptions(tables: ["public.orders", "customers"]))
        #expect(result.tables.map(\.name) == ["public.customers", "public.orders"])
        #expect(result.sequences == ["public.customers_id_seq", "public.orders_id_seq"])
        #expect(try DataFixtures.digest(dst, "orders") == DataFixtures.digest(src, "orders"))
        #expect(try dst.scalar("select count(*) from audit") == "1") // not restored, kept
        #expect(throws: BeekError.self) { _ = try Restorer.run(dst, from: backup.path, RestoreOptions(tables: ["nope"])) }
        // With its customers present, orders alone restores.
        #expect(try Restorer.run(dst, from: backup.path, RestoreOptions(tables: ["orders"])).rows == 200)
    }

    @Test("a table missing in the target, or missing a column, is refused before any change")
    func targetMismatch() throws {
        let (_, dst, backup) = try shop()
        let before = try snapshot(dst)
        try dst.execute("alter table customers rename column name to full_name")
        do {
            _ = try Restorer.run(dst, from: backup.path)
            Issue.record("expected a refusal")
        } catch let error as BeekError {
            #expect(error.description.contains("public.customers"))
            #expect(error.description.contains("\"name\""))
        }
        try dst.execute("alter table customers rename column full_name to name; drop table audit")
        #expect(throws: BeekError.self) { _ = try Restorer.run(dst, from: backup.path) }
        #expect(try DataFixtures.digest(dst, "customers") == before[0])
    }

    @Test("inside the caller's transaction it opens none, and the caller decides")
    func callerTransaction() throws {
        let (src, dst, backup) = try shop()
        let before = try snapshot(dst)
        try dst.execute("BEGIN")
        _ = try Restorer.run(dst, from: backup.path)
        #expect(dst.inTransaction)
        #expect(try DataFixtures.digest(dst, "orders") == DataFixtures.digest(src, "orders"))
        #expect(try dst.scalar("select current_setting('DateStyle')") == "ISO, MDY")
        #expect(try dst.scalar("select current_setting('session_replication_role')") == "origin")
        try dst.execute("ROLLBACK")
        #expect(try snapshot(dst) == before)
    }

    @Test("without replica mode (not superuser) FKs and triggers are held off by the table owner")
    func ownerFallback() throws {
        let name = try DataFixtures.cluster.createDatabase("owner")
        let admin = try DataFixtures.cluster.connect(name)
        let role = "beek_owner_\(UInt16.random(in: 0...UInt16.max))"
        try admin.execute("create role \(role) login; grant create on schema public to \(role); grant create on database \(SQL.quoteIdent(name)) to \(role);")
        let owner = try PGConnection(ConnectionString(DataFixtures.cluster.url(name, user: role)))
        let ddl = """
            create table node (id int primary key, parent int references node, other int);
            create table edge (id int primary key, node_id int references node);
            alter table node add constraint node_other_fk foreign key (other) references edge deferrable;
            create table log (what text);
            create table reading (at int, node_id int references node) partition by range (at);
            create table reading_1 partition of reading for values from (0) to (100);
            create function log_node() returns trigger language plpgsql as $$
            begin insert into log values ('node'); return new; end $$;
            create trigger node_logged after insert on node for each row execute function log_node();
            """
        try owner.execute(ddl)
        try owner.execute("""
            begin; set constraints all deferred;
            insert into node values (1, 2, 10), (2, 1, null), (3, 3, 10); insert into edge values (10, 1);
            insert into reading values (5, 3);
            commit; truncate log;
            """)
        let backup = try BackupWriter.run(owner, BackupOptions(directory: try DataFixtures.backupDirectory(), label: "owner"))
        try owner.execute("truncate node, edge, log, reading")
        let result = try Restorer.run(owner, from: backup.path)
        #expect(result.mode == .constraintsDropped)
        #expect(try owner.scalar("select count(*) from node") == "3")
        #expect(try owner.scalar("select count(*) from log") == "0")
        // The keys and the trigger are back, as they were.
        #expect(try owner.scalar("select count(*) from pg_constraint where contype = 'f' and conparentid = 0") == "4")
        #expect(try owner.scalar("select count(*) from reading_1") == "1")
        #expect(try owner.scalar("select condeferrable from pg_constraint where conname = 'node_other_fk'") == "t")
        #expect(try owner.scalar("select tgenabled::text from pg_trigger where tgname = 'node_logged'") == "O")
        #expect(throws: BeekError.self) { try owner.execute("insert into edge values (11, 999)") }
    }
}
