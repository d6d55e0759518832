import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Guards that protect production and concurrent runs, and the audit trail.
@Suite("Safety")
struct SafetyTests {
    let cluster = PostgresCluster.shared

    @Test("a database marked production is production whatever the runbook says")
    func productionMark() throws {
        let db = try cluster.createDatabase("mark")
        _ = try cluster.psql(db, "create table t(a int)")
        let cli = try BeekrunCLI()
        let mark = try cli.run(["mark-production", cluster.url(db)])
        #expect(mark.status == 0, "\(mark)")
        let script = "local db <close> = connect{url = env('DB'), name = 'dev'}\nprint('production', db.production)\nexec(db, 'insert into t values (1)')"
        let r = try cli.runbook(script, environment: ["DB": cluster.url(db)])
        #expect(r.status == 1)
        #expect(r.stdout.contains("production\ttrue"))
        #expect(r.stderr.contains("marked as a production database"))
        #expect(try cluster.psql(db, "select count(*) from t") == "0")

        #expect(try cli.run(["unmark-production", cluster.url(db)]).status == 1) // needs confirmation
        #expect(try cli.run(["--yes", "unmark-production", cluster.url(db)]).status == 0)
        let after = try cli.runbook(script, environment: ["DB": cluster.url(db)])
        #expect(after.status == 0, "\(after)")
        #expect(after.stdout.contains("production\tfalse"))
    }

    @Test("one run at a time per database: a second run fails at once and says who holds the lock")
    func runLock() throws {
        let db = try cluster.createDatabase("lock")
        _ = try cluster.psql(db, "create table t(a int)")
        let cli = try BeekrunCLI()
        try cli.write("runbooks/slow.lua", """
            local db <close> = connect{url = env('DB'), name = 'dev'}
            exec(db, 'insert into t values (1)')
            -- Holds the lock until the test says the second run is over (a table appears), however
            -- slow a loaded machine starts that second run; at most 120 s.
            for _ = 1, 2400 do
              if tonumber(query(db, "select count(*) as n from pg_tables where tablename = 'second_done'")[1].n) > 0 then break end
              query(db, 'select pg_sleep(0.05)')
            end
            """)
        nonisolated(unsafe) var first: BeekrunCLI.Result?
        let thread = Thread { first = try? cli.run(["runbooks/slow.lua"], environment: ["DB": cluster.url(db)]) }
        thread.start()
        // Wait until the first run holds the lock.
        var held = false
        for _ in 0..<600 where !held {
            usleep(100_000)
            held = (try? cluster.psql(db, "select count(*) from pg_locks where locktype = 'advisory'")) == "1"
        }
        #expect(held)
        let second = try cli.runbook("local db <close> = connect{url = env('DB')}\nexec(db, 'insert into t values (2)')",
                                     environment: ["DB": cluster.url(db)])
        #expect(second.status == 1)
        #expect(second.stderr.contains("another beekrun run is writing to"))
        #expect(second.stderr.contains("slow.lua"))
        _ = try cluster.psql(db, "create table second_done()")
        while first == nil { usleep(100_000) }
        #expect(first?.status == 0)
        // Released with the session: the next run works.
        let third = try cli.runbook("local db <close> = connect{url = env('DB')}\nexec(db, 'insert into t values (3)')",
                                    environment: ["DB": cluster.url(db)])
        #expect(third.status == 0, "\(third)")
        #expect(try cluster.psql(db, "select string_agg(a::text, ',' order by a) from t") == "1,3")
    }

