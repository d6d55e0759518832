import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Folders written by the old Node scripts: `<table>.json` holding `JSON.stringify(rows)`
/// of node-postgres rows (numbers, ISO timestamps, objects for jsonb, arrays for arrays).
@Suite("Restore legacy folders")
struct RestoreLegacyTests {
    let ddl = """
        create table customers (id serial primary key, name text, tags text[], meta jsonb,
                                created_at timestamptz, balance numeric, active boolean);
        create table orders (id bigserial primary key, customer_id int not null references customers, note text);
        """

    func write(_ files: [String: String]) throws -> String {
        let dir = try DataFixtures.backupDirectory() + "/production_2024-05-01"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    let customers = """
        [
          {"id": 1, "name": "Ada", "tags": ["a", "b,c"], "meta": {"plan": "pro", "n": [1, 2]},
           "created_at": "2024-01-02T03:04:05.678Z", "balance": "12345678901234567890.5", "active": true},
          {"id": 7, "name": "Line\\nbreak \\"q\\" \\\\", "tags": [], "meta": null,
           "created_at": null, "balance": "0", "active": false}
        ]
        """
    let orders = """
        [{"id": "3", "customer_id": 7, "note": null}, {"id": "41", "customer_id": 1, "note": "😀"}]
        """

    @Test("a folder of <table>.json arrays restores, FKs in any order, sequences after the highest id")
    func legacyFolder() throws {
        let db = try DataFixtures.cluster.connect(try DataFixtures.cluster.createDatabase("legacy"))
        try db.execute(ddl)
        try db.execute("insert into customers (name) values ('dev')")
        let dir = try write(["orders.json": orders, "customers.json": customers])
        let plan = try Restorer.plan(db, from: dir)
        #expect(plan.legacy)
        #expect(plan.tables.map(\.name) == ["public.customers", "public.orders"])
        #expect(plan.rows == 4)
        #expect(plan.existingRows == 1)

        let result = try Restorer.run(db, from: dir)
        #expect(result.legacy)
        #expect(result.rows == 4)
        let ada = try db.query("select name, tags::text, meta::text, created_at::text, balance::text, active from customers where id = 1")
        #expect(ada.value(0, 0) == "Ada")
        #expect(ada.value(0, 1) == "{a,\"b,c\"}")
        #expect(ada.value(0, 2) == #"{"n": [1, 2], "plan": "pro"}"#)
        #expect(ada.value(0, 3) == "2024-01-02 03:04:05.678+00")
        #expect(ada.value(0, 4) == "12345678901234567890.5")
        #expect(ada.value(0, 5) == "t")
        #expect(try db.scalar("select name from customers where id = 7") == "Line\nbreak \"q\" \\")
        #expect(try db.scalar("select note from orders where id = 41") == "😀")
        #expect(try db.scalar("select count(*) from customers where name = 'dev'") == "0")
        #expect(try db.scalar("insert into customers (name) values ('next') returning id") == "8")
        #expect(try db.scalar("insert into orders (customer_id) values (1) returning id") == "42")
    }

    @Test("a damaged legacy file or an unknown column is refused before any change")
    func legacyRefusals() throws {
        let db = try DataFixtures.cluster.connect(try DataFixtures.cluster.createDatabase("legacy"))
        try db.execute(ddl)
        try db.execute("insert into customers (name) values ('dev')")
        let broken = try write(["customers.json": customers, "orders.json": String(orders.dropLast(5))])
        do {
            _ = try Restorer.run(db, from: broken)
            Issue.record("expected a refusal")
        } catch let error as BeekError {
            #expect(error.description.contains("public.orders"))
        }
        let unknown = try write(["customers.json": #"[{"id": 1, "nickname": "x"}]"#])
        do {
            _ = try Restorer.run(db, from: unknown)
            Issue.record("expected a refusal")
        } catch let error as BeekError {
            #expect(error.description.contains("nickname"))
        }
        #expect(try db.scalar("select string_agg(name, ',') from customers") == "dev")
    }
}
