import BeekrunKit
import Foundation
import Testing
import TestSupport

@Suite("Schema clone")
struct SchemaCloneTests {
    let cluster = PostgresCluster.shared

    @Test("an awkward Supabase-shaped schema clones into a fresh database: pg_dump identical")
    func cloneIntoFresh() throws {
        let srcName = try SchemaFixtures.database(cluster, SchemaFixtures.app)
        let dstName = try SchemaFixtures.database(cluster)
        let src = try cluster.connect(srcName), dst = try cluster.connect(dstName)
        let plan = try SchemaCloner.plan(from: src, to: dst, schemas: SchemaFixtures.appSchemas)
        // Another role's default privileges that already match are left alone (a hosted
        // project's postgres may not change supabase_admin's).
        #expect(!plan.statements.contains { $0.sql.contains("FOR ROLE \"App Owner\"") })
        // public.ticket's default and check call functions that read public.ticket: a cycle,
        // broken by adding both after the functions exist.
        #expect(plan.statements.contains { $0.sql == "ALTER TABLE ONLY public.ticket ALTER COLUMN id SET DEFAULT public.next_ticket();" })
        #expect(plan.statements.contains { $0.sql.hasPrefix("ALTER TABLE ONLY public.ticket ADD CONSTRAINT ticket_code_check") })
        try dst.execute("BEGIN")
        try plan.apply(on: dst)
        try dst.execute("COMMIT")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
        // The comparison means something only if the objects are there.
        let dump = try SchemaFixtures.dump(cluster, dstName)
        for needle in ["CREATE TABLE \"Ünïcode \"\"Schema\"\"\".\"Tâble\"", "CREATE TRIGGER on_auth_user_created",
                       "CREATE POLICY \"storage read\" ON storage.objects", "security_invoker='true'",
                       "ATTACH PARTITION public.events_2025", "ALTER PUBLICATION supabase_realtime ADD TABLE ONLY public.orders",
                       "GRANT SELECT(\"Display Name\") ON TABLE public.profiles TO PUBLIC", "CREATE AGGREGATE public.my_sum"] {
            #expect(dump.contains(needle), "missing from the clone: \(needle)")
        }
        #expect(Set(plan.recreatedDependents.map(\.identity)) == ["\"storage read\" on storage.objects", "on_auth_user_created on auth.users"])
        // Ownership is not in a --no-owner dump: check it directly.
        #expect(try cluster.psql(dstName, "select pg_get_userbyid(relowner) from pg_class where oid = 'public.cache'::regclass") == "App Owner")
    }
}

