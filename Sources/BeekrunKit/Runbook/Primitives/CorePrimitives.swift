/// The primitives every runbook starts from: connections, SQL, transactions, environment,
/// output and guards.
enum CorePrimitives {
    static var all: [Primitive] {
        [connect, query, exec, transaction, env, log, print, confirm, abort]
    }

    // MARK: connect

    static let connect = Primitive(
        "connect",
        summary: "Opens a libpq connection. Use it with `<close>` to close it at the end of the scope.",
        options: [
            .init("url", "string", "libpq connection string or URI", required: true),
            .init("name", "string", "name shown in step lines (default: the database name)"),
            .init("production", "boolean", "marks production: nuke refuses it, other writes need confirmation"),
            .init("readonly", "boolean", "every transaction is read only: the server refuses writes"),
        ],
        returns: "database"
    ) { call, runtime in
        let options = try call.options(1)
        guard let url = try options.string("url"), !url.isEmpty else {
            throw call.fail("option 'url' is required, e.g. connect{url = env(\"DEV_DATABASE_URL\"), name = \"dev\"}")
        }
        let target = try ConnectionString(url)
        let name = try options.string("name") ?? target.database ?? "db"
        var production = try options.bool("production", default: false)
        let readonly = try options.bool("readonly", default: false)
        var marks: [String] = []
        if readonly { marks.append("read only") }
        if production { marks.append("production") }
        if runtime.dryRun && !readonly { marks.append("read only for the dry run") }
        let handle = try runtime.read("connect \(name)", ([target.description] + marks).joined(separator: " · ")) {
            let connection = try PGConnection(target, applicationName: "beekrun \(runtime.options.displayPath)")
            // A dry run must change nothing: its sessions are read only (query() is read only
            // on every connection anyway, see Runtime.readOnlyQuery).
            if readonly || runtime.dryRun {
                try connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            }
            // A database that marked itself production is production, whatever the runbook says.
            if try ProductionMark.isMarked(connection), !production {
                production = true
                runtime.reporter.warning("\(name) is marked as a production database (beekrun mark-production): treated as production")
            }
            // So is one that this run opened as production under another name, before or after
            // this one: a DEV_DATABASE_URL that points at production must not reset it.
            let fingerprint = try DatabaseHandle.fingerprint(of: connection)
            if !production, let twin = runtime.openHandles.first(where: { $0.production && $0.fingerprint == fingerprint }) {
                production = true
                runtime.reporter.warning("\(name) is the same database as \(twin.name), which is production: treated as production")
            }
            if production {
                for earlier in runtime.openHandles where earlier.fingerprint == fingerprint && !earlier.production {
                    runtime.reporter.warning("\(earlier.name) is the same database as \(name), which is production: \(earlier.name) is treated as production from now on")
                }
            }
            return DatabaseHandle(name: name, target: target, connection: connection, production: production,
                                  readonly: readonly, fingerprint: fingerprint, productionDatabases: runtime.productionDatabases)
        }
        runtime.openHandles.append(handle)
        // Lock first: a connection that may write takes the run lock now, so a second run is
        // refused before it reads, backs up or changes anything. A dry run writes nothing and
        // takes no lock, but says when another run holds it.
        if runtime.dryRun {
            if let holder = try RunLock.holder(try handle.connectionOrThrow()) {
                runtime.reporter.warning("another beekrun run is writing to '\(handle.databaseName)': \(holder); a real run would be refused now")
            }
        } else if !readonly {
            try runtime.lock(handle)
        }
        return [.handle(handle)]
    }

    // MARK: query / exec

    static let query = Primitive(
        "query",
        summary: "Runs a reading statement and returns its rows as tables keyed by column name (runs in a dry run too).",
        parameters: [
            .init("db", "database", "a handle from connect"),
            .init("sql", "string", "one statement; $1, $2 … are parameters"),
            .init("...", "any", "parameter values (nil is NULL)"),
        ],
        returns: "table[]"
    ) { call, runtime in
        let (db, sql, parameters) = try statementArguments(call)
        let result: PGResult
        do {
            result = try runtime.read("query on \(db.name)", PGConnection.shorten(sql)) {
                do { return try runtime.readOnlyQuery(db, sql, parameters) } catch { throw withAbortedTransactionHint(error) }
            } outcome: { Format.plural($0.rowCount, "row") }
        } catch {
            try? runtime.keepRunLock(db)
            throw error
        }
        try runtime.keepRunLock(db) // a read-only statement can still release the run lock
        try checkFitsMemory(result, call: call, db: db)
        return [SQLValues.luaRows(result)]
    }

