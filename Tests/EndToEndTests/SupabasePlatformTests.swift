import BeekrunKit
import Foundation
import Testing
import TestSupport

/// What a Supabase app depends on beyond `public`, on databases carrying the real shapes of
/// Supabase's `auth` and `storage` schemas (SupabasePlatform): storage policies and buckets,
/// webhooks, secrets and cron jobs.
@Suite("Supabase platform")
struct SupabasePlatformTests {
    /// The part of a schema dump about the given schemas' tables: every statement naming them.
    static func statements(_ dump: String, about prefixes: [String]) -> [String] {
        dump.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { s in prefixes.contains { s.contains($0) } }
            .map { $0.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n") }
            .sorted()
    }

    @Test("sync carries the team's storage policies and prod's buckets; webhooks cloned disabled; secrets, jobs and files stay")
    func sync() throws {
        let db = try SupabaseFixture(extraProdSQL: Self.prodTeamGrantsAndComments, extraDevSQL: """
            GRANT INSERT, DELETE ON storage.buckets TO reporting_role WITH GRANT OPTION;
            GRANT UPDATE (email) ON auth.users TO reporting_role;
            COMMENT ON TABLE auth.sessions IS 'dev: the sessions we test with';
            COMMENT ON COLUMN storage.buckets.public IS 'dev only';
            """)
        let cli = try BeekrunCLI()
        try cli.installShippedRunbooks()

        // The plan: webhooks with a warning, what stays in prod with counts, the team's objects
        // on platform tables; and nothing changes.
        let before = try db.everything(db.dev)
        let dry = try cli.run(["--dry-run", "sync.lua"], environment: db.environment)
        let plan = dry.stdout + dry.stderr
        #expect(dry.status == 0, "\(dry)")
        #expect(plan.contains("1 trigger calls out of the database; they are created disabled in dev"), "\(plan)")
        #expect(plan.contains("\"notify new hive\" on public.hives → supabase_functions.http_request (https://prod-ref.supabase.co/functions/v1/new-hive)"))
        #expect(plan.contains("never copied: 1 vault secret(s), 1 cron job(s), 4 storage object(s) stay in prod"))
        for line in ["- drop policy \"Dev: anything goes\" on storage.objects", "- revoke grant on storage.buckets to reporting_role",
                     "- revoke grant on auth.users (email) to reporting_role", "- reset comment on auth.sessions",
                     "+ policy \"Avatar images are publicly accessible\" on storage.objects", "+ grant on auth.users to reporting_role",
                     "+ grant on storage.objects (bucket_id) to reporting_role", "+ grant on schema storage to reporting_role",
                     "+ comment on storage.objects",
                     "+ comment on auth.users.raw_user_meta_data"] {
            #expect(plan.contains(line), "\(line) missing from the plan:\n\(plan)")
        }
        #expect(try db.everything(db.dev) == before)

        let r = try cli.run(["--yes", "sync.lua"], environment: db.environment)
        let output = r.stdout + r.stderr
        #expect(r.status == 0, "\(r)")
        #expect(output.contains("dev is a clone of prod"))

        // Schema: identical for public and for the team's objects in auth and storage, the
        // platform's own objects included (they were never touched).
        let prod = try db.schema(db.prod), dev = try db.schemaWithWebhooksEnabled(db.dev)
        #expect(dev == prod)
        let storagePolicies = Self.statements(dev, about: ["CREATE POLICY"]).filter { $0.contains("storage.objects") }
        #expect(storagePolicies.count == 2, "\(storagePolicies)")
        #expect(!dev.contains("Dev: anything goes"))
        #expect(dev.contains("CREATE TRIGGER update_objects_updated_at"))
        // The team's grants and comments on platform tables came; dev's own went, and the
        // platform's comment it had overwritten is back.
        for statement in ["GRANT SELECT ON TABLE auth.users TO reporting_role;", "GRANT SELECT(bucket_id) ON TABLE storage.objects TO reporting_role;",
                          "COMMENT ON TABLE storage.objects IS 'Files of the app: avatars and hive photos';",
                          "COMMENT ON TABLE auth.sessions IS 'Auth: Stores session data associated to a user.';"] {
            #expect(dev.contains(statement), "\(statement)")
        }
        #expect(!dev.contains("dev only") && !dev.contains("ON TABLE storage.buckets TO reporting_role"))
        // Compared on their own too: the auth and storage schemas, owners and ACLs included.
        #expect(try db.cluster.pgDump(db.dev, ["--schema-only", "-n", "auth", "-n", "storage"])
                == db.cluster.pgDump(db.prod, ["--schema-only", "-n", "auth", "-n", "storage"]))

        // Buckets equal, all columns; dev's own file row kept; prod's file rows not copied.
        #expect(try db.checksum(db.dev, "storage.buckets") == db.checksum(db.prod, "storage.buckets"))
        #expect(try db.cluster.psql(db.dev, "select string_agg(bucket_id || ':' || name, ',') from storage.objects")
                == "avatars:99999999-9999-9999-9999-999999999999/avatar.png")
        #expect(output.contains("files are not copied (they live in object storage): prod has 4 objects"), "\(output)")

