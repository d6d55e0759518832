import Foundation

/// Finding backups and keeping only the newest: list_backups and prune_backups.
enum BackupPrimitives {
    static var all: [Primitive] { [listBackups, pruneBackups] }

    // MARK: list_backups

    static let listBackups = Primitive(
        "list_backups",
        summary: "The complete backups in a folder, newest first (by the time in the folder name, then its -2, -3 … "
            + "sequence as a number). Each is a plain table {path, label, time, tables, rows, bytes, verified, where} that "
            + "restore() accepts. Reads only (runs in a dry run, where backups planned earlier in the run are left out).",
        options: [
            .init("label", "string", "only this label's backups (default: all labels)"),
            .init("dir", "string", "the backups folder (default BEEK_BACKUP_DIR, else backups/)"),
            .init("verify", "boolean", "check every table file against the manifest's SHA-256 (reads every file; "
                + "default false, and then `verified` is nil)"),
        ],
        returns: "BackupEntry[]"
    ) { call, runtime in
        let options = try call.options(1)
        let label = try options.string("label")
        let directory = try options.string("dir") ?? runtime.options.backupDirectory
        let verify = try options.bool("verify", default: false)
        try runtime.awaitBackups() // a backup of this run still being written is listed once it is complete
        let entries = try runtime.read("list_backups", [label.map { "label \($0)" }, "in \(directory)"].compactMap { $0 }.joined(separator: " ")) {
            try BackupCatalog.list(directory: directory, label: label).map { entry -> LuaValue in
                let manifest = try BackupManifest.read(from: entry.path + "/" + BackupManifest.fileName)
                return .record([
                    ("path", .string(entry.path)), ("label", .string(entry.label)), ("time", .string(entry.time)),
                    ("tables", LuaValue(manifest.tables.count)), ("rows", LuaValue(manifest.tables.reduce(0) { $0 + $1.rows })),
                    ("bytes", LuaValue(manifest.tables.reduce(0) { $0 + $1.bytes })),
                    ("verified", verify ? .bool(BackupCatalog.verify(entry)) : .nil),
                    ("where", BackupHandle.whereRecord(manifest.filters)),
                ])
            }
        } outcome: { found in
            let damaged = found.filter { if case .table(let t) = $0, case .bool(false)? = t["verified"] { return true } else { return false } }.count
            return Format.plural(found.count, "backup") + (verify ? (damaged == 0 ? ", all verified" : ", \(damaged) damaged") : "")
        }
        return [.list(entries)]
    }

    // MARK: prune_backups

    static let pruneBackups = Primitive(
        "prune_backups",
        summary: "Retention: removes all but the newest `keep` complete backups of a label (partial ones are left "
            + "alone), newest by time and then by -2, -3 … sequence as a number. Planned only in a dry run, where a "
            + "backup planned earlier in the run counts as written. Returns {kept, removed} lists of paths.",
        options: [
            .init("label", "string", "whose backups, e.g. \"prod\"", required: true),
            .init("keep", "integer", "how many of the newest to keep (at least 1)", required: true),
            .init("dir", "string", "the backups folder (default BEEK_BACKUP_DIR, else backups/)"),
        ],
        returns: "PruneResult"
    ) { call, runtime in
        let options = try call.options(1)
        let label = try options.requiredString("label")
        guard let keep = try options.integer("keep") else { throw call.fail("option 'keep' is required, e.g. keep = 7") }
        let directory = try options.string("dir") ?? runtime.options.backupDirectory
        try runtime.awaitBackups() // one still being written counts, as it will be complete
        let plan = try BackupRetention.plan(directory: directory, label: label, keep: keep,
                                            planned: runtime.dryRun ? Array(runtime.plannedBackups.keys) : [])
        let step = Step(.destroy, "prune_backups \(label)",
                        detail: "keep \(plan.kept.count), remove \(plan.removed.count) in \(directory)",
                        planLines: plan.removed.map { "- " + $0 }, counts: PlanCounts(destroy: plan.removed.count))
        try runtime.perform(step, predicted: {}, apply: { try BackupRetention.apply(plan) })
        return [.record([("kept", .list(plan.kept.map(LuaValue.string))), ("removed", .list(plan.removed.map(LuaValue.string)))])]
    }
}
