/// `migrate(db, FILE)`: one SQL file, applied once, in a transaction, recorded.
enum MigrationPrimitives {
    static var all: [Primitive] { [migrate] }

    static let migrate = Primitive(
        "migrate",
        summary: "Applies one SQL migration file in a transaction and records it (name, sha256, when, who) in "
            + "beekrun.schema_migrations, so it is never applied twice; a file changed after it was applied is refused. "
            + "Returns {applied, file, sha256}.",
        parameters: [
            .init("db", "database", "a handle from connect"),
            .init("file", "string", "path of the .sql file (e.g. Migrations/001_add_column.sql)"),
        ],
        returns: "MigrationResult"
    ) { call, runtime in
        let db = try call.handle(1, DatabaseHandle.self, "db")
        let path = try call.string(2, "file")
        let file = try MigrationFile(path: path)
        let connection = try db.connectionOrThrow()
        let ledger = MigrationLedger(connection: connection)
        func result(_ applied: Bool) -> [LuaValue] {
            [.record([("applied", .bool(applied)), ("file", .string(file.name)), ("sha256", .string(file.sha256))])]
        }
        if let record = try ledger.record(of: file.name) {
            guard record.sha256 == file.sha256 else {
                throw BeekError.refused(
                    "\(file.name) was applied to \(db.name) on \(record.appliedAt) by \(record.appliedBy), and has changed since "
                        + "(sha256 \(record.sha256.prefix(12))… then, \(file.sha256.prefix(12))… now): write a new migration instead of editing an applied one")
            }
            runtime.reporter.done("migrate \(db.name)", "\(file.name) already applied on \(record.appliedAt) by \(record.appliedBy): skipped")
            return result(false)
        }
        let step = Step(.change, "migrate \(db.name)", detail: "apply \(file.name) (sha256 \(file.sha256.prefix(12))…)",
                        target: db, planLines: file.sql.split(separator: "\n").prefix(40).map { "  " + $0 })
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
