import Foundation
import Testing
import TestSupport

/// Every runbook error reaches the user as `file:line: message` with exit code 1.
@Suite("Runbook errors")
struct RunbookErrorTests {
    @Test("a Lua runtime error names the file and line")
    func luaError() throws {
        let r = try BeekrunCLI().runbook("local x = 1\nlocal y = nil\nprint(y.field)\n", name: "broken.lua")
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/broken.lua:3:"))
    }

    @Test("a syntax error names the file and line")
    func syntaxError() throws {
        let r = try BeekrunCLI().runbook("print('ok')\nlocal = 3\n", name: "syntax.lua")
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/syntax.lua:2:"))
    }

    @Test("error() in the runbook names the line it was raised on")
    func explicitError() throws {
        let r = try BeekrunCLI().runbook("\n\nerror('boom')\n")
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/test.lua:3: boom"))
    }

    @Test("abort stops with exit 1, naming the line")
    func abort() throws {
        let r = try BeekrunCLI().runbook("log('before')\nabort('schema drift')\nlog('third step')\n")
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/test.lua:2: aborted: schema drift"))
        #expect(!r.output.contains("third step"))
    }

    @Test("a primitive's error names the runbook line that called it, even through pcall")
    func primitiveError() throws {
        let r = try BeekrunCLI().runbook("""
            local ok, err = pcall(connect, {urll = 'x'})
            print(err)
            connect{urll = 'x'}
            """)
        #expect(r.status == 1)
        #expect(r.stdout.contains("runbooks/test.lua:1: connect: unknown option 'urll' (did you mean 'url'?)"))
        #expect(r.stderr.contains("runbooks/test.lua:3: connect: unknown option 'urll'"))
    }

    @Test("an argument of the wrong type says what was expected")
    func wrongType() throws {
        let r = try BeekrunCLI().runbook("query('not a db', 'select 1')")
        #expect(r.status == 1)
        #expect(r.stderr.contains("query: argument #1 (db) must be a database"))
    }

    @Test("a missing variable says how to set it")
    func missingEnv() throws {
        let r = try BeekrunCLI().runbook("local url = env('PROD_DATABASE_URL')")
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/test.lua:1: PROD_DATABASE_URL is not set"))
        #expect(r.stderr.contains(".env"))
    }

    @Test("globals are locked: assigning one is an error that suggests local")
    func lockedGlobals() throws {
        let r = try BeekrunCLI().runbook("counter = 1")
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/test.lua:1: assignment to undeclared global 'counter'"))
        #expect(r.stderr.contains("local counter"))
    }

    @Test("a misspelt primitive suggests the right one")
    func misspeltPrimitive() throws {
        let r = try BeekrunCLI().runbook("conect{url = 'x'}")
        #expect(r.status == 1)
        #expect(r.stderr.contains("unknown global 'conect' (did you mean 'connect'?)"))
    }

    @Test("the sandbox has no io, os.execute, load or package (require loads only project modules)")
    func sandbox() throws {
        let cli = try BeekrunCLI()
        let r = try cli.runbook("""
            print(type(string), type(table), type(math), type(utf8), type(coroutine))
            print(type(os.time), type(os.date), type(os.clock), os.execute, os.getenv, os.remove)
            print(pcall(function() return io end))
            print(pcall(function() return load end))
            print(pcall(function() return package end))
            print(pcall(function() return debug end))
            print(string.dump)
            """)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("table\ttable\ttable\ttable\ttable"))
        #expect(r.stdout.contains("function\tfunction\tfunction\tnil\tnil\tnil"))
        #expect(r.stdout.contains("'io' is not available in runbooks"))
        #expect(!r.stdout.contains("true\tfunction"))
    }

    @Test("a runbook that allocates without bound is stopped with a message")
    func memoryLimit() throws {
        let r = try BeekrunCLI().runbook("""
            local t = {}
            for i = 1, 1e9 do t[i] = string.rep('x', 1024) .. i end
            """, environment: ["BEEK_MEMORY_LIMIT_MB": "32"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("more than 32 MB of memory"))
    }
}