extension SchemaCloneTests {
    @Test("nuke empties a drifted dev but keeps the schema's grants, default privileges and comment; clone then matches")
    func nukeThenClone() throws {
        let srcName = try SchemaFixtures.database(cluster, SchemaFixtures.app)
        let dstName = try SchemaFixtures.database(cluster, SchemaFixtures.devDrift
                                                  + "\nCOMMENT ON SCHEMA public IS 'dev';")
        let src = try cluster.connect(srcName), dst = try cluster.connect(dstName)
        let schemaState = """
            select n.nspname, n.nspacl::text, obj_description(n.oid, 'pg_namespace'),
              (select string_agg(d.defaclobjtype::text || d.defaclacl::text, ';' order by d.defaclobjtype) from pg_default_acl d where d.defaclnamespace = n.oid)
            from pg_namespace n where n.nspname in ('public', 'Ünïcode "Schema"') order by 1
            """
        let before = try cluster.psql(dstName, schemaState)

        let nuke = try Nuke.plan(dst, schemas: SchemaFixtures.appSchemas)
        #expect(nuke.droppedTables.contains(DroppedTable(name: "public.\"Legacy Table\"", rows: 5)))
        #expect(nuke.droppedTables.contains(DroppedTable(name: "public.profiles", rows: 3)))
        #expect(Set(nuke.savedDependents.map(\.identity)) == ["on_auth_user_created on auth.users", "dev_only_trigger on auth.users"])
        #expect(nuke.summary.contains("- drop table public.\"Legacy Table\" (5 rows)"))
        try dst.execute("BEGIN")
        try nuke.apply(on: dst)
        try dst.execute("COMMIT")
        #expect(try cluster.psql(dstName, """
            select count(*) from pg_class k join pg_namespace n on n.oid = k.relnamespace where n.nspname in ('public', 'Ünïcode "Schema"')
            """) == "0")
        #expect(try cluster.psql(dstName, "select count(*) from pg_trigger where tgrelid = 'auth.users'::regclass") == "0")
        #expect(try cluster.psql(dstName, schemaState) == before)

        let plan = try SchemaCloner.plan(from: src, to: dst, schemas: SchemaFixtures.appSchemas)
        try dst.execute("BEGIN")
        try plan.apply(on: dst)
        try dst.execute("COMMIT")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
    }

    @Test("clone straight over a drifted dev (no nuke first), then again over its own result")
    func cloneOverDrift() throws {
        let srcName = try SchemaFixtures.database(cluster, SchemaFixtures.app)
        let dstName = try SchemaFixtures.database(cluster, SchemaFixtures.devDrift)
        let src = try cluster.connect(srcName), dst = try cluster.connect(dstName)
        let plan = try SchemaCloner.plan(from: src, to: dst, schemas: SchemaFixtures.appSchemas)
        #expect(plan.droppedTables.contains(DroppedTable(name: "public.\"Legacy Table\"", rows: 5)))
        #expect(Set(plan.droppedDependents.map(\.identity)) == ["on_auth_user_created on auth.users", "dev_only_trigger on auth.users"])
        #expect(plan.summary.contains("+ create table public.profiles"))
        try dst.execute("BEGIN")
        try plan.apply(on: dst)
        try dst.execute("COMMIT")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)

        let again = try SchemaCloner.plan(from: src, to: dst, schemas: SchemaFixtures.appSchemas)
        try dst.execute("BEGIN")
        try again.apply(on: dst)
        try dst.execute("COMMIT")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
    }

    @Test("pre-data and post-data apply apart, with rows loaded in between")
    func phases() throws {
        let srcName = try SchemaFixtures.database(cluster, SchemaFixtures.app
            + "\nINSERT INTO auth.users VALUES ('00000000-0000-0000-0000-000000000001', 'a@b.c', '{}');"
            + "\nINSERT INTO public.orders (profile_id, total, status) VALUES ('00000000-0000-0000-0000-000000000001', 5, 'open');"
            + "\nREFRESH MATERIALIZED VIEW public.order_totals;")
        let dstName = try SchemaFixtures.database(cluster)
        let src = try cluster.connect(srcName), dst = try cluster.connect(dstName)
        let plan = try SchemaCloner.plan(from: src, to: dst, schemas: SchemaFixtures.appSchemas)
        #expect(plan.statements(for: .preData).allSatisfy { $0.phase != .postData })
        #expect(plan.statements(for: .postData).contains { $0.kind == "index" })
        #expect(!plan.statements(for: .preData).contains { $0.kind == "trigger" || $0.kind == "policy" || $0.action == .grant })
        try dst.execute("BEGIN")
        try plan.apply(on: dst, phase: .preData)
        // No trigger exists yet on auth.users: loading users does not fire handle_new_user.
        try dst.execute("""
            INSERT INTO auth.users VALUES ('00000000-0000-0000-0000-000000000001', 'a@b.c', '{}');
            INSERT INTO public.profiles (id) VALUES ('00000000-0000-0000-0000-000000000001');
            INSERT INTO public.orders (profile_id, total, status) VALUES ('00000000-0000-0000-0000-000000000001', 5, 'open');
            """)
        // The table a materialized view reads is analyzed before the view is filled, so its
        // query is planned on the loaded rows, not on the defaults of a table without statistics.
        let post = plan.statements(for: .postData).map(\.sql)
        let analyze = post.firstIndex(of: "ANALYZE public.orders;"), refresh = post.firstIndex(of: "REFRESH MATERIALIZED VIEW public.order_totals;")
        #expect(analyze != nil && refresh != nil && analyze! < refresh!, "\(post)")
        #expect(!post.contains { $0.hasPrefix("ANALYZE") && $0.contains("profiles") }, "only what a materialized view reads")
        try plan.apply(on: dst, phase: .postData)
        try dst.execute("COMMIT")
        #expect(try cluster.psql(dstName, "select total from public.order_totals") == "5.00")
        #expect(try cluster.psql(dstName, "select reltuples from pg_class where oid = 'public.orders'::regclass") == "1")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
    }

    @Test("platform schemas are refused by clone and nuke, and so is cloning a database onto itself")
    func platformRefused() throws {
        let name = try SchemaFixtures.database(cluster)
        let db = try cluster.connect(name)
        for schema in ["auth", "storage", "pg_catalog", "extensions"] {
            #expect(throws: BeekError.self) { try Nuke.plan(db, schemas: ["public", schema]) }
            #expect(throws: BeekError.self) { try SchemaCloner.plan(from: db, to: db, schemas: [schema]) }
        }
        do {
            _ = try SchemaCloner.plan(from: db, to: try cluster.connect(name), schemas: ["public"])
            Issue.record("expected a refusal")
        } catch {
            #expect(error.userMessage.contains("the source and the target are the same database"))
        }
        do {
            _ = try Nuke.plan(db, schemas: ["auth"])
        } catch {
            #expect(error.userMessage.contains("auth is a platform schema"))
        }
    }

    @Test("what the target lacks stops the clone before anything changes, naming it")
    func preflightRefusals() throws {
        let srcName = try SchemaFixtures.database(cluster, SchemaFixtures.app + """

            CREATE SCHEMA other;
            CREATE TABLE other.lookup (id int);
            CREATE VIEW public.uses_other AS SELECT * FROM other.lookup;
            """)
        let src = try cluster.connect(srcName)
        // A bare target: no publication, no storage.objects for the dependent policy, and
        // citext already installed in another schema.
        let dstName = try cluster.createDatabase("schema")
        let dst = try cluster.connect(dstName)
        try dst.execute("CREATE SCHEMA auth; CREATE TABLE auth.users (id uuid PRIMARY KEY); CREATE SCHEMA extensions; CREATE EXTENSION \"uuid-ossp\" WITH SCHEMA extensions; CREATE EXTENSION citext WITH SCHEMA extensions; CREATE TABLE public.keep_me (x int);")
        let before = try SchemaFixtures.dump(cluster, dstName)
        do {
            _ = try SchemaCloner.plan(from: src, to: dst, schemas: SchemaFixtures.appSchemas)
            Issue.record("expected a refusal")
        } catch {
            let m = error.userMessage
            #expect(m.contains("publication supabase_realtime does not exist on the target"))
            #expect(m.contains("table storage.objects"))
            #expect(m.contains("extension citext is installed in schema extensions on the target"))
            #expect(m.contains("table other.lookup, which the source uses, does not exist on the target"))
        }
        do {
            _ = try SchemaCloner.plan(from: src, to: dst, schemas: ["public", "no_such_schema"])
            Issue.record("expected a refusal")
        } catch {
            #expect(error.userMessage.contains("no_such_schema does not exist in the source"))
        }
        #expect(try SchemaFixtures.dump(cluster, dstName) == before)
    }
}

extension SchemaCloneTests {
    /// Not a timed test: prints how long plan and apply take for ~70 tables, ~100 indexes and
    /// ~20 functions, and checks the result like the others.
    @Test("a 70-table schema clones (timing printed)")
    func largeSchema() throws {
        let srcName = try SchemaFixtures.database(cluster, SchemaFixtures.large())
        let dstName = try SchemaFixtures.database(cluster)
        let src = try cluster.connect(srcName), dst = try cluster.connect(dstName)
        let counts = try cluster.psql(srcName, """
            select (select count(*) from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r') || ' tables, '
              || (select count(*) from pg_class where relnamespace = 'public'::regnamespace and relkind = 'i') || ' indexes, '
              || (select count(*) from pg_proc where pronamespace = 'public'::regnamespace) || ' functions'
            """)
        let start = Date()
        let plan = try SchemaCloner.plan(from: src, to: dst, schemas: ["public"])
        let planned = Date()
        try dst.execute("BEGIN")
        try plan.apply(on: dst)
        try dst.execute("COMMIT")
        let done = Date()
        print("schema clone timing: \(counts), \(plan.statements.count) statements: plan \(Int(planned.timeIntervalSince(start) * 1000)) ms, apply \(Int(done.timeIntervalSince(planned) * 1000)) ms, total \(Int(done.timeIntervalSince(start) * 1000)) ms")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
    }
}

extension SchemaCloneTests {
    @Test("global default privileges of the role running the clone do not leak into cloned objects")
    func creatorDefaultPrivileges() throws {
        // Both sides carry the same global default (so pg_dump prints it on both); the source's
        // objects predate it, the clone's are created under it.
        let global = "ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT SELECT ON TABLES TO anon;"
            + " ALTER DEFAULT PRIVILEGES FOR ROLE postgres REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;"
        let srcName = try SchemaFixtures.database(cluster, SchemaFixtures.app + "\n" + global)
        let dstName = try SchemaFixtures.database(cluster, global)
        let src = try cluster.connect(srcName), dst = try cluster.connect(dstName)
        let plan = try SchemaCloner.plan(from: src, to: dst, schemas: SchemaFixtures.appSchemas)
        try dst.execute("BEGIN")
        try plan.apply(on: dst)
        try dst.execute("COMMIT")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
    }
}

extension SchemaCloneTests {
    @Test("kinds once refused (collations, inheritance, typed tables) now clone, pg_dump identical")
    func onceUnsupportedKinds() throws {
        let srcName = try SchemaFixtures.database(cluster, """
            CREATE COLLATION public.nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            CREATE TABLE public.parent (a int);
            CREATE TABLE public.child (b int) INHERITS (public.parent);
            CREATE TYPE public.shape AS (w int, h int);
            CREATE TABLE public.shapes OF public.shape;
            """)
        let dstName = try SchemaFixtures.database(cluster)
        let dst = try cluster.connect(dstName)
        try SchemaCloner.plan(from: try cluster.connect(srcName), to: dst, schemas: ["public"]).apply(on: dst)
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
    }

    /// The table's default calls a function that reads a view of the table: the table is made
    /// without the default, the view and function after it, the default last (as pg_dump splits it).
    @Test("a default calling a function over a view of its own table clones, and nuke takes the cycle apart")
    func defaultCycle() throws {
        let cycle = """
            CREATE TABLE public.tickets (id int, seq int);
            CREATE VIEW public.last_ticket AS SELECT max(seq) AS top FROM public.tickets;
            CREATE FUNCTION public.next_seq() RETURNS int LANGUAGE sql STABLE BEGIN ATOMIC SELECT coalesce(top, 0) + 1 FROM public.last_ticket; END;
            ALTER TABLE public.tickets ALTER COLUMN seq SET DEFAULT public.next_seq();
            """
        let srcName = try SchemaFixtures.database(cluster, cycle)
        let dstName = try SchemaFixtures.database(cluster, cycle)
        let dst = try cluster.connect(dstName)
        try Nuke.plan(dst, schemas: ["public"]).apply(on: dst)
        try SchemaCloner.plan(from: try cluster.connect(srcName), to: dst, schemas: ["public"]).apply(on: dst)
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
        #expect(try dst.query("INSERT INTO public.tickets (id) VALUES (1), (2) RETURNING seq").rows.map { $0[0] } == ["1", "1"])
    }

    @Test("FOR TABLES IN SCHEMA publications follow the source")
    func publicationSchemas() throws {
        let srcName = try SchemaFixtures.database(cluster, "CREATE TABLE public.t (id int PRIMARY KEY); CREATE PUBLICATION whole FOR TABLES IN SCHEMA public;")
        let dstName = try SchemaFixtures.database(cluster, "CREATE PUBLICATION whole;")
        let src = try cluster.connect(srcName), dst = try cluster.connect(dstName)
        try SchemaCloner.plan(from: src, to: dst, schemas: ["public"]).apply(on: dst)
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
    }
}

extension SchemaCloneTests {
    @Test("a role that cannot give objects to their source owners is refused before anything changes")
    func ownersNeedMembership() throws {
        let srcName = try SchemaFixtures.database(cluster, SchemaFixtures.app)
        let dstName = try SchemaFixtures.database(cluster, """
            DO $$ BEGIN CREATE ROLE beek_plain LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
            """)
        let before = try SchemaFixtures.dump(cluster, dstName)
        let dst = try PGConnection(ConnectionString(cluster.url(dstName, user: "beek_plain")))
        do {
            _ = try SchemaCloner.plan(from: try cluster.connect(srcName), to: dst, schemas: SchemaFixtures.appSchemas)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.userMessage.contains("beek_plain is not a member of role \"App Owner\""), "\(error.userMessage)")
        }
        #expect(try SchemaFixtures.dump(cluster, dstName) == before)
    }
}

extension SchemaCloneTests {
    @Test("nuke creates a schema that does not exist yet, and changes nothing else")
    func nukeMissingSchema() throws {
        let name = try SchemaFixtures.database(cluster, "CREATE TABLE public.stay (x int);")
        let db = try cluster.connect(name)
        let plan = try Nuke.plan(db, schemas: ["brand new"])
        #expect(plan.statements.map(\.sql) == ["CREATE SCHEMA \"brand new\";"])
        #expect(plan.droppedTables.isEmpty && plan.savedDependents.isEmpty)
        try plan.apply(on: db)
        #expect(try cluster.psql(name, "select count(*) from pg_namespace where nspname = 'brand new'") == "1")
        #expect(try cluster.psql(name, "select to_regclass('public.stay') is not null") == "t")
    }
}

extension SchemaCloneTests {
    /// On a hosted project `postgres` is not a superuser: it owns the database and its
    /// objects, is a member of the API roles, and has been granted what it needs on auth and
    /// storage. The clone must not need more.
    @Test("a role that is not a superuser clones, as postgres does on a hosted project")
    func nonSuperuser() throws {
        try cluster.connect("postgres").execute(SchemaFixtures.roles + #"""
            DO $$ BEGIN CREATE ROLE beek_admin LOGIN NOSUPERUSER; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
            GRANT anon, authenticated, service_role, "App Owner" TO beek_admin;
            """#)
        func database() throws -> String {
            let name = try cluster.createDatabase("hosted")
            try cluster.connect("postgres").execute("ALTER DATABASE \(SQL.quoteIdent(name)) OWNER TO beek_admin")
            try cluster.connect(name).execute(SchemaFixtures.platform + """

                ALTER TABLE storage.objects OWNER TO beek_admin;
                GRANT USAGE ON SCHEMA auth, storage, extensions TO beek_admin;
                GRANT SELECT, TRIGGER, REFERENCES ON auth.users TO beek_admin;
                ALTER PUBLICATION supabase_realtime OWNER TO beek_admin;
                GRANT CREATE ON SCHEMA public TO "App Owner";
                """)
            return name
        }
        func asAdmin(_ name: String) throws -> PGConnection {
            try PGConnection(ConnectionString(cluster.url(name, user: "beek_admin")))
        }
        let srcName = try database(), dstName = try database()
        try asAdmin(srcName).execute(SchemaFixtures.app)
        let src = try asAdmin(srcName), dst = try asAdmin(dstName)
        #expect(try dst.scalar("select rolsuper from pg_roles where rolname = current_user") == "f")
        let plan = try SchemaCloner.plan(from: src, to: dst, schemas: SchemaFixtures.appSchemas)
        try dst.execute("BEGIN")
        try plan.apply(on: dst)
        try dst.execute("COMMIT")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)

        // And nuke then clone again, still without superuser rights.
        let nuke = try Nuke.plan(dst, schemas: SchemaFixtures.appSchemas)
        try dst.execute("BEGIN")
        try nuke.apply(on: dst)
        try SchemaCloner.plan(from: src, to: dst, schemas: SchemaFixtures.appSchemas).apply(on: dst)
        try dst.execute("COMMIT")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
    }
}

extension SchemaCloneTests {
    @Test("an extension the target has at a newer version, with no script back to the source's, is made again at the source's version; refused by name when something outside the schemas uses it")
    func extensionNewerOnTarget() throws {
        let srcName = try SchemaFixtures.database(cluster, """
            CREATE EXTENSION pg_trgm WITH SCHEMA public VERSION '1.4';
            CREATE TABLE public.words (w text); CREATE INDEX words_trgm ON public.words USING gin (w public.gin_trgm_ops);
            """)
        let dstName = try SchemaFixtures.database(cluster, """
            CREATE EXTENSION pg_trgm WITH SCHEMA public;
            CREATE TABLE public.words (w text, extra int); CREATE INDEX words_trgm ON public.words USING gist (w public.gist_trgm_ops);
            """)
        let src = try cluster.connect(srcName), dst = try cluster.connect(dstName)
        #expect(try cluster.psql(dstName, "select extversion from pg_extension where extname = 'pg_trgm'") == "1.6")
        let plan = try SchemaCloner.plan(from: src, to: dst, schemas: ["public"])
        // ALTER EXTENSION … UPDATE TO '1.4' would stop the clone: no script goes down.
        #expect(!plan.statements.contains { $0.sql.contains("ALTER EXTENSION") }, "\(plan.statements.map(\.sql))")
        #expect(plan.summary.contains("- drop extension pg_trgm (the target's version 1.6 has no update path to the source's 1.4 (a downgrade)"), "\(plan.summary)")
        #expect(plan.summary.contains("+ create extension pg_trgm"))
        try dst.execute("BEGIN")
        try plan.apply(on: dst)
        try dst.execute("COMMIT")
        #expect(try cluster.psql(dstName, "select extversion from pg_extension where extname = 'pg_trgm'") == "1.4")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)

        // An index outside the cloned schemas uses the newer extension: dropping it would lose
        // the index, so the clone refuses before changing anything, naming both versions and it.
        let usedName = try SchemaFixtures.database(cluster, """
            CREATE EXTENSION pg_trgm WITH SCHEMA public;
            CREATE SCHEMA other; CREATE TABLE other.notes (body text); CREATE INDEX notes_trgm ON other.notes USING gin (body public.gin_trgm_ops);
            """)
        let before = try SchemaFixtures.dump(cluster, usedName)
        do {
            _ = try SchemaCloner.plan(from: src, to: try cluster.connect(usedName), schemas: ["public"])
            Issue.record("expected a refusal")
        } catch {
            let m = error.userMessage
            #expect(m.contains("extension pg_trgm is at version 1.6 on the target and 1.4 in the source"), "\(m)")
            #expect(m.contains("no update path from 1.6 to 1.4") && m.contains("index other.notes_trgm"), "\(m)")
        }
        #expect(try SchemaFixtures.dump(cluster, usedName) == before)
    }
}
