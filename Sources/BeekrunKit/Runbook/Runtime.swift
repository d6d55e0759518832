import Foundation

/// The state of one runbook run, and the single plan/apply path that every mutating
/// primitive goes through: in a dry run a step is printed and recorded and its predicted
/// result returned; otherwise it is confirmed where needed, run, timed and reported.
/// A primitive cannot forget the dry run, because this is the only way to mutate.
public final class Runtime {
    public let options: RunOptions
    public let reporter: Reporter
    public let plan = Plan()
    /// Databases whose destructive steps the user already confirmed in this run.
    private var confirmedDatabases: Set<String> = []
    /// Steps that ran (not planned) and were not rolled back, for the closing line.
    public private(set) var stepsRun = 0
    /// Steps that ran and then were rolled back with their transaction.
    public private(set) var stepsRolledBack = 0
    /// The database each step that ran wrote to (nil: not a database), in order.
    private var appliedTargets: [String?] = []
    /// Backups a dry run planned, by path: a later restore or prune_backups counts on them.
    var plannedBackups: [String: BackupPlan] = [:]
    /// The database each planned backup would read, for a later dry-run restore's checks.
    var plannedBackupSources: [String: DatabaseHandle] = [:]
    /// Schemas, per database, whose tables a dry run planned to fill (clone_auth fills auth, a
    /// restore its tables' schemas): a later restore's reference check counts on those rows.
    var plannedFills: [String: Set<String>] = [:]
    var openHandles: [DatabaseHandle] = []
    /// Backups written in this run, by path: the connection they were read from, which may
    /// still hold their snapshot for a streamed restore.
    var writtenBackupSources: [String: DatabaseHandle] = [:]
    /// Backups of this run whose files are still being written (BackgroundBackups.swift).
    let backgroundBackups = BackgroundBackups()
    /// The databases of this run that are production, by identity: shared by all handles.
    let productionDatabases = ProductionDatabases()
    /// Databases this run holds the run lock on (by host, port and name: two handles to one
    /// database share it).
    private var lockedDatabases: Set<String> = []
    /// The handle whose session holds the run lock of each locked database.
    private var lockHolders: [String: DatabaseHandle] = [:]
    private let audit: AuditTrail?

    public init(options: RunOptions, reporter: Reporter) {
        self.options = options
        self.reporter = reporter
        audit = options.dryRun ? nil : AuditTrail(
            directory: options.backupDirectory, runbookPath: options.scriptPath, displayPath: options.displayPath,
            warn: { reporter.warning($0) })
    }

    public var dryRun: Bool { options.dryRun }

    /// Runs a mutating step through plan/apply.
    /// - Parameters:
    ///   - step: what will be done, for the plan, the confirmation and the step line.
    ///   - predicted: the result a dry run returns, so the rest of the runbook keeps running.
    ///   - apply: does it.
    ///   - outcome: a short text for the step line from the real result ("3 rows").
    public func perform<T>(_ step: Step, predicted: () throws -> T, apply: () throws -> T,
                           outcome: (T) -> String = { _ in "" }) throws -> T {
        // A connection opened readonly is never written to, dry run or not: refused here,
        // before the plan, not left to a session setting the SQL itself could change.
        if let target = step.target, target.readonly {
            throw BeekError.refused("\(step.title): '\(target.name)' was opened with readonly = true, and beekrun writes nothing to it")
        }
        try enforceProductionRule(step)
        if dryRun {
            reporter.planned(step.kind, step.title, step.detail)
            step.planLines.forEach(reporter.detail)
            plan.record(step)
            return try predicted()
        }
        // Asked now, at apply time: `production` is the run's knowledge of this database's
        // identity, which a connection opened after the step's handle may have changed.
        try confirmIfNeeded(step)
        reportFinishedBackups()
        if let target = step.target { try awaitBackups(of: target) }
        let watch = Stopwatch()
        do {
            if let target = step.target { try lock(target) }
            let result: T
            do { result = try applyGuarded(step.target, apply) } catch {
                if let target = step.target { try? keepRunLock(target) }
                throw error
            }
            if let target = step.target { try keepRunLock(target) }
            stepsRun += 1
            appliedTargets.append(step.target?.identity)
            let text = [step.detail, outcome(result)].filter { !$0.isEmpty }.joined(separator: " · ")
            reporter.done(step.title, text, seconds: watch.seconds)
            audit?.record(step: step.title, target: step.target?.target.description, result: "ok", message: text, seconds: watch.seconds)
            return result
        } catch {
            reporter.failed(step.title, firstLine(of: error), seconds: watch.seconds)
            audit?.record(step: step.title, target: step.target?.target.description, result: "failed",
                          message: error.userMessage, seconds: watch.seconds)
            throw error
        }
    }

    /// The step's production rule, against what the run knows now: a database is production
    /// if any connection of the run to it is, whenever that connection was opened.
    private func enforceProductionRule(_ step: Step) throws {
        guard let target = step.target else { return }
        try enforce(step.production, on: target, verb: step.title.split(separator: " ").first.map(String.init) ?? step.title)
    }

