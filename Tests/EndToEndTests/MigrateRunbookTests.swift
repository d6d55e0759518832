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

    // MARK: The Supabase CLI's layout and history

    /// A team's supabase/migrations/ folder, as `supabase migration new` writes it.
    static let supabaseFolder: [(String, String)] = [
        ("supabase/migrations/20240101120000_create_hives.sql",
         "-- hives\ncreate table public.hives (id bigint generated always as identity primary key, name text not null);\n"),
        ("supabase/migrations/20240102120000_add_touch.sql",
         "create function public.touch() returns trigger language plpgsql as $$\nbegin\n  new.name := trim(new.name); return new;\nend;\n$$;\n"
            + "create trigger hives_touch before insert on public.hives for each row execute function public.touch();\n"),
        ("supabase/migrations/20240103120000_seed 'first' hive.sql",
         "insert into public.hives (name) values ('  Hive; one  ');\n"),
    ]

    @Test("migrate_all applies a supabase/migrations/ folder in order, once, recorded as the Supabase CLI records it")
    func supabaseFolder() throws {
        let db = try cluster.createDatabase("mig")
        let cli = try BeekrunCLI()
        for (path, sql) in Self.supabaseFolder { try cli.write(path, sql) }
        try cli.write("supabase/migrations/README.md", "not a migration")
        let script = """
            local db <close> = connect{url = env('DB'), name = 'dev'}
            local r = migrate_all(db, 'supabase/migrations')
            print('applied', #r.applied, r.skipped, table.concat(r.applied, ','))
            """
        let first = try cli.runbook(script, environment: ["DB": cluster.url(db)])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("applied\t3\t0\t20240101120000_create_hives.sql,20240102120000_add_touch.sql,"), "\(first)")
        #expect(try cluster.psql(db, "select name from public.hives") == "Hive; one")

        let again = try cli.runbook(script, environment: ["DB": cluster.url(db)])
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("applied\t0\t3\t"), "\(again)")
        #expect(try cluster.psql(db, "select count(*) from public.hives") == "1")

        // The CLI's own table, shape and rows: version, name, statements (split, without ';').
        #expect(try cluster.psql(db, """
            select string_agg(column_name || ' ' || data_type, ', ' order by ordinal_position)
            from information_schema.columns where table_schema = 'supabase_migrations' and table_name = 'schema_migrations'
            """) == "version text, statements ARRAY, name text")
        #expect(try cluster.psql(db, "select string_agg(version || ' ' || name || ' ' || cardinality(statements), '|' order by version) from supabase_migrations.schema_migrations")
            == "20240101120000 create_hives 1|20240102120000 add_touch 2|20240103120000 seed 'first' hive 1")
        #expect(try cluster.psql(db, "select statements[1] from supabase_migrations.schema_migrations where version = '20240103120000'")
            == "insert into public.hives (name) values ('  Hive; one  ')")
        #expect(try cluster.psql(db, "select statements[1] from supabase_migrations.schema_migrations where version = '20240102120000'")
            .hasSuffix("end;\n$$"))
        // beekrun's own ledger is not used for these files.
        #expect(try cluster.psql(db, "select to_regclass('beekrun.schema_migrations') is null") == "t")
    }

    @Test("a version the Supabase CLI already applied is skipped; migrate_all stops at the first failing file")
    func supabaseHistoryShared() throws {
        let db = try cluster.createDatabase("mig")
        let cli = try BeekrunCLI()
        for (path, sql) in Self.supabaseFolder { try cli.write(path, sql) }
        try cli.write("supabase/migrations/20240104120000_broken.sql", "create table public.half(a int);\nselect 1/0;\n")
        try cli.write("supabase/migrations/20240105120000_after.sql", "create table public.after(a int);\n")
        // `supabase db push` ran the first file already (an older CLI: its table has no name column yet).
        _ = try cluster.psql(db, """
            create schema supabase_migrations;
            create table supabase_migrations.schema_migrations (version text not null primary key, statements text[]);
            insert into supabase_migrations.schema_migrations values ('20240101120000', '{}');
            create table public.hives (id bigint generated always as identity primary key, name text not null);
            """)
        let r = try cli.runbook("local db <close> = connect{url = env('DB')}\nmigrate_all(db, 'supabase/migrations')",
                                environment: ["DB": cluster.url(db)])
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/test.lua:2:"), "\(r)")
        #expect(r.stderr.contains("22012"), "\(r)")
        #expect(try cluster.psql(db, "select string_agg(version, ',' order by version) from supabase_migrations.schema_migrations")
            == "20240101120000,20240102120000,20240103120000")
        #expect(try cluster.psql(db, "select to_regclass('public.half') is null and to_regclass('public.after') is null") == "t")

        // One file by migrate(): recorded in the same table.
        try cli.write("supabase/migrations/20240104120000_broken.sql", "create table public.half(a int);\n")
        let one = try cli.runbook("local db <close> = connect{url = env('DB')}\nprint(migrate(db, 'supabase/migrations/20240104120000_broken.sql').applied)",
                                  environment: ["DB": cluster.url(db)])
        #expect(one.stdout.contains("true"), "\(one)")
        #expect(try cluster.psql(db, "select name from supabase_migrations.schema_migrations where version = '20240104120000'") == "broken")
    }
}
