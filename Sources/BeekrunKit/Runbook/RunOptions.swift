import Foundation

/// Everything the command line decided for one run.
public struct RunOptions {
    /// The script file to run, as found on disk.
    public var scriptPath: String
    /// How messages name the script (`runbooks/sync.lua`).
    public var displayPath: String
    public var arguments: [String]
    public var dryRun: Bool
    /// Answer yes to every confirmation.
    public var assumeYes: Bool
    /// The environment the script sees: process environment, env file and `--var`s merged.
    public var environment: [String: String]
    /// Show a traceback under runbook errors.
    public var verbose: Bool
    /// Bytes of Lua memory a runbook may use.
    public var memoryLimit: Int
    /// The project: the directory beekrun was started in. Relative paths in a runbook resolve
    /// against it (also in the sandbox); `write_file` and `require` stay inside it.
    public var projectDirectory: String
    /// The git working tree that `git.status` and `git_merge` use (the project; the sandbox's
    /// scratch repository under --sandbox).
    public var gitDirectory: String
    /// Variables set with `--var`: nothing else (not even the sandbox) overrides them.
    public var commandLineVariables: Set<String> = []

    /// Where backups and the audit trail go: `BEEK_BACKUP_DIR`, default `backups`.
    public var backupDirectory: String {
        let dir = environment["BEEK_BACKUP_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "backups"
        return dir
    }

    public init(scriptPath: String, displayPath: String? = nil, arguments: [String] = [], dryRun: Bool = false,
                assumeYes: Bool = false, environment: [String: String] = [:], verbose: Bool = false,
                memoryLimit: Int = 1 << 30, projectDirectory: String = FileManager.default.currentDirectoryPath) {
        self.scriptPath = scriptPath
        self.displayPath = displayPath ?? scriptPath
        self.arguments = arguments
        self.dryRun = dryRun
        self.assumeYes = assumeYes
        self.environment = environment
        self.verbose = verbose
        self.memoryLimit = memoryLimit
        self.projectDirectory = projectDirectory
        gitDirectory = projectDirectory
    }
}
