import CPosix
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs an external program to completion and captures its output. Used for the git CLI
/// (and by the tests for the pg_dump/psql oracles).
///
/// Built on posix_spawn and poll rather than Foundation's Process, whose waitUntilExit can
/// hang on Linux when called off the main thread.
public struct Subprocess {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var succeeded: Bool { status == 0 }
    }

    /// - Parameters:
    ///   - executable: an absolute path, or a name looked up on PATH.
    ///   - arguments: passed as they are (no shell).
    ///   - directory: the working directory, if not the current one.
    ///   - environment: replaces the environment when given.
    ///   - input: written to standard input, which is then closed.
    public static func run(_ executable: String, _ arguments: [String], directory: String? = nil,
                           environment: [String: String]? = nil, input: String? = nil) throws -> Output {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        // O_CLOEXEC: children spawned concurrently by other threads must not inherit our pipes.
        guard beek_pipe_cloexec(&inPipe) == 0, beek_pipe_cloexec(&outPipe) == 0, beek_pipe_cloexec(&errPipe) == 0 else {
            throw BeekError.failed("cannot create pipes to run \(executable)")
        }
        let (pid, spawnStatus) = spawn([executable] + arguments, environment: environment) { actions, _ in
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
            if let directory { beek_spawn_chdir(&actions, directory) }
        }
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard spawnStatus == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw BeekError.failed("cannot run \(executable): \(String(cString: strerror(spawnStatus)))")
        }

        // Feed stdin from another thread so a child that writes before it reads cannot deadlock us.
        let inputBytes = Array((input ?? "").utf8)
        let writerFD = inPipe[1]
        let writer = Thread {
            var offset = 0
            while offset < inputBytes.count {
                let n = inputBytes[offset...].withUnsafeBytes { write(writerFD, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                offset += n
            }
            close(writerFD)
        }
        signal(SIGPIPE, SIG_IGN)
        writer.start()

        let (out, err) = drain(outPipe[0], errPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Output(status: exit, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// posix_spawnp of `argv` (the first element looked up on PATH) with a clean signal state.
    /// `configure` adds the file actions (and attributes) the caller needs.
    /// - Returns: the child's pid and posix_spawnp's status (0 = started).
    static func spawn(_ argv: [String], environment: [String: String]? = nil, extraFlags: Int16 = 0,
                      configure: (inout posix_spawn_file_actions_t, inout posix_spawnattr_t) -> Void) -> (pid: pid_t, status: Int32) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        beek_spawnattr_clean_signals(&attributes, extraFlags)
        configure(&actions, &attributes)
        let envList = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = argv.withCStrings { cArgs in
            envList.withCStrings { cEnv in
                posix_spawnp(&pid, argv[0], &actions, &attributes,
                             UnsafeMutablePointer(mutating: cArgs).withMemoryRebound(to: UnsafeMutablePointer<CChar>?.self, capacity: argv.count + 1) { $0 },
                             UnsafeMutablePointer(mutating: cEnv).withMemoryRebound(to: UnsafeMutablePointer<CChar>?.self, capacity: envList.count + 1) { $0 })
            }
        }
        return (pid, status)
    }

    /// Reads two pipes to their ends at once, so neither can fill up and block the child.
    private static func drain(_ a: Int32, _ b: Int32) -> ([UInt8], [UInt8]) {
        var buffers: [[UInt8]] = [[], []]
        var fds = [pollfd(fd: a, events: Int16(POLLIN), revents: 0), pollfd(fd: b, events: Int16(POLLIN), revents: 0)]
        var open = 2
        var chunk = [UInt8](repeating: 0, count: 65536)
        while open > 0 {
            if poll(&fds, 2, -1) < 0 { if errno == EINTR { continue } else { break } }
            for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = chunk.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    buffers[i].append(contentsOf: chunk[0..<n])
                } else if n == 0 || errno != EINTR {
                    close(fds[i].fd); fds[i].fd = -1; open -= 1
                }
            }
        }
        return (buffers[0], buffers[1])
    }
}
