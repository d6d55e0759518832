/// What `connect{...}` returns: a named connection with its safety marks.
/// Runbooks pass it to every primitive; `<close>` closes the connection.
public final class DatabaseHandle: LuaHandle {
    public static let luaTypeName = "database"

    /// The runbook's name for it (`prod`, `dev`), used in every step line.
    public let name: String
    public let target: ConnectionString
    /// Production: `nuke` refuses it, other writes need confirmation. True when this
    /// connection was opened as production (or the database carries the mark), and also when
    /// any other connection of the run reaches the same database as production, whichever
    /// was opened first: identity, not order. Asked again when each step applies.
    public var production: Bool { openedAsProduction || productionDatabases.contains(fingerprint) }
    let openedAsProduction: Bool
    /// The run's production databases by fingerprint, shared by every handle of the run.
    let productionDatabases: ProductionDatabases
    /// Every transaction is read only; the server refuses writes.
    public let readonly: Bool
    private var connection: PGConnection?
    /// Depth of `transaction()` calls open on this handle (nested ones use savepoints).
    public internal(set) var transactionDepth = 0
    /// Set when the server's transaction was ended behind beekrun's back (reported once).
    var transactionEscaped = false

    /// Which database this is on the server, however it was reached (direct host, pooler …):
    /// the server's start time and the database's oid and name.
    let fingerprint: String

    init(name: String, target: ConnectionString, connection: PGConnection, production: Bool, readonly: Bool,
         fingerprint: String, productionDatabases: ProductionDatabases) {
        self.fingerprint = fingerprint
        self.name = name
        self.target = target
        self.connection = connection
        self.openedAsProduction = production
        self.productionDatabases = productionDatabases
        self.readonly = readonly
        if production { productionDatabases.insert(fingerprint) }
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

    /// The postponed work as it is now, to put back when a step is rolled back to its savepoint.
    func savedDeferred() -> (() throws -> Void)? { deferred }
    func restoreDeferred(_ saved: (() throws -> Void)?) { deferred = saved }

    static func fingerprint(of connection: PGConnection) throws -> String {
        let r = try connection.query(
            "select pg_postmaster_start_time()::text, oid::text, datname from pg_database where datname = current_database()")
        return (0..<r.columnCount).map { r.value(0, $0) ?? "" }.joined(separator: "|")
    }

    /// Which database this is, whatever handle reaches it (the server's start time, the
    /// database's oid and name): two URLs for one database share it.
    var identity: String { fingerprint }

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

    /// The snapshot of this connection's latest backup, kept for a streamed restore (one at
    /// a time: a new backup replaces it).
    private(set) var heldSnapshot: HeldSnapshot?

    func hold(_ snapshot: HeldSnapshot?) {
        heldSnapshot?.close()
        heldSnapshot = snapshot
    }

    /// The held snapshot of the backup at `path`, while this connection is open.
    func heldSnapshot(of path: String) -> HeldSnapshot? {
        guard connection?.isOpen == true, let held = heldSnapshot, held.path == path else { return nil }
        return held
    }

    public func luaClose() {
        hold(nil)
        connection?.close()
        connection = nil
    }

    public var luaDescription: String { "database \(name) (\(target.description))" }
}

/// The databases of one run that are production, by server identity (fingerprint).
final class ProductionDatabases {
    private var fingerprints: Set<String> = []
    func insert(_ fingerprint: String) { fingerprints.insert(fingerprint) }
    func contains(_ fingerprint: String) -> Bool { fingerprints.contains(fingerprint) }
}
