import Foundation

/// A finished backup's snapshot, kept open on one more connection to the source, so that a
/// restore of that backup later in the same run can stream the rows from the source
/// (`COPY … TO STDOUT` in the snapshot → `COPY … FROM STDIN` on the target) instead of
/// reading the files back and decoding their JSON. The rows are the same ones the files
/// hold: the same snapshot, the same COPY (`BackupWriter.copyCommand`), the same session
/// settings; each streamed table's row count must equal the manifest's.
///
/// What holding it costs the source: one idle `REPEATABLE READ, READ ONLY` transaction, which
/// keeps VACUUM from removing rows deleted after the backup while it is open. It takes no
/// table lock, so it never blocks DDL or a migration: a table truncated or rewritten by an
/// `ALTER TABLE` after the backup looks empty in the old snapshot (PostgreSQL's documented
/// MVCC exception), and the row-count check turns that into an error naming the files.
/// It is released by the first restore that uses it, by a later backup of the same
/// connection, or when that connection closes (at the latest, at the end of the run).
public final class HeldSnapshot: @unchecked Sendable {
    /// The backup folder whose rows this snapshot holds.
    public let path: String
    let manifest: BackupManifest
    /// The tables as the backup read them, by `schema.name`.
    let tables: [String: DataTable]
    let connection: PGConnection
    /// The backup writing this snapshot's files in the background, when it is not finished at
    /// the time of the restore: `manifest` then has every table but its rows, bytes and
    /// checksum, and the restore checks its row counts against the finished backup's.
    let running: BackupInProgress?
    /// The source's `server_version_num`: text COPY is streamed only between servers of the
    /// same major version (the format's fine print is per version; the files work across).
    var serverVersionNum: Int { manifest.source.serverVersionNum }

    /// Opens a connection importing `snapshot`, exported by `db`'s open transaction (which must
    /// be REPEATABLE READ: the backup's own). - Returns: nil when it cannot be opened (the
    /// server at its connection limit, say): the restore then reads the files.
    static func open(from db: PGConnection, snapshot: String, path: String, manifest: BackupManifest, tables: [DataTable],
                     running: BackupInProgress? = nil) -> HeldSnapshot? {
        guard let c = try? PGConnection(db.target, applicationName: "beekrun backup snapshot") else { return nil }
        do { try BackupWriter.beginSnapshot(c, snapshot) } catch {
            c.close()
            return nil
        }
        var byName: [String: DataTable] = [:]
        for t in tables { byName[t.displayName] = t }
        return HeldSnapshot(path: path, manifest: manifest, tables: byName, connection: c, running: running)
    }

    private init(path: String, manifest: BackupManifest, tables: [String: DataTable], connection: PGConnection,
                 running: BackupInProgress?) {
        self.running = running
        self.path = path
        self.manifest = manifest
        self.tables = tables
        self.connection = connection
    }

    deinit { close() }

    /// Whether the snapshot is still there to read from (not closed, not killed by the server).
    public var isUsable: Bool { connection.isOpen && connection.transactionStatus == .inTransaction }

    /// Ends the snapshot's transaction and closes its connection.
    public func close() {
        guard connection.isOpen else { return }
        _ = try? connection.execute("ROLLBACK")
        connection.close()
    }

