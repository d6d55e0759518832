import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Runbooks against a real PostgreSQL: connect, query, exec, transaction, guards.
@Suite("Runbooks on a database")
struct DatabaseRunbookTests {
    let cluster = PostgresCluster.shared

    func database(_ setup: String = "") throws -> (name: String, url: String) {
        let name = try cluster.createDatabase("e2e")
        if !setup.isEmpty { _ = try cluster.psql(name, setup) }
        return (name, cluster.url(name))
    }

    @Test("query returns typed rows keyed by column name")
    func query() throws {
        let db = try database("create table t(id int, name text, ok boolean, score float8, amount numeric); insert into t values (1, 'a', true, 1.5, 12.25), (2, null, false, 'NaN', 1)")
        let r = try BeekrunCLI().runbook("""
            local db <close> = connect{url = env('DB'), name = 'dev'}
            local rows = query(db, 'select * from t where id >= $1 order by id', 1)
            print(#rows, math.type(rows[1].id), rows[1].name, rows[1].ok, rows[1].score, rows[1].amount)
            print(rows[2].name == nil, rows[2].ok, rows[2].score ~= rows[2].score)
            """, environment: ["DB": db.url])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("2\tinteger\ta\ttrue\t1.5\t12.25"))
        #expect(r.stdout.contains("true\tfalse\ttrue"))
        #expect(r.stderr.contains("✓ connect dev"))
        #expect(r.stderr.contains("✓ query on dev"))
    }

    @Test("parameters are values, never SQL: quotes and NULL pass through")
    func parameters() throws {
        let db = try database("create table t(v text)")
        let r = try BeekrunCLI().runbook("""
            local db <close> = connect{url = env('DB')}
            exec(db, 'insert into t values ($1), ($2)', "Robert'); drop table t; --", nil)
            local rows = query(db, 'select count(*) as n, count(v) as nv from t')
            print(rows[1].n, rows[1].nv)
            """, environment: ["DB": db.url])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("2\t1"))
    }

    @Test("a failing statement is reported at the runbook line, with its SQLSTATE")
    func sqlError() throws {
        let db = try database()
        let r = try BeekrunCLI().runbook("""
            local db <close> = connect{url = env('DB')}

            query(db, 'select * from missing_table')
            """, environment: ["DB": db.url])
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/test.lua:3:"))
        #expect(r.stderr.contains("42P01"))
        #expect(r.stderr.contains("missing_table"))
    }

    @Test("exec without parameters runs a multi-statement script and returns rows affected")
    func execScript() throws {
        let db = try database()
        let r = try BeekrunCLI().runbook("""
            local db <close> = connect{url = env('DB')}
            exec(db, 'create table s(a int); insert into s values (1), (2), (3);')
            print('affected', exec(db, 'update s set a = a + $1', 10))
            """, environment: ["DB": db.url])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("affected\t3"))
        #expect(try cluster.psql(db.name, "select sum(a) from s") == "36")
    }

    @Test("a read-only connection cannot write: refused before it runs (and the server refuses too)")
    func readOnly() throws {
        let db = try database("create table t(a int)")
        let r = try BeekrunCLI().runbook("""
            local db <close> = connect{url = env('DB'), readonly = true}
            exec(db, 'insert into t values (1)')
            """, environment: ["DB": db.url])
        #expect(r.status == 1)
        #expect(r.stderr.contains("was opened with readonly = true"))
        #expect(try cluster.psql(db.name, "select count(*) from t") == "0")
    }

    @Test("a dry run writes nothing, says what it would do, and ends with the plan")
    func dryRun() throws {
        let db = try database("create table t(a int)")
        let r = try BeekrunCLI().runbook("""
            local db <close> = connect{url = env('DB'), name = 'dev'}
            local n = exec(db, 'insert into t values (1)')
            print('predicted', n)
            transaction(db, function()
              exec(db, 'delete from t')
            end)
            print('count', query(db, 'select count(*) as n from t')[1].n)
            """, flags: ["--dry-run"], environment: ["DB": db.url])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("~ exec on dev"))
        #expect(r.stderr.contains("insert into t values (1)"))
        #expect(r.stdout.contains("predicted\tnil")) // the count is unknown in a dry run
        #expect(r.stdout.contains("count\t0"))
        #expect(r.stderr.contains("Plan: 0 to add, 2 to change, 0 to destroy."))
        #expect(r.stderr.contains("Nothing was changed"))
        #expect(try cluster.psql(db.name, "select count(*) from t") == "0")
    }

    @Test("a dry run's sessions are read only: a write hidden in query() is refused")
    func dryRunQueryCannotWrite() throws {
        let db = try database("create table t(a int)")
        let r = try BeekrunCLI().runbook("""
            local db <close> = connect{url = env('DB')}
            query(db, 'insert into t values (1) returning a')
            """, flags: ["--dry-run"], environment: ["DB": db.url])
        #expect(r.status == 1)
        #expect(try cluster.psql(db.name, "select count(*) from t") == "0")
    }

    @Test("transaction: all steps land together")
    func transactionCommits() throws {
        let db = try database("create table t(a int)")
        let r = try BeekrunCLI().runbook("""
            local db <close> = connect{url = env('DB')}
            local result = transaction(db, function()
              exec(db, 'insert into t values (1)')
              exec(db, 'insert into t values (2)')
              return 'inner result'
            end)
            print(result)
            """, environment: ["DB": db.url])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("inner result"))
        #expect(try cluster.psql(db.name, "select count(*) from t") == "2")
    }

    @Test("transaction: an error leaves the database as it was, and names the failing line")
    func transactionRollsBack() throws {
        let db = try database("create table t(a int primary key); insert into t values (0)")
        let r = try BeekrunCLI().runbook("""
            local db <close> = connect{url = env('DB')}
            transaction(db, function()
              exec(db, 'delete from t')
              exec(db, 'insert into t values (1)')
              exec(db, 'insert into t values (1)')
            end)
            """, environment: ["DB": db.url])
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/test.lua:5:"))
        #expect(r.stderr.contains("23505"))
        #expect(r.stderr.contains("rolled back"))
        #expect(try cluster.psql(db.name, "select string_agg(a::text, ',') from t") == "0")
    }

    @Test("transaction: abort inside rolls back; pcall inside a nested transaction keeps the rest")
    func transactionAbortAndSavepoint() throws {
        let db = try database("create table t(a int primary key)")
        let cli = try BeekrunCLI()
        let aborted = try cli.runbook("""
            local db <close> = connect{url = env('DB')}
            transaction(db, function()
              exec(db, 'insert into t values (1)')
              abort('changed my mind')
            end)
            """, environment: ["DB": db.url])
        #expect(aborted.status == 1)
        #expect(try cluster.psql(db.name, "select count(*) from t") == "0")

        let nested = try cli.runbook("""
            local db <close> = connect{url = env('DB')}
            transaction(db, function()
              exec(db, 'insert into t values (1)')
              local ok = pcall(transaction, db, function()
                exec(db, 'insert into t values (2)')
                exec(db, 'insert into t values (1)')
              end)
              print('inner ok', ok)
              exec(db, 'insert into t values (3)')
            end)
            """, environment: ["DB": db.url])
        #expect(nested.status == 0, "\(nested)")
        #expect(try cluster.psql(db.name, "select string_agg(a::text, ',' order by a) from t") == "1,3")
    }

    @Test("writes to a production database need confirmation; without a terminal the run stops first")
    func productionWriteNeedsConfirmation() throws {
        let db = try database("create table t(a int)")
        let cli = try BeekrunCLI()
        let script = """
            local db <close> = connect{url = env('DB'), name = 'prod', production = true}
            exec(db, 'insert into t values (1)')
            """
        let refused = try cli.runbook(script, environment: ["DB": db.url])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--yes"))
        #expect(try cluster.psql(db.name, "select count(*) from t") == "0")

        let confirmed = try cli.runbook(script, flags: ["--yes"], environment: ["DB": db.url])
        #expect(confirmed.status == 0, "\(confirmed)")
        #expect(try cluster.psql(db.name, "select count(*) from t") == "1")
    }

    @Test("confirm(): passes with --yes, stops without a terminal, is assumed in a dry run")
    func confirmGuard() throws {
        let cli = try BeekrunCLI()
        let script = "confirm('Reset dev?')\nprint('went on')"
        let stopped = try cli.runbook(script)
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("runbooks/test.lua:1:"))
        #expect(!stopped.stdout.contains("went on"))
        #expect(try cli.runbook(script, flags: ["--yes"]).stdout.contains("went on"))
        #expect(try cli.runbook(script, flags: ["--dry-run"]).stdout.contains("went on"))
    }

    @Test("handles expose their name and marks, and close with <close>")
    func handleFields() throws {
        let db = try database()
        let r = try BeekrunCLI().runbook("""
            local kept
            do
              local db <close> = connect{url = env('DB'), name = 'dev', readonly = true}
              print(db.name, db.readonly, db.production, db.closed, db.database == env('NAME'))
              kept = db
            end
            print('closed', kept.closed)
            query(kept, 'select 1')
            """, environment: ["DB": db.url, "NAME": db.name])
        #expect(r.stdout.contains("dev\ttrue\tfalse\tfalse\ttrue"))
        #expect(r.stdout.contains("closed\ttrue"))
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/test.lua:8:"))
        #expect(r.stderr.contains("closed"))
    }

    @Test("no password is ever printed: wrong password, print(env(...)), handle fields")
    func passwordsMasked() throws {
        let secret = "Sup3r-Secret-Value"
        let wrongURL = cluster.uri("postgres", user: PostgresCluster.passwordRole, password: secret)
        let goodURL = cluster.uri("postgres", user: PostgresCluster.passwordRole, password: PostgresCluster.passwordRolePassword)
        let cli = try BeekrunCLI()
        let printed = try cli.runbook("""
            print(env('PROD_DATABASE_URL'))
            local db <close> = connect{url = env('GOOD'), name = 'prod'}
            print(db.url, tostring(db))
            connect{url = env('PROD_DATABASE_URL')}
            """, flags: ["--verbose"], environment: ["PROD_DATABASE_URL": wrongURL, "GOOD": goodURL])
        #expect(printed.status == 1)
        #expect(!printed.output.contains(secret))
        #expect(!printed.output.contains(PostgresCluster.passwordRolePassword))
        #expect(printed.output.contains("****"))
        #expect(printed.stderr.contains("password authentication failed"))
        #expect(printed.stderr.contains("runbooks/test.lua:4:"))

        let unreachable = try cli.runbook(
            "connect{url = 'postgresql://user:\(secret)@127.0.0.1:1/db'}", environment: [:])
        #expect(unreachable.status == 1)
        #expect(!unreachable.output.contains(secret))
        #expect(unreachable.stderr.contains("cannot connect"))

        let keyword = try cli.runbook(
            "connect{url = \"host=/nonexistent port=1 password='\(secret)' user=x\"}", environment: [:])
        #expect(keyword.status == 1)
        #expect(!keyword.output.contains(secret))
    }
}