    /// The one decision behind every production refusal. `perform` applies it to every step;
    /// a primitive whose planning reads a lot (restore verifies every file) may ask it first,
    /// so the user hears the real reason before anything is read.
    func enforce(_ rule: ProductionRule, on target: DatabaseHandle, verb: String) throws {
        guard target.production else { return }
        switch rule {
        case .refuse:
            throw BeekError.refused("\(verb) never runs on '\(target.name)': it is a production database")
        case .allowedIf(false):
            throw BeekError.refused("\(verb) into '\(target.name)', a production database: pass allow_production = true if you really mean it")
        case .allowedIf(true), .confirm:
            break // confirmed at apply time (confirmIfNeeded)
        }
    }

    /// Runs a reading step (it runs in a dry run too) with a timed step line.
    public func read<T>(_ title: String, _ detail: String = "", _ body: () throws -> T,
                        outcome: (T) -> String = { _ in "" }) throws -> T {
        reportFinishedBackups()
        let watch = Stopwatch()
        do {
            let result = try body()
            let text = [detail, outcome(result)].filter { !$0.isEmpty }.joined(separator: " · ")
            reporter.done(title, text, seconds: watch.seconds)
            audit?.record(step: title, target: nil, result: "ok", message: text, seconds: watch.seconds)
            return result
        } catch {
            reporter.failed(title, firstLine(of: error), seconds: watch.seconds)
            audit?.record(step: title, target: nil, result: "failed", message: error.userMessage, seconds: watch.seconds)
            throw error
        }
    }

    // MARK: Transactions and postponed work

    /// Where the steps applied so far end, for `rolledBack(_:since:)`.
    var appliedMark: Int { appliedTargets.count }

    /// A transaction on `db` rolled back: the steps on `db` since `mark` did not happen after all.
    func rolledBack(_ db: DatabaseHandle, since mark: Int) {
        guard mark < appliedTargets.count else { return }
        let undone = appliedTargets[mark...].filter { $0 == db.identity }.count
        appliedTargets = Array(appliedTargets[..<mark]) + appliedTargets[mark...].filter { $0 != db.identity }
        stepsRun -= undone
        stepsRolledBack += undone
    }

    /// Runs `body` in a transaction of its own unless the runbook already opened one on `db`.
    func inTransaction<T>(_ db: DatabaseHandle, _ body: () throws -> T) throws -> T {
        guard db.transactionDepth == 0 else { return try body() }
        return try withTransaction(db, body)
    }

    /// Runs reads of `db` in one REPEATABLE READ snapshot, so a schema read with several
    /// catalog queries cannot see a half-applied change; inside the runbook's own transaction
    /// the reads simply join it.
    func snapshot<T>(_ db: DatabaseHandle, _ body: () throws -> T) throws -> T {
        guard db.transactionDepth == 0 else { return try body() }
        let connection = try db.connectionOrThrow()
        guard !connection.inTransaction else { return try body() }
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { _ = try? connection.execute("COMMIT") }
        return try body()
    }

    /// Postpones `work` on `db` until its transaction commits or another step needs the
    /// connection, reporting it as a step of its own when it runs.
    func deferStep(_ db: DatabaseHandle, title: String, _ work: @escaping () throws -> Void) {
        db.deferWork { [unowned self] in
            let watch = Stopwatch()
            do {
                try work()
                reporter.done(title, "", seconds: watch.seconds)
                audit?.record(step: title, target: db.target.description, result: "ok", seconds: watch.seconds)
            } catch {
                reporter.failed(title, firstLine(of: error), seconds: watch.seconds)
                audit?.record(step: title, target: db.target.description, result: "failed", message: error.userMessage, seconds: watch.seconds)
                throw error
            }
        }
    }

    /// Schemas a dry run has planned to nuke, so later plans treat them as empty.
    private var plannedNukes: Set<String> = []

    func notePlannedNuke(_ db: DatabaseHandle, _ schemas: [String]) {
        schemas.forEach { plannedNukes.insert(db.identity + "|" + $0) }
    }

    func wasPlannedNuked(_ db: DatabaseHandle, _ schemas: [String]) -> Bool {
        schemas.allSatisfy { plannedNukes.contains(db.identity + "|" + $0) }
    }

    /// Records the end of the run in the audit trail.
    func auditRunEnd(result: String, message: String?, seconds: Double) {
        audit?.record(step: "run", target: nil, result: result, message: message, seconds: seconds)
    }

    func auditRecord(step: String, target: String?, result: String, message: String?, seconds: Double) {
        audit?.record(step: step, target: target, result: result, message: message, seconds: seconds)
    }

