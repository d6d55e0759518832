import CLibPQ
import Foundation

/// One libpq connection. Blocking calls; one connection is used by one thread at a time.
///
/// Every failure becomes a `BeekError` whose text has the password masked.
public final class PGConnection: @unchecked Sendable {
    private var conn: OpaquePointer?
    public let target: ConnectionString
    /// Notices (`NOTICE: drop cascades to …`) from the last command, so they can be shown
    /// where useful instead of being printed by libpq on stderr.
    public private(set) var notices: [String] = []

    /// Opens a connection.
    /// - Parameters:
    ///   - connectionString: a libpq URI or keyword string.
    ///   - applicationName: shown in `pg_stat_activity`, so a DBA sees who is connected.
    public init(_ connectionString: ConnectionString, applicationName: String = "beekrun") throws {
        target = connectionString
        // Keyword/value arrays let us add settings without editing the user's string;
        // `expand_dbname` makes libpq parse the first value as a full connection string.
        // client_encoding is fixed to UTF8: Swift strings and JSON backups are UTF-8.
        let keys = ["dbname", "fallback_application_name", "connect_timeout", "client_encoding"]
        let values = [connectionString.raw, applicationName, "10", "UTF8"]
        conn = keys.withCStrings { k in values.withCStrings { v in PQconnectdbParams(k, v, 1) } }
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let reason = conn.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let conn { PQfinish(conn) }
            self.conn = nil
            throw BeekError.connectionFailed(
                target: connectionString.description,
                reason: Secrets.shared.redact(reason.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        installNoticeReceiver()
        Interrupt.register(self, cancel: PQgetCancel(conn))
    }

    deinit { close() }

    public var isOpen: Bool { conn != nil }

    public func close() {
        if let conn {
            Interrupt.unregister(self)
            PQfinish(conn)
        }
        conn = nil
    }

    /// The server's version number, e.g. 150018.
    public var serverVersion: Int { conn.map { Int(PQserverVersion($0)) } ?? 0 }

    /// The backend process id, for locks and cancellation messages.
    public var backendPID: Int32 { conn.map { PQbackendPID($0) } ?? 0 }

    /// True while a transaction block is open on the server.
    public var inTransaction: Bool {
        transactionStatus == .inTransaction || transactionStatus == .inError
    }

    /// The server's transaction status as libpq last saw it: the truth beekrun checks its own
    /// bookkeeping against, so a COMMIT smuggled into a statement cannot go unnoticed.
    public enum TransactionStatus: Sendable { case idle, inTransaction, inError, unknown }

    public var transactionStatus: TransactionStatus {
        guard let conn else { return .unknown }
        switch PQtransactionStatus(conn) {
        case PQTRANS_IDLE: return .idle
        case PQTRANS_INTRANS: return .inTransaction
        case PQTRANS_INERROR: return .inError
        default: return .unknown
        }
    }

    // MARK: Running SQL

    /// Runs one statement with `$1`-style parameters (text format) and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> PGResult {
        let c = try open()
        notices.removeAll()
        let result: OpaquePointer? = parameters.withOptionalCStrings { params in
            PQexecParams(c, sql, Int32(parameters.count), nil, params, nil, nil, 0)
        }
        return try check(result, sql: sql)
    }

    /// Runs a script that may hold several statements (simple protocol, no parameters).
    /// Returns the result of the last statement.
    @discardableResult
    public func execute(_ sql: String) throws -> PGResult {
        let c = try open()
        notices.removeAll()
        return try check(PQexec(c, sql), sql: sql)
    }

    /// Convenience: the first column of the first row, as text.
    public func scalar(_ sql: String, _ parameters: [String?] = []) throws -> String? {
        let r = try query(sql, parameters)
        return r.rowCount > 0 && r.columnCount > 0 ? r.value(0, 0) : nil
    }

    // MARK: Internals

    func open() throws -> OpaquePointer {
        guard let conn else { throw BeekError.failed("connection to \(target.description) is closed") }
        return conn
    }

    /// Turns a libpq result into `PGResult` or a `PostgresError`.
    func check(_ result: OpaquePointer?, sql: String?) throws -> PGResult {
        guard let result else {
            throw BeekError.failed(Secrets.shared.redact(lastError()))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_OUT, PGRES_COPY_IN:
            return PGResult(result)
        default:
            let error = PGConnection.error(from: result, fallback: lastError(), sql: sql)
            PQclear(result)
            throw BeekError.postgres(error)
        }
    }

    func lastError() -> String {
        guard let conn else { return "connection closed" }
        return String(cString: PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func error(from result: OpaquePointer, fallback: String, sql: String?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let p = PQresultErrorField(result, code) else { return nil }
            return String(cString: p)
        }
        let diagSQLState = Int32(UInt8(ascii: "C")), diagSeverity = Int32(UInt8(ascii: "S"))
        let diagMessage = Int32(UInt8(ascii: "M")), diagDetail = Int32(UInt8(ascii: "D"))
        let diagHint = Int32(UInt8(ascii: "H")), diagContext = Int32(UInt8(ascii: "W"))
        return PostgresError(
            sqlstate: field(diagSQLState) ?? "XX000",
            severity: field(diagSeverity) ?? "ERROR",
            message: field(diagMessage) ?? fallback,
            detail: field(diagDetail),
            hint: field(diagHint),
            context: field(diagContext),
            statement: sql.map(PGConnection.shorten))
    }

    /// The first line of a statement, cut to 120 characters, for error messages.
    static func shorten(_ sql: String) -> String {
        let oneLine = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        return oneLine.count > 120 ? String(oneLine.prefix(117)) + "..." : oneLine
    }

    private func installNoticeReceiver() {
        guard let conn else { return }
        let context = Unmanaged.passUnretained(self).toOpaque()
        PQsetNoticeReceiver(conn, { context, result in
            guard let context, let result else { return }
            let me = Unmanaged<PGConnection>.fromOpaque(context).takeUnretainedValue()
            if let p = PQresultErrorField(result, Int32(UInt8(ascii: "M"))) {
                me.notices.append(String(cString: p))
            }
        }, context)
    }
}

// MARK: C string helpers

extension Array where Element == String {
    /// Calls `body` with a NULL-terminated array of C strings that live for the call.
    func withCStrings<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let pointers = map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

extension Array where Element == String? {
    /// Calls `body` with an array of C strings, NULL where the element is nil (SQL NULL).
    func withOptionalCStrings<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        if isEmpty { return body(nil) }
        let pointers = map { $0.map { strdup($0) } ?? nil }
        defer { pointers.forEach { free($0) } }
        return pointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
