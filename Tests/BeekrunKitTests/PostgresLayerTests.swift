import BeekrunKit
import Foundation
import Testing
import TestSupport

@Suite("PostgreSQL layer")
struct PostgresLayerTests {
    let cluster = PostgresCluster.shared

    @Test("parameterized queries return typed text and NULLs")
    func parameterizedQuery() throws {
        let db = try cluster.connect(try cluster.createDatabase())
        let r = try db.query("select $1::int + 1 as n, $2::text as t, null::text as z", ["41", "it's"])
        #expect(r.rowCount == 1)
        #expect(r.columnNames == ["n", "t", "z"])
        #expect(r.value(0, "n") == "42")
        #expect(r.value(0, 1) == "it's")
        #expect(r.value(0, 2) == nil)
    }

    @Test("multi-statement scripts run as one")
    func script() throws {
        let db = try cluster.connect(try cluster.createDatabase())
        try db.execute("create table t(a int); insert into t values (1),(2); insert into t values (3);")
        #expect(try db.scalar("select count(*) from t") == "3")
    }

    @Test("server errors carry SQLSTATE, message and hint")
    func serverError() throws {
        let db = try cluster.connect(try cluster.createDatabase())
        do {
            try db.query("select * from no_such_table")
            Issue.record("expected an error")
        } catch let error as BeekError {
            #expect(error.sqlstate == "42P01")
            #expect(error.description.contains("no_such_table"))
        }
    }

    @Test("COPY streams out and back in")
    func copyRoundTrip() throws {
        let db = try cluster.connect(try cluster.createDatabase())
        try db.execute("create table src(a int, b text); insert into src select g, 'row ' || g from generate_series(1, 5000) g; create table dst(a int, b text);")
        var data = [UInt8]()
        let out = try db.copyOut("copy src to stdout") { data.append(contentsOf: $0) }
        #expect(out == 5000)
        let loaded = try db.copyIn("copy dst from stdin") { writer in try writer.write(data) }
        #expect(loaded == 5000)
        #expect(try db.scalar("select count(*) from dst where b = 'row ' || a") == "5000")
    }

    @Test("a failed COPY FROM loads nothing")
    func copyInFailure() throws {
        let db = try cluster.connect(try cluster.createDatabase())
        try db.execute("create table dst(a int)")
        #expect(throws: BeekError.self) {
            try db.copyIn("copy dst from stdin") { writer in
                try writer.write("1\n2\n")
                throw BeekError.failed("producer broke")
            }
        }
        #expect(try db.scalar("select count(*) from dst") == "0")
        #expect(try db.scalar("select 1") == "1") // still usable
    }

    @Test("wrong password: the error never shows the password")
    func wrongPassword() throws {
        let url = cluster.uri("postgres", user: PostgresCluster.passwordRole, password: "not-the-Right-one")
        do {
            _ = try PGConnection(ConnectionString(url))
            Issue.record("expected a failure")
        } catch {
            #expect(!error.userMessage.contains("not-the-Right-one"))
            #expect(error.userMessage.contains("****"))
            #expect(error.userMessage.contains("password authentication failed"))
        }
    }
}
