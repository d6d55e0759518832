import CLua
import Foundation

/// Runs one runbook from start to end and decides the exit code.
public enum RunbookRunner {
    public static let version = "0.1.0"

    /// - Returns: 0 when the runbook finished, 1 when it failed or aborted, 130 after Ctrl-C.
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
        Interrupt.install(host)
        defer { Interrupt.reset() }
        do {
            try host.sealSandbox()
            try host.run(file: options.scriptPath, displayPath: options.displayPath)
            // The run is done when its backups are on disk: one that failed fails the run.
            try runtime.awaitBackups()
        } catch {
            let message = error.userMessage
            reporter.error(message)
            if options.verbose, let traceback = host.lastTraceback { reporter.detail(traceback) }
            runtime.auditRunEnd(result: Interrupt.wasPressed ? "interrupted" : "failed", message: message, seconds: watch.seconds)
            if Interrupt.wasPressed {
                // Closing the connections ends their sessions: the server rolls back what was open.
                runtime.closeAll()
                reporter.print("Interrupted (Ctrl-C) after \(Format.duration(watch.seconds)): the running statement was cancelled, "
                    + "open transactions were rolled back (\(Format.plural(runtime.stepsRun, "step")) done before).")
                return 130
            }
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
