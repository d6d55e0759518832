import CPosix
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster: initdb into a temp dir, unix socket only (no TCP), a random
/// port. Used by `beekrun --sandbox` and by the test suite.
///
/// The server runs under a small guard shell whose standard input is a pipe from this process:
/// however this process ends (done, Ctrl-C, crash, kill -9), the pipe closes, and the guard stops
/// the server and removes the directory. Nothing is left behind.
public final class LocalCluster: @unchecked Sendable {
    public let root: String
    public let port: Int
    public let binDir: String
    private let runAsPostgres: Bool
    private var guardPID: pid_t = 0
    private var guardInput: Int32 = -1

    /// - Parameter hbaLines: pg_hba.conf lines put before `local all all trust`.
    public init(prefix: String = "beekrun", hbaLines: [String] = [], settings: [String] = []) throws {
        binDir = try LocalCluster.findBinDir()
        runAsPostgres = geteuid() == 0
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        // Only a unix socket in our own directory: no port can clash, so any number will do.
        port = Int.random(in: 20000...60000)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        do {
            try initialise(hbaLines: hbaLines)
            try start(settings: settings)
        } catch {
            stop()
            try? FileManager.default.removeItem(atPath: root)
            throw error
        }
    }

    deinit { stop() }

    /// The socket directory is the cluster's own root.
    public var socketDirectory: String { root }

    /// A keyword connection string for a database of this cluster.
    public func url(_ database: String, user: String = "postgres") -> String {
        "host=\(root) port=\(port) user=\(user) dbname=\(database)"
    }

    public func connect(_ database: String = "postgres") throws -> PGConnection {
        try PGConnection(ConnectionString(url(database)))
    }

    /// Stops the server and removes the directory; waits until both are done.
    public func stop() {
        guard guardPID > 0 else { return }
        close(guardInput)
        var status: Int32 = 0
        while waitpid(guardPID, &status, 0) < 0 && errno == EINTR {}
        guardPID = 0
    }

    // MARK: Setting up

    private func initialise(hbaLines: [String]) throws {
        if runAsPostgres { try checked(Subprocess.run("/bin/chown", ["postgres:", root]), "chown") }
        try serverTool("initdb", ["-D", root + "/data", "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                  "--locale=C.UTF-8", "--no-sync"])
        let hba = (hbaLines + ["local all all trust"]).joined(separator: "\n") + "\n"
        try hba.write(toFile: root + "/data/pg_hba.conf", atomically: true, encoding: .utf8)
        if runAsPostgres { try checked(Subprocess.run("/bin/chown", ["postgres:", root + "/data/pg_hba.conf"]), "chown") }
    }

    private func start(settings: [String]) throws {
        var server = [binDir + "/postgres", "-D", root + "/data", "-k", root, "-p", String(port),
                      "-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off",
                      "-c", "full_page_writes=off", "-c", "max_connections=100"]
        for setting in settings { server += ["-c", setting] }
        if runAsPostgres { server = ["/usr/sbin/runuser", "-u", "postgres", "--"] + server }
        let guardScript = """
            D="$1"; shift
            "$@" >> "$D/server.log" 2>&1 &
            read _
            kill -INT "$(head -n 1 "$D/data/postmaster.pid" 2>/dev/null)" 2>/dev/null
            wait
            rm -rf "$D"
            """
        try spawnGuard(["/bin/sh", "-c", guardScript, "beekrun-cluster-guard", root] + server)
        // Ready when a connection succeeds.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if (try? connect())?.isOpen == true { return }
            var status: Int32 = 0
            if waitpid(guardPID, &status, WNOHANG) == guardPID {
                guardPID = 0
                throw BeekError.failed("the local PostgreSQL server did not start")
            }
            usleep(50_000)
        }
        let log = (try? String(contentsOfFile: root + "/server.log", encoding: .utf8)) ?? ""
        throw BeekError.failed("the local PostgreSQL server did not start within 60 s:\n\(log.suffix(2000))")
    }

    /// Spawns the guard in its own process group (a Ctrl-C on the terminal is ours to handle,
    /// not the server's), its stdin the read end of a pipe whose write end only we hold.
    private func spawnGuard(_ argv: [String]) throws {
        var fds: [Int32] = [0, 0]
        guard beek_pipe_cloexec(&fds) == 0 else { throw BeekError.failed("cannot create a pipe") }
        let (pid, status) = Subprocess.spawn(argv, extraFlags: Int16(POSIX_SPAWN_SETPGROUP)) { actions, attributes in
            posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        close(fds[0])
        guard status == 0 else {
            close(fds[1])
            throw BeekError.failed("cannot start the local PostgreSQL server: \(String(cString: strerror(status)))")
        }
        guardPID = pid
        guardInput = fds[1]
    }

    private func serverTool(_ tool: String, _ arguments: [String]) throws {
        let path = binDir + "/" + tool
        let out = runAsPostgres
            ? try Subprocess.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments)
            : try Subprocess.run(path, arguments)
        try checked(out, tool)
    }

    private func checked(_ out: Subprocess.Output, _ what: String) throws {
        guard out.succeeded else { throw BeekError.failed("\(what) failed (exit \(out.status)): \(out.stderr)\(out.stdout)") }
    }

    /// The newest installed server's bin directory (Debian keeps them in /usr/lib/postgresql/N/bin).
    public static func findBinDir() throws -> String {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted(by: >)
        for v in versions where FileManager.default.isExecutableFile(atPath: "\(base)/\(v)/bin/initdb") {
            return "\(base)/\(v)/bin"
        }
        let which = try Subprocess.run("/bin/sh", ["-c", "command -v initdb"])
        if which.succeeded {
            return URL(fileURLWithPath: which.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).deletingLastPathComponent().path
        }
        throw BeekError.failed("no PostgreSQL server is installed: apt-get install -y postgresql")
    }
}
