import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Issue 15: the runbook API as a team writing its own runbooks meets it, through the real CLI.
@Suite("Runbook API")
struct RunbookAPITests {
    let cluster = PostgresCluster.shared

    func database(_ setup: String = "") throws -> String {
        let name = try cluster.createDatabase("api")
        if !setup.isEmpty { _ = try cluster.psql(name, setup) }
        return cluster.url(name)
    }

    /// Backup folders of one label, as beekrun names them, each with a minimal manifest.
    func fakeBackups(_ cli: BeekrunCLI, _ names: [String], dir: String = "backups") throws {
        for name in names {
            try cli.write("\(dir)/\(name)/manifest.json", """
                {"format":"beekrun-backup","formatVersion":1,"label":"x","source":{"database":"d","serverVersion":"17","serverVersionNum":170000},
                 "snapshotTime":"2026-11-26T04:00:00Z","schemas":["public"],"settings":{},"tables":[],"sequences":[]}
                """)
        }
    }

    // MARK: 1. list_backups

    @Test("list_backups: newest first, plain tables with path, label, time, tables, rows, bytes; verify finds a damaged file")
    func listBackups() throws {
        let url = try database("create table t(id int primary key, v text); insert into t select g, 'v' || g from generate_series(1, 5) g")
        let cli = try BeekrunCLI()
        let r = try cli.runbook("""
            local db <close> = connect{url = env('DB'), name = 'src'}
            local a = backup(db, {label = 'nightly'})
            local b = backup(db, {label = 'nightly'})
            backup(db, {label = 'other'})
            local list = list_backups{label = 'nightly'}
            print('count', #list, list[1].path == b.path, list[2].path == a.path)
            local keys = {}
            for k in pairs(list[1]) do keys[#keys + 1] = k end
            table.sort(keys)
            print('keys', table.concat(keys, ','))
            print('entry', list[1].label, list[1].tables, list[1].rows, list[1].bytes > 0, list[1].verified)
            print('time', list[1].time:match('^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%dZ$') ~= nil)
            print('all', #list_backups{})
            """, environment: ["DB": url])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("count\t2\ttrue\ttrue"))
        #expect(r.stdout.contains("keys\tbytes,label,path,rows,tables,time"), "verified is nil unless verify = true")
        #expect(r.stdout.contains("entry\tnightly\t1\t5\ttrue\tnil"))
        #expect(r.stdout.contains("time\ttrue"))
        #expect(r.stdout.contains("all\t3"))

