import BeekrunKit
import Foundation
import Testing
import TestSupport

/// The worked examples of the README run as written.
@Suite("Example runbooks")
struct ExampleRunbookTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func install(_ cli: BeekrunCLI, _ name: String) throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent("examples/" + name), encoding: .utf8)
        try cli.write("examples/" + name, text)
    }

    @Test("scrub_dev leaves no real email, name or phone in dev, and refuses production")
    func scrub() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        try install(cli, "scrub_dev.lua")
        try install(cli, "lib/scrub.lua") // the module scrub_dev.lua requires
        let env = ["DEV_DATABASE_URL": db.cluster.url(db.prod)] // scrub the one with data
        let r = try cli.run(["examples/scrub_dev.lua"], environment: env)
        #expect(r.status == 0, "\(r)")
        #expect(try db.cluster.psql(db.prod, "select count(*) from auth.users where email like '%@example.com' or phone is not null") == "0")
        #expect(try db.cluster.psql(db.prod, "select count(*) from auth.identities where identity_data->>'email' like '%@example.com'") == "0")
        #expect(try db.cluster.psql(db.prod, "select count(*) from public.profiles where full_name like '%Apis%'") == "0")

        _ = try cli.run(["mark-production", db.cluster.url(db.dev)])
        let refused = try cli.run(["examples/scrub_dev.lua"], environment: ["DEV_DATABASE_URL": db.cluster.url(db.dev)])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("must never run on production"))
    }

    @Test("nightly_backup keeps the newest N backups and removes the rest; a dry run removes nothing")
    func nightly() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        try install(cli, "nightly_backup.lua")
        let env = ["PROD_DATABASE_URL": db.cluster.url(db.prod), "BACKUP_KEEP": "2"]
        for _ in 0..<3 {
            let r = try cli.run(["examples/nightly_backup.lua"], environment: env)
            #expect(r.status == 0, "\(r)")
            sleep(1) // backup folders are named by the second
        }
        func nightlies() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: cli.directory + "/backups").filter { $0.hasPrefix("nightly_") }.sorted()
        }
        #expect(try nightlies().count == 2)
        let before = try nightlies()
        let dry = try cli.run(["--dry-run", "examples/nightly_backup.lua"], environment: env)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stderr.contains("- prune_backups nightly"))
        #expect(try nightlies() == before)
    }
}
