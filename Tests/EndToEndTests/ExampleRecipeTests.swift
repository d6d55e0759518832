import BeekrunKit
import Foundation
import Testing
import TestSupport

/// The first-week recipes in examples/ (issue 15), run as a user runs them.
@Suite("Example recipes")
struct ExampleRecipeTests {
    let cluster = PostgresCluster.shared

    /// A test directory holding examples/ as the repository has it (modules in examples/lib too).
    func project() throws -> BeekrunCLI {
        let cli = try BeekrunCLI()
        let examples = ExampleRunbookTests.repository.appendingPathComponent("examples")
        let files = FileManager.default.enumerator(atPath: examples.path)!
        for case let name as String in files where name.hasSuffix(".lua") {
            try cli.write("examples/" + name, try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8))
        }
        return cli
    }

    @Test("sync_and_scrub (require'd steps) runs in the sandbox, dry and for real")
    func syncAndScrub() throws {
        let cli = try project()
        let dry = try cli.run(["--sandbox", "--dry-run", "examples/sync_and_scrub.lua"])
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stderr.contains("- nuke dev") && dry.stderr.contains("scrubbed (dry run: unknown) users"), "\(dry)")
        let real = try cli.run(["--sandbox", "--yes", "examples/sync_and_scrub.lua"])
        #expect(real.status == 0, "\(real)")
        #expect(real.stderr.contains("dev rebuilt from"))
        #expect(real.stderr.range(of: #"scrubbed [1-9][0-9]* users"#, options: .regularExpression) != nil, "\(real)")
    }

    @Test("scrub_dev uses the shared module and refuses production")
    func scrubDev() throws {
        let db = try SupabaseFixture()
        let cli = try project()
        let r = try cli.run(["examples/scrub_dev.lua"], environment: ["DEV_DATABASE_URL": cluster.url(db.prod)])
        #expect(r.status == 0, "\(r)")
        #expect(try cluster.psql(db.prod, "select count(*) from auth.users where email like '%@example.com'") == "0")
    }

    @Test("restore_dev_from_backup picks an older nightly backup by position, verifies it and restores it")
    func restoreOlder() throws {
        let db = try SupabaseFixture()
        let cli = try project()
        let env = db.environment
        #expect(try cli.run(["examples/nightly_backup.lua"], environment: env).status == 0)
        _ = try cluster.psql(db.prod, "insert into public.hives (owner, name) values ('11111111-1111-1111-1111-111111111111', 'Newer hive')")
        #expect(try cli.run(["examples/nightly_backup.lua"], environment: env).status == 0)

        let dry = try cli.run(["--dry-run", "examples/restore_dev_from_backup.lua", "2"], environment: env)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stderr.contains("~ restore dev"))
        let older = try cli.run(["--yes", "examples/restore_dev_from_backup.lua", "2"], environment: env)
        #expect(older.status == 0, "\(older)")
        #expect(try cluster.psql(db.dev, "select count(*) from public.hives") == "12")
        #expect(try cluster.psql(db.dev, "select count(*) from auth.users") == "3")
        let newest = try cli.run(["--yes", "examples/restore_dev_from_backup.lua"], environment: env)
        #expect(newest.status == 0, "\(newest)")
        #expect(try cluster.psql(db.dev, "select count(*) from public.hives") == "13")
        let none = try cli.run(["examples/restore_dev_from_backup.lua", "1999-01-01"], environment: env)
        #expect(none.status == 1 && none.stderr.contains("no backup matches '1999-01-01'"), "\(none)")
    }

    @Test("copy_subset copies a slice with where=: one user's hives and their recent inspections, keys kept, dry run exact")
    func copySubset() throws {
        let db = try SupabaseFixture()
        let cli = try project()
        // Ada owns 4 hives; each has 25 inspections, 3 days apart from 2026-04-04: 16 from 2026-05-01 on.
        let dry = try cli.run(["--dry-run", "examples/copy_subset.lua"], environment: db.environment)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stderr.contains("public.hives: 4 rows (subset: where owner in"), "\(dry)")
        #expect(dry.stderr.contains("public.inspections: 64 rows (subset: where inspected_at >= date '2026-05-01'"), "\(dry)")
        let r = try cli.run(["--yes", "examples/copy_subset.lua"], environment: db.environment)
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("4 hives of ada@example.com, 64 inspections since 2026-05-01"), "\(r)")
        #expect(try cluster.psql(db.dev, "select count(*) from public.hives") == "4")
        #expect(try cluster.psql(db.dev, "select count(*) from public.inspections") == "64")
        #expect(try cluster.psql(db.dev, """
            select count(*) from public.inspections i where not exists (select 1 from public.hives h where h.id = i.hive_id)
            """) == "0")
        #expect(try cluster.psql(db.dev, "select count(*) from information_schema.columns where table_name = 'hives' and column_name = 'color'") == "1")
        let other = try cli.run(["--yes", "examples/copy_subset.lua", "bo@example.com", "2026-06-01"], environment: db.environment)
        #expect(other.status == 0 && other.stderr.contains("4 hives of bo@example.com, 20 inspections since 2026-06-01"), "\(other)")
    }

    @Test("drift_gate: the migration SQL alone on stdout, exit 1 on drift; or written with write_file; --json step log")
    func driftGate() throws {
        let db = try SupabaseFixture()
        let cli = try project()
        let r = try cli.run(["examples/drift_gate.lua"], environment: db.environment)
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("ALTER TABLE public.hives ADD COLUMN color text;"))
        #expect(!r.stdout.contains("✓") && !r.stdout.contains("Differences:") && !r.stdout.contains("error:"))
        #expect(r.stderr.contains("aborted:"))
        let written = try cli.run(["examples/drift_gate.lua", "Migrations/next.sql"], environment: db.environment)
        #expect(written.status == 1)
        #expect(written.stdout.isEmpty)
        #expect(try String(contentsOfFile: cli.directory + "/Migrations/next.sql", encoding: .utf8) == r.stdout.dropLast())
        let json = try cli.run(["--json", "examples/drift_gate.lua"], environment: db.environment)
        #expect(json.stdout == r.stdout)
        #expect(json.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("{\"event\":") })
        #expect(json.stderr.contains("{\"event\":\"error\""))
    }

    @Test("apply_pending applies the pending migrations in order, once")
    func applyPending() throws {
        let db = try SupabaseFixture()
        let cli = try project()
        try cli.write("Migrations/001_notes.sql", "alter table public.hives add column notes text;\n")
        try cli.write("Migrations/002_index.sql", "create index hives_notes_idx on public.hives (notes);\n")
        let files = ["Migrations/001_notes.sql", "Migrations/002_index.sql"]
        let dry = try cli.run(["--dry-run", "examples/apply_pending.lua"] + files, environment: db.environment)
        #expect(dry.status == 0, "\(dry)")
        #expect(try cluster.psql(db.prod, "select count(*) from pg_indexes where indexname = 'hives_notes_idx'") == "0")
        let first = try cli.run(["--yes", "examples/apply_pending.lua"] + files, environment: db.environment)
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.contains("2 applied, 0 already applied"))
        let again = try cli.run(["--yes", "examples/apply_pending.lua"] + files, environment: db.environment)
        #expect(again.stderr.contains("0 applied, 2 already applied"), "\(again)")
        #expect(try cli.run(["examples/apply_pending.lua"], environment: db.environment).status == 1)
    }

    @Test("purge_inspections: arguments are checked; confirm stops the run without --yes")
    func purge() throws {
        let db = try SupabaseFixture()
        let cli = try project()
        let env = ["DEV_DATABASE_URL": cluster.url(db.prod)]
        let bad = try cli.run(["examples/purge_inspections.lua", "soon"], environment: env)
        #expect(bad.status == 1 && bad.stderr.contains("usage: beekrun examples/purge_inspections.lua DAYS"))
        let unconfirmed = try cli.run(["examples/purge_inspections.lua", "200"], environment: env)
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("rerun with --yes"), "\(unconfirmed)")
        #expect(try cluster.psql(db.prod, "select count(*) from public.inspections") == "300")
        let yes = try cli.run(["--yes", "examples/purge_inspections.lua", "200"], environment: env)
        #expect(yes.status == 0, "\(yes)")
        let left = try cluster.psql(db.prod, "select count(*) from public.inspections where inspected_at < now() - interval '200 days'")
        #expect(left == "0")
        #expect(yes.stderr.contains("1 change applied"))
    }

    @Test("backfill_hive_names: one failing hive rolls back alone inside the outer transaction")
    func backfill() throws {
        let db = try SupabaseFixture()
        let cli = try project()
        _ = try cluster.psql(db.prod, "insert into public.hives (owner, name) values ('11111111-1111-1111-1111-111111111111', 'A hive with a very long name indeed')")
        let env = ["DEV_DATABASE_URL": cluster.url(db.prod)]
        let dry = try cli.run(["--dry-run", "examples/backfill_hive_names.lua"], environment: env)
        #expect(dry.status == 0, "\(dry)")
        let r = try cli.run(["examples/backfill_hive_names.lua"], environment: env)
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("12 hives renamed, 1 skipped"), "\(r)")
        #expect(try cluster.psql(db.prod, "select count(*) from public.hives where name like '%''s Hive %'") == "12")
        #expect(r.stderr.contains("12 changes applied"))
    }
}
