import Foundation
import Testing
import TestSupport

/// migrate(db, FILE): applied once, in a transaction, recorded; a changed file is refused.
@Suite("migrate")
struct MigrateRunbookTests {
    let cluster = PostgresCluster.shared

    @Test("applies once, records it, skips it the second time, refuses it once changed")
    func appliesOnce() throws {
        let db = try cluster.createDatabase("mig")
        let cli = try BeekrunCLI()
        try cli.write("Migrations/001_add_notes.sql", "create table notes(id int primary key, body text);\ninsert into notes values (1, 'one');\n")
        let script = """
            local db <close> = connect{url = env('DB'), name = 'prod'}
            local r = migrate(db, args[1])
            print('applied', r.applied, r.file)
            """
        let first = try cli.runbook(script, arguments: ["Migrations/001_add_notes.sql"], environment: ["DB": cluster.url(db)])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("applied\ttrue\t001_add_notes.sql"))
        let second = try cli.runbook(script, arguments: ["Migrations/001_add_notes.sql"], environment: ["DB": cluster.url(db)])
        #expect(second.stdout.contains("applied\tfalse"), "\(second)")
        #expect(try cluster.psql(db, "select count(*) from notes") == "1")
        #expect(try cluster.psql(db, "select filename from beekrun.schema_migrations") == "001_add_notes.sql")

        try cli.write("Migrations/001_add_notes.sql", "create table notes(id int primary key, body text, extra int);\n")
        let changed = try cli.runbook(script, arguments: ["Migrations/001_add_notes.sql"], environment: ["DB": cluster.url(db)])
        #expect(changed.status == 1)
        #expect(changed.stderr.contains("has changed since"))
    }

    @Test("a failing migration leaves nothing behind, not even its record")
    func atomic() throws {
        let db = try cluster.createDatabase("mig")
        let cli = try BeekrunCLI()
        try cli.write("Migrations/002_broken.sql", "create table half(a int);\ninsert into half values ('not a number');\n")
        let r = try cli.runbook("local db <close> = connect{url = env('DB')}\nmigrate(db, 'Migrations/002_broken.sql')",
                                environment: ["DB": cluster.url(db)])
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/test.lua:2:"))
        #expect(r.stderr.contains("22P02"))
        #expect(try cluster.psql(db, "select to_regclass('half') is null") == "t")
        // The ledger was created in the same transaction, so it is gone too.
        #expect(try cluster.psql(db, "select to_regclass('beekrun.schema_migrations') is null") == "t")
    }

    @Test("a dry run shows the SQL and applies nothing")
    func dryRun() throws {
        let db = try cluster.createDatabase("mig")
        let cli = try BeekrunCLI()
        try cli.write("Migrations/003.sql", "create table planned(a int);\n")
        let r = try cli.runbook("local db <close> = connect{url = env('DB')}\nprint(migrate(db, 'Migrations/003.sql').applied)",
                                flags: ["--dry-run"], environment: ["DB": cluster.url(db)])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("~ migrate"))
        #expect(r.stderr.contains("create table planned"))
        #expect(try cluster.psql(db, "select to_regclass('planned') is null") == "t")
    }

    @Test("a file with its own BEGIN/COMMIT is refused, naming the line")
    func transactionControl() throws {
        let db = try cluster.createDatabase("mig")
        let cli = try BeekrunCLI()
        try cli.write("Migrations/004.sql", "create table x(a int);\nCOMMIT;\n")
        let r = try cli.runbook("local db <close> = connect{url = env('DB')}\nmigrate(db, 'Migrations/004.sql')",
                                environment: ["DB": cluster.url(db)])
        #expect(r.status == 1)
        #expect(r.stderr.contains("Migrations/004.sql:2"))
    }

    @Test("migrating a production database needs confirmation")
    func productionConfirmation() throws {
        let db = try cluster.createDatabase("mig")
        let cli = try BeekrunCLI()
        try cli.write("Migrations/005.sql", "create table t5(a int);\n")
        let script = "local db <close> = connect{url = env('DB'), production = true}\nmigrate(db, 'Migrations/005.sql')"
        #expect(try cli.runbook(script, environment: ["DB": cluster.url(db)]).status == 1)
        #expect(try cluster.psql(db, "select to_regclass('t5') is null") == "t")
        #expect(try cli.runbook(script, flags: ["--yes"], environment: ["DB": cluster.url(db)]).status == 0)
        #expect(try cluster.psql(db, "select to_regclass('t5') is null") == "f")
    }
}
