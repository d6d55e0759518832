import CLua
import Foundation

/// Runs one runbook from start to end and decides the exit code.
public enum RunbookRunner {
    public static let version = "0.1.0"

    /// - Returns: 0 when the runbook finished, 1 when it failed or aborted.
    public static func run(_ options: RunOptions, reporter: Reporter) -> Int32 {
        let runtime = Runtime(options: options, reporter: reporter)
        let host = LuaHost(memoryLimit: options.memoryLimit)
        defer {
            runtime.closeAll()
            host.close()
        }
        PrimitiveRegistry.install(into: host, runtime: runtime)
        host.setGlobal("args", .list(options.arguments.map(LuaValue.string)))
        host.setGlobal("dry_run", .bool(options.dryRun))
        let watch = Stopwatch()
        reporter.header("beekrun \(version) · \(options.displayPath)\(options.dryRun ? " · dry run: nothing will be changed" : "")")
        InterruptHandler.install(host)
        defer { InterruptHandler.reset() }
        do {
            try host.sealSandbox()
            try host.run(file: options.scriptPath, displayPath: options.displayPath)
        } catch {
            let message = error.userMessage
            reporter.error(message)
            if options.verbose, let traceback = host.lastTraceback { reporter.detail(traceback) }
            runtime.auditRunEnd(result: "failed", message: message, seconds: watch.seconds)
            if options.dryRun {
                reporter.summary("Dry run stopped: \(runtime.plan.summary) Nothing was changed.")
            } else {
                reporter.summary("Failed after \(Format.duration(watch.seconds)) (\(Format.plural(runtime.stepsRun, "step")) done).")
            }
            return 1
        }
        runtime.auditRunEnd(result: "ok", message: nil, seconds: watch.seconds)
        if options.dryRun {
            reporter.summary("\(runtime.plan.summary) Nothing was changed (dry run).")
        } else {
            let rolledBack = runtime.stepsRolledBack > 0 ? " (\(runtime.stepsRolledBack) more rolled back)" : ""
            reporter.summary("Done in \(Format.duration(watch.seconds)): \(Format.plural(runtime.stepsRun, "change")) applied\(rolledBack).")
        }
        return 0
    }
}

/// Ctrl-C: the first one stops the runbook at its next Lua instruction (so transactions roll
/// back and connections close); a second one ends the process at once.
enum InterruptHandler {
    /// The running host's state, for the signal handler (a plain pointer: no Swift object is
    /// touched inside a signal handler).
    nonisolated(unsafe) static var target: UnsafeMutablePointer<beek_alloc_state>?
    nonisolated(unsafe) static var pressed: sig_atomic_t = 0

    static func install(_ host: LuaHost) {
        target = host.interruptFlag
        pressed = 0
        signal(SIGINT) { _ in
            if InterruptHandler.pressed != 0 { _exit(130) }
            InterruptHandler.pressed = 1
            InterruptHandler.target?.pointee.interrupted = 1
        }
    }

    static func reset() {
        signal(SIGINT, SIG_DFL)
        target = nil
    }
}
