import BeekrunKit
import Foundation
import Testing
import TestSupport

@Suite("Verify: row checksums on each server")
struct VerifyTests {
    static let cluster = PostgresCluster.shared

    /// A source with a 1M-row table and a few small ones, and a copy of it (from the source
    /// as template, so the copy is fast and byte-identical to start with).
    static func pair(bigRows: Int = 1_000_000) throws -> (a: PGConnection, b: PGConnection) {
        let srcName = try cluster.createDatabase("vsrc")
        do {
            let src = try cluster.connect(srcName)
            try src.execute(#"""
                create table big (id int primary key, v text, n numeric, at timestamptz, f float8);
                insert into big select g, 'value ' || g, g / 7.0, timestamptz '2024-01-01' + g * interval '1 second', g / 3.0
                from generate_series(1, \#(bigRows)) g;
                create table "Odd ""name""" (k text, j jsonb);
                insert into "Odd ""name""" values ('a', '{"x": 1}'), ('b', null), (null, '[]');
                create table empty_one (id int);
                create table parted (id int, at date) partition by range (at);
                create table parted_a partition of parted for values from ('2020-01-01') to ('2021-01-01');
                insert into parted values (1, '2020-05-01'), (2, '2020-06-01');
                """#)
            src.close()
        }
        let copyName = try cluster.createDatabase("vdst")
        let admin = try cluster.connect("postgres")
        try admin.execute("DROP DATABASE \(SQL.quoteIdent(copyName))")
        try admin.execute("CREATE DATABASE \(SQL.quoteIdent(copyName)) TEMPLATE \(SQL.quoteIdent(srcName))")
        return (try cluster.connect(srcName), try cluster.connect(copyName))
    }

    static func table(_ r: VerifyResult, _ name: String) -> VerifiedTable? { r.tables.first { $0.name == name } }

    @Test("a 1M-row table: equal copies verify equal; one changed value, one missing row, one extra row are each caught")
    func oneMillionRows() throws {
        let (a, b) = try Self.pair()
        let same = try Verifier.run(a, b)
        #expect(same.equal)
        #expect(same.tables.map(\.name) == ["public.Odd \"name\"", "public.big", "public.empty_one", "public.parted_a"])
        #expect(Self.table(same, "public.big")?.rowsA == 1_000_000)
        #expect(Self.table(same, "public.big")?.rowsB == 1_000_000)

        // One changed value (committed, so the parallel path with exported snapshots runs).
        try b.execute("update big set v = 'value 500001' where id = 500000")
        var r = try Verifier.run(a, b)
        #expect(!r.equal)
        #expect(r.differing.map(\.name) == ["public.big"])
        #expect(Self.table(r, "public.big")?.rowsB == 1_000_000)
        #expect(Self.table(r, "public.big")?.reason == "same row count, different rows")
        // One missing row (and the changed value put back).
        try b.execute("update big set v = 'value 500000' where id = 500000; delete from big where id = 777")
        r = try Verifier.run(a, b)
        #expect(r.differing.map(\.name) == ["public.big"])
        #expect(Self.table(r, "public.big")?.rowsB == 999_999)
        #expect(Self.table(r, "public.big")?.reason == "1 row(s) fewer in b")

        // One extra row (and the missing one back): inside an open transaction on b, which
        // verify reads on b's own connection, seeing the uncommitted rows.
        try b.execute("BEGIN")
        try b.execute("insert into big values (777, 'value 777', 777 / 7.0, timestamptz '2024-01-01' + 777 * interval '1 second', 777 / 3.0)")
        try b.execute("insert into big values (1000001, 'extra', 0, now(), 0)")
        r = try Verifier.run(a, b)
        #expect(b.inTransaction) // verify leaves the caller's transaction open
        #expect(Self.table(r, "public.big")?.rowsB == 1_000_001)
        #expect(Self.table(r, "public.big")?.reason == "1 row(s) more in b")
        try b.execute("ROLLBACK")
    }

    @Test("a swapped value, a missing table, a NULL against an empty string and a dropped column are differences")
    func subtleDifferences() throws {
        let (a, b) = try Self.pair(bigRows: 1000)
        // Order does not matter: a row updated and put back lives elsewhere on disk.
        try b.execute("update big set v = 'x' where id = 5; update big set v = 'value 5' where id = 5")
        // Two values swapped between rows: same multiset of values per column, different rows.
        try b.execute(#"""
            update "Odd ""name""" set j = case k when 'a' then null else '{"x": 1}'::jsonb end where k in ('a', 'b');
            drop table empty_one;
            """#)
        var r = try Verifier.run(a, b)
        #expect(Self.table(r, "public.big")?.equal == true)
        #expect(Set(r.differing.map(\.name)) == ["public.Odd \"name\"", "public.empty_one"])
        #expect(Self.table(r, "public.empty_one")?.rowsB == nil)
        #expect(Self.table(r, "public.empty_one")?.reason == "missing in b")

        try a.execute("create table t (x text, y int); insert into t values (null, 1)")
        try b.execute("create table t (x text, y int); insert into t values ('', 1)")
        r = try Verifier.run(a, b, VerifyOptions(schemas: ["public"]))
        #expect(Self.table(r, "public.t")?.equal == false)
        try b.execute("update t set x = null")
        #expect(Self.table(try Verifier.run(a, b), "public.t")?.equal == true)
        try b.execute("alter table t drop column y")
        #expect(Self.table(try Verifier.run(a, b), "public.t")?.reason == "columns differ")
    }

    @Test("values hashed as they are (timestamps, uuids, bytea, text) and through their text (numeric scale, jsonb, -0, intervals) each catch one change")
    func everyColumnKindCatchesAChange() throws {
        let (a, b) = try Self.pair(bigRows: 10)
        let setup = #"""
            create table kinds (id int, at timestamptz, u uuid, raw bytea, s text, n numeric, j jsonb, f float8, i interval, tags text[]);
            insert into kinds values (1, '2024-01-01 00:00:00+00', '00000000-0000-0000-0000-000000000001', '\x00', 'a', 1.0,
                                      '{"n": 1.0}', 0, '1 day', '{a,b}'),
                                     (2, null, null, null, null, null, null, null, null, null);
            """#
        try a.execute(setup)
        try b.execute(setup)
        #expect(Self.table(try Verifier.run(a, b), "public.kinds")?.equal == true)
        let changes: [(set: String, back: String)] = [
            ("at = at + interval '1 microsecond'", "at = '2024-01-01 00:00:00+00'"),
            ("u = '00000000-0000-0000-0000-000000000002'", "u = '00000000-0000-0000-0000-000000000001'"),
            (#"raw = '\x01'"#, #"raw = '\x00'"#),
            ("s = 'A'", "s = 'a'"),
            ("n = 1.00", "n = 1.0"),                          // equal as numbers, not as values
            (#"j = '{"n": 1.00}'"#, #"j = '{"n": 1.0}'"#),
            ("f = '-0'", "f = 0"),
            ("i = '24 hours'", "i = '1 day'"),
            ("tags = '[0:1]={a,b}'", "tags = '{a,b}'"),       // same elements, other bounds
        ]
        for change in changes {
            try b.execute("update kinds set \(change.set) where id = 1")
            let r = try Verifier.run(a, b)
            #expect(Self.table(r, "public.kinds")?.reason == "same row count, different rows", "\(change.set)")
            try b.execute("update kinds set \(change.back) where id = 1")
        }
        #expect(Self.table(try Verifier.run(a, b), "public.kinds")?.equal == true)
    }

    @Test("an enum column verifies equal between databases whose enum types have different OIDs")
    func enumsCompareByLabel() throws {
        let (a, b) = try Self.pair(bigRows: 10)
        try b.execute("create type filler as enum ('x')") // the next type's OIDs differ between the two
        for db in [a, b] {
            try db.execute("create type mood as enum ('sad', 'happy'); create table moods (id int, m mood); insert into moods values (1, 'happy'), (2, 'sad')")
        }
        #expect(Self.table(try Verifier.run(a, b), "public.moods")?.equal == true)
        try b.execute("update moods set m = 'sad' where id = 1")
        #expect(Self.table(try Verifier.run(a, b), "public.moods")?.equal == false)
    }
}
