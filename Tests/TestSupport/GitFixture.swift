import BeekrunKit
import Foundation

/// A real git setup for tests: a bare repository as `origin` and a clone of it in the test's
/// working directory, with `main` and `develop` pushed.
public struct GitFixture {
    public let work: String
    public let origin: String

    public init(in directory: String) throws {
        work = directory
        origin = directory + ".origin.git"
        try Self.git(["init", "--quiet", "--bare", "--initial-branch=main", origin], in: "/")
        try Self.git(["init", "--quiet", "--initial-branch=main"], in: work)
        try Self.git(["config", "user.email", "test@example.com"], in: work)
        try Self.git(["config", "user.name", "beekrun test"], in: work)
        try Self.git(["remote", "add", "origin", origin], in: work)
        try "ignored\n".write(toFile: work + "/.gitignore", atomically: true, encoding: .utf8)
        try ".gitignore\nrunbooks/\nbackups/\n".write(toFile: work + "/.git/info/exclude", atomically: true, encoding: .utf8)
        try commitFile("README.md", "hello\n", message: "initial")
        try Self.git(["push", "--quiet", "origin", "main"], in: work)
        try Self.git(["checkout", "--quiet", "-b", "develop"], in: work)
        try Self.git(["push", "--quiet", "-u", "origin", "develop"], in: work)
    }

    @discardableResult
    public static func git(_ arguments: [String], in directory: String) throws -> String {
        let out = try Subprocess.run("git", ["-C", directory] + arguments)
        guard out.succeeded else { throw BeekError.git("git \(arguments.joined(separator: " ")): \(out.stderr)") }
        return out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    public func git(_ arguments: [String]) throws -> String { try Self.git(arguments, in: work) }

    public func commitFile(_ name: String, _ text: String, message: String) throws {
        try text.write(toFile: work + "/" + name, atomically: true, encoding: .utf8)
        try git(["add", name])
        try git(["commit", "--quiet", "-m", message])
    }

    /// The commit a branch of the origin points at.
    public func originHead(_ branch: String) throws -> String {
        try Self.git(["rev-parse", "refs/heads/\(branch)"], in: origin)
    }
}
