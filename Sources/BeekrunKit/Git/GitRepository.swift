import Foundation

/// The git repository of a directory, driven through the git command line (the user's own
/// git, with their credentials and hooks). Never prompts: a push that needs a password fails
/// with git's message instead of hanging.
public struct GitRepository {
    public let directory: String

    public init(directory: String = FileManager.default.currentDirectoryPath) {
        self.directory = directory
    }

    /// Runs `git ARGS…`; throws `BeekError.git` with git's own message when it fails.
    @discardableResult
    public func git(_ arguments: [String], allowFailure: Bool = false) throws -> Subprocess.Output {
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        environment["GIT_MERGE_AUTOEDIT"] = "no"
        let out = try Subprocess.run("git", ["-C", directory] + arguments, environment: environment)
        if !out.succeeded && !allowFailure {
            let message = (out.stderr.isEmpty ? out.stdout : out.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
            throw BeekError.git("git \(arguments.joined(separator: " ")) failed: \(message)")
        }
        return out
    }

    func text(_ arguments: [String]) throws -> String {
        try git(arguments).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The checked-out branch; throws on a detached HEAD or outside a repository.
    public func currentBranch() throws -> String {
        let inside = try git(["rev-parse", "--is-inside-work-tree"], allowFailure: true)
        guard inside.succeeded else { throw BeekError.git("\(directory) is not inside a git repository") }
        let branch = try git(["symbolic-ref", "--quiet", "--short", "HEAD"], allowFailure: true)
        guard branch.succeeded else { throw BeekError.git("HEAD is detached: check out a branch first") }
        return branch.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Uncommitted changes, tracked and untracked (ignored files do not count), as
    /// `git status --porcelain` lines.
    public func uncommittedChanges() throws -> [String] {
        try git(["status", "--porcelain", "--untracked-files=normal"]).stdout
            .split(separator: "\n").map(String.init)
    }

    public func branchExists(_ branch: String) throws -> Bool {
        try git(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)"], allowFailure: true).succeeded
    }

    public func remoteExists(_ remote: String) throws -> Bool {
        try git(["remote"]).stdout.split(separator: "\n").contains { $0 == remote }
    }

    public func commit(_ revision: String) throws -> String? {
        let out = try git(["rev-parse", "--verify", "--quiet", revision + "^{commit}"], allowFailure: true)
        return out.succeeded ? out.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// Commits in `to` that are not in `from` (`git rev-list --count from..to`).
    public func count(from: String, to: String) throws -> Int {
        Int(try text(["rev-list", "--count", "\(from)..\(to)"])) ?? 0
    }

    /// One line per commit in `from..to`, newest first.
    public func log(from: String, to: String, limit: Int = 20) throws -> [String] {
        try text(["log", "--oneline", "--no-decorate", "-n", String(limit), "\(from)..\(to)"])
            .split(separator: "\n").map(String.init)
    }

    /// The commit a remote branch points at, read with ls-remote (changes nothing locally).
    public func remoteHead(_ remote: String, _ branch: String) throws -> String? {
        let out = try text(["ls-remote", "--heads", remote, "refs/heads/\(branch)"])
        return out.split(separator: "\t").first.map(String.init)
    }
}
