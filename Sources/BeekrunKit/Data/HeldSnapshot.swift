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
    /// The source's `server_version_num`: text COPY is streamed only between servers of the
    /// same major version (the format's fine print is per version; the files work across).
    var serverVersionNum: Int { manifest.source.serverVersionNum }

    /// Opens a connection importing the snapshot of `db`'s open transaction (which must be
    /// REPEATABLE READ: the backup's own). - Returns: nil when it cannot be opened (the
    /// server at its connection limit, say): the restore then reads the files.
    static func open(from db: PGConnection, path: String, manifest: BackupManifest, tables: [DataTable]) -> HeldSnapshot? {
        guard let snapshot = try? db.scalar("select pg_export_snapshot()"),
              let c = try? PGConnection(db.target, applicationName: "beekrun backup snapshot") else { return nil }
        do {
            try c.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            try c.query("SET TRANSACTION SNAPSHOT " + SQL.quoteLiteral(snapshot))
            _ = try SessionSettings.apply(c, BackupWriter.backupSettings)
        } catch {
            c.close()
            return nil
        }
        var byName: [String: DataTable] = [:]
        for t in tables { byName[t.displayName] = t }
        return HeldSnapshot(path: path, manifest: manifest, tables: byName, connection: c)
    }

    private init(path: String, manifest: BackupManifest, tables: [String: DataTable], connection: PGConnection) {
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

    /// Streams one table of the backup from the snapshot into `writer` (a target's
    /// `COPY … FROM STDIN` in text format), chunk by chunk: memory stays flat.
    /// - Returns: the rows sent and their bytes.
    /// - Throws: when the snapshot no longer shows the manifest's row count.
    func stream(_ table: BackupManifest.Table, into writer: CopyInWriter,
                progress: (_ rows: Int, _ bytes: Int) -> Void) throws -> (rows: Int, bytes: Int) {
        guard let source = tables[table.qualifiedName] else {
            throw BeekError.failed("backup \(path) has no table \(table.qualifiedName) in its held snapshot")
        }
        var rows = 0, bytes = 0
        // Text COPY hands out one row per chunk.
        try connection.copyOut(BackupWriter.copyCommand(source)) { chunk in
            try writer.write(chunk)
            rows += 1
            bytes += chunk.count
            if rows & 0xFFFF == 0 { progress(rows, bytes) }
        }
        guard rows == table.rows else {
            throw BeekError.failed(
                "the source's table \(table.qualifiedName) changed under the backup's snapshot (TRUNCATE or an ALTER TABLE that "
                    + "rewrites it, since the backup): it shows \(rows) rows there, the backup holds \(table.rows); nothing was "
                    + "restored; restore from the files instead: restore(db, \"\(path)\")")
        }
        return (rows, bytes)
    }
}
