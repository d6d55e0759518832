import Foundation
import Testing
import TestSupport

/// The command line as the contract fixes it: flags, script lookup, arguments, exit codes.
@Suite("Command line")
struct CommandLineTests {
    @Test("--version prints the version and exits 0")
    func version() throws {
        let r = try BeekrunCLI().run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("0."))
    }

    @Test("--help lists the flags and exits 0")
    func help() throws {
        let r = try BeekrunCLI().run(["--help"])
        #expect(r.status == 0)
        for flag in ["--dry-run", "--yes", "--env-file", "--var"] { #expect(r.stdout.contains(flag)) }
    }

    @Test("an unknown option is a usage error: exit 2")
    func unknownOption() throws {
        let cli = try BeekrunCLI()
        try cli.write("runbooks/ok.lua", "log('hi')")
        let r = try cli.run(["--bogus", "runbooks/ok.lua"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--bogus"))
    }

    @Test("a missing script is a usage error: exit 2, naming the script")
    func missingScript() throws {
        let r = try BeekrunCLI().run(["nope.lua"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("nope.lua"))
    }

    @Test("no script at all is a usage error: exit 2")
    func noScript() throws {
        #expect(try BeekrunCLI().run([]).status == 2)
    }

    @Test("a bare name is found in ./runbooks/, with or without .lua")
    func bareName() throws {
        let cli = try BeekrunCLI()
        try cli.write("runbooks/hello.lua", "print('hello from runbooks')")
        #expect(try cli.run(["hello.lua"]).stdout.contains("hello from runbooks"))
        #expect(try cli.run(["hello"]).stdout.contains("hello from runbooks"))
    }

    @Test("arguments after the script reach the runbook as args, flags included")
    func scriptArguments() throws {
        let r = try BeekrunCLI().runbook("print(#args, args[1], args[2])", flags: ["--dry-run"], arguments: ["one", "--two"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("2\tone\t--two"))
    }

    @Test("dry_run tells the runbook whether this is a dry run")
    func dryRunGlobal() throws {
        let cli = try BeekrunCLI()
        #expect(try cli.runbook("print('dry=' .. tostring(dry_run))").stdout.contains("dry=false"))
        #expect(try cli.runbook("print('dry=' .. tostring(dry_run))", flags: ["--dry-run"]).stdout.contains("dry=true"))
    }

    @Test("--env-file and --var set the environment; the process environment wins over the file")
    func environment() throws {
        let cli = try BeekrunCLI()
        try cli.write("custom.env", "# comment\nexport A=from-file\nB='quoted value'\nC=\"x\\ny\"\nD=from-file\n")
        let r = try cli.runbook(
            "print(env('A'), env('B'), env('C') == 'x\\ny', env('D'), env('E'), env('MISSING', 'fallback'))",
            flags: ["--env-file", "custom.env", "--var", "E=from-var"], environment: ["D": "from-process"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("from-file\tquoted value\ttrue\tfrom-process\tfrom-var\tfallback"))
    }

    @Test("./.env is read by default")
    func defaultEnvFile() throws {
        let cli = try BeekrunCLI()
        try cli.write(".env", "GREETING=hello-dotenv\n")
        #expect(try cli.runbook("print(env('GREETING'))").stdout.contains("hello-dotenv"))
    }

    @Test("a malformed env file is a usage error naming file and line")
    func badEnvFile() throws {
        let cli = try BeekrunCLI()
        try cli.write("bad.env", "A=1\nthis line has no equals sign\n")
        let r = try cli.runbook("print(1)", flags: ["--env-file", "bad.env"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.env:2"))
    }

    @Test("a missing --env-file is a usage error")
    func missingEnvFile() throws {
        let r = try BeekrunCLI().runbook("print(1)", flags: ["--env-file", "nope.env"])
        #expect(r.status == 2)
    }

    @Test("a --var without = is a usage error")
    func badVar() throws {
        #expect(try BeekrunCLI().runbook("print(1)", flags: ["--var", "NOEQUALS"]).status == 2)
    }
}
