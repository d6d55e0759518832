import BeekrunKit
import Foundation
import Testing
import TestSupport

/// `beekrun --sandbox`: a throwaway world that is always removed, and Ctrl-C on runaway runbooks.
@Suite("Sandbox and interrupts")
struct SandboxTests {
    /// The sandbox root a run printed, e.g. /tmp/beekrun-sandbox-pg-123-456.
    func sandboxRoot(in output: String) -> String? {
        guard let range = output.range(of: #"/[^ ]*beekrun-sandbox-pg-[0-9]+-[0-9]+"#, options: .regularExpression) else { return nil }
        return String(output[range])
    }

    @Test("the shipped sync runs in the sandbox and leaves nothing behind")
    func sandboxSync() throws {
        let cli = try BeekrunCLI()
        try cli.installShippedRunbooks()
        let r = try cli.run(["--sandbox", "--yes", "sync.lua"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("dev is a clone of prod"))
        let root = try #require(sandboxRoot(in: r.stderr))
        #expect(!FileManager.default.fileExists(atPath: root))
    }

    @Test("a failing runbook in the sandbox still removes it")
    func sandboxFailure() throws {
        let cli = try BeekrunCLI()
        let r = try cli.runbook("local prod <close> = connect{url = env('PROD_DATABASE_URL')}\nerror('boom')", flags: ["--sandbox"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("runbooks/test.lua:2: boom"))
        let root = try #require(sandboxRoot(in: r.stderr))
        #expect(!FileManager.default.fileExists(atPath: root))
    }

    /// Starts beekrun in the background with its output in a file; returns its pid.
    func startInBackground(_ cli: BeekrunCLI, _ arguments: [String], output: String) throws -> pid_t {
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let start = try Subprocess.run("/bin/sh", ["-c",
            "cd '\(cli.directory)' && exec '\(BeekrunCLI.binary)' \(quoted) >'\(output)' 2>&1 </dev/null & echo $!"])
        return pid_t(start.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    func waitForExit(_ pid: pid_t, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if kill(pid, 0) != 0 { return true }
            usleep(50_000)
        }
        return false
    }

    func waitFor(_ text: String, in file: String, seconds: Double = 30) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var content = ""
        while Date() < deadline {
            content = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            if content.contains(text) { break }
            usleep(50_000)
        }
        return content
    }

    @Test("Ctrl-C stops a runbook that loops forever, cleanly")
    func interruptRunawayLoop() throws {
        let cli = try BeekrunCLI()
        try cli.write("runbooks/forever.lua", "log('looping')\nlocal n = 0\nwhile true do n = n + 1 end\n")
        let output = cli.directory + "/out.txt"
        let pid = try startInBackground(cli, ["runbooks/forever.lua"], output: output)
        defer { kill(pid, SIGKILL) } // never leave a runaway behind, even when the test fails
        _ = waitFor("looping", in: output)
        kill(pid, SIGINT)
        #expect(waitForExit(pid))
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("runbooks/forever.lua:3: interrupted"))
    }

    @Test("Ctrl-C in the sandbox stops the runbook and removes the sandbox")
    func interruptSandbox() throws {
        let cli = try BeekrunCLI()
        try cli.write("runbooks/forever.lua", """
            local dev <close> = connect{url = env('DEV_DATABASE_URL'), name = 'dev'}
            log('looping')
            while true do end
            """)
        let output = cli.directory + "/out.txt"
        let pid = try startInBackground(cli, ["--sandbox", "runbooks/forever.lua"], output: output)
        defer { kill(pid, SIGKILL) } // never leave a runaway behind, even when the test fails
        let text = waitFor("looping", in: output)
        let root = try #require(sandboxRoot(in: text))
        #expect(FileManager.default.fileExists(atPath: root))
        kill(pid, SIGINT)
        #expect(waitForExit(pid))
        // The guard removes the directory right after the process is gone.
        var removed = false
        for _ in 0..<600 where !removed { removed = !FileManager.default.fileExists(atPath: root); usleep(50_000) }
        #expect(removed)
    }

    @Test("kill -9 of a sandbox run still removes it (the guard notices the closed pipe)")
    func killSandbox() throws {
        let cli = try BeekrunCLI()
        try cli.write("runbooks/forever.lua", "log('looping')\nwhile true do end\n")
        let output = cli.directory + "/out.txt"
        let pid = try startInBackground(cli, ["--sandbox", "runbooks/forever.lua"], output: output)
        defer { kill(pid, SIGKILL) }
        let root = try #require(sandboxRoot(in: waitFor("looping", in: output)))
        kill(pid, SIGKILL)
        #expect(waitForExit(pid))
        var removed = false
        for _ in 0..<600 where !removed { removed = !FileManager.default.fileExists(atPath: root); usleep(50_000) }
        #expect(removed)
    }
}
