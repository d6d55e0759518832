@testable import BeekrunKit
import Foundation
import Testing
import TestSupport

/// The one dependency sort that orders clone and diff statements (`StatementGraph`).
@Suite("Statement graph")
struct StatementGraphTests {
    static func drop(_ kind: String, _ name: String, requires: Set<String> = []) -> SchemaStatement {
        var s = SchemaStatement(.drop, kind, name, "DROP \(kind.uppercased()) \(name);", phase: .drop)
        s.requires = requires
        return s
    }

    static func create(_ kind: String, _ name: String, requires: Set<String> = [], phase: SchemaStatement.Phase = .preData) -> SchemaStatement {
        var s = SchemaStatement(.create, kind, name, "CREATE \(kind.uppercased()) \(name) …;", phase: phase)
        s.provides = [StatementGraph.classKey(name)]
        s.requires = requires
        return s
    }

    @Test("a drop of a dependent goes before the drop of what it depends on")
    func dropsDependentsFirst() {
        let table = Self.drop("table", "public.t")
        let view = Self.drop("view", "public.v", requires: [StatementGraph.classKey("public.t")])
        let function = Self.drop("function", "public.f(public.v)", requires: [StatementGraph.classKey("public.v")])
        let other = Self.drop("view", "public.unrelated")
        let sorted = StatementGraph.order([table, other, view, function])
        #expect(sorted.map(\.name) == ["public.unrelated", "public.f(public.v)", "public.v", "public.t"])
    }

    @Test("a create goes after what it needs: creates, and in-place changes of the columns it reads")
    func createsAfterWhatTheyNeed() {
        let view = Self.create("view", "public.v", requires: [StatementGraph.routineKey("public.f(integer)"), StatementGraph.columnsKey("\"Odd\".\"t x\"")])
        var function = SchemaStatement(.create, "function", "public.f(integer)", "CREATE FUNCTION public.f(integer) …;", phase: .preData)
        function.provides = [StatementGraph.routineKey("public.f(integer)")]
        let column = SchemaStatement(sql: "ALTER TABLE ONLY \"Odd\".\"t x\" ADD COLUMN c integer;")
        let independent = SchemaStatement(sql: "ALTER SEQUENCE public.s OWNED BY NONE;")
        let sorted = StatementGraph.order([view, independent, function, column])
        #expect(sorted.map(\.sql) == [independent.sql, function.sql, column.sql, view.sql])
    }

    @Test("an object made again is dropped before it is created; post-data never holds up pre-data")
    func replacedAndPhases() {
        let create = Self.create("view", "public.v", requires: [StatementGraph.columnsKey("public.t")])
        let drop = Self.drop("view", "public.v")
        var grant = SchemaStatement(sql: "ALTER TABLE public.t OWNER TO x;")
        grant.phase = .postData
        let sorted = StatementGraph.order([create, drop, grant])
        #expect(sorted.map(\.sql) == [drop.sql, create.sql, grant.sql])
    }

    @Test("without edges, or in a cycle, statements keep the order they came in")
    func stableAndCycles() {
        let plain = (0..<5).map { SchemaStatement(sql: "SELECT \($0);") }
        #expect(StatementGraph.order(plain) == plain)
        let x = Self.create("view", "public.x", requires: [StatementGraph.classKey("public.y")])
        let y = Self.create("view", "public.y", requires: [StatementGraph.classKey("public.x")])
        let z = Self.create("view", "public.z", requires: [StatementGraph.classKey("public.x")])
        // Nothing is ready: the first waiting one goes, and the rest still wait for their needs.
        #expect(StatementGraph.order([y, z, x]).map(\.name) == ["public.y", "public.x", "public.z"])
    }

