import BeekrunKit
import Foundation

/// A throwaway PostgreSQL cluster for the tests: initdb into a temp dir, unix socket only,
/// a random port, fsync off. Started once per test process, stopped when it exits.
/// As root the server runs as `postgres` through `runuser`, since PostgreSQL refuses root.
public final class PostgresCluster: @unchecked Sendable {
    public static let shared: PostgresCluster = {
        do {
            let cluster = try PostgresCluster()
            startedCluster = cluster
            atexit { PostgresCluster.stopShared() }
            return cluster
        } catch {
            fatalError("cannot start the test PostgreSQL cluster: \(error)")
        }
    }()

    public let root: String        // temp dir holding data/, the socket and the log
    public let socketDir: String
    public let port: Int
    public let binDir: String
    private let server: LocalCluster
    private let lock = NSLock()
    private var counter = 0

    /// A role with a password, allowed to log in only with it (for password-masking tests).
    public static let passwordRole = "beek_pw_user"
    public static let passwordRolePassword = "s3cr3t-Pa55word"

    init() throws {
        // The password role must use scram; everyone else is trusted on the private socket.
        server = try LocalCluster(prefix: "beekrun-test", hbaLines: ["local all \(PostgresCluster.passwordRole) scram-sha-256"])
        root = server.root
        socketDir = server.socketDirectory
        port = server.port
        binDir = server.binDir
        let admin = try connect("postgres")
        try admin.execute("""
            CREATE ROLE \(PostgresCluster.passwordRole) LOGIN PASSWORD '\(PostgresCluster.passwordRolePassword)';
            """)
    }

    /// Stops the shared cluster (if it was started); its directory goes with it.
    static func stopShared() {
        startedCluster?.server.stop()
    }
    nonisolated(unsafe) static var startedCluster: PostgresCluster?

    /// A connection string for a database of this cluster.
    public func url(_ database: String, user: String = "postgres") -> String {
        "host=\(socketDir) port=\(port) user=\(user) dbname=\(database)"
    }

    /// The same as a URI, as users write them in `.env`.
    public func uri(_ database: String, user: String = "postgres", password: String? = nil) -> String {
        let auth = password.map { "\(user):\($0)" } ?? user
        let host = socketDir.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return "postgresql://\(auth)@\(host):\(port)/\(database)"
    }

    public func connect(_ database: String) throws -> PGConnection {
        try PGConnection(ConnectionString(url(database)))
    }

    /// Creates a fresh, uniquely named database and returns its name.
    public func createDatabase(_ prefix: String = "t") throws -> String {
        lock.lock(); counter += 1; let n = counter; lock.unlock()
        let name = "\(prefix)_\(n)_\(UInt16.random(in: 0...UInt16.max))"
        let admin = try connect("postgres")
        try admin.execute("CREATE DATABASE \(SQL.quoteIdent(name)) TEMPLATE template0")
        return name
    }

    /// Runs a PostgreSQL client tool (psql, pg_dump) against a database of this cluster.
    public func clientTool(_ tool: String, _ arguments: [String], input: String? = nil) throws -> Subprocess.Output {
        try Subprocess.run(binDir + "/" + tool, ["-h", socketDir, "-p", String(port), "-U", "postgres"] + arguments,
                           input: input)
    }

    /// `psql` as an independent oracle: runs SQL, returns unaligned tuples-only output.
    public func psql(_ database: String, _ sql: String) throws -> String {
        let out = try clientTool("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql])
        guard out.succeeded else { throw BeekError.failed("psql failed: \(out.stderr)") }
        return out.stdout.trimmingCharacters(in: .newlines)
    }

    /// `pg_dump` as an independent oracle. The random `\restrict` key that pg_dump 15.14+
    /// prints is left out: it is not part of the database.
    public func pgDump(_ database: String, _ arguments: [String] = []) throws -> String {
        let out = try clientTool("pg_dump", arguments + ["-d", database])
        guard out.succeeded else { throw BeekError.failed("pg_dump failed: \(out.stderr)") }
        return out.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }
            .joined(separator: "\n")
    }

    /// `pg_dump --schema-only --no-owner` as an independent oracle.
    public func schemaDump(_ database: String, extra: [String] = []) throws -> String {
        try pgDump(database, ["--schema-only", "--no-owner"] + extra)
    }
}
