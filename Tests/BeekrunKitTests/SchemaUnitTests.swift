@testable import BeekrunKit
import Foundation
import Testing
import TestSupport

@Suite("Schema engine parts")
struct SchemaUnitTests {
    @Test("aclitem text parses, quoted role names included")
    func aclParsing() {
        let a = ACLItem(parsing: "anon=arwdDxt/postgres")
        #expect(a == ACLItem(grantee: "anon", privileges: Array("arwdDxt"), grantable: [], grantor: "postgres"))
        let b = ACLItem(parsing: "=X/\"App Owner\"")
        #expect(b?.grantee == "" && b?.grantor == "App Owner" && b?.privileges == ["X"])
        let c = ACLItem(parsing: "\"we\"\"ird=/x\"=r*w/postgres")
        #expect(c?.grantee == "we\"ird=/x" && c?.privileges == ["r", "w"] && c?.grantable == ["r"])
        #expect(ACLItem.list(nil) == nil)
        #expect(ACLItem.list("") == [])
    }

    @Test("ACL changes keep entries in place and append new grantees in order")
    func aclPlanning() {
        let owner = ACLItem(grantee: "postgres", privileges: Array("arwdDxt"), grantable: [], grantor: "postgres")
        let target = [ACLItem(grantee: "postgres", privileges: Array("arwd"), grantable: [], grantor: "postgres"),
                      ACLItem(grantee: "b", privileges: ["r"], grantable: ["r"], grantor: "postgres"),
                      ACLItem(grantee: "", privileges: ["r", "w"], grantable: [], grantor: "postgres")]
        #expect(ACLPlanner.statements(from: [owner], to: target, object: "TABLE public.t") == [
            "REVOKE TRUNCATE,REFERENCES,TRIGGER ON TABLE public.t FROM postgres;",
            "GRANT SELECT ON TABLE public.t TO b WITH GRANT OPTION;",
            "GRANT SELECT,UPDATE ON TABLE public.t TO PUBLIC;",
        ])
        // anon must come back before authenticated, as in the target: authenticated is regranted.
        let anon = ACLItem(grantee: "anon", privileges: ["r"], grantable: [], grantor: "postgres")
        let auth = ACLItem(grantee: "authenticated", privileges: ["r"], grantable: [], grantor: "postgres")
        #expect(ACLPlanner.statements(from: [owner, auth], to: [owner, anon, auth], object: "TABLE t") == [
            "REVOKE SELECT ON TABLE t FROM authenticated;",
            "GRANT SELECT ON TABLE t TO anon;",
            "GRANT SELECT ON TABLE t TO authenticated;",
        ])
        #expect(ACLPlanner.statements(from: [], to: [target[1]], object: "TABLE t", column: "\"C\"")
                == ["GRANT SELECT (\"C\") ON TABLE t TO b WITH GRANT OPTION;"])
    }

    @Test("text[] literals survive quotes, backslashes and commas")
    func textArray() throws {
        let db = try PostgresCluster.shared.connect("postgres")
        let names = ["public", "a \"b\", c", "back\\slash", "Ünïcode {x}"]
        let r = try db.query("select unnest($1::text[])", [SQL.textArray(names)])
        #expect(r.rows.map { $0[0]! } == names)
    }

    @Test("the roles check names roles the target lacks")
    func missingRoles() throws {
        let cluster = PostgresCluster.shared
        let db = try cluster.connect(try SchemaFixtures.database(cluster, "CREATE TABLE public.t (x int);"))
        var model = try CatalogReader.read(db, schemas: ["public"])
        model.tables[0].owner = "no such owner"
        model.tables[0].acl = [ACLItem(grantee: "ghost_reader", privileges: ["r"], grantable: [], grantor: "postgres")]
        #expect(try Preflight.missingRoles(model, on: db) == ["ghost_reader", "no such owner"])
    }

    @Test("views and functions that depend on each other come out in dependency order")
    func dependencyOrder() throws {
        let cluster = PostgresCluster.shared
        // Created in an order that name sorting would get wrong.
        let name = try SchemaFixtures.database(cluster, """
            CREATE TABLE public.z_base (id int);
            CREATE VIEW public.a_top AS SELECT id FROM public.z_base;
            CREATE FUNCTION public.b_fn() RETURNS SETOF public.a_top LANGUAGE sql BEGIN ATOMIC SELECT * FROM public.a_top; END;
            CREATE VIEW public.a_over_fn AS SELECT * FROM public.b_fn();
            CREATE OR REPLACE VIEW public.a_top AS SELECT id FROM public.z_base;
            """)
        let model = try CatalogReader.read(try cluster.connect(name), schemas: ["public"])
        var generator = DDLGenerator(model: model, currentUser: "postgres", initialACL: { _, _, _ in [] }, builtinACL: { _, _ in [] })
        try generator.generate()
        let creates = generator.pre.filter { $0.action == .create }.map(\.name)
        #expect(creates == ["public.z_base", "public.a_top", "public.b_fn()", "public.a_over_fn"])
    }
}

extension SchemaUnitTests {
    @Test("row counts of tables the role may not read are estimates, marked as such")
    func estimatedCounts() throws {
        let cluster = PostgresCluster.shared
        let name = try SchemaFixtures.database(cluster, """
            DO $$ BEGIN CREATE ROLE beek_schema_reader LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
            CREATE TABLE public.open (x int); INSERT INTO public.open VALUES (1), (2);
            CREATE TABLE public.secret (x int); INSERT INTO public.secret VALUES (1);
            GRANT SELECT ON public.open TO beek_schema_reader;
            """)
        let reader = try PGConnection(ConnectionString(cluster.url(name, user: "beek_schema_reader")))
        let counts = try SchemaEmptier.countRows(reader, schemas: ["public"])
        #expect(counts.first { $0.name == "public.open" } == DroppedTable(name: "public.open", rows: 2))
        #expect(counts.first { $0.name == "public.secret" }?.estimated == true)
    }
}