    /// Takes the run lock on a database (connect does, for every connection not opened
    /// readonly, so a second run is refused before it reads or backs up anything).
    /// Two handles of this run to one database share the lock of the first.
    func lock(_ handle: DatabaseHandle) throws {
        let key = handle.identity
        guard !lockedDatabases.contains(key) else { return }
        try RunLock.acquire(try handle.connectionKeepingDeferred(), databaseName: handle.databaseName)
        lockedDatabases.insert(key)
        lockHolders[key] = handle
    }

    /// The run lock is a session lock, so the runbook's own SQL can drop it
    /// (`pg_advisory_unlock_all()`, `pg_advisory_unlock` with beekrun's key, `DISCARD ALL`), and
    /// a second run could then write alongside this one. After every statement the runbook hands
    /// over (query, exec) and every applied step, the lock is checked on the session holding it
    /// and taken again, with a warning; when another run took it meanwhile, the run stops.
    func keepRunLock(_ handle: DatabaseHandle) throws {
        guard let holder = lockHolders[handle.identity], let connection = try? holder.connectionKeepingDeferred(),
              connection.transactionStatus == .idle || connection.transactionStatus == .inTransaction,
              try !RunLock.isHeld(connection) else { return }
        do {
            try RunLock.acquire(connection, databaseName: holder.databaseName)
        } catch {
            throw BeekError.refused("SQL on \(handle.name) released beekrun's run lock on '\(holder.databaseName)' "
                + "(pg_advisory_unlock_all(), pg_advisory_unlock or DISCARD ALL), and another run holds it now: stopping. \(error.userMessage)")
        }
        reporter.warning("SQL on \(handle.name) released beekrun's run lock on '\(holder.databaseName)' "
            + "(pg_advisory_unlock_all(), pg_advisory_unlock or DISCARD ALL): taken again; do not release locks you did not take")
    }

    func firstLine(of error: Error) -> String {
        String(error.userMessage.split(separator: "\n").first ?? "")
    }

    // MARK: Confirmation

    /// Writes to production and destructive steps need a yes: typed database name on a
    /// terminal, `--yes`, or else the run stops before the step changes anything.
    func confirmIfNeeded(_ step: Step) throws {
        guard let target = step.target, step.destructive || target.production else { return }
        let key = target.databaseName + "@" + (target.target.host ?? "")
        if confirmedDatabases.contains(key) { return }
        let what = step.destructive
            ? "\(step.title) will overwrite data in database '\(target.databaseName)' (\(target.target.summary))"
            : "\(step.title) writes to PRODUCTION database '\(target.databaseName)' (\(target.target.summary))"
        if target.transactionDepth > 0, !options.assumeYes, reporter.terminal.interactiveInput {
            // A person may take a while to answer; hosted projects end sessions that sit idle
            // in a transaction (idle_in_transaction_session_timeout). Not while we wait.
            _ = try? target.connectionKeepingDeferred().execute("SET LOCAL idle_in_transaction_session_timeout = 0")
        }
        try confirmTyped(what, expected: target.databaseName)
        confirmedDatabases.insert(key)
    }

    /// Asks the user to type `expected` (the database name), as `heroku pg:reset` does.
    func confirmTyped(_ what: String, expected: String) throws {
        if options.assumeYes {
            reporter.detail("confirmed by --yes: \(what)")
            return
        }
        guard reporter.terminal.interactiveInput else {
            throw BeekError.notConfirmed(
                "\(what): this needs confirmation, and there is no terminal to ask on. Nothing was changed by this step; rerun with --yes to confirm.")
        }
        reporter.warning(what)
        reporter.prompt("Type the database name '\(expected)' to continue, anything else to stop:")
        let typed = reporter.terminal.readLine()
        try Interrupt.check() // Ctrl-C at the prompt stops the run (exit 130), not "not confirmed"
        guard let answer = typed, answer.trimmingCharacters(in: .whitespaces) == expected else {
            throw BeekError.notConfirmed("not confirmed: \(what)")
        }
    }

    /// `confirm(message)`: a yes/no guard. Declining stops the run.
    func confirmYesNo(_ message: String) throws {
        if dryRun {
            reporter.planned(.read, "confirm", "\(message) (dry run: assumed yes)")
            return
        }
        if options.assumeYes {
            reporter.done("confirm", "\(message) (yes, by --yes)")
            return
        }
        guard reporter.terminal.interactiveInput else {
            throw BeekError.notConfirmed(
                "\(message): needs confirmation and there is no terminal to ask on; rerun with --yes to confirm")
        }
        reporter.prompt("\(message) [y/N]")
        let typed = reporter.terminal.readLine()
        try Interrupt.check()
        let answer = typed?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard answer == "y" || answer == "yes" else { throw BeekError.notConfirmed("not confirmed: \(message)") }
    }

    /// Closes every connection the run opened (also those the runbook forgot to close).
    func closeAll() {
        // A backup still being written is finished (or, after Ctrl-C, its cancelled copies end
        // it) before its source's connections close: it has its own, so nothing cuts it short.
        try? awaitBackups()
        writtenBackupSources.removeAll()
        openHandles.forEach { $0.luaClose() }
        openHandles.removeAll()
    }
}
