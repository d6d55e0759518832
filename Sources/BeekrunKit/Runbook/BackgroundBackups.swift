import Foundation

/// Backups whose files are written in the background while the runbook goes on (see
/// `PreparedBackup.start`), and the points where the run waits for them: nothing that could
/// depend on a backup's files or on its source staying as it was runs before they are written.
final class BackgroundBackups {
    struct Entry {
        let backup: BackupInProgress
        let source: DatabaseHandle
        let title: String
    }
    private(set) var entries: [Entry] = []

    func add(_ backup: BackupInProgress, source: DatabaseHandle, title: String) {
        entries.append(Entry(backup: backup, source: source, title: title))
    }

    func remove(_ backup: BackupInProgress) { entries.removeAll { $0.backup === backup } }
}

extension Runtime {
    /// Waits for the backups matching `which` (all when nil) and tells how each ended, once.
    /// - Throws: the first failure among them (the others are still waited for and told).
    func awaitBackups(where which: ((BackgroundBackups.Entry) -> Bool)? = nil) throws {
        var firstError: Error?
        for entry in backgroundBackups.entries where which?(entry) ?? true {
            do {
                _ = try entry.backup.wait()
                reportEnd(of: entry)
            } catch {
                reportEnd(of: entry)
                if firstError == nil { firstError = error }
            }
            backgroundBackups.remove(entry.backup)
        }
        if let firstError { throw firstError }
    }

    /// Waits for the backups read from `db`: a step that writes to `db` runs only once they are
    /// written (they hold its tables' locks, and a failed one must stop the run before it).
    func awaitBackups(of db: DatabaseHandle) throws {
        try awaitBackups { $0.source.identity == db.identity }
    }

    /// Waits for the backup being written to `path`, if any.
    func awaitBackup(path: String) throws {
        try awaitBackups { $0.backup.path == path }
    }

    /// Tells the end of backups that finished meanwhile, without waiting for the others.
    func reportFinishedBackups() {
        for entry in backgroundBackups.entries where entry.backup.isFinished { reportEnd(of: entry) }
    }

    private func reportEnd(of entry: BackgroundBackups.Entry) {
        guard !entry.backup.reported else { return }
        entry.backup.reported = true
        do {
            let r = try entry.backup.wait()
            let seconds = entry.backup.seconds ?? 0 // how long the writing took, not how long until it was told
            let text = "\(Format.plural(r.rows, "row")), \(Format.bytes(r.bytes)) written → \(r.path)"
            reporter.done(entry.title + ": files", text, seconds: seconds)
            auditRecord(step: entry.title + ": files", target: entry.source.target.description, result: "ok", message: text, seconds: seconds)
        } catch {
            let seconds = entry.backup.seconds ?? 0
            reporter.failed(entry.title + ": files", firstLine(of: error), seconds: seconds)
            auditRecord(step: entry.title + ": files", target: entry.source.target.description, result: "failed",
                        message: error.userMessage, seconds: seconds)
        }
    }
}