    @Test("a cycle is named in a hazard line on the statement released to break it; other statements get none")
    func cycleHazard() {
        let x = Self.create("view", "public.x", requires: [StatementGraph.classKey("public.y")])
        let y = Self.create("view", "public.y", requires: [StatementGraph.classKey("public.x")])
        let z = Self.create("view", "public.z", requires: [StatementGraph.classKey("public.x")])
        let free = SchemaStatement(sql: "SELECT 1;")
        let sorted = StatementGraph.order([free, y, z, x])
        #expect(sorted.map(\.name) == ["", "public.y", "public.x", "public.z"])
        #expect(sorted[1].hazard == "dependency cycle (create view public.y → create view public.x → create view public.y): kept in the order written, which may fail")
        #expect(sorted[1].rendered.hasPrefix("-- HAZARD: dependency cycle ("))
        #expect(sorted.filter { $0.hazard != nil }.count == 1)
        // Without a cycle, nothing is added.
        #expect(StatementGraph.order([z, x]).allSatisfy { $0.hazard == nil })
    }

    @Test("statement SQL names its relation, quoted names and lists included")
    func targets() {
        #expect(StatementGraph.target(ofSQL: "DROP TABLE public.a, \"We \"\"ird\".\"b.c\";")
                == [StatementGraph.classKey("public.a"), StatementGraph.classKey("\"We \"\"ird\".\"b.c\"")])
        #expect(StatementGraph.target(ofSQL: "DROP FUNCTION public.f(integer, text);") == [StatementGraph.routineKey("public.f(integer, text)")])
        #expect(StatementGraph.target(ofSQL: "ALTER TABLE ONLY \"S\".t ALTER COLUMN c TYPE bigint;") == [StatementGraph.columnsKey("\"S\".t")])
        #expect(StatementGraph.target(ofSQL: "COMMENT ON TABLE public.t IS NULL;").isEmpty)
    }

    /// Forward and backward between two schemas: each migration applies in one go and leaves
    /// nothing to diff, and the dumps match.
    func converges(before: String, after: String) throws {
        let cluster = PostgresCluster.shared
        let old = try SchemaFixtures.database(cluster, before), new = try SchemaFixtures.database(cluster, after)
        let oldModel = try CatalogReader.read(try cluster.connect(old), schemas: ["public"])
        let newModel = try CatalogReader.read(try cluster.connect(new), schemas: ["public"])
        let wantNew = try SchemaFixtures.dump(cluster, new), wantOld = try SchemaFixtures.dump(cluster, old)
        for (db, want, model, dump) in [(old, newModel, newModel, wantNew), (new, oldModel, oldModel, wantOld)] {
            let diff = Diff.compare(a: want, b: try CatalogReader.read(try cluster.connect(db), schemas: ["public"]))
            try cluster.connect(db).execute(diff.sql)
            let left = Diff.compare(a: model, b: try CatalogReader.read(try cluster.connect(db), schemas: ["public"]))
            #expect(left.changes.isEmpty, "left after the migration:\n\(left.summary)\n--- migration:\n\(diff.sql)")
            #expect(try SchemaFixtures.dump(cluster, db) == dump)
        }
    }

    @Test("a view over a function over a new type and a retyped column: the migration applies in one go, both ways")
    func viewOverFunctionOverNewTypeAndColumn() throws {
        try converges(before: """
            CREATE TABLE public.orders (id integer PRIMARY KEY, amount integer);
            """, after: """
            CREATE TYPE public.tier AS ENUM ('low', 'high');
            CREATE TABLE public.orders (id integer PRIMARY KEY, amount numeric(12,2), "Note" text);
            CREATE FUNCTION public.tier_of(o public.orders) RETURNS public.tier LANGUAGE sql IMMUTABLE
              AS $$ SELECT CASE WHEN o.amount > 100 THEN 'high'::public.tier ELSE 'low'::public.tier END $$;
            CREATE VIEW public.order_tiers AS SELECT o.id, o."Note", public.tier_of(o) AS tier FROM public.orders o;
            CREATE FUNCTION public.top_tiers() RETURNS SETOF public.order_tiers LANGUAGE sql STABLE
              AS $$ SELECT * FROM public.order_tiers WHERE tier = 'high' $$;
            """)
    }

    @Test("a composite type replaced by a table of its name: the type is dropped before the table is created")
    func typeReplacedByTable() throws {
        // Bucket order created new tables before the late drops of types: "type already exists".
        try converges(before: """
            CREATE TYPE public.thing AS (a integer, b text);
            """, after: """
            CREATE TABLE public.thing (a integer, b text, c date);
            """)
    }
}