        // The webhook: listed with a warning, present in dev but disabled.
        #expect(output.contains("notify new hive\" on public.hives → supabase_functions.http_request (https://prod-ref.supabase.co/functions/v1/new-hive)"), "\(output)")
        #expect(try db.cluster.psql(db.dev, "select tgenabled from pg_trigger where tgname = 'notify new hive'") == "D")
        #expect(try db.cluster.psql(db.prod, "select tgenabled from pg_trigger where tgname = 'notify new hive'") == "O")

        // Secrets and jobs stay where they are, and the run said so with counts.
        #expect(output.contains("never copied: 1 vault secret(s), 1 cron job(s), 4 storage object(s) stay in prod"), "\(output)")
        #expect(try db.cluster.psql(db.dev, "select count(*) from vault.secrets") == "0")
        #expect(try db.cluster.psql(db.dev, "select schedule from cron.job") == "*/5 * * * *")
    }

    /// What a team adds to platform tables besides policies: grants (table and column) to a
    /// role of its own, and comments (table and column).
    static let prodTeamGrantsAndComments = """
        GRANT USAGE ON SCHEMA auth, storage TO reporting_role;
        GRANT SELECT ON auth.users TO reporting_role;
        GRANT SELECT (id, bucket_id, name) ON storage.objects TO reporting_role;
        COMMENT ON TABLE storage.objects IS 'Files of the app: avatars and hive photos';
        COMMENT ON COLUMN auth.users.raw_user_meta_data IS 'What the sign-up form sends';
        """

    @Test("diff finds a storage.objects policy, a grant and a comment in one database only, and its SQL fixes them; cron drift is a note")
    func diffStoragePolicy() throws {
        let db = try SupabaseFixture(extraProdSQL: Self.prodTeamGrantsAndComments)
        let cli = try BeekrunCLI()
        let script = """
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', readonly = true}
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
            local d = diff(prod, dev)
            print(d.summary)
            exec(dev, d.sql)
            local again = diff(prod, dev)
            print('after', again.empty, #again.notes)
            print(again.summary)
            """
        let r = try cli.runbook(script, environment: db.environment)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("+ policy \"Avatar images are publicly accessible\" on storage.objects"), "\(r.stdout)")
        #expect(r.stdout.contains("+ policy \"Anyone can upload their own avatar\" on storage.objects"))
        #expect(r.stdout.contains("- policy \"Dev: anything goes\" on storage.objects"))
        #expect(r.stdout.contains("note: cron job nightly-cleanup: schedule 0 3 * * * in prod, */5 * * * * in dev"))
        #expect(r.stdout.contains("+ grant on auth.users to reporting_role"), "\(r.stdout)")
        #expect(r.stdout.contains("+ grant on storage.objects (name) to reporting_role"))
        #expect(r.stdout.contains("+ grant on schema auth to reporting_role"))
        #expect(r.stdout.contains("+ comment on storage.objects"))
        #expect(r.stdout.contains("+ comment on auth.users.raw_user_meta_data"))
        #expect(r.stdout.contains("after\ttrue\t1"), "\(r.stdout)")
        let policies = "select string_agg(policyname, ',' order by policyname) from pg_policies where schemaname = 'storage'"
        #expect(try db.cluster.psql(db.dev, policies) == db.cluster.psql(db.prod, policies))
        #expect(try db.cluster.pgDump(db.dev, ["--schema-only", "-n", "auth", "-n", "storage"])
                == db.cluster.pgDump(db.prod, ["--schema-only", "-n", "auth", "-n", "storage"]))
        // The platform's trigger on storage.objects was not part of the diff.
        #expect(!r.stdout.contains("update_objects_updated_at"))
    }

    @Test("nuke drops the team's policies, grants and comments on platform tables, never the platform's own objects")
    func nukeLeavesPlatform() throws {
        // A grant made by a role of the team's (as `postgres` grants on a hosted project, with
        // the grant option the platform gave it) is the team's even to a platform role.
        let db = try SupabaseFixture(extraDevSQL: """
            DO $$ BEGIN CREATE ROLE team_admin NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            GRANT USAGE ON SCHEMA auth TO team_admin;
            GRANT SELECT ON auth.users TO team_admin WITH GRANT OPTION;
            SET ROLE team_admin;
            GRANT SELECT ON auth.users TO authenticated;
            RESET ROLE;
            GRANT SELECT (email), UPDATE (phone) ON auth.users TO reporting_role;
            COMMENT ON TABLE auth.users IS 'Our users';
            COMMENT ON COLUMN storage.objects.metadata IS 'size and mimetype';
            """)
        let cli = try BeekrunCLI()
        let platform = """
            select string_agg(tgname, ',' order by tgname) from pg_trigger t join pg_class c on c.oid = t.tgrelid
            where c.relnamespace in ('auth'::regnamespace, 'storage'::regnamespace) and not tgisinternal
            """
        let before = try db.cluster.psql(db.dev, platform)
        let script = "local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}\nnuke(dev)"
        let dry = try cli.runbook(script, flags: ["--dry-run"], environment: db.environment)
        let output = dry.stdout + dry.stderr
        let r = try cli.runbook(script, flags: ["--yes"], environment: db.environment)
        #expect(r.status == 0, "\(r)")
        for line in ["- revoke grant on auth.users to authenticated", "- revoke grant on auth.users to team_admin",
                     "- revoke grant on auth.users (email) to reporting_role", "- reset comment on auth.users",
                     "- reset comment on storage.objects.metadata", "- revoke grant on schema auth to team_admin"] {
            #expect(output.contains(line), "\(line) missing:\n\(output)")
        }
        // Exactly the platform's grants and comments are left, as the fresh prod has them.
        let acl = """
            select string_agg(coalesce(k.relacl::text, '') || ' ' || coalesce(a.attacl::text, '') || ' '
                              || coalesce(col_description(k.oid, a.attnum), '') || ' ' || coalesce(obj_description(k.oid, 'pg_class'), ''), ';'
                              order by k.oid::regclass::text, a.attnum)
            from pg_class k join pg_attribute a on a.attrelid = k.oid and a.attnum > 0
            where k.relnamespace in ('auth'::regnamespace, 'storage'::regnamespace) and k.relkind = 'r'
            """
        #expect(try db.cluster.psql(db.dev, acl) == db.cluster.psql(db.prod, acl))
        #expect(try db.cluster.psql(db.dev, "select nspacl from pg_namespace where nspname = 'auth'")
                == db.cluster.psql(db.prod, "select nspacl from pg_namespace where nspname = 'auth'"))
        #expect(try db.cluster.psql(db.dev, "select obj_description('auth.users'::regclass, 'pg_class')")
                == "Auth: Stores user login data within a secure schema.")
        #expect(try db.cluster.psql(db.dev, "select count(*) from pg_policies where schemaname = 'storage'") == "0")
        // on_auth_user_created went with public (it calls public.handle_new_user); storage's own stayed.
        #expect(before == "enforce_bucket_name_length_trigger,on_auth_user_created,update_objects_updated_at")
        #expect(try db.cluster.psql(db.dev, platform) == "enforce_bucket_name_length_trigger,update_objects_updated_at")
        #expect(try db.cluster.psql(db.dev, "select relrowsecurity from pg_class where oid = 'storage.objects'::regclass") == "t")
    }

    @Test("clone_buckets: a dev-only bucket holding objects is kept, an empty one removed; a dry run changes nothing")
    func buckets() throws {
        let db = try SupabaseFixture(extraDevSQL: """
            INSERT INTO storage.buckets (id, name) VALUES ('dev uploads', 'dev uploads');
            INSERT INTO storage.objects (bucket_id, name) VALUES ('dev uploads', 'a.txt');
            """)
        let cli = try BeekrunCLI()
        let script = """
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', readonly = true}
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
            local r = clone_buckets(prod, dev)
            print(table.concat(r.created, ','), table.concat(r.updated, ','), table.concat(r.removed, ','), table.concat(r.kept, ','), r.src_objects)
            """
        let before = try db.everything(db.dev)
        let dry = try cli.runbook(script, flags: ["--dry-run"], environment: db.environment)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.contains("hive photos\tavatars\tscratch\tdev uploads\t4"), "\(dry.stdout)")
        #expect(try db.everything(db.dev) == before)

        let real = try cli.runbook(script, flags: ["--yes"], environment: db.environment)
        #expect(real.status == 0, "\(real)")
        #expect((real.stdout + real.stderr).contains("dev uploads exist only in dev and still hold objects: kept"), "\(real)")
        #expect(try db.cluster.psql(db.dev, "select string_agg(id, ',' order by id) from storage.buckets") == "avatars,dev uploads,hive photos")
        #expect(try db.checksum(db.dev, "(select * from storage.buckets where id <> 'dev uploads')")
                == db.checksum(db.prod, "storage.buckets"))
        #expect(try db.cluster.psql(db.dev, "select count(*) from storage.objects") == "2")
    }

    @Test("webhooks: kept by default with a warning, or rewritten to dev's URL")
    func webhookRewrite() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        let script = """
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', readonly = true}
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
            local r = clone_schema(prod, dev, {webhooks = {from = 'https://prod-ref.supabase.co', to = 'https://dev-ref.supabase.co'}})
            print(r.outbound.triggers[1], r.outbound.diff_names[1])
            """
        let r = try cli.runbook(script, flags: ["--yes"], environment: db.environment)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("\"notify new hive\" on public.hives"), "\(r.stdout)")
        let definition = "select tgenabled::text || ' ' || pg_get_triggerdef(oid) from pg_trigger where tgname = 'notify new hive'"
        #expect(try db.cluster.psql(db.dev, definition).contains("O CREATE TRIGGER \"notify new hive\""))
        #expect(try db.cluster.psql(db.dev, definition).contains("'https://dev-ref.supabase.co/functions/v1/new-hive', 'POST'"))

        let kept = try cli.runbook("local p <close> = connect{url = env('PROD_DATABASE_URL'), readonly = true}\n"
                                   + "local d <close> = connect{url = env('DEV_DATABASE_URL')}\nclone_schema(p, d)",
                                   flags: ["--yes"], environment: db.environment)
        #expect(kept.status == 0, "\(kept)")
        #expect((kept.stdout + kept.stderr).contains("1 trigger calls out of the database; kept enabled"), "\(kept)")
        #expect(try db.cluster.psql(db.dev, definition).contains("'https://prod-ref.supabase.co/functions/v1/new-hive'"))
    }

    @Test("what a newcomer adds in auth and storage themselves is named, never silently lost; a public view over auth.users is carried")
    func teamObjectsInPlatformSchemas() throws {
        let db = try SupabaseFixture(extraProdSQL: """
            CREATE FUNCTION auth.custom_claims(uid uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$ select '{}'::jsonb $$;
            CREATE INDEX objects_owner_id_idx ON storage.objects (owner_id);
            CREATE TABLE storage.upload_log (id bigint PRIMARY KEY, note text);
            ALTER TABLE auth.users ADD COLUMN favorite_hive text;
            CREATE VIEW public.user_emails WITH (security_invoker = true) AS SELECT id, email FROM auth.users;
            """)
        let cli = try BeekrunCLI()
        let script = """
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', readonly = true}
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
            clone_schema(prod, dev, {webhooks = 'disable'})
            local d = diff(prod, dev)
            print('changes', #d.changes)
            print(d.summary)
            """
        let r = try cli.runbook(script, flags: ["--yes"], environment: db.environment)
        let output = r.stdout + r.stderr
        #expect(r.status == 0, "\(r)")
        for name in ["function auth.custom_claims(uuid) (owned by postgres)", "index objects_owner_id_idx on storage.objects",
                     "table storage.upload_log (owned by postgres)", "column auth.users.favorite_hive"] {
            #expect(output.contains("clone_schema: \(name) is in prod's platform schema, not in dev's: not carried"), "\(name):\n\(output)")
            #expect(r.stdout.contains("note: \(name) only in prod (platform schema, not compared)"), "\(name):\n\(r.stdout)")
        }
        #expect(!output.contains("index bname") && !output.contains("auth.uid()"), "a platform object named as not carried:\n\(output)")
        // The view over auth.users is public's, and came with it (only the disabled webhook differs).
        #expect(r.stdout.contains("changes\t1"), "\(r.stdout)")
        #expect(try db.cluster.psql(db.dev, "select count(*) from public.user_emails") == "2")
    }

    @Test("the demo's sandbox: its prod has storage policies, buckets and a webhook, and the sync plan shows them")
    func sandboxShowsPlatform() throws {
        let cli = try BeekrunCLI()
        try cli.installShippedRunbooks()
        let r = try cli.run(["--sandbox", "--dry-run", "sync.lua"])
        let output = r.stdout + r.stderr
        #expect(r.status == 0, "\(r)")
        for line in ["+ policy \"Avatar images are publicly accessible\" on storage.objects (the team's, on a platform table)",
                     "+ policy \"Anyone can upload their own avatar\" on storage.objects",
                     "clone_buckets prod → dev", "+ hive photos", "~ avatars", "files are not copied (they live in object storage): prod has 4 objects",
                     "1 trigger calls out of the database; they are created disabled in dev",
                     "\"notify new hive\" on public.hives → supabase_functions.http_request",
                     "never copied: 1 vault secret(s), 1 cron job(s), 4 storage object(s) stay in prod"] {
            #expect(output.contains(line), "\(line) missing from the sandbox plan:\n\(output)")
        }
    }
}