    /// Whether `table` can stream in PostgreSQL's binary COPY format into a target table whose
    /// columns have the types `targetTypes` (`columnTypes` of the target). Binary skips every
    /// value's text output on the source and its parsing on the target (about a third less time
    /// for timestamps and jsonb), but its fine print is narrower than text's, so only when it
    /// means exactly what text would: the servers are of one major version (checked by
    /// `Restorer.canStream`), every column has the same type and modifier on both sides, and each
    /// type is a built-in base, range or multirange type with binary send and receive functions (arrays of
    /// built-in types included: their element type OID, which binary carries, is the same
    /// everywhere), an enum (sent as its label), or a domain over one of those. Not: composite
    /// types and arrays of user types (they carry OIDs that differ between databases), and the
    /// reg* types (regclass …), which binary sends as OIDs where text sends names. Those go as text.
    func streamsBinary(_ table: BackupManifest.Table, targetTypes: [String: String]) throws -> Bool {
        guard let source = tables[table.qualifiedName], !table.columns.isEmpty else { return false }
        let sourceTypes = try Self.columnTypes(connection, table: source.oid)
        guard table.columns.allSatisfy({ c in sourceTypes[c.name] != nil && targetTypes[c.name] == sourceTypes[c.name] }) else { return false }
        let unfit = try connection.scalar("""
            select count(*) from pg_attribute a join pg_type t on t.oid = a.atttypid
            join pg_type b on b.oid = case when t.typtype = 'd' then t.typbasetype else t.oid end
            left join pg_type e on e.oid = b.typelem and b.typelem <> 0
            where a.attrelid = $1::oid and a.attname = any($2::text[])
              and not (b.typtype = 'e'
                       or (b.typtype in ('b', 'r', 'm') and b.oid < 16384 and b.typsend <> 0 and b.typreceive <> 0
                           and b.typsend::text not like 'reg%'
                           and (e.oid is null or (e.typsend <> 0 and e.typreceive <> 0 and e.typsend::text not like 'reg%'))))
            """, [source.oid, TableSelection.textArray(table.columns.map(\.name))])
        return unfit == "0"
    }

    /// Each column's type as schema, name and modifier, which reads alike whatever the session's
    /// search_path (format_type qualifies only types it cannot see).
    static func columnTypes(_ conn: PGConnection, table oid: String) throws -> [String: String] {
        let rows = try conn.query("""
            select a.attname, n.nspname || '.' || t.typname || '/' || a.atttypmod from pg_attribute a
            join pg_type t on t.oid = a.atttypid join pg_namespace n on n.oid = t.typnamespace
            where a.attrelid = $1::oid and a.attnum > 0 and not a.attisdropped
            """, [oid]).rows
        return Dictionary(rows.map { ($0[0]!, $0[1]!) }, uniquingKeysWith: { a, _ in a })
    }

    /// Streams one table of the backup from the snapshot into `writer` (a target's
    /// `COPY … FROM STDIN`, in binary when `binary`, else text), chunk by chunk: memory stays flat.
    /// - Returns: the rows sent and their bytes.
    /// - Throws: when the snapshot no longer shows the manifest's row count (checked by the
    ///   restore once a backup still being written is finished).
    func stream(_ table: BackupManifest.Table, into writer: CopyInWriter, binary: Bool = false,
                progress: (_ rows: Int, _ bytes: Int) -> Void) throws -> (rows: Int, bytes: Int) {
        guard let source = tables[table.qualifiedName] else {
            throw BeekError.failed("backup \(path) has no table \(table.qualifiedName) in its held snapshot")
        }
        var chunks = 0, bytes = 0
        // One row per chunk (binary: the header rides with the first row, the trailer comes
        // alone); the exact count is the server's.
        let rows = try connection.copyOut(BackupWriter.copyCommand(source) + (binary ? " (FORMAT binary)" : "")) { chunk in
            try writer.write(chunk)
            chunks += 1
            bytes += chunk.count
            if chunks & 0xFFFF == 0 { progress(chunks, bytes) }
        }
        guard rows == table.rows || running != nil else { throw changed(table.qualifiedName, shows: rows, holds: table.rows) }
        return (rows, bytes)
    }

    /// The refusal when the snapshot no longer shows the rows the backup's files hold.
    func changed(_ table: String, shows rows: Int, holds: Int) -> BeekError {
        .failed("the source's table \(table) changed under the backup's snapshot (TRUNCATE or an ALTER TABLE that "
            + "rewrites it, since the backup): it shows \(rows) rows there, the backup holds \(holds); nothing was "
            + "restored; restore from the files instead: restore(db, \"\(path)\")")
    }
}
