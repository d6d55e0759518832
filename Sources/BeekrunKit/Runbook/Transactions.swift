/// Transactions as beekrun owns them. Every BEGIN/COMMIT of a runbook goes through here, and
/// the server's own transaction status (PQtransactionStatus) is checked against beekrun's
/// bookkeeping, so a transaction ended behind beekrun's back is reported as what it is,
/// never as "rolled back".
extension Runtime {
    /// Runs `body` in a transaction on `db`, or in a savepoint when one is already open:
    /// begin, body, commit and rollback failures are kept apart (as postgres-nio's
    /// `withTransaction` does). A COMMIT that the server turns into a ROLLBACK (the
    /// transaction had failed and a pcall swallowed the error) is a failure, not a success.
    func withTransaction<T>(_ db: DatabaseHandle, _ body: () throws -> T) throws -> T {
        let connection = try db.connectionKeepingDeferred()
        let depth = db.transactionDepth
        let savepoint = "beekrun_\(depth)"
        try connection.execute(depth == 0 ? "BEGIN" : "SAVEPOINT \(savepoint)")
        db.transactionDepth += 1
        db.transactionEscaped = false
        defer { db.transactionDepth -= 1 }
        let result: T
        do {
            result = try body()
            if depth == 0 { try db.flushDeferred() } // postponed post-data lands in this transaction
        } catch {
            if depth == 0 { db.dropDeferred() }
            try rollBack(db, connection, savepoint: depth == 0 ? nil : savepoint, after: error)
            throw error
        }
        switch connection.transactionStatus {
        case .inTransaction: break
        case .inError:
            _ = try? connection.execute(depth == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT \(savepoint)")
            throw BeekError.failed(
                "a statement inside the transaction on \(db.name) failed and its error was caught (pcall): "
                    + "the server refused to go on, so the transaction was rolled back and nothing of it was kept")
        case .idle, .unknown:
            throw escaped(db, connection)
        }
        let end = try connection.execute(depth == 0 ? "COMMIT" : "RELEASE SAVEPOINT \(savepoint)")
        if depth == 0, end.commandTag == "ROLLBACK" {
            throw BeekError.failed("the server rolled the transaction on \(db.name) back instead of committing it: nothing of it was kept")
        }
        return result
    }

    /// Rolls back after `error`, unless there is nothing left to roll back: a connection that
    /// is gone rolls back on the server by itself; a transaction ended inside the body
    /// (COMMIT, END) cannot be rolled back, and that is said loudly.
    private func rollBack(_ db: DatabaseHandle, _ connection: PGConnection, savepoint: String?, after error: Error) throws {
        switch connection.transactionStatus {
        case .inTransaction, .inError:
            _ = try? connection.execute(savepoint.map { "ROLLBACK TO SAVEPOINT \($0)" } ?? "ROLLBACK")
        case .idle:
            if connection.isOpen, !db.transactionEscaped { throw escaped(db, connection, after: error) }
        case .unknown:
            break
        }
    }

    /// The error for a transaction that ended behind beekrun's back.
    private func escaped(_ db: DatabaseHandle, _ connection: PGConnection, after error: Error? = nil) -> BeekError {
        db.transactionEscaped = true
        let cause = error.map { " The step that failed: " + $0.userMessage } ?? ""
        return .failed(
            "the transaction on \(db.name) was ended inside it by a statement beekrun did not issue (COMMIT, END, ROLLBACK or "
                + "PREPARE TRANSACTION): what ran before that statement may have been COMMITTED and was not rolled back."
                + cause)
    }

    /// Runs a step's apply on its target so that it cannot leave the transaction state other
    /// than it found it: inside an open transaction the step gets a savepoint, so a refusal
    /// raised halfway (restore's own checks) leaves nothing of the step behind; outside one,
    /// a transaction the step left open is rolled back.
    func applyGuarded<T>(_ db: DatabaseHandle?, _ apply: () throws -> T) throws -> T {
        guard let db, let connection = try? db.connectionKeepingDeferred() else { return try apply() }
        switch connection.transactionStatus {
        case .inTransaction:
            try connection.execute("SAVEPOINT beekrun_step")
            let saved = db.savedDeferred()
            let result: T
            do {
                result = try apply()
            } catch {
                switch connection.transactionStatus {
                case .inTransaction, .inError:
                    _ = try? connection.execute("ROLLBACK TO SAVEPOINT beekrun_step; RELEASE SAVEPOINT beekrun_step")
                    db.restoreDeferred(saved)
                case .idle where connection.isOpen:
                    throw escaped(db, connection, after: error)
                default: break
                }
                throw error
            }
            guard connection.transactionStatus == .inTransaction else { throw escaped(db, connection) }
            try connection.execute("RELEASE SAVEPOINT beekrun_step")
            return result
        case .idle:
            do {
                let result = try apply()
                guard connection.transactionStatus == .idle else {
                    _ = try? connection.execute("ROLLBACK")
                    throw BeekError.failed("the step left a transaction open on \(db.name) (a BEGIN inside it): it was rolled back")
                }
                return result
            } catch {
                if connection.inTransaction { _ = try? connection.execute("ROLLBACK") }
                throw error
            }
        default:
            return try apply()
        }
    }

    /// `query()`: a read the server enforces. The statement goes over the extended protocol
    /// (one statement per string), alone in a READ ONLY transaction that beekrun opens and
    /// rolls back (inside a runbook transaction: a savepoint made read only, rolled back
    /// to), so no write and no SET survives it, in a dry run or not.
    func readOnlyQuery(_ db: DatabaseHandle, _ sql: String, _ parameters: [String?]) throws -> PGResult {
        if let control = SQLStatements.transactionControl(in: sql) {
            throw BeekError.refused(
                "query() runs one reading statement; '\(control)' is transaction control: wrap the steps in transaction(db, function() ... end) instead")
        }
        let connection = try db.connectionOrThrow()
        let before = connection.transactionStatus
        let (open, close): (String, String)
        switch before {
        case .idle: (open, close) = ("BEGIN READ ONLY", "ROLLBACK")
        case .inTransaction:
            (open, close) = ("SAVEPOINT beekrun_query; SET TRANSACTION READ ONLY",
                             "ROLLBACK TO SAVEPOINT beekrun_query; RELEASE SAVEPOINT beekrun_query")
        default: return try connection.query(sql, parameters) // the server refuses (25P02) or the connection is gone
        }
        try connection.execute(open)
        let result: PGResult
        do {
            result = try connection.query(sql, parameters)
        } catch {
            if connection.transactionStatus == .idle, before == .inTransaction { throw escaped(db, connection, after: error) }
            if connection.inTransaction { _ = try? connection.execute(close) }
            throw error
        }
        guard connection.transactionStatus == .inTransaction else {
            if before == .inTransaction { throw escaped(db, connection) }
            throw BeekError.failed("query on \(db.name) ended the read-only transaction beekrun ran it in")
        }
        try connection.execute(close)
        return result
    }
}
