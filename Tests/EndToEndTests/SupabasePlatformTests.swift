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
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        try cli.installShippedRunbooks()
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

    @Test("diff finds a storage.objects policy in one database only, and its SQL fixes it; cron drift is a note")
    func diffStoragePolicy() throws {
        let db = try SupabaseFixture()
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
        #expect(r.stdout.contains("after\ttrue\t1"), "\(r.stdout)")
        let policies = "select string_agg(policyname, ',' order by policyname) from pg_policies where schemaname = 'storage'"
        #expect(try db.cluster.psql(db.dev, policies) == db.cluster.psql(db.prod, policies))
        // The platform's trigger on storage.objects was not part of the diff.
        #expect(!r.stdout.contains("update_objects_updated_at"))
    }

    @Test("nuke drops the team's policies on platform tables, never the platform's own objects")
    func nukeLeavesPlatform() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        let platform = """
            select string_agg(tgname, ',' order by tgname) from pg_trigger t join pg_class c on c.oid = t.tgrelid
            where c.relnamespace in ('auth'::regnamespace, 'storage'::regnamespace) and not tgisinternal
            """
        let before = try db.cluster.psql(db.dev, platform)
        let r = try cli.runbook("local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}\nnuke(dev)",
                                flags: ["--yes"], environment: db.environment)
        #expect(r.status == 0, "\(r)")
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
}