    static let exec = Primitive(
        "exec",
        summary: "Runs a writing statement (planned only in a dry run). Returns the number of rows affected; nil in a "
            + "dry run, where the count is unknown. Without parameters the SQL may hold several statements. Refused, "
            + "in a dry run as for real, on a readonly connection and for several statements with parameters.",
        parameters: [
            .init("db", "database", "a handle from connect"),
            .init("sql", "string", "statement(s); $1, $2 … are parameters"),
            .init("...", "any", "parameter values (nil is NULL)"),
        ],
        returns: "integer?"
    ) { call, runtime in
        let (db, sql, parameters) = try statementArguments(call)
        // Refused before anything runs: a COMMIT or END in the script would end the
        // transaction beekrun owns (transaction(), migrate) and break all-or-nothing.
        if let control = SQLStatements.transactionControl(in: sql) {
            throw BeekError.refused("exec() does not take transaction control ('\(control)'): wrap the steps in transaction(db, function() ... end) instead")
        }
        let connection = try db.connectionOrThrow()
        if !parameters.isEmpty, SQLStatements.statementCount(sql) > 1 {
            throw call.fail("several statements cannot take $n parameters (the server would refuse them): "
                + "run one exec per statement, or pass no parameters")
        }
        let step = Step(.change, "exec on \(db.name)", detail: PGConnection.shorten(sql), target: db,
                        planLines: sql.count > 120 ? [sql] : [])
        let affected: Int? = try runtime.perform(step, predicted: { nil }, apply: {
            do {
                let result = parameters.isEmpty ? try connection.execute(sql) : try connection.query(sql, parameters)
                return result.affectedRows ?? 0
            } catch { throw withAbortedTransactionHint(error) }
        }, outcome: { $0.map { Format.plural($0, "row") + " affected" } ?? "" })
        return [affected.map { .integer(Int64($0)) } ?? .nil]
    }

    /// After a failed statement that a runbook caught with pcall, the server refuses every
    /// statement until the transaction ends (SQLSTATE 25P02). Say what to do about it.
    static func withAbortedTransactionHint(_ error: Error) -> Error {
        guard case .postgres(var e)? = error as? BeekError, e.sqlstate == "25P02" else { return error }
        e.hint = "an earlier statement in this transaction failed (caught with pcall?), so the transaction can only roll "
            + "back: wrap the statement that may fail in its own transaction(db, function() ... end) inside the outer "
            + "one (a savepoint), so its failure rolls back only that part"
        return BeekError.postgres(e)
    }

    /// The rows become Lua values, which the runbook's memory limit bounds: a result that
    /// would not fit is refused with a message naming the limit, instead of the process
    /// running out of memory (values pushed from Swift bypass the Lua allocator's limit).
    static func checkFitsMemory(_ result: PGResult, call: LuaCall, db: DatabaseHandle) throws {
        guard let host = call.host, host.memoryLimit > 0 else { return }
        let perValue = 48, perRow = 96 // a Lua string header and a table slot; a table per row
        var estimate = result.rowCount * perRow + result.rowCount * result.columnCount * perValue
        for r in 0..<result.rowCount {
            for c in 0..<result.columnCount { estimate += result.length(r, c) }
            if host.memoryInUse + estimate > host.memoryLimit { break }
        }
        guard host.memoryInUse + estimate > host.memoryLimit else { return }
        throw BeekError.failed(
            "query on \(db.name) returned \(Format.plural(result.rowCount, "row")), more than the runbook's memory limit of "
                + "\(host.memoryLimit >> 20) MB holds (BEEK_MEMORY_LIMIT_MB): select fewer rows or columns, or aggregate on the server")
    }

    /// `(db, SQL, ...)`: the handle, the statement and its `$n` parameters as text.
    static func statementArguments(_ call: LuaCall) throws -> (DatabaseHandle, String, [String?]) {
        let db = try call.handle(1, DatabaseHandle.self, "db")
        let sql = try call.string(2, "sql")
        let parameters = try (3..<max(3, call.arguments.count + 1)).map {
            try SQLValues.parameter(call.argument($0), index: $0 - 2, function: call.name)
        }
        return (db, sql, parameters)
    }