        // Damage one file: verify = true says so, for that backup only.
        let folder = try FileManager.default.contentsOfDirectory(atPath: cli.directory + "/backups").filter { $0.hasPrefix("other_") }.first!
        let file = cli.directory + "/backups/" + folder + "/public.t.json"
        try (try String(contentsOfFile: file, encoding: .utf8)).replacingOccurrences(of: "v3", with: "v9").write(toFile: file, atomically: true, encoding: .utf8)
        let v = try cli.runbook("""
            for _, b in ipairs(list_backups{verify = true}) do print(b.label, b.verified) end
            """, name: "verify.lua")
        #expect(v.status == 0, "\(v)")
        #expect(v.stdout.contains("other\tfalse"))
        #expect(v.stdout.contains("nightly\ttrue"))
        #expect(v.stderr.contains("1 damaged"))
    }

    // MARK: 2. Retention

    @Test("prune_backups orders …Z, …Z-2 … …Z-10 by number, not text: keep = 3 keeps -10, -9, -8")
    func pruneNumericOrder() throws {
        let cli = try BeekrunCLI()
        let names = ["nightly_2026-11-26T03-15-00Z"] + (2...10).map { "nightly_2026-11-26T03-15-00Z-\($0)" }
            + ["nightly_2026-11-25T03-15-00Z-12"]
        try fakeBackups(cli, names)
        let r = try cli.runbook("""
            local p = prune_backups{label = 'nightly', keep = 3}
            for _, k in ipairs(p.kept) do print('kept', k:match('[^/]+$')) end
            print('removed', #p.removed)
            """)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("kept\tnightly_2026-11-26T03-15-00Z-10\nkept\tnightly_2026-11-26T03-15-00Z-9\nkept\tnightly_2026-11-26T03-15-00Z-8\n"))
        #expect(r.stdout.contains("removed\t8"))
        let left = try FileManager.default.contentsOfDirectory(atPath: cli.directory + "/backups").filter { $0.hasPrefix("nightly_") }
        #expect(left.count == 3 && left.contains("nightly_2026-11-26T03-15-00Z-10"))
    }

    @Test("a dry run's prune counts the backup planned earlier in the same run, as the real run will")
    func pruneCountsPlannedBackup() throws {
        let url = try database("create table t(id int)")
        let cli = try BeekrunCLI()
        try fakeBackups(cli, ["nightly_2020-01-01T00-00-00Z", "nightly_2020-01-02T00-00-00Z"])
        let script = """
            local db <close> = connect{url = env('DB')}
            backup(db, {label = 'nightly'})
            local p = prune_backups{label = 'nightly', keep = 2}
            print('removed', #p.removed, p.removed[1] and p.removed[1]:match('[^/]+$'))
            """
        let dry = try cli.runbook(script, flags: ["--dry-run"], environment: ["DB": url])
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.contains("removed\t1\tnightly_2020-01-01T00-00-00Z"))
        #expect(dry.stderr.contains("keep 2, remove 1"))
        let real = try cli.runbook(script, environment: ["DB": url])
        #expect(real.stdout.contains("removed\t1\tnightly_2020-01-01T00-00-00Z"), "\(real)")
    }

    // MARK: 3. A dry run runs the real run's checks

    @Test("restoring a public-only backup whose profiles reference auth.users rows dev lacks is refused in the dry run too")
    func dryRunRestoreReferenceCheck() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        let made = try cli.runbook("""
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', readonly = true}
            print(backup(prod, {label = 'pub'}).path)
            """, name: "make.lua", environment: db.environment)
        #expect(made.status == 0, "\(made)")
        let path = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let restore = """
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
            restore(dev, '\(path)')
            """
        let before = try db.everything(db.dev)
        let dry = try cli.runbook(restore, name: "restore.lua", flags: ["--dry-run"], environment: db.environment)
        let real = try cli.runbook(restore, name: "restore.lua", flags: ["--yes"], environment: db.environment)
        #expect(dry.status == 1, "\(dry)")
        #expect(real.status == 1, "\(real)")
        #expect(dry.stderr.contains("auth.users"), "\(dry)")
        #expect(real.stderr.contains("auth.users"), "\(real)")
        #expect(try db.everything(db.dev) == before)

        // The same when the backup is only planned (a dry run's backup() earlier in the run): the
        // key values are read from the source.
        let planned = try cli.runbook("""
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', readonly = true}
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
            restore(dev, backup(prod, {label = 'pub'}))
            """, name: "planned.lua", flags: ["--dry-run"], environment: db.environment)
        #expect(planned.status == 1, "\(planned)")
        #expect(planned.stderr.contains("missing from auth.users"), "\(planned)")

                // With auth backed up too, the same restore plans and runs.
        let both = try cli.runbook("""
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', readonly = true}
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
            local b = backup(prod, {label = 'both', schemas = {'public', 'auth'}})
            transaction(dev, function() restore(dev, b) end)
            """, name: "both.lua", flags: ["--yes"], environment: db.environment)
        #expect(both.status == 0, "\(both)")
        #expect(try cluster.psql(db.dev, "select count(*) from public.profiles") == "3")
    }

    // MARK: 4. require

    @Test("require loads modules next to the runbook or in runbooks/, once; nothing outside the project, no bytecode")
    func requireModules() throws {
        let cli = try BeekrunCLI()
        try cli.write("runbooks/lib/sync_steps.lua", "local M = {loads = 0}\nM.loads = M.loads + 1\nfunction M.greet(n) return 'hello ' .. n end\nreturn M\n")
        try cli.write("ops/helpers.lua", "return {answer = 42}\n")
        try cli.write("runbooks/lib/broken.lua", "local x = 1\nlocal y = = 2\n")
        try cli.write("runbooks/lib/fails.lua", "local x = 1\nerror('module failed')\n")
        let outside = try TestDirectory.make("outside")
        try "return {}\n".write(toFile: outside + "/evil.lua", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: cli.directory + "/runbooks/evil.lua", withDestinationPath: outside + "/evil.lua")
        try cli.write("runbooks/lib/compiled.lua", "\u{1B}Lua")

        try cli.write("ops/main.lua", """
            local steps = require('lib.sync_steps')
            local again = require('lib.sync_steps')
            print(steps.greet('dev'), steps == again, steps.loads)
            print(require('helpers').answer)
            """)
        let r = try cli.run(["ops/main.lua"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("hello dev\ttrue\t1"))
        #expect(r.stdout.contains("42"))

        func failure(_ code: String) throws -> String {
            let r = try cli.runbook(code, name: "req.lua")
            #expect(r.status == 1, "\(r)")
            return r.stderr
        }
        #expect(try failure("require('lib.missing')").contains("runbooks/req.lua:1: require: no module 'lib.missing': looked for runbooks/lib/missing.lua"))
        #expect(try failure("require('lib.broken')").contains("runbooks/lib/broken.lua:2:"))
        #expect(try failure("\nrequire('lib.fails')").contains("runbooks/lib/fails.lua:2: module failed"))
        #expect(try failure("require('evil')").contains("outside the project"))
        #expect(try failure("require('../x')").contains("is not a module name"))
        #expect(try failure("require('lib.compiled')").contains("precompiled bytecode"))
        #expect(try failure("print(package)").contains("'package' is not available"))
    }

    // MARK: 5. The sandbox keeps the working directory and --var

    @Test("in the sandbox, relative paths resolve as outside it and --var BEEK_BACKUP_DIR wins")
    func sandboxPaths() throws {
        let cli = try BeekrunCLI()
        try cli.write("Mig2/001_add_notes.sql", "alter table public.hives add column notes2 text;\n")
        let r = try cli.runbook("""
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod'}
            print('migrated', migrate(prod, 'Mig2/001_add_notes.sql').applied)
            local b = backup(prod, {label = 'sb'})
            print('dir', env('BEEK_BACKUP_DIR'), b.path:find('/mybackups/sb_', 1, true) ~= nil)
            write_file('out/report.txt', 'written in the sandbox')
            print('branch', git.status().branch)
            """, flags: ["--sandbox", "--yes", "--var", "BEEK_BACKUP_DIR=mybackups"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("migrated\ttrue"))
        #expect(r.stdout.contains("dir\tmybackups\ttrue"))
        #expect(r.stdout.contains("branch\tdevelop"), "git still works on the sandbox's repository")
        #expect(FileManager.default.fileExists(atPath: cli.directory + "/out/report.txt"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.directory + "/mybackups").contains { $0.hasPrefix("sb_") })
    }

    // MARK: 6. beekrun's flags after the script

    @Test("beekrun's own flags after the script are refused with a clear message; after -- they are the runbook's")
    func flagsAfterScript() throws {
        let cli = try BeekrunCLI()
        let r = try cli.runbook("print(env('K'))", arguments: ["a", "--var", "K=V"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("--var comes after the script"))
        #expect(r.stderr.contains("before SCRIPT.lua"))
        let dry = try cli.runbook("print('ran')", arguments: ["--dry-run"])
        #expect(dry.status == 2 && !dry.stdout.contains("ran"))
        let passed = try cli.runbook("print(#args, table.concat(args, ' '))", arguments: ["a", "--", "--var", "K=V"])
        #expect(passed.status == 0, "\(passed)")
        #expect(passed.stdout.contains("3\ta --var K=V"))
    }

    // MARK: 7. Output streams, --json, write_file

    @Test("print alone goes to stdout; step lines, logs and the plan go to stderr; --json makes stderr one JSON object per line")
    func outputStreams() throws {
        let url = try database("create table t(id int)")
        let cli = try BeekrunCLI()
        let script = """
            local db <close> = connect{url = env('DB'), name = 'dev'}
            log('a log line')
            exec(db, 'insert into t values (1)')
            print('select 1;')
            """
        let r = try cli.runbook(script, environment: ["DB": url])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "select 1;\n")
        #expect(r.stderr.contains("✓ connect dev"))
        #expect(r.stderr.contains("• a log line"))
        #expect(r.stderr.contains("1 change applied"))
        let dry = try cli.runbook(script, flags: ["--dry-run"], environment: ["DB": url])
        #expect(dry.stdout == "select 1;\n")
        #expect(dry.stderr.contains("Plan: 0 to add, 1 to change, 0 to destroy."))

        let json = try cli.runbook(script, flags: ["--json"], environment: ["DB": url])
        #expect(json.status == 0, "\(json)")
        #expect(json.stdout == "select 1;\n")
        let lines = json.stderr.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        var events: [[String: Any]] = []
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            if let object { events.append(object) }
        }
        #expect(events.contains { $0["event"] as? String == "step" && $0["status"] as? String == "done" && ($0["step"] as? String) == "exec on dev" && $0["seconds"] != nil })
        #expect(events.contains { $0["event"] as? String == "log" && $0["message"] as? String == "a log line" })
        #expect(events.last?["event"] as? String == "end")
    }

    @Test("write_file writes inside the project only, and nothing in a dry run")
    func writeFile() throws {
        let cli = try BeekrunCLI()
        let script = """
            local r = write_file('Migrations/005_fix.sql', 'alter table t add column c int;\\n')
            print(r.path, r.bytes)
            """
        let dry = try cli.runbook(script, flags: ["--dry-run"])
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stderr.contains("+ write_file"))
        #expect(!FileManager.default.fileExists(atPath: cli.directory + "/Migrations/005_fix.sql"))
        let real = try cli.runbook(script)
        #expect(real.status == 0, "\(real)")
        #expect(real.stdout.contains("Migrations/005_fix.sql\t32"))
        #expect(try String(contentsOfFile: cli.directory + "/Migrations/005_fix.sql", encoding: .utf8) == "alter table t add column c int;\n")
        for path in ["../escape.txt", "/tmp/escape.txt", "runbooks/../../escape.txt", ".git/config"] {
            for flags in [[], ["--dry-run"]] {
                let r = try cli.runbook("write_file('\(path)', 'x')", name: "w.lua", flags: flags)
                #expect(r.status == 1, "\(path) \(flags): \(r)")
                #expect(r.stderr.contains("runbooks/w.lua:1:"))
            }
        }
    }

    // MARK: 8. Precision

    @Test("numeric comes back as exact text, bigint as an exact Lua integer beyond 2^53")
    func precision() throws {
        let url = try database()
        let r = try BeekrunCLI().runbook("""
            local db <close> = connect{url = env('DB')}
            local row = query(db, "select 12345678901234567.89::numeric as n, 9007199254740993::int8 as b, 'NaN'::numeric as nan, 1.5::float8 as f")[1]
            print(type(row.n), row.n, math.type(row.b), row.b, row.nan, math.type(row.f))
            local back = query(db, 'select $1::numeric + 0 as n, $2::int8 as b', row.n, row.b)[1]
            print(back.n, back.b)
            """, environment: ["DB": url])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("string\t12345678901234567.89\tinteger\t9007199254740993\tNaN\tfloat"))
        #expect(r.stdout.contains("12345678901234567.89\t9007199254740993"))
    }

    // MARK: 9. Dry-run honesty

    @Test("exec: nil in a dry run; refused on a readonly connection and for several statements with parameters, dry or not")
    func execHonesty() throws {
        let name = try cluster.createDatabase("api")
        _ = try cluster.psql(name, "create table t(id int)")
        let url = cluster.url(name)
        let cli = try BeekrunCLI()
        let dry = try cli.runbook("""
            local db <close> = connect{url = env('DB')}
            print('affected', exec(db, 'insert into t values (1)'))
            """, flags: ["--dry-run"], environment: ["DB": url])
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.contains("affected\tnil"))
        for flags in [[], ["--dry-run"]] {
            let ro = try cli.runbook("""
                local db <close> = connect{url = env('DB'), readonly = true}
                exec(db, 'insert into t values (1)')
                """, flags: flags, environment: ["DB": url])
            #expect(ro.status == 1, "\(ro)")
            // Runtime.perform refuses a readonly target before the plan, dry run or not.
            #expect(ro.stderr.contains("runbooks/test.lua:2:") && ro.stderr.contains("opened with readonly = true"), "\(ro)")
            let multi = try cli.runbook("""
                local db <close> = connect{url = env('DB')}
                exec(db, 'insert into t values ($1); insert into t values (2)', 1)
                """, flags: flags, environment: ["DB": url])
            #expect(multi.status == 1, "\(multi)")
            #expect(multi.stderr.contains("several statements cannot take $n parameters"), "\(multi)")
        }
        // Semicolons in strings, comments and dollar quotes are not statement ends.
        let one = try cli.runbook("""
            local db <close> = connect{url = env('DB')}
            exec(db, [[insert into t select $1::int where ';' = $$;$$ -- ;
            ]], 7)
            """, environment: ["DB": url])
        #expect(one.status == 0, "\(one)")
        #expect(try cluster.psql(name, "select count(*) from t") == "1")
    }

    @Test("the closing line does not count rolled-back steps; a pcall'ed failed statement inside a transaction rolls back only itself")
    func rollbackCountAndHint() throws {
        let url = try database("create table t(id int primary key)")
        let cli = try BeekrunCLI()
        let r = try cli.runbook("""
            local db <close> = connect{url = env('DB')}
            exec(db, 'insert into t values (1)')
            print(pcall(transaction, db, function()
              exec(db, 'insert into t values (2)')
              exec(db, 'insert into t values (3)')
              error('changed my mind')
            end))
            transaction(db, function()
              print(pcall(exec, db, 'insert into t values (1)'))
              local ok, err = pcall(exec, db, 'insert into t values (4)')
              print('second', err)
              error('stop')
            end)
            """, environment: ["DB": url])
        #expect(r.status == 1)
        // Each step inside a transaction runs in a savepoint of its own: a failed statement
        // caught with pcall rolls back only itself, and the transaction goes on.
        #expect(r.stdout.contains("duplicate key value violates unique constraint"))
        #expect(r.stdout.contains("second\t1"), "\(r)")
        #expect(!r.stdout.contains("current transaction is aborted"))
        #expect(r.stderr.contains("Failed after"))
        let ok = try cli.runbook("""
            local db <close> = connect{url = env('DB')}
            exec(db, 'insert into t values (10)')
            pcall(transaction, db, function() exec(db, 'insert into t values (11)'); error('no') end)
            """, name: "count.lua", environment: ["DB": url])
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.stderr.contains("1 change applied (1 more rolled back)"), "\(ok)")
    }

    @Test("did you mean: tables for tabels, from for form (git_merge too); confirm is documented as stopping the run")
    func didYouMean() throws {
        let cli = try BeekrunCLI()
        let url = try database()
        let r = try cli.runbook("""
            local db <close> = connect{url = env('DB')}
            print(pcall(backup, db, {tabels = {}}))
            print(pcall(git_merge, {form = 'develop'}))
            print(pcall(list_backups, {lable = 'x'}))
            """, environment: ["DB": url])
        #expect(r.stdout.contains("unknown option 'tabels' (did you mean 'tables'?)"), "\(r)")
        #expect(r.stdout.contains("unknown option 'form' (did you mean 'from'?)"), "\(r)")
        #expect(r.stdout.contains("unknown option 'lable' (did you mean 'label'?)"), "\(r)")
        #expect(Spelling.closest(to: "tabels", among: ["dir", "label", "schemas", "tables", "exclude"]) == "tables")
        let api = try cli.run(["--api"])
        #expect(api.stdout.contains("so it only ever returns true"))
        #expect(api.stdout.contains("---@return true\nfunction confirm(message) end"))
    }

    @Test("applied_by names the OS user when USER is unset, never a bare uid")
    func appliedBy() throws {
        let name = try cluster.createDatabase("api")
        let cli = try BeekrunCLI()
        try cli.write("Migrations/001_x.sql", "create table x(id int);\n")
        let r = try cli.runbook("""
            local db <close> = connect{url = env('DB')}
            migrate(db, 'Migrations/001_x.sql')
            """, environment: ["DB": cluster.url(name)]) // BeekrunCLI passes no USER
        #expect(r.status == 0, "\(r)")
        let by = try cluster.psql(name, "select applied_by from beekrun.schema_migrations")
        let user = String(cString: getpwuid(getuid())!.pointee.pw_name)
        #expect(by.hasPrefix(user + "@"), "\(by)")
    }

    // MARK: 11. Consistency

    @Test("a backup is a plain table pairs can walk, restore takes it; diff.summary has no second Plan: line")
    func plainResults() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        let script = """
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', readonly = true}
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
            local b = backup(prod, {label = 'p', schemas = {'public', 'auth'}, tables = {'auth.*', 'public.profiles', 'public.hives'}})
            local keys = {}
            for k in pairs(b) do keys[#keys + 1] = k end
            table.sort(keys)
            print('keys', table.concat(keys, ','), type(b))
            print('label', b.label, b.planned)
            transaction(dev, function() restore(dev, b) end)
            print(diff(prod, dev).summary)
            """
        let dry = try cli.runbook(script, flags: ["--dry-run"], environment: db.environment)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.contains("keys\tbytes,label,path,planned,rows,table_rows,tables,time\ttable"))
        #expect(dry.stdout.contains("label\tp\ttrue"))
        #expect(!dry.stdout.contains("Plan:"), "diff.summary reads unlike beekrun's own plan line")
        #expect(dry.stdout.contains("Differences:"))
        let real = try cli.runbook(script, flags: ["--yes"], environment: db.environment)
        #expect(real.status == 0, "\(real)")
        #expect(real.stdout.contains("label\tp\tfalse"))
    }

    @Test("runbooks/beekrun.meta.lua documents every primitive, option and return field the code has")
    func apiStubsComplete() throws {
        let meta = try String(contentsOf: ExampleRunbookTests.repository.appendingPathComponent("runbooks/beekrun.meta.lua"), encoding: .utf8)
        for primitive in PrimitiveRegistry.all {
            #expect(meta.contains("function \(primitive.name)("), "\(primitive.name)")
            for option in primitive.options { #expect(meta.contains("--- * `\(option.key)`:"), "\(primitive.name).\(option.key)") }
        }
        for luaClass in APIStubs.classes {
            for field in luaClass.fields { #expect(meta.contains("---@field \(field.name) \(field.type)"), "\(luaClass.name).\(field.name)") }
        }
        let readme = try String(contentsOf: ExampleRunbookTests.repository.appendingPathComponent("README.md"), encoding: .utf8)
        for primitive in PrimitiveRegistry.all {
            #expect(readme.contains("`\(primitive.name)"), "README lacks \(primitive.name)")
            // The README's table row of the primitive names each of its options (`key=`).
            let row = readme.split(separator: "\n").first { $0.hasPrefix("| `\(primitive.name)") || $0.hasPrefix("| ") && $0.contains(", `\(primitive.name)") }
            for option in primitive.options {
                #expect(row?.contains("\(option.key)=") == true, "README's row for \(primitive.name) lacks \(option.key)=")
            }
        }
    }
}
