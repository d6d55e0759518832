import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Swift values ↔ Lua values, and the rules of the host.
@Suite("Lua bridge")
struct LuaBridgeTests {
    /// Runs `source` in a sealed host with an `echo` function that returns its arguments
    /// unchanged after a trip through Swift, and a `capture` that records them.
    func run(_ source: String) throws -> [LuaValue] {
        let host = LuaHost(memoryLimit: 64 << 20)
        defer { host.close() }
        var captured: [LuaValue] = []
        host.register("echo") { call in call.arguments }
        host.register("capture") { call in captured = call.arguments; return [] }
        try host.sealSandbox()
        try host.runChunk(source, name: "=test")
        return captured
    }

    @Test("scalars survive the round trip with their Lua types")
    func scalars() throws {
        let v = try run("""
            local a, b, c, d, e, f = echo(nil, true, 42, 2.5, "text", 2^53)
            capture(a == nil, b, math.type(c), c, math.type(d), d, e, f)
            """)
        guard case .bool(true) = v[0], case .bool(true) = v[1], case .string("integer") = v[2],
              case .integer(42) = v[3], case .string("float") = v[4], case .number(2.5) = v[5],
              case .string("text") = v[6] else { Issue.record("unexpected \(v)"); return }
    }

    @Test("strings keep embedded zero bytes and every unicode plane")
    func strings() throws {
        let v = try run(#"capture(echo("a\0b", "😀 ü 中 \u{10FFFF}"))"#)
        guard case .string(let zero) = v[0], case .string(let uni) = v[1] else { Issue.record("\(v)"); return }
        #expect(zero == "a\u{0}b")
        #expect(uni == "😀 ü 中 \u{10FFFF}")
    }

    @Test("tables come over as array part plus fields, nested")
    func tables() throws {
        let v = try run(#"capture(echo({1, 2, {x = "y"}, name = "n", [10] = "sparse", flag = false}))"#)
        guard case .table(let t) = v[0] else { Issue.record("\(v)"); return }
        #expect(t.array.count == 3)
        guard case .table(let inner) = t.array[2], case .string("y")? = inner["x"] else { Issue.record("\(t)"); return }
        guard case .string("n")? = t["name"], case .string("sparse")? = t["10"], case .bool(false)? = t["flag"] else {
            Issue.record("\(t)"); return
        }
    }

    @Test("a Swift error becomes a Lua error at the calling line, catchable with pcall")
    func swiftErrors() throws {
        let host = LuaHost()
        defer { host.close() }
        host.register("fail") { _ in throw BeekError.failed("it broke") }
        var message = ""
        host.register("capture") { call in
            if case .string(let s) = call.argument(1) { message = s }
            return []
        }
        try host.sealSandbox()
        try host.runChunk("local ok, err = pcall(fail)\n\ncapture(err)\nlocal x = 1\nlocal ok2, err2 = pcall(function()\n fail()\nend)\ncapture(err2)", name: "@chunk.lua")
        #expect(message == "chunk.lua:6: it broke")
    }

    @Test("an uncaught error carries file:line")
    func uncaught() throws {
        let host = LuaHost()
        defer { host.close() }
        try host.sealSandbox()
        #expect(throws: BeekError.lua("chunk.lua:2: bad")) { try host.runChunk("\nerror('bad')", name: "@chunk.lua") }
    }

    @Test("the memory limit stops a runaway allocation, and the host survives it")
    func memoryLimit() throws {
        let host = LuaHost(memoryLimit: 16 << 20)
        defer { host.close() }
        try host.sealSandbox()
        do {
            try host.runChunk("local t = {} for i = 1, 1e8 do t[i] = {} end", name: "=t")
            Issue.record("expected the limit to stop it")
        } catch let error as BeekError {
            #expect(error.description.contains("more than 16 MB"))
        }
        try host.runChunk("local ok = 1 + 1", name: "=after") // still usable
    }
}

@Suite("Connection strings")
struct ConnectionStringTests {
    @Test("URIs show the password masked", arguments: [
        ("postgresql://postgres:hunter22@db.example.co:5432/postgres", "postgresql://postgres:****@db.example.co:5432/postgres"),
        ("postgres://u:p%40ss-word@h/db?sslmode=require", "postgres://u:****@h/db?sslmode=require"),
        ("postgresql://h/db?user=u&password=topsecret1", "postgresql://h/db?user=u&password=****"),
        ("host=h user=u password=topsecret2 dbname=d", "host=h user=u password=**** dbname=d"),
        ("host=h password='with space' dbname=d", "host=h password=**** dbname=d"),
        ("postgresql://nopassword@h/db", "postgresql://nopassword@h/db"),
    ])
    func masking(raw: String, shown: String) throws {
        let c = try ConnectionString(raw)
        #expect(c.description == shown)
    }

    @Test("fields are parsed by libpq")
    func fields() throws {
        let c = try ConnectionString("postgresql://alice:pw-12345@db.example.co:6543/app")
        #expect(c.user == "alice")
        #expect(c.host == "db.example.co")
        #expect(c.port == "6543")
        #expect(c.database == "app")
        #expect(c.summary == "alice@db.example.co:6543/app")
    }

    @Test("an invalid string is refused without echoing its password")
    func invalid() throws {
        do {
            _ = try ConnectionString("postgresql://u:leaky-pass@h/db?nosuchparam=1")
            Issue.record("expected an error")
        } catch {
            #expect(!error.userMessage.contains("leaky-pass"))
        }
    }

    @Test("registered secrets are masked anywhere in a text")
    func redaction() {
        let secrets = Secrets()
        secrets.register("abc123xyz")
        #expect(secrets.redact("the value abc123xyz leaked") == "the value **** leaked")
        #expect(secrets.redact("nothing here") == "nothing here")
    }
}

@Suite("Quoting")
struct QuotingTests {
    @Test("identifiers are quoted exactly when PostgreSQL needs it", arguments: [
        ("users", "users"), ("Users", "\"Users\""), ("user", "\"user\""), ("my table", "\"my table\""),
        ("we\"ird", "\"we\"\"ird\""), ("ünïcode", "\"ünïcode\""), ("_x1$", "_x1$"), ("1abc", "\"1abc\""),
        ("select", "\"select\""), ("", "\"\""),
    ])
    func quoteIdent(name: String, quoted: String) {
        #expect(SQL.quoteIdent(name) == quoted)
    }

    @Test("literals double quotes and escape backslashes")
    func literals() {
        #expect(SQL.quoteLiteral("it's") == "'it''s'")
        #expect(SQL.quoteLiteral("a\\b") == "E'a\\\\b'")
    }
}

@Suite("Invocation")
struct InvocationTests {
    @Test("env files: comments, export, quotes, trailing comments")
    func envFile() throws {
        let parsed = try EnvFile.parse("# top\nexport A=1\nB = two # note\nC='a # b'\nD=\"x\\\"y\"\n\n", displayPath: ".env")
        #expect(parsed.map(\.0) == ["A", "B", "C", "D"])
        #expect(parsed.map(\.1) == ["1", "two", "a # b", "x\"y"])
    }

    @Test("a line without = names the file and line")
    func envFileError() {
        #expect(throws: BeekError.usage(".env:2: expected KEY=VALUE")) {
            try EnvFile.parse("A=1\nBROKEN\n", displayPath: ".env")
        }
    }

    @Test("--var overrides the environment, secrets in URLs are registered")
    func vars() throws {
        let dir = try TestDirectory.make("invocation")
        try FileManager.default.createDirectory(atPath: dir + "/runbooks", withIntermediateDirectories: true)
        try "".write(toFile: dir + "/runbooks/x.lua", atomically: true, encoding: .utf8)
        let options = try Invocation.options(
            script: "x", arguments: ["a"], dryRun: true, assumeYes: false, envFile: nil,
            vars: ["K=v=w", "PROD_DATABASE_URL=postgres://u:registered-secret@h/db"],
            processEnvironment: ["K": "old"], directory: dir)
        #expect(options.displayPath == "runbooks/x.lua")
        #expect(options.environment["K"] == "v=w")
        #expect(Secrets.shared.redact("registered-secret") == "****")
    }

    @Test("did-you-mean suggestions")
    func spelling() {
        #expect(Spelling.closest(to: "readonyl", among: ["url", "name", "readonly", "production"]) == "readonly")
        #expect(Spelling.closest(to: "zzz", among: ["url", "name"]) == nil)
    }
}
