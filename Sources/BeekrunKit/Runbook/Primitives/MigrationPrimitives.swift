import Foundation

/// `migrate(db, FILE)`: one SQL file, applied once, in a transaction, recorded.
/// `migrate_all(db, DIR)`: every pending file of a folder, in order, one transaction each.
/// Files in `supabase/migrations/` are recorded in the Supabase CLI's history table, others
/// in beekrun's own ledger (see SupabaseMigrationHistory).
enum MigrationPrimitives {
    static var all: [Primitive] { [migrate, migrateAll] }

    static let migrate = Primitive(
        "migrate",
        summary: "Applies one SQL migration file in a transaction and records it, so it is never applied twice. "
            + "A file in supabase/migrations/ named <version>_<name>.sql is recorded as the Supabase CLI does, in "
            + "supabase_migrations.schema_migrations (version, name, statements); any other file in "
            + "beekrun.schema_migrations (name, sha256, when, who), where a file changed after it was applied is refused. "
            + "Returns {applied, file, sha256}.",
        parameters: [
            .init("db", "database", "a handle from connect"),
            .init("file", "string", "path of the .sql file (e.g. Migrations/001_add_column.sql or supabase/migrations/20240101120000_init.sql)"),
        ],
        returns: "MigrationResult"
    ) { call, runtime in
        let db = try call.handle(1, DatabaseHandle.self, "db")
        let path = try call.string(2, "file")
        let file = try MigrationFile(path: path)
        return [result(file, applied: try apply(file, to: db, runtime))]
    }

    static let migrateAll = Primitive(
        "migrate_all",
        summary: "Applies every pending .sql file of a folder in file-name order (the version order of "
            + "supabase/migrations/), each in its own transaction and recorded as migrate() does, stopping at the first "
            + "failure (the files before it stay applied). Inside transaction() they all join that one transaction. "
            + "In supabase/migrations/, files not named <version>_<name>.sql are skipped with a warning, as the Supabase CLI does. "
            + "Returns {applied = {file, ...}, skipped = N} (skipped: already applied).",
        parameters: [
            .init("db", "database", "a handle from connect"),
            .init("dir", "string", "the folder (e.g. supabase/migrations)"),
        ],
        returns: "MigrateAllResult"
    ) { call, runtime in
        let db = try call.handle(1, DatabaseHandle.self, "db")
        let dir = try call.string(2, "dir")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BeekError.file(path: dir, reason: "is not a folder of migrations")
        }
        let supabase = SupabaseMigrationHistory.isSupabaseLayout(dir + "/x.sql")
        var names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".sql") }.sorted()
        if supabase {
            let ignored = names.filter { SupabaseMigrationHistory.parse(fileName: $0) == nil }
            ignored.forEach { runtime.reporter.warning("migrate_all: skipping \($0): a file of supabase/migrations/ must be named <timestamp>_<name>.sql") }
            names.removeAll { ignored.contains($0) }
        }
        var applied: [LuaValue] = []
        var skipped = 0
        for name in names {
            let file = try MigrationFile(path: (dir as NSString).appendingPathComponent(name))
            if try apply(file, to: db, runtime) {
                applied.append(.string(file.name))
            } else {
                skipped += 1
            }
        }
        if applied.isEmpty {
            runtime.reporter.done("migrate_all \(db.name)", "\(dir): nothing to do (\(Format.plural(skipped, "migration")) already applied)")
        }
        return [.record([("applied", .list(applied)), ("skipped", LuaValue(skipped))])]
    }

    static func result(_ file: MigrationFile, applied: Bool) -> LuaValue {
        .record([("applied", .bool(applied)), ("file", .string(file.name)), ("sha256", .string(file.sha256))])
    }

    /// One file through plan/apply, recorded in the history its location calls for.
    /// - Returns: whether it was (or, in a dry run, would be) applied; false when it was already.
    static func apply(_ file: MigrationFile, to db: DatabaseHandle, _ runtime: Runtime) throws -> Bool {
        let connection = try db.connectionOrThrow()
        func result(_ applied: Bool) -> Bool { applied }
        let step = Step(.change, "migrate \(db.name)", detail: "apply \(file.name) (sha256 \(file.sha256.prefix(12))…)",
                        target: db, planLines: file.sql.split(separator: "\n").prefix(40).map { "  " + $0 })

        if SupabaseMigrationHistory.isSupabaseLayout(file.path) {
            guard let id = SupabaseMigrationHistory.parse(fileName: file.name) else {
                throw BeekError.file(path: file.path, reason: "a file of supabase/migrations/ must be named <timestamp>_<name>.sql (the Supabase CLI's version)")
            }
            let history = SupabaseMigrationHistory(connection: connection)
            if try history.isApplied(id.version) {
                runtime.reporter.done("migrate \(db.name)", "\(file.name): version \(id.version) already in supabase_migrations.schema_migrations: skipped")
                return result(false)
            }
            return try runtime.perform(step, predicted: { result(true) }, apply: {
                try runtime.inTransaction(db) {
                    try history.prepare()
                    if try history.isApplied(id.version) { return result(false) } // applied meanwhile, under the lock
                    try connection.execute(file.sql)
                    try history.insert(file, version: id.version, name: id.name)
                    return result(true)
                }
            })
        }

        let ledger = MigrationLedger(connection: connection)
        if let record = try ledger.record(of: file.name) {
            guard record.sha256 == file.sha256 else {
                throw BeekError.refused(
                    "\(file.name) was applied to \(db.name) on \(record.appliedAt) by \(record.appliedBy), and has changed since "
                        + "(sha256 \(record.sha256.prefix(12))… then, \(file.sha256.prefix(12))… now): write a new migration instead of editing an applied one")
            }
            runtime.reporter.done("migrate \(db.name)", "\(file.name) already applied on \(record.appliedAt) by \(record.appliedBy): skipped")
            return result(false)
        }
        return try runtime.perform(step, predicted: { result(true) }, apply: {
            // Inside a runbook transaction() the migration joins it; otherwise it is its own.
            try runtime.inTransaction(db) {
                try ledger.prepare()
                // Checked again under the lock: another run may have applied it meanwhile.
                if let record = try ledger.record(of: file.name) {
                    guard record.sha256 == file.sha256 else { throw BeekError.refused("\(file.name) was applied meanwhile with other content") }
                    return result(false)
                }
                try connection.execute(file.sql)
                try ledger.insert(file, by: Operator.identity)
                return result(true)
            }
        })
    }
}
