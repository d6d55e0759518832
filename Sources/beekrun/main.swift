import ArgumentParser
import BeekrunKit
import Foundation

/// The command line, and nothing else: flags become `RunOptions`, BeekrunKit does the rest.
struct Beekrun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beekrun",
        abstract: "Run database-operations runbooks written in Lua against PostgreSQL and Supabase.",
        discussion: """
            SCRIPT is a path (runbooks/sync.lua) or a bare name found in ./runbooks/ (sync.lua).
            Arguments after SCRIPT are given to the runbook as `args`; beekrun's own flags go
            before SCRIPT (after it they are refused, unless after `--`).
            Step lines, logs and the plan go to standard error; the runbook's print() alone
            goes to standard output (beekrun drift.lua > migration.sql).

            beekrun mark-production URL     marks a database as production: every beekrun
                                            connection to it is treated as production.
            beekrun unmark-production URL   removes the mark (asks; --yes to confirm).

            Exit codes: 0 the runbook finished; 1 it failed or aborted; 2 usage error.
            Environment: PROD_DATABASE_URL, DEV_DATABASE_URL, BEEK_BACKUP_DIR (default backups/).
            """,
        version: RunbookRunner.version)

    @Flag(name: .long, help: "Change nothing: read for real, print the plan of every change.")
    var dryRun = false

    @Flag(name: .long, help: "Answer yes to every confirmation.")
    var yes = false

    @Option(name: .long, help: ArgumentHelp("KEY=VALUE lines added to the script's environment (default: ./.env when it exists).", valueName: "path"))
    var envFile: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("Set one environment variable for the script.", valueName: "KEY=VALUE"))
    var vars: [String] = []

    @Flag(name: .long, help: "Run the script in a throwaway sandbox: a local PostgreSQL with a Supabase-shaped prod and a drifted dev, and a scratch git repository. Everything is removed afterwards.")
    var sandbox = false

    @Flag(name: .long, help: "Show a Lua traceback under runbook errors.")
    var verbose = false

    @Flag(name: .long, help: "Write the step log on standard error as one JSON object per line (for CI).")
    var json = false

    @Flag(name: .long, help: "Print the runbook API as a LuaLS definition file (for editor completion) and exit.")
    var api = false

    @Argument(help: ArgumentHelp("The runbook to run.", valueName: "SCRIPT.lua"))
    var script: String?

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Arguments for the runbook.", valueName: "ARG"))
    var arguments: [String] = []

    func execute() -> Int32 {
        if api {
            FileHandle.standardOutput.write(Data(APIStubs.render().utf8))
            return 0
        }
        guard let script else {
            FileHandle.standardError.write(Data("error: missing SCRIPT.lua\n\(Beekrun.usageString())\n".utf8))
            return 2
        }
        if ProductionMarkCommand.names.contains(script), !FileManager.default.fileExists(atPath: script) {
            return ProductionMarkCommand.run(script, arguments: arguments, assumeYes: yes, reporter: Reporter(terminal: .detect(), json: json))
        }
        let options: RunOptions
        do {
            options = try Invocation.options(script: script, arguments: arguments, dryRun: dryRun, assumeYes: yes,
                                             envFile: envFile, vars: vars, verbose: verbose)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.userMessage)\n".utf8))
            return 2
        }
        let reporter = Reporter(terminal: .detect(), json: json)
        guard sandbox else { return RunbookRunner.run(options, reporter: reporter) }
        return runInSandbox(options, reporter: reporter)
    }

    /// The script runs against the sandbox's databases and git repository, from the project's
    /// own directory: relative paths in the runbook (a migration file, a backup beside it)
    /// resolve as they do outside the sandbox, and a `--var` (BEEK_BACKUP_DIR too) wins over
    /// the sandbox's defaults.
    func runInSandbox(_ options: RunOptions, reporter: Reporter) -> Int32 {
        let project = FileManager.default.currentDirectoryPath
        let world: Sandbox
        do { world = try Sandbox(projectDirectory: project, reporter: reporter) } catch {
            reporter.error("cannot start the sandbox: \(error.userMessage)")
            return 1
        }
        defer { world.remove() }
        var options = options
        for (key, value) in world.environment where !options.commandLineVariables.contains(key) {
            options.environment[key] = value
        }
        options.gitDirectory = world.repository
        return RunbookRunner.run(options, reporter: reporter)
    }
}

// Exit codes are the contract's (0 / 1 / 2), not ArgumentParser's defaults (64 for usage).
do {
    var parsed = try Beekrun.parseAsRoot()
    guard let command = parsed as? Beekrun else {
        try parsed.run() // --help and friends
        exit(0)
    }
    exit(command.execute())
} catch {
    if Beekrun.exitCode(for: error) == .success { Beekrun.exit(withError: error) } // --help, --version
    FileHandle.standardError.write(Data((Beekrun.fullMessage(for: error) + "\n").utf8))
    exit(2)
}
