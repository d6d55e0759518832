import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Issue 11: beekrun's central promises, each tried as a hostile runbook would, through the
/// real binary against real PostgreSQL. Test names carry the issue item they prove.
@Suite("Enforcement (issue 11)")
struct EnforcementTests {
    let cluster = PostgresCluster.shared

    /// A database with `public.inspections` (3 rows) and beekrun's production mark.
    func markedProduction() throws -> String {
        let db = try cluster.createDatabase("enf")
        _ = try cluster.psql(db, """
            create table public.inspections(id int primary key); insert into public.inspections values (1), (2), (3);
            create schema beekrun; comment on schema beekrun is 'beekrun: production database, marked by test';
            """)
        return db
    }

    @Test("item 1: query() cannot write, on a production readonly connection, in a real run or a dry run")
    func item1QueryCannotWrite() throws {
        let db = try markedProduction()
        let cli = try BeekrunCLI()
        let hostile = [
            "with d as (delete from public.inspections returning 1) select count(*) n from d",
            "begin read write", "commit", "end",
            "comment on schema beekrun is null",
            "create table public.smuggled(a int)",
            "select 1; delete from public.inspections",
        ]
        let calls = hostile.map { "print(pcall(query, prod, [[\($0)]]))" }
        for flags in [["--dry-run"], []] {
            for readonly in ["true", "false"] {
                let r = try cli.runbook("""
                    local prod <close> = connect{url = env('DB'), name = 'prod', production = true, readonly = \(readonly)}
                    query(prod, 'set session characteristics as transaction read write') -- runs, and is rolled back with its transaction
                    \(calls.joined(separator: "\n"))
                    print(pcall(transaction, prod, function() query(prod, 'create table public.inside(a int)') end))
                    print(pcall(query, prod, 'with d as (delete from public.inspections returning 1) select count(*) n from d'))
                    print('count', query(prod, 'select count(*) n from public.inspections')[1].n)
                    """, flags: flags, environment: ["DB": cluster.url(db)])
                #expect(r.status == 0, "\(flags) readonly=\(readonly): \(r)")
                #expect(!r.stdout.contains("true\ttable"), "a hostile query succeeded: \(r.stdout)")
                #expect(r.stdout.contains("count\t3"))
            }
        }
        #expect(try cluster.psql(db, "select count(*) from public.inspections") == "3")
        #expect(try cluster.psql(db, "select obj_description('beekrun'::regnamespace, 'pg_namespace')")
            .hasPrefix("beekrun: production"))
        #expect(try cluster.psql(db, "select count(*) from pg_tables where schemaname = 'public'") == "1")
        // The session is not left read write by a SET smuggled through query().
        let r = try cli.runbook("""
            local prod <close> = connect{url = env('DB'), name = 'prod', readonly = true}
            query(prod, 'set session characteristics as transaction read write')
            print('ro', query(prod, 'show default_transaction_read_only')[1].default_transaction_read_only)
            """, environment: ["DB": cluster.url(db)])
        #expect(r.stdout.contains("ro\ton"), "\(r)")
    }

    @Test("item 1: writes go through exec and are refused on a readonly connection before anything runs")
    func item1ReadonlyRefusesExec() throws {
        let db = try markedProduction()
        let r = try BeekrunCLI().runbook("""
            local prod <close> = connect{url = env('DB'), name = 'prod', readonly = true}
            exec(prod, 'set session characteristics as transaction read write; delete from public.inspections')
            """, flags: ["--yes"], environment: ["DB": cluster.url(db)])
        #expect(r.status == 1)
        #expect(r.stderr.contains("readonly = true"), "\(r)")
        #expect(try cluster.psql(db, "select count(*) from public.inspections") == "3")
    }

    @Test("item 2: a restore refused by its own check inside transaction() leaves nothing behind")
    func item2RefusedRestoreInsideTransaction() throws {
        let src = try cluster.createDatabase("src")
        let dst = try cluster.createDatabase("dst")
        let schema = "create table parent(id int primary key); create table child(id int primary key, pid int references parent);"
        _ = try cluster.psql(src, schema + "insert into parent values (1), (2); insert into child values (10, 2);")
        _ = try cluster.psql(dst, schema + "insert into parent values (1); insert into child values (5, 1);")
        let r = try BeekrunCLI().runbook("""
            local src <close> = connect{url = env('SRC'), name = 'src', readonly = true}
            local dst <close> = connect{url = env('DST'), name = 'dst'}
            local b = backup(src)
            transaction(dst, function()
              print(pcall(restore, dst, b, {tables = {'public.child'}}))
            end)
            """, flags: ["--yes"], environment: ["SRC": cluster.url(src), "DST": cluster.url(dst)])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("reference rows missing"), "\(r)")
        #expect(try cluster.psql(dst, "select string_agg(id || ':' || pid, ',') from child") == "5:1")
    }

    @Test("item 3: COMMIT or END cannot end beekrun's transaction: refused before anything runs, and all is rolled back")
    func item3TransactionCannotBeEndedInside() throws {
        let db = try cluster.createDatabase("tx")
        _ = try cluster.psql(db, "create table t(a int)")
        let cli = try BeekrunCLI()
        for smuggled in ["query(db, 'commit')", "exec(db, 'commit')", "exec(db, '/* x */ END; insert into t values (9)')",
                         "exec(db, 'select 1; commit')", "query(db, 'prepare transaction $$x$$')"] {
            let r = try cli.runbook("""
                local db <close> = connect{url = env('DB')}
                transaction(db, function()
                  exec(db, 'insert into t values (1)')
                  \(smuggled)
                  exec(db, 'insert into t values (2)')
                end)
                """, environment: ["DB": cluster.url(db)])
            #expect(r.status == 1, "\(smuggled)")
            #expect(r.stderr.contains("transaction control"), "\(smuggled): \(r)")
            #expect(r.stdout.contains("rolled back: nothing of it was kept") || r.stderr.contains("rolled back: nothing of it was kept"))
            #expect(try cluster.psql(db, "select count(*) from t") == "0", "\(smuggled)")
        }
        // A migration file with END; (a synonym of COMMIT) is refused before it runs.
        try cli.write("migrations/001_end.sql", "insert into t values (7);\nEND;\ninsert into t values (8);\n")
        let m = try cli.runbook("""
            local db <close> = connect{url = env('DB')}
            migrate(db, 'migrations/001_end.sql')
            """, environment: ["DB": cluster.url(db)])
        #expect(m.status == 1)
        #expect(m.stderr.contains("transaction control (END)"), "\(m)")
        #expect(try cluster.psql(db, "select count(*) from t") == "0")
        // Not fooled by the words in strings, comments, dollar quotes or BEGIN ATOMIC bodies.
        let ok = try cli.runbook("""
            local db <close> = connect{url = env('DB')}
            transaction(db, function()
              query(db, 'select 1') -- its read-only savepoint is gone afterwards: the transaction still writes
              exec(db, [[insert into t values (length('commit; end;')); -- commit;
                create function f() returns int language sql begin atomic select 1; end;
                do $x$ begin perform 1; end $x$; /* end; */ insert into t values (2)]])
            end)
            """, environment: ["DB": cluster.url(db)])
        #expect(ok.status == 0, "\(ok)")
        #expect(try cluster.psql(db, "select string_agg(a::text, ',' order by a) from t") == "2,12")
    }

    @Test("item 4: a second run is refused at connect, before any backup, naming the holder")
    func item4SecondRunRefusedAtConnect() throws {
        let prod = try cluster.createDatabase("lprod")
        let dev = try cluster.createDatabase("ldev")
        _ = try cluster.psql(prod, "create table t(a int); insert into t values (1)")
        // The first run, as far as PostgreSQL can tell: a session holding beekrun's run lock.
        let first = try PGConnection(ConnectionString(cluster.url(dev)), applicationName: "beekrun runbooks/sync.lua")
        defer { first.close() }
        #expect(try first.scalar("select pg_try_advisory_lock(\(0x6265_656B), \(0x7275_6E00))") == "t")
        let cli = try BeekrunCLI()
        let r = try cli.runbook("""
            local prod <close> = connect{url = env('PROD'), name = 'prod', production = true, readonly = true}
            local dev <close> = connect{url = env('DEV'), name = 'dev'}
            backup(prod)
            """, environment: ["PROD": cluster.url(prod), "DEV": cluster.url(dev)])
        #expect(r.status == 1)
        #expect(r.stderr.contains("another beekrun run is writing to '\(dev)': beekrun runbooks/sync.lua"), "\(r)")
        #expect(!r.stdout.contains("backup prod"))
        let backups = (try? FileManager.default.contentsOfDirectory(atPath: cli.directory + "/backups")) ?? []
        #expect(backups.filter { !$0.hasPrefix("beekrun-audit") }.isEmpty, "\(backups)")
        // A dry run takes no lock, and says that a real run would be refused.
        let dry = try cli.runbook("local dev <close> = connect{url = env('DEV'), name = 'dev'}",
                                  flags: ["--dry-run"], environment: ["DEV": cluster.url(dev)])
        #expect(dry.status == 0)
        #expect(dry.stderr.contains("a real run would be refused"), "\(dry)")
    }

    @Test("item 5: production is the database's identity, not the order of connect calls")
    func item5ProductionIdentityNotOrder() throws {
        let db = try SupabaseFixture()
        let before = try db.everything(db.prod)
        let r = try BeekrunCLI().runbook("""
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
            print('before', dev.production)
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', production = true, readonly = true}
            print('after', dev.production)
            nuke(dev)
            """, flags: ["--yes"], environment: ["PROD_DATABASE_URL": db.cluster.uri(db.prod), "DEV_DATABASE_URL": db.cluster.url(db.prod)])
        #expect(r.status == 1)
        #expect(r.stdout.contains("before\tfalse"))
        #expect(r.stdout.contains("after\ttrue"), "\(r)")
        #expect(r.stderr.contains("dev is the same database as prod, which is production"))
        #expect(r.stderr.contains("refused: nuke never runs on 'dev'"), "\(r)")
        #expect(try db.everything(db.prod) == before)
    }

    @Test("item 6: hostile numbers and huge results end in clear errors, not crashes")
    func item6NoCrashOnHostileNumbers() throws {
        let db = try cluster.createDatabase("crash")
        let cli = try BeekrunCLI()
        for keep in ["math.huge", "2^63", "0/0", "-math.huge"] {
            let r = try cli.runbook("prune_backups{label = 'prod', keep = \(keep)}")
            #expect(r.status == 1, "\(keep): \(r)")
            #expect(r.stderr.contains("option 'keep' must be an integer"), "\(keep): \(r)")
        }
        let big = try cli.runbook("""
            local db <close> = connect{url = env('DB')}
            local ok, err = pcall(query, db, "select repeat('x', 1000000) from generate_series(1, 100)")
            print(ok, err)
            """, environment: ["DB": cluster.url(db), "BEEK_MEMORY_LIMIT_MB": "32"])
        #expect(big.status == 0, "\(big)")
        #expect(big.stdout.contains("memory limit of 32 MB"), "\(big)")
        let overflow = try cli.runbook("print(1)", environment: ["BEEK_MEMORY_LIMIT_MB": "17592186044416"])
        #expect(overflow.status == 2, "\(overflow)")
        #expect(overflow.stderr.contains("BEEK_MEMORY_LIMIT_MB"))
    }

    @Test("item 6: a manifest with impossible row counts is refused with a message")
    func item6ManifestNumbersChecked() throws {
        let src = try cluster.createDatabase("msrc")
        _ = try cluster.psql(src, "create table t(a int); insert into t values (1)")
        let cli = try BeekrunCLI()
        let made = try cli.runbook("local db <close> = connect{url = env('DB'), readonly = true}\nprint(backup(db, {label = 'm'}).path)",
                                   environment: ["DB": cluster.url(src)])
        #expect(made.status == 0, "\(made)")
        let path = made.stdout.split(separator: "\n").first { $0.hasPrefix("/") }.map(String.init) ?? ""
        let manifest = path + "/manifest.json"
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: manifest)
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "\"rows\" : 1", with: "\"rows\" : 9223372036854775807")
            .write(toFile: manifest, atomically: false, encoding: .utf8)
        let r = try cli.runbook("local db <close> = connect{url = env('DB')}\nrestore(db, '\(path)')", flags: ["--yes"],
                                environment: ["DB": cluster.url(src)])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("the manifest is damaged"), "\(r)")
    }

    @Test("item 7: passwords are masked by meaning: any encoding, any form, any length, never in the audit trail")
    func item7PasswordsMaskedByMeaning() throws {
        let db = try cluster.createDatabase("pw")
        _ = try cluster.psql(db, "grant all on schema public to \(PostgresCluster.passwordRole)")
        let role = PostgresCluster.passwordRole
        let host = cluster.socketDir.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        // s3cr3t-Pa55word with a needless %73 for 's' and a lower-case %2d for '-'.
        let encoded = "postgresql://\(role):%733cr3t%2dPa55word@\(host):\(cluster.port)/\(db)"
        let cli = try BeekrunCLI()
        let r = try cli.runbook(#"""
            local db <close> = connect{url = env('DB')}
            print(env('DB'))
            print('postgresql://u:ab@h/d')
            print('postgresql://u@h/d?password=%73ecret-param&sslmode=disable')
            print([[host=h password=ab\ cd dbname=x]])
            print("host=h password='q w\\'e' dbname=x")
            log(env('DB'))
            exec(db, 'select 1/0')
            """#, environment: ["DB": encoded])
        #expect(r.status == 1, "\(r)")
        let audit = (try? String(contentsOfFile: cli.directory + "/backups/beekrun-audit.jsonl", encoding: .utf8)) ?? ""
        #expect(!audit.isEmpty)
        for leak in ["%733cr3t", "3cr3t", ":ab@", "ecret-param", "cd dbname", "q w", "w\\'e"] {
            #expect(!r.output.contains(leak), "\(leak) leaked: \(r)")
            #expect(!audit.contains(leak), "\(leak) leaked into the audit trail")
        }
        #expect(r.stdout.contains("****"))
    }

    @Test("item 9: backups are private (0700/0600); restore refuses symlinks, FIFOs and ../ entries by name")
    func item9BackupFilesArePrivateAndChecked() throws {
        let src = try cluster.createDatabase("fsrc")
        _ = try cluster.psql(src, "create table t(a int); insert into t values (1); create table u(b int)")
        let cli = try BeekrunCLI()
        let made = try cli.runbook("local db <close> = connect{url = env('DB'), readonly = true}\nprint(backup(db, {label = 'f'}).path)",
                                   environment: ["DB": cluster.url(src)])
        #expect(made.status == 0, "\(made)")
        let path = made.stdout.split(separator: "\n").first { $0.hasPrefix("/") }.map(String.init) ?? ""
        let files = try FileManager.default.contentsOfDirectory(atPath: path)
        #expect(!files.isEmpty)
        func mode(_ p: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: p)[.posixPermissions] as! NSNumber).intValue & 0o777 }
        #expect(try mode(path) == 0o700)
        for f in files { #expect(try mode(path + "/" + f) == 0o600, "\(f)") }

        func restoreAfter(_ damage: (String) throws -> Void) throws -> BeekrunCLI.Result {
            let copy = cli.directory + "/copy-\(UInt32.random(in: 0...UInt32.max))"
            _ = try Subprocess.run("/bin/cp", ["-a", path, copy])
            try damage(copy)
            return try cli.runbook("local db <close> = connect{url = env('DB')}\nrestore(db, '\(copy)')", flags: ["--yes"],
                                   environment: ["DB": cluster.url(src)])
        }
        let table = files.first { $0.contains(".t.") || $0.hasSuffix(".t.json") } ?? "public.t.json"
        let link = try restoreAfter { copy in
            try FileManager.default.removeItem(atPath: copy + "/" + table)
            try FileManager.default.createSymbolicLink(atPath: copy + "/" + table, withDestinationPath: "/dev/zero")
        }
        #expect(link.status == 1)
        #expect(link.stderr.contains(table) && link.stderr.contains("symbolic link"), "\(link)")
        let fifo = try restoreAfter { copy in
            try FileManager.default.removeItem(atPath: copy + "/" + table)
            #expect(mkfifo(copy + "/" + table, 0o600) == 0)
        }
        #expect(fifo.status == 1)
        #expect(fifo.stderr.contains(table) && fifo.stderr.contains("not a regular file"), "\(fifo)")
        let escape = try restoreAfter { copy in
            let manifest = copy + "/manifest.json"
            let text = try String(contentsOfFile: manifest, encoding: .utf8)
            try text.replacingOccurrences(of: "\"\(table)\"", with: "\"../\(table)\"").write(toFile: manifest, atomically: false, encoding: .utf8)
        }
        #expect(escape.status == 1)
        #expect(escape.stderr.contains("\"../\(table)\"") && escape.stderr.contains("not a file name inside the backup folder"), "\(escape)")
        #expect(try cluster.psql(src, "select count(*) from t") == "1")
    }

    /// Starts the runbook in the background; returns beekrun's pid and where its exit code
    /// will be written.
    func startInBackground(_ cli: BeekrunCLI, _ source: String, environment: String) throws -> (pid: pid_t, rc: String) {
        try cli.write("runbooks/bg.lua", source)
        let d = cli.directory
        for f in ["pid", "rc", "out", "err"] { try? FileManager.default.removeItem(atPath: d + "/" + f) }
        let start = try Subprocess.run("/bin/sh", ["-c", """
            cd '\(d)' && ( exec >/dev/null 2>&1 </dev/null; env \(environment) '\(BeekrunCLI.binary)' runbooks/bg.lua >'\(d)/out' 2>'\(d)/err' & echo $! >'\(d)/pid'; wait $!; echo $? >'\(d)/rc.tmp'; mv '\(d)/rc.tmp' '\(d)/rc' ) &
            """])
        #expect(start.status == 0)
        var pid: pid_t?
        for _ in 0..<100 where pid == nil {
            usleep(50_000)
            pid = (try? String(contentsOfFile: d + "/pid", encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return (pid ?? 0, d + "/rc")
    }

    func waitForExit(_ rcPath: String, seconds: Int = 60) -> Int32? {
        for _ in 0..<(seconds * 20) {
            if let text = try? String(contentsOfFile: rcPath, encoding: .utf8) { return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
            usleep(50_000)
        }
        return nil
    }

    /// Polls until `condition` holds; a deadline generous enough for a loaded CI machine.
    func waitUntil(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline { if condition() { return true }; usleep(50_000) }
        return false
    }

    @Test("item 8: Ctrl-C at a typed confirmation inside a transaction stops at once: rolled back, exit 130")
    func item8CtrlCAtConfirmation() throws {
        let db = try cluster.createDatabase("int_confirm")
        _ = try cluster.psql(db, "create table t(a int)")
        let cli = try BeekrunCLI()
        try cli.write("runbooks/ask.lua", """
            local db <close> = connect{url = env('DB')}
            transaction(db, function()
              exec(db, 'insert into t values (1)')
              nuke(db)
            end)
            """)
        let d = cli.directory
        // run.sh records beekrun's pid and exit code itself: script(1) lives on while sleep does.
        try cli.write("run.sh", """
            exec 3<&0
            env DB='\(cluster.url(db))' '\(BeekrunCLI.binary)' runbooks/ask.lua <&3 &
            echo $! > '\(d)/pid'
            wait $!
            echo $? > '\(d)/rc.tmp'; mv '\(d)/rc.tmp' '\(d)/rc'

            """)
        // A terminal on standard input (script(1) gives the runbook a pty), so beekrun asks
        // and waits; standard input stays open (sleep) and never sends the answer.
        let start = try Subprocess.run("/bin/sh", ["-c", """
            cd '\(d)' && ( exec >/dev/null 2>&1 </dev/null; sleep 20 | script -qfec "sh run.sh" /dev/null >'\(d)/out' 2>&1 ) &
            """])
        #expect(start.status == 0)
        var pid: pid_t = 0
        #expect(waitUntil {
            pid = (try? String(contentsOfFile: d + "/pid", encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
            return pid > 0 && ((try? String(contentsOfFile: d + "/out", encoding: .utf8)) ?? "").contains("Type the database name")
        })
        try #require(pid > 0)
        defer { kill(pid, SIGKILL) }
        let watch = Date()
        kill(pid, SIGINT)
        let rc = waitForExit(d + "/rc")
        let output = (try? String(contentsOfFile: d + "/out", encoding: .utf8)) ?? ""
        #expect(rc == 130, "\(output)")
        #expect(Date().timeIntervalSince(watch) < 10)
        #expect(try cluster.psql(db, "select count(*) from t") == "0")
        #expect(try cluster.psql(db, "select count(*) from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'") == "0")
    }

    @Test("item 8: Ctrl-C cancels the running statement, rolls back and exits 130; a pcall loop cannot swallow it")
    func item8CtrlCCancelsAndRollsBack() throws {
        let db = try cluster.createDatabase("int")
        _ = try cluster.psql(db, "create table t(a int)")
        let cli = try BeekrunCLI()
        let sleeping = "select count(*) from pg_stat_activity where query like 'select pg_sleep(30)%' and state = 'active'"
        let run = try startInBackground(cli, """
            local db <close> = connect{url = env('DB')}
            transaction(db, function()
              exec(db, 'insert into t values (1)')
              query(db, 'select pg_sleep(30)')
            end)
            """, environment: "DB='\(cluster.url(db))'")
        try #require(run.pid > 0) // kill(0, …) would signal the whole test process group
        defer { kill(run.pid, SIGKILL) }
        #expect(waitUntil { (try? cluster.psql(db, sleeping)) == "1" })
        let watch = Date()
        kill(run.pid, SIGINT)
        #expect(waitForExit(run.rc) == 130)
        #expect(Date().timeIntervalSince(watch) < 10)
        // The statement does not go on running on the server after beekrun is gone.
        #expect(waitUntil { (try? cluster.psql(db, sleeping)) == "0" })
        #expect(try cluster.psql(db, "select count(*) from t") == "0")
        let output = ["out", "err"].map { (try? String(contentsOfFile: cli.directory + "/" + $0, encoding: .utf8)) ?? "" }.joined()
        #expect(output.contains("Interrupted (Ctrl-C)"), "\(output)")
        #expect(output.contains("canceling statement due to user request (SQLSTATE 57014)"), "\(output)")

        // A loop that swallows every error with pcall still stops.
        let loop = try startInBackground(cli, """
            local db <close> = connect{url = env('DB')}
            exec(db, 'insert into t values (2)')
            while true do pcall(query, db, 'select pg_sleep(0.05)') end
            """, environment: "DB='\(cluster.url(db))'")
        try #require(loop.pid > 0)
        defer { kill(loop.pid, SIGKILL) }
        #expect(waitUntil { (try? cluster.psql(db, "select count(*) from t")) == "1" })
        kill(loop.pid, SIGINT)
        #expect(waitForExit(loop.rc) == 130)
    }

    @Test("item 4: the runbook's own SQL cannot drop the run lock: unlock_all in query or exec, DISCARD ALL, a failed script; taken again, or the run stops when another run took it")
    func item4RunLockKeptAgainstOwnSQL() throws {
        let db = try cluster.createDatabase("lkeep")
        let key = "classid = \(0x6265_656B)::oid and objid = \(0x7275_6E00)::oid and objsubid = 2"
            + " and database = (select oid from pg_database where datname = current_database())"
        _ = try cluster.psql(db, """
            create table t(a int);
            -- Releases every advisory lock, then waits (at most 60 s: a loaded machine) until another session holds beekrun's.
            create function public.unlock_and_wait() returns int language plpgsql as $$
            begin
              perform pg_advisory_unlock_all();
              for i in 1..6000 loop
                exit when exists (select 1 from pg_locks where locktype = 'advisory' and \(key) and granted and pid <> pg_backend_pid());
                perform pg_sleep(0.01);
              end loop;
              return 1;
            end $$;
            """)
        let cli = try BeekrunCLI()
        let held = "query(watcher, [[select count(*) as n from pg_locks where locktype = 'advisory' and \(key) and granted]])[1].n"
        let r = try cli.runbook("""
            local db <close> = connect{url = env('DB'), name = 'dev'}
            local watcher <close> = connect{url = env('DB'), name = 'watcher', readonly = true}
            print('before', \(held))
            query(db, 'select pg_advisory_unlock_all()')
            print('after query', \(held))
            exec(db, 'select pg_advisory_unlock_all()')
            print('after exec', \(held))
            exec(db, 'discard all')
            print('after discard', \(held))
            print(pcall(exec, db, 'select pg_advisory_unlock_all(); select 1/0'))
            print('after failed exec', \(held))
            transaction(db, function() query(db, 'select pg_advisory_unlock(\(0x6265_656B), \(0x7275_6E00))') end)
            print('after transaction', \(held))
            """, environment: ["DB": cluster.url(db)])
        #expect(r.status == 0, "\(r)")
        for step in ["before", "after query", "after exec", "after discard", "after failed exec", "after transaction"] {
            #expect(r.stdout.contains("\(step)\t1\n"), "\(step): \(r)")
        }
        #expect(r.stderr.contains("released beekrun's run lock on '\(db)'") && r.stderr.contains("taken again"), "\(r)")

        // Another run takes the lock in the gap: this run stops before its next step.
        let other = try PGConnection(ConnectionString(cluster.url(db)), applicationName: "beekrun other.lua")
        defer { other.close() }
        let done = DispatchSemaphore(value: 0)
        let taker = Thread {
            // Wait until this run's session is inside unlock_and_wait (so it connected and took
            // the lock before), then take the lock as soon as that function released it.
            // Watching for the lock itself raced: the function may release it before a loaded
            // machine's first look, and then the lock is never seen held.
            // A deadline, not a count of tries: under a loaded test run the CLI may take
            // seconds to start.
            var seen = false
            let deadline = Date().addingTimeInterval(90)
            while Date() < deadline {
                if !seen {
                    seen = (try? other.scalar("""
                        select exists (select 1 from pg_stat_activity
                                       where application_name like '%stopped.lua' and state = 'active'
                                         and query like '%unlock_and_wait%')
                        """)) == "t"
                }
                else if (try? other.scalar("select pg_try_advisory_lock(\(0x6265_656B), \(0x7275_6E00))")) == "t" { break }
                usleep(5_000)
            }
            done.signal()
        }
        taker.start()
        let stopped = try cli.runbook("""
            local db <close> = connect{url = env('DB'), name = 'dev'}
            query(db, 'select public.unlock_and_wait()')
            exec(db, 'insert into t values (1)')
            """, name: "stopped.lua", environment: ["DB": cluster.url(db)])
        done.wait()
        #expect(stopped.status == 1, "\(stopped)")
        #expect(stopped.stderr.contains("stopped.lua:2:") && stopped.stderr.contains("another run holds it now"), "\(stopped)")
        #expect(stopped.stderr.contains("beekrun other.lua"), "names the holder: \(stopped)")
        #expect(try cluster.psql(db, "select count(*) from t") == "0")
    }
}
