import BeekrunKit
import Foundation

/// Runs the built `beekrun` binary the way a user does, in a temp directory holding the
/// runbook, with no terminal attached (stdin, stdout and stderr are pipes).
public struct BeekrunCLI: Sendable {
    public struct Result: CustomStringConvertible, Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var output: String { stdout + stderr }
        public var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    /// The binary next to the test bundle (`.build/<triple>/debug/beekrun`).
    public static var binary: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("beekrun").path
    }

    /// A fresh working directory for one test (its own runbooks/ and backups/).
    public let directory: String

    public init() throws {
        directory = try TestDirectory.make("e2e")
        try FileManager.default.createDirectory(atPath: directory + "/runbooks", withIntermediateDirectories: true)
    }

    /// Writes a file relative to the working directory.
    public func write(_ relativePath: String, _ text: String) throws {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Runs `beekrun ARGS…` in the working directory.
    /// - Parameter environment: added to a minimal environment (PATH, HOME), so the
    ///   developer's own variables cannot leak into a test.
    public func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws -> Result {
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                   "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp"]
        env.merge(environment) { $1 }
        let out = try Subprocess.run(BeekrunCLI.binary, arguments, directory: directory, environment: env, input: input)
        return Result(status: out.status, stdout: out.stdout, stderr: out.stderr)
    }

    /// Writes `runbooks/NAME` with `source` and runs it.
    public func runbook(_ source: String, name: String = "test.lua", flags: [String] = [], arguments: [String] = [],
                        environment: [String: String] = [:], input: String? = nil) throws -> Result {
        try write("runbooks/" + name, source)
        return try run(flags + ["runbooks/" + name] + arguments, environment: environment, input: input)
    }
}
