import BeekrunKit
import Foundation
import Testing
import TestSupport

/// The three shipped runbooks, end to end, against two real databases and a real git remote.
@Suite("Shipped runbooks")
struct ShippedRunbookTests {
    static let publicTables = ["public.profiles", "public.hives", "public.inspections"]

    @Test("sync makes dev a clone of prod: same schema text, same rows; dev-only users kept, conflicting ones replaced")
    func sync() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        try cli.installShippedRunbooks()
        #expect(try db.schema(db.prod) != db.schema(db.dev))
        let r = try cli.run(["--yes", "sync.lua"], environment: db.environment)
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("dev is a clone of prod"))
        // Equal but for the webhook, which sync.lua clones disabled (SupabasePlatformTests).
        #expect(try db.schemaWithWebhooksEnabled(db.dev) == db.schema(db.prod))
        for table in Self.publicTables {
            #expect(try db.checksum(db.dev, table) == db.checksum(db.prod, table), "\(table)")
        }
        // Auth: prod's users and identities are all there, byte for byte; the dev-only user
        // stayed; old Ada (same email as prod's Ada, other id) was replaced.
        let prodUsers = try db.checksum(db.prod, "auth.users")
        #expect(try db.checksum(db.dev, "(select * from auth.users where id <> '99999999-9999-9999-9999-999999999999') ") == prodUsers)
        #expect(try db.cluster.psql(db.dev, "select count(*) from auth.users where email = 'dev-only@example.com'") == "1")
        #expect(try db.cluster.psql(db.dev, "select count(*) from auth.users where id = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa'") == "0")
        #expect(try db.checksum(db.dev, "auth.identities") == db.checksum(db.prod, "auth.identities"))
        // The trigger on auth.users came back and works: a new user gets a profile.
        _ = try db.cluster.psql(db.dev, "insert into auth.users (id, email) values ('44444444-4444-4444-4444-444444444444', 'new@example.com')")
        #expect(try db.cluster.psql(db.dev, "select count(*) from public.profiles where id = '44444444-4444-4444-4444-444444444444'") == "1")
        // Identity sequences continue where prod's are.
        #expect(try db.cluster.psql(db.dev, "select last_value from public.hives_id_seq")
                == db.cluster.psql(db.prod, "select last_value from public.hives_id_seq"))
        // Both backups were written.
        let backups = try FileManager.default.contentsOfDirectory(atPath: cli.directory + "/backups")
        #expect(backups.contains { $0.hasPrefix("prod_") })
        #expect(backups.contains { $0.hasPrefix("dev_") })
    }

    @Test("sync without --yes and without a terminal stops before dev changes")
    func syncNeedsConfirmation() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        try cli.installShippedRunbooks()
        let before = try db.everything(db.dev)
        let r = try cli.run(["sync.lua"], environment: db.environment)
        #expect(r.status == 1)
        #expect(r.stderr.contains("--yes"))
        #expect(try db.everything(db.dev) == before)
    }

    @Test("promote refuses the wrong branch, a dirty tree and a drifted dev (printing the fixing SQL); otherwise merges and pushes")
    func promote() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        try cli.installShippedRunbooks()
        let repo = try GitFixture(in: cli.directory)
        try repo.commitFile("app.txt", "v2\n", message: "feature")
        try repo.git(["push", "--quiet", "origin", "develop"])
        let mainBefore = try repo.originHead("main")

        try repo.git(["checkout", "--quiet", "main"])
        let wrongBranch = try cli.run(["promote.lua"], environment: db.environment)
        #expect(wrongBranch.status == 1)
        #expect(wrongBranch.stderr.contains("promote runs on develop"))
        try repo.git(["checkout", "--quiet", "develop"])

        try "wip\n".write(toFile: cli.directory + "/wip.txt", atomically: true, encoding: .utf8)
        let dirty = try cli.run(["promote.lua"], environment: db.environment)
        #expect(dirty.status == 1)
        #expect(dirty.stderr.contains("uncommitted changes"))
        try FileManager.default.removeItem(atPath: cli.directory + "/wip.txt")

        let drifted = try cli.run(["--yes", "promote.lua"], environment: db.environment)
        #expect(drifted.status == 1)
        #expect(drifted.stderr.contains("schema drift"))
        #expect(drifted.stdout.contains("ALTER TABLE public.hives ADD COLUMN color text;"))
        #expect(drifted.stdout.contains("CREATE TABLE public.harvests"))
        #expect(try repo.originHead("main") == mainBefore)

        // Bring prod to dev with the printed SQL, then promote goes through.
        let printed = drifted.stdout.components(separatedBy: "--   beekrun migrate.lua").last!
            .components(separatedBy: "\nFailed after").first!
        let sql = printed.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
        _ = try db.cluster.psql(db.prod, sql)
        let released = try cli.run(["--yes", "promote.lua"], environment: db.environment)
        #expect(released.status == 0, "\(released)")
        #expect(try repo.originHead("main") == repo.git(["rev-parse", "develop"]))
    }

    @Test("migrate.lua applies a file to prod once, refuses it once changed, and shows the drift left")
    func migrate() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        try cli.installShippedRunbooks()
        try cli.write("Migrations/004_add_hive_color.sql", "ALTER TABLE public.hives ADD COLUMN color text;\n")
        let first = try cli.run(["--yes", "migrate.lua", "Migrations/004_add_hive_color.sql"], environment: db.environment)
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("+ table public.harvests")) // what is left
        #expect(!first.stdout.contains("column public.hives.color"))
        let again = try cli.run(["--yes", "migrate.lua", "Migrations/004_add_hive_color.sql"], environment: db.environment)
        #expect(again.status == 0, "\(again)")
        #expect(again.output.contains("already applied"))
        try cli.write("Migrations/004_add_hive_color.sql", "ALTER TABLE public.hives ADD COLUMN colour text;\n")
        let changed = try cli.run(["--yes", "migrate.lua", "Migrations/004_add_hive_color.sql"], environment: db.environment)
        #expect(changed.status == 1)
        #expect(changed.stderr.contains("has changed since"))
        let missing = try cli.run(["--yes", "migrate.lua"], environment: db.environment)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("usage: beekrun migrate.lua"))
    }

    @Test("dry runs of all three change nothing: databases, files, git")
    func dryRunsChangeNothing() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        try cli.installShippedRunbooks()
        let repo = try GitFixture(in: cli.directory)
        try cli.write("Migrations/004.sql", "ALTER TABLE public.hives ADD COLUMN color text;\n")
        try repo.git(["add", "Migrations/004.sql"])
        try repo.git(["commit", "--quiet", "-m", "migration"])
        try repo.git(["push", "--quiet", "origin", "develop"])
        let prodBefore = try db.everything(db.prod), devBefore = try db.everything(db.dev)
        let refsBefore = try repo.git(["for-each-ref"]), originBefore = try GitFixture.git(["for-each-ref"], in: repo.origin)
        let filesBefore = try FileManager.default.subpathsOfDirectory(atPath: cli.directory).filter { !$0.hasPrefix(".git/") }.sorted()

        let sync = try cli.run(["--dry-run", "sync.lua"], environment: db.environment)
        #expect(sync.status == 0, "\(sync)")
        #expect(sync.stderr.contains("- nuke dev"))
        #expect(sync.stderr.contains("+ clone_schema prod → dev"))
        #expect(sync.stderr.contains("~ restore dev"))
        #expect(sync.stderr.contains("Nothing was changed (dry run)"))
        let migrate = try cli.run(["--dry-run", "migrate.lua", "Migrations/004.sql"], environment: db.environment)
        #expect(migrate.status == 0, "\(migrate)")
        #expect(migrate.stderr.contains("~ migrate prod"))
        let promote = try cli.run(["--dry-run", "promote.lua"], environment: db.environment)
        #expect(promote.status == 1) // dev has drifted: promote refuses, as it should
        #expect(promote.stderr.contains("schema drift"))

        #expect(try db.everything(db.prod) == prodBefore)
        #expect(try db.everything(db.dev) == devBefore)
        #expect(try repo.git(["for-each-ref"]) == refsBefore)
        #expect(try GitFixture.git(["for-each-ref"], in: repo.origin) == originBefore)
        let filesAfter = try FileManager.default.subpathsOfDirectory(atPath: cli.directory).filter { !$0.hasPrefix(".git/") }.sorted()
        #expect(filesAfter == filesBefore)
    }
}