    @Test("a killed run leaves no lock and no half-done transaction")
    func killedRun() throws {
        let db = try cluster.createDatabase("kill")
        _ = try cluster.psql(db, "create table t(a int); insert into t values (0)")
        let cli = try BeekrunCLI()
        try cli.write("runbooks/killme.lua", """
            local db <close> = connect{url = env('DB')}
            transaction(db, function()
              exec(db, 'delete from t')
              exec(db, 'insert into t values (1)')
              for i = 1, 600 do query(db, 'select pg_sleep(0.05)') end
            end)
            """)
        // Started in the background through a shell that `exec`s it, so $! is beekrun itself.
        let start = try Subprocess.run("/bin/sh", ["-c",
            "cd '\(cli.directory)' && exec env DB='\(cluster.url(db))' '\(BeekrunCLI.binary)' runbooks/killme.lua >/dev/null 2>&1 </dev/null & echo $!"])
        let pid = pid_t(start.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
        defer { kill(pid, SIGKILL) }
        var sleeping = false
        for _ in 0..<100 where !sleeping {
            usleep(100_000)
            sleeping = (try? cluster.psql(db, "select count(*) from pg_stat_activity where query like 'select pg_sleep(0.05)%'")) == "1"
        }
        #expect(sleeping)
        kill(pid, SIGKILL)
        // The server notices the dead client and rolls back; the lock goes with the session.
        var gone = false
        for _ in 0..<400 where !gone {
            usleep(100_000)
            gone = (try? cluster.psql(db, "select count(*) from pg_stat_activity where query like 'select pg_sleep(0.05)%'")) == "0"
        }
        #expect(gone)
        #expect(try cluster.psql(db, "select string_agg(a::text, ',') from t") == "0")
        let next = try cli.runbook("local db <close> = connect{url = env('DB')}\nexec(db, 'insert into t values (5)')",
                                   environment: ["DB": cluster.url(db)])
        #expect(next.status == 0, "\(next)")
    }

    @Test("every real run appends JSON lines to the audit trail; a dry run does not")
    func auditTrail() throws {
        let db = try cluster.createDatabase("audit")
        _ = try cluster.psql(db, "create table t(a int)")
        let cli = try BeekrunCLI()
        let url = cluster.uri(db, user: "postgres", password: "audit-pass-123")
        let script = "local db <close> = connect{url = env('DB'), name = 'dev'}\nexec(db, 'insert into t values (1)')"
        _ = try cli.runbook(script, flags: ["--dry-run"], environment: ["DB": url])
        #expect(!FileManager.default.fileExists(atPath: cli.directory + "/backups/beekrun-audit.jsonl"))
        let r = try cli.runbook(script, environment: ["DB": url])
        #expect(r.status == 0, "\(r)")
        let text = try String(contentsOfFile: cli.directory + "/backups/beekrun-audit.jsonl", encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3) // connect, exec, run
        #expect(!text.contains("audit-pass-123"))
        let exec = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
        #expect(exec["step"] as? String == "exec on dev")
        #expect(exec["result"] as? String == "ok")
        #expect(exec["runbook"] as? String == "runbooks/test.lua")
        #expect((exec["runbook_sha256"] as? String)?.count == 64)
        #expect((exec["target"] as? String)?.contains("****") == true)
        for key in ["time", "user", "host", "duration_ms"] { #expect(exec[key] != nil) }
    }
}

/// The production guards of the destructive primitives.
@Suite("Production guards")
struct ProductionGuardTests {
    @Test("nuke refuses a production database outright, even with --yes")
    func nukeRefusesProduction() throws {
        let db = try SupabaseFixture()
        let before = try db.everything(db.prod)
        let r = try BeekrunCLI().runbook("""
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', production = true}
            nuke(prod)
            """, flags: ["--yes"], environment: db.environment)
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/test.lua:2: refused: nuke never runs on 'prod'"))
        #expect(try db.everything(db.prod) == before)
    }

    @Test("restore, clone_schema and clone_auth into production need allow_production = true, and then a confirmation")
    func writesIntoProduction() throws {
        let db = try SupabaseFixture()
        let cli = try BeekrunCLI()
        let before = try db.everything(db.prod)
        for call in ["clone_schema(dev, prod)", "clone_auth(dev, prod)", "restore(prod, backup(dev))"] {
            let refused = try cli.runbook("""
                local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', production = true}
                local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
                \(call)
                """, flags: ["--yes"], environment: db.environment)
            #expect(refused.status == 1, "\(call)")
            #expect(refused.stderr.contains("allow_production = true"), "\(call): \(refused)")
        }
        // Allowed by the runbook, but nobody confirmed (no terminal, no --yes): still nothing.
        let unconfirmed = try cli.runbook("""
            local prod <close> = connect{url = env('PROD_DATABASE_URL'), name = 'prod', production = true}
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
            clone_auth(dev, prod, {allow_production = true})
            """, environment: db.environment)
        #expect(unconfirmed.status == 1)
        #expect(unconfirmed.stderr.contains("--yes"))
        #expect(try db.everything(db.prod) == before)
    }

    @Test("a connection marked readonly refuses every write primitive at the server")
    func readonlyTarget() throws {
        let db = try SupabaseFixture()
        let before = try db.everything(db.dev)
        let r = try BeekrunCLI().runbook("""
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev', readonly = true}
            nuke(dev)
            """, flags: ["--yes"], environment: db.environment)
        #expect(r.status == 1)
        // Refused by beekrun before anything runs (the session is read only on the server too).
        #expect(r.stderr.contains("refused: nuke dev: 'dev' was opened with readonly = true"), "\(r)")
        #expect(try db.everything(db.dev) == before)
    }
}

@Suite("Same database under two names")
struct SameDatabaseTests {
    @Test("a dev URL that points at production is production: nuke refuses it")
    func devIsProd() throws {
        let db = try SupabaseFixture()
        let before = try db.everything(db.prod)
        let cli = try BeekrunCLI()
        try cli.installShippedRunbooks()
        // A copy-paste mistake in .env: both URLs name prod (one as a URI, one as keywords).
        let env = ["PROD_DATABASE_URL": db.cluster.uri(db.prod), "DEV_DATABASE_URL": db.cluster.url(db.prod)]
        let r = try cli.run(["--yes", "sync.lua"], environment: env)
        #expect(r.status == 1)
        #expect(r.stderr.contains("dev is the same database as prod, which is production"))
        #expect(r.stderr.contains("refused: nuke never runs on 'dev'"))
        #expect(try db.everything(db.prod) == before)
    }
}
