/// One run at a time per target database: a session-level advisory lock, taken before the
/// first write. A second run fails at once and says who holds the lock. The server releases
/// it when the session ends, so a killed run leaves no stale lock.
enum RunLock {
    /// One key for every beekrun run: 'beekrun' as two int4s.
    static let classID: Int32 = 0x6265_656B // "beek"
    static let objectID: Int32 = 0x7275_6E00 // "run"

    /// Takes the lock or throws, naming the holder.
    static func acquire(_ connection: PGConnection, databaseName: String) throws {
        let got = try connection.scalar("select pg_try_advisory_lock($1::int, $2::int)", [String(classID), String(objectID)])
        guard got != "t" else { return }
        let who = try holder(connection) ?? "another session"
        throw BeekError.refused("another beekrun run is writing to '\(databaseName)': \(who); wait for it to finish")
    }

    /// Whether this session (still) holds the lock.
    static func isHeld(_ connection: PGConnection) throws -> Bool {
        try connection.scalar("""
            select exists (select 1 from pg_locks where locktype = 'advisory' and classid = $1::int::oid and objid = $2::int::oid
                           and objsubid = 2 and pid = pg_backend_pid() and granted)
            """, [String(classID), String(objectID)]) == "t"
    }

    /// Who holds the lock (application name, server pid, client, since when), nil when nobody.
    static func holder(_ connection: PGConnection) throws -> String? {
        let holder = try connection.query("""
            select a.application_name, a.pid, coalesce(a.client_hostname, host(a.client_addr), 'local socket'),
                   to_char(a.backend_start at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC'
            from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.classid = $1::int::oid and l.objid = $2::int::oid and l.granted
              and l.database = (select oid from pg_database where datname = current_database())
            """, [String(classID), String(objectID)])
        guard holder.rowCount > 0 else { return nil }
        return "\(holder.value(0, 0) ?? "?") (server pid \(holder.value(0, 1) ?? "?"), from \(holder.value(0, 2) ?? "?"), since \(holder.value(0, 3) ?? "?"))"
    }
}