    // MARK: transaction

    static let transaction = Primitive(
        "transaction",
        summary: "Runs the function's steps on db in one transaction: all of them land, or none.",
        parameters: [
            .init("db", "database", "a handle from connect"),
            .init("body", "fun()", "the steps"),
        ],
        returns: "any"
    ) { call, runtime in
        let db = try call.handle(1, DatabaseHandle.self, "db")
        let body = try call.function(2, "body")
        _ = try db.connectionKeepingDeferred()
        if runtime.dryRun {
            runtime.reporter.planned(.read, "transaction on \(db.name)", "begin (dry run)")
            let results = try body.call(in: call.L)
            runtime.reporter.planned(.read, "transaction on \(db.name)", "commit (dry run)")
            return results
        }
        let depth = db.transactionDepth
        let mark = runtime.appliedMark
        let watch = Stopwatch()
        var begun = false
        do {
            let results = try runtime.withTransaction(db) { () throws -> [LuaValue] in
                begun = true
                runtime.reporter.done("transaction on \(db.name)", depth == 0 ? "begin" : "savepoint")
                return try body.call(in: call.L)
            }
            runtime.reporter.done("transaction on \(db.name)", depth == 0 ? "committed" : "savepoint released", seconds: watch.seconds)
            return results
        } catch {
            // Only what is true: a transaction ended inside the body was not rolled back.
            let how = db.transactionEscaped ? "ENDED INSIDE IT: not rolled back as a whole"
                : !begun ? "could not begin" : depth == 0 ? "rolled back: nothing of it was kept" : "rolled back to its savepoint"
            runtime.reporter.failed("transaction on \(db.name)", how, seconds: watch.seconds)
            if begun { runtime.rolledBack(db, since: mark) }
            throw error
        }
    }

    // MARK: environment

    static let env = Primitive(
        "env",
        summary: "A variable of the environment the runbook sees (process environment, .env file, --var).",
        parameters: [
            .init("name", "string", "the variable"),
            .init("default", "string?", "returned when it is not set; without it a missing variable is an error"),
        ],
        returns: "string"
    ) { call, runtime in
        let name = try call.string(1, "name")
        if let value = runtime.options.environment[name], !value.isEmpty { return [.string(value)] }
        if let fallback = try call.optionalString(2, "default") { return [.string(fallback)] }
        throw BeekError.failed(
            "\(name) is not set: add `\(name)=...` to .env (or the file given with --env-file), "
                + "or pass --var \(name)=...")
    }

    // MARK: output and guards

    static let log = Primitive(
        "log", summary: "Prints a step line (`• message`).",
        parameters: [.init("...", "any", "values, joined with spaces")]
    ) { call, runtime in
        runtime.reporter.log(call.arguments.map(text).joined(separator: " "))
        return []
    }

    static let print = Primitive(
        "print", summary: "Lua's print, to standard output (passwords masked).",
        parameters: [.init("...", "any", "values, joined with tabs")]
    ) { call, runtime in
        runtime.reporter.print(call.arguments.map(text).joined(separator: "\t"))
        return []
    }

    static let confirm = Primitive(
        "confirm",
        summary: "A yes/no guard: asks on the terminal (yes with --yes; assumed in a dry run). "
            + "Declining, or no terminal without --yes, stops the run (exit 1), so it only ever returns true.",
        parameters: [.init("message", "string", "the question")],
        returns: "true"
    ) { call, runtime in
        try runtime.confirmYesNo(try call.string(1, "message"))
        return [.bool(true)]
    }

    static let abort = Primitive(
        "abort", summary: "Stops the run with exit code 1 and the message.",
        parameters: [.init("message", "string", "why")]
    ) { call, _ in
        throw BeekError.aborted((try? call.string(1, "message")) ?? "aborted by the runbook")
    }

    /// Lua's `tostring` for plain values (tables and handles get a short description).
    static func text(_ value: LuaValue) -> String {
        switch value {
        case .nil: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d):
            if d.isNaN { return d.sign == .minus ? "-nan" : "nan" }
            if d.isInfinite { return d > 0 ? "inf" : "-inf" }
            return d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : String(format: "%.14g", d)
        case .string(let s): return s
        case .table: return "table"
        case .function: return "function"
        case .handle(let h): return h.luaDescription
        }
    }
}
