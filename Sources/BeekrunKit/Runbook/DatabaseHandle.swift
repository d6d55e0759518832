/// What `connect{...}` returns: a named connection with its safety marks.
/// Runbooks pass it to every primitive; `<close>` closes the connection.
public final class DatabaseHandle: LuaHandle {
    public static let luaTypeName = "database"

    /// The runbook's name for it (`prod`, `dev`), used in every step line.
    public let name: String
    public let target: ConnectionString
    /// Marked production: `nuke` refuses it, other writes need confirmation.
    public let production: Bool
    /// Every transaction is read only; the server refuses writes.
    public let readonly: Bool
    private var connection: PGConnection?
    /// Depth of `transaction()` calls open on this handle (nested ones use savepoints).
    public internal(set) var transactionDepth = 0

    /// Which database this is on the server, however it was reached (direct host, pooler …):
    /// the server's start time and the database's oid and name.
    let fingerprint: String

    init(name: String, target: ConnectionString, connection: PGConnection, production: Bool, readonly: Bool,
         fingerprint: String) {
        self.fingerprint = fingerprint
        self.name = name
        self.target = target
        self.connection = connection
        self.production = production
        self.readonly = readonly
    }

    /// Work postponed within a transaction: clone_schema's post-data (indexes, keys,
    /// triggers), which waits until restore() has loaded the rows.
    private var deferred: (() throws -> Void)?

    /// The open connection, after any postponed work has run (so whoever uses it sees the
    /// schema complete). - Throws: when the handle was closed.
    public func connectionOrThrow() throws -> PGConnection {
        try flushDeferred()
        return try connectionKeepingDeferred()
    }

    /// The open connection, leaving postponed post-data for later: for the steps that load
    /// rows (restore, clone_auth), which are faster without indexes and keys in place.
    func connectionKeepingDeferred() throws -> PGConnection {
        guard let connection, connection.isOpen else {
            throw BeekError.failed("the connection '\(name)' is closed")
        }
        return connection
    }

    func deferWork(_ work: @escaping () throws -> Void) {
        let earlier = deferred
        deferred = { try earlier?(); try work() }
    }

    /// Runs postponed work now (before a commit, or before any other step uses the connection).
    func flushDeferred() throws {
        guard let work = deferred else { return }
        deferred = nil
        try work()
    }

    /// Forgets postponed work (its transaction rolled back).
    func dropDeferred() { deferred = nil }

    static func fingerprint(of connection: PGConnection) throws -> String {
        let r = try connection.query(
            "select pg_postmaster_start_time()::text, oid::text, datname from pg_database where datname = current_database()")
        return (0..<r.columnCount).map { r.value(0, $0) ?? "" }.joined(separator: "|")
    }

    /// Which database this is, whatever handle reaches it.
    var identity: String { "\(target.host ?? "")|\(target.port ?? "")|\(databaseName)" }

    /// The database name, which a destructive step's confirmation asks the user to type.
    public var databaseName: String { target.database ?? name }

    public func luaField(_ key: String) -> LuaValue? {
        switch key {
        case "name": return .string(name)
        case "url": return .string(target.description)
        case "database": return .string(databaseName)
        case "host": return LuaValue(target.host)
        case "production": return .bool(production)
        case "readonly": return .bool(readonly)
        case "closed": return .bool(connection?.isOpen != true)
        case "server_version": return connection.map { .integer(Int64($0.serverVersion)) } ?? .nil
        default: return nil
        }
    }

    public func luaClose() {
        connection?.close()
        connection = nil
    }

    public var luaDescription: String { "database \(name) (\(target.description))" }
}
