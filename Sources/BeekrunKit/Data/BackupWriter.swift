import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Options of `backup(db, {dir, label, schemas, tables, exclude})`.
public struct BackupOptions: Sendable {
    /// The folder that receives `LABEL_YYYY-MM-DDTHH-MM-SSZ/` (created when missing).
    public var directory: String
    /// The folder name's prefix; the database name when nil.
    public var label: String?
    public var schemas: [String]
    /// Only these tables (`name` or `schema.name`, `*`/`?` allowed); all tables of `schemas` when nil.
    public var tables: [String]?
    /// Tables left out (same patterns).
    public var exclude: [String]
    /// `where`: per-table row filters (SQL expressions), keyed by table patterns as `tables`
    /// takes them; those tables are backed up as subsets (see `TableFilter`).
    public var filters: [String: String]
    /// Connections reading in parallel from one exported snapshot (1 = the given one only).
    public var connections: Int
    public var progress: DataProgressHandler?

    public init(directory: String = "backups", label: String? = nil, schemas: [String] = ["public"],
                tables: [String]? = nil, exclude: [String] = [], filters: [String: String] = [:], connections: Int = 2,
                progress: DataProgressHandler? = nil) {
        self.filters = filters
        self.directory = directory
        self.label = label
        self.schemas = schemas
        self.tables = tables
        self.exclude = exclude
        self.connections = connections
        self.progress = progress
    }
}

/// A finished backup.
public struct BackupResult: Sendable {
    /// The backup folder.
    public var path: String
    public var manifest: BackupManifest
    public var tables: Int { manifest.tables.count }
    public var rows: Int { manifest.tables.reduce(0) { $0 + $1.rows } }
    /// Bytes of the table files.
    public var bytes: Int { manifest.tables.reduce(0) { $0 + $1.bytes } }
}

/// What a backup would do, computed by reading only (for `--dry-run`), or what a real run
/// is about to do (its step line).
public struct BackupPlan: Sendable {
    public struct Table: Sendable, Equatable {
        public var name: String       // schema.name
        public var schema: String
        public var table: String
        /// Exact in a dry run (counted); the planner's estimate in a real run.
        public var rows: Int
        public var estimatedBytes: Int // the table's size on disk; the JSON file is of the same order
        /// The `where` filter: only the matching rows are backed up (and counted).
        public var filter: String? = nil
    }
    /// The folder the backup would be written to (named after the time of planning).
    public var path: String
    public var tables: [Table]
    public var sequences: Int
    /// Whether `rows` were counted (a dry run) or estimated.
    public var exactCounts: Bool = true
    public var rows: Int { tables.reduce(0) { $0 + $1.rows } }
    public var estimatedBytes: Int { tables.reduce(0) { $0 + $1.estimatedBytes } }
}

/// Writes JSON backups: one consistent snapshot, rows streamed from COPY to disk.
public enum BackupWriter {
    /// Backs up the selected tables of `db` into a new folder under `options.directory`.
    ///
    /// Consistency: when `db` is not in a transaction, the backup runs in its own
    /// `REPEATABLE READ, READ ONLY` transaction whose snapshot is exported to up to
    /// `options.connections - 1` more connections, which copy tables in parallel. When the
    /// caller already has a transaction open, the backup reads inside it on `db` alone (it
    /// is then as consistent as that transaction: use REPEATABLE READ for a snapshot).
    ///
    /// Memory: each row goes from libpq's buffer through the codec into a 1 MB write
    /// buffer; nothing holds more than one row of a table, whatever its size.
    ///
    /// The folder is written under a hidden temporary name and renamed when the manifest,
    /// written last, is on disk: a folder named like a backup is always complete.
    public static func run(_ db: PGConnection, _ options: BackupOptions) throws -> BackupResult {
        let prepared = try prepare(db, options, exactCounts: false)
        defer { prepared.close() }
        return try prepared.write()
    }

    /// Counts what `run` would write, reading only.
    public static func plan(_ db: PGConnection, _ options: BackupOptions) throws -> BackupPlan {
        let prepared = try prepare(db, options, exactCounts: true)
        defer { prepared.close() }
        return prepared.plan
    }

    /// The plan that is the work: opens the backup's snapshot, picks and locks the tables and
    /// reads their columns, once. `write()` then copies exactly those tables in that snapshot;
    /// `close()` (or dropping the value) ends the snapshot without writing.
    /// - Parameter exactCounts: count every table's rows (a dry run shows them); a real run
    ///   uses the planner's estimates and reports the rows it wrote.
    public static func prepare(_ db: PGConnection, _ options: BackupOptions, exactCounts: Bool) throws -> PreparedBackup {
        for key in options.filters.keys.sorted() { try TableFilter.checkText(options.filters[key]!, table: key) }
        let ownTransaction = !db.inTransaction
        if ownTransaction { try db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") }
        // Inside the caller's transaction, filters (the runbook's SQL) still run read only: in
        // a savepoint made read only, rolled back to when the backup is closed.
        let readOnlySavepoint = !ownTransaction && !options.filters.isEmpty
        if readOnlySavepoint { try db.execute("SAVEPOINT beekrun_backup_where; SET TRANSACTION READ ONLY") }
        do {
            let previous = try SessionSettings.apply(db, backupSettings)
            let tables = try TableSelection.select(db, schemas: options.schemas, tables: options.tables, exclude: options.exclude,
                                                   filters: options.filters)
            try TableFilter.checkOnServer(db, tables)
            let meta = try db.query("""
                select current_database(), current_setting('server_version'), current_setting('server_version_num'),
                       to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24-MI-SS"Z"'),
                       current_setting('lc_monetary')
                """)
            // Tables are locked as pg_dump does, so no DDL can change them while they are copied.
            if !exactCounts && !tables.isEmpty {
                try db.execute("LOCK TABLE " + tables.map(\.qualified).joined(separator: ", ") + " IN ACCESS SHARE MODE")
            }
            // A subset must keep the backup's foreign keys satisfied: refused here, before any
            // file is written, in a dry run as in the real run.
            try TableFilter.checkOrphans(db, tables)
            var planned: [BackupPlan.Table] = []
            for t in tables {
                let from = t.filter == nil ? t.qualified : "(\(TableFilter.source(t, columns: []))) beekrun_subset"
                let rows = exactCounts ? Int(try db.scalar("select count(*) from \(from)") ?? "0") ?? 0 : t.estimatedRows
                planned.append(.init(name: t.displayName, schema: t.schema, table: t.name, rows: rows, estimatedBytes: t.diskBytes,
                                     filter: t.filter))
            }
            let sequenceSchemas = Array(Set(options.schemas + tables.map(\.schema))).sorted()
            let sequences = try TableSelection.sequences(db, schemas: sequenceSchemas)
            let label = safeLabel(options.label ?? meta.value(0, 0)!)
            let directory = URL(fileURLWithPath: options.directory).standardizedFileURL.path
            let plan = BackupPlan(path: directory + "/" + label + "_" + meta.value(0, 4)!, tables: planned,
                                  sequences: sequences.count, exactCounts: exactCounts)
            return PreparedBackup(db: db, options: options, ownTransaction: ownTransaction, readOnlySavepoint: readOnlySavepoint, previous: previous,
                                  tables: tables, sequences: sequences, label: label, directory: directory,
                                  database: meta.value(0, 0)!, serverVersion: meta.value(0, 1)!,
                                  serverVersionNum: Int(meta.value(0, 2)!) ?? 0, snapshotTime: meta.value(0, 3)!,
                                  folderTime: meta.value(0, 4)!, lcMonetary: meta.value(0, 5)!, plan: plan)
        } catch {
            if ownTransaction { _ = try? db.execute("ROLLBACK") }
            if readOnlySavepoint { _ = try? db.execute(PreparedBackup.leaveSavepoint) }
            throw error
        }
    }

    /// The fixed settings plus a search_path that makes `regclass`-like values print
    /// schema-qualified, so they mean the same object when read back elsewhere.
    /// `row_security = off` makes a table whose policies would hide rows from this role
    /// fail the backup instead of silently backing up only the visible rows (as pg_dump).
    static var backupSettings: [(String, String)] {
        SessionSettings.fidelity + [("search_path", "pg_catalog"), ("row_security", "off")]
    }

    /// A label usable as a folder-name prefix: no path separators or leading dots.
    static func safeLabel(_ label: String) -> String {
        var out = String(label.map { ($0 == "/" || $0 == "\\" || $0 == "\u{0}") ? "_" : $0 })
        while out.hasPrefix(".") { out.removeFirst() }
        return out.isEmpty ? "backup" : out
    }

    // MARK: Copying

    /// Makes `c` read in `snapshot` (exported by the backup's own transaction) with the backup's
    /// settings: the backup's extra workers and the snapshot held for a streamed restore.
    static func beginSnapshot(_ c: PGConnection, _ snapshot: String) throws {
        try c.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try c.query("SET TRANSACTION SNAPSHOT " + SQL.quoteLiteral(snapshot))
        _ = try SessionSettings.apply(c, backupSettings)
    }

    /// Opens up to `count` more connections in `snapshot`. A server at its connection limit
    /// gives fewer: the backup is slower, not refused.
    static func snapshotConnections(_ db: PGConnection, snapshot: String, count: Int, lock tables: [DataTable] = []) throws -> [PGConnection] {
        var opened: [PGConnection] = []
        for _ in 0..<max(count, 0) {
            guard let c = try? PGConnection(db.target, applicationName: "beekrun backup") else { break }
            do {
                try beginSnapshot(c, snapshot)
                // The first one takes over the tables' locks before `db` lets go of its own,
                // so no DDL can slip in between (as pg_dump's workers).
                if opened.isEmpty && !tables.isEmpty {
                    try c.execute("LOCK TABLE " + tables.map(\.qualified).joined(separator: ", ") + " IN ACCESS SHARE MODE")
                }
                opened.append(c)
            } catch {
                c.close()
                if opened.isEmpty && !tables.isEmpty { throw error }
                break
            }
        }
        return opened
    }

    /// Copies every job's table into its file over the connections of `pool` (which share
    /// one snapshot), one thread each. Largest tables first, so the connections finish together.
    static func copyTables(pool: [PGConnection], jobs: [(DataTable, String)], folder: String,
                           options: BackupOptions) throws -> [BackupManifest.Table] {
        let order = jobs.indices.sorted { jobs[$0].0.diskBytes > jobs[$1].0.diskBytes }
        let queue = WorkQueue(count: jobs.count) // hands out positions in `order`; the first error stops the rest
        let entries = CopiedTables(count: jobs.count)
        let progressLock = NSLock()
        let work: @Sendable (Int) -> Void = { worker in
            let conn = pool[worker]
            while let position = queue.next() {
                let index = order[position]
                let (table, file) = jobs[index]
                do {
                    try Interrupt.check() // Ctrl-C stops a background backup between tables too
                    let ticker = ProgressTicker(options.progress, table: table.displayName, lock: progressLock)
                    let entry = try copyTable(conn, table: table, path: folder + "/" + file, file: file, ticker: ticker)
                    entries.set(index, entry)
                } catch {
                    queue.fail(error)
                }
            }
        }
        // One thread per connection: the copies block on the network, not on the CPU, so
        // they must not be capped at the core count (as concurrentPerform would).
        let group = DispatchGroup()
        for worker in pool.indices.dropFirst() {
            group.enter()
            Thread { work(worker); group.leave() }.start()
        }
        work(0)
        group.wait()
        if let error = queue.failed { throw error }
        return entries.all
    }

    /// Streams one table's COPY output into its JSON file.
    static func copyTable(_ conn: PGConnection, table: DataTable, path: String, file: String,
                          ticker: ProgressTicker) throws -> BackupManifest.Table {
        let writer = try HashingFileWriter(path: path)
        try writer.append(try TableFile.header(schema: table.schema, table: table.name, columns: table.columns.map(\.name)))
        var firstRow = true
        var rows = 0
        do { try conn.copyOut(copyCommand(table)) { chunk in
            if table.columns.isEmpty {
                // A table without stored columns still has rows: each arrives as an empty line.
                for _ in 0..<chunk.count {
                    writer.buffer.append(contentsOf: Array((firstRow ? "\n[]" : ",\n[]").utf8))
                    firstRow = false
                    rows += 1
                }
            } else {
                rows += try RowCodec.appendJSONRows(copy: chunk, to: &writer.buffer, firstRow: &firstRow)
            }
            try writer.flushIfFull()
            ticker.tick(rows: rows, bytes: writer.bytesWritten + writer.buffer.count)
        } } catch { throw TableFilter.failed(error, table) }
        try writer.append(TableFile.footer)
        let sha = try writer.finish()
        ticker.finish(rows: rows, bytes: writer.bytesWritten)
        return BackupManifest.Table(schema: table.schema, name: table.name, file: file, columns: table.columns,
                                    rows: rows, bytes: writer.bytesWritten, sha256: sha, filter: table.filter)
    }

    /// The COPY that reads one table: all of it, or (a `where` filter) the rows it keeps. Used for
    /// its file and for a restore streamed from the backup's snapshot (`HeldSnapshot`): one
    /// function, so both always read the same rows.
    static func copyCommand(_ table: DataTable) -> String {
        guard table.filter != nil else {
            let columnList = table.columns.isEmpty ? "" : " (" + table.columns.map { SQL.quoteIdent($0.name) }.joined(separator: ", ") + ")"
            // A partitioned table's leaves are copied one by one, so plain `COPY table` always works.
            return "COPY \(table.qualified)\(columnList) TO STDOUT"
        }
        return "COPY (\(TableFilter.source(table, columns: table.columns.map(\.name)))) TO STDOUT"
    }

    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw BeekError.file(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        _ = fsync(fd)
    }
}

/// The manifest entries of parallel table copies, by job index.
private final class CopiedTables: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [BackupManifest.Table?]

    init(count: Int) { entries = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ entry: BackupManifest.Table) {
        lock.lock(); entries[index] = entry; lock.unlock()
    }

    /// Every entry: called once all copies succeeded.
    var all: [BackupManifest.Table] {
        lock.lock(); defer { lock.unlock() }
        return entries.map { $0! }
    }
}

/// A backup whose snapshot is open and whose tables are chosen and locked: `plan` for the
/// step line, `write()` to write it.
public final class PreparedBackup {
    public let plan: BackupPlan
    let db: PGConnection
    let options: BackupOptions
    private var ownTransaction: Bool
    /// The read-only savepoint filters run in inside the caller's transaction, open until `close`.
    private var readOnlySavepoint: Bool
    static let leaveSavepoint = "ROLLBACK TO SAVEPOINT beekrun_backup_where; RELEASE SAVEPOINT beekrun_backup_where"
    private let previous: [(String, String)]
    let tables: [DataTable]
    let sequences: [BackupManifest.Sequence]
    let label: String
    let directory: String
    let database: String
    let serverVersion: String
    let serverVersionNum: Int
    let snapshotTime: String
    let folderTime: String
    let lcMonetary: String
    private var open = true

    init(db: PGConnection, options: BackupOptions, ownTransaction: Bool, readOnlySavepoint: Bool, previous: [(String, String)], tables: [DataTable],
         sequences: [BackupManifest.Sequence], label: String, directory: String, database: String, serverVersion: String,
         serverVersionNum: Int, snapshotTime: String, folderTime: String, lcMonetary: String, plan: BackupPlan) {
        self.db = db
        self.options = options
        self.ownTransaction = ownTransaction
        self.readOnlySavepoint = readOnlySavepoint
        self.previous = previous
        self.tables = tables
        self.sequences = sequences
        self.label = label
        self.directory = directory
        self.database = database
        self.serverVersion = serverVersion
        self.serverVersionNum = serverVersionNum
        self.snapshotTime = snapshotTime
        self.folderTime = folderTime
        self.lcMonetary = lcMonetary
        self.plan = plan
    }

    deinit { close() }

    /// Ends the snapshot (its own transaction), or gives the caller's transaction its settings back.
    public func close() {
        if readOnlySavepoint {
            // Rolled back to after the backup was written too: it undoes the settings and the
            // read-only mode together, and the caller's transaction goes on as before.
            readOnlySavepoint = false
            _ = try? db.execute(PreparedBackup.leaveSavepoint)
        }
        guard open else { return }
        open = false
        if ownTransaction { _ = try? db.execute("ROLLBACK") } else { _ = try? SessionSettings.restore(db, previous) }
    }

    /// The snapshot `write(holdingSnapshot: true)` or `start()` kept open for a streamed restore,
    /// if any; the caller owns it from then on (and closes it).
    public private(set) var heldSnapshot: HeldSnapshot?

    /// Writes the backup folder.
    /// - Parameter holdingSnapshot: keep the backup's snapshot open on one more connection
    ///   (`heldSnapshot`), so a restore of this backup can stream from the source. Only a
    ///   backup that owns its snapshot can hold it; the files are the same either way.
    public func write(holdingSnapshot: Bool = false) throws -> BackupResult {
        guard open else { throw BeekError.failed("backup: the snapshot was closed before the backup was written") }
        let folder = try BackupFolder.begin(directory: directory, name: label + "_" + folderTime)
        defer { folder.abandon() }
        var extra: [PGConnection] = []
        defer { for c in extra { _ = try? c.execute("COMMIT"); c.close() } }
        // Exported once, for the extra workers and the held snapshot alike.
        let snapshot = ownTransaction ? try db.scalar("select pg_export_snapshot()") : nil
        if let snapshot {
            extra = try BackupWriter.snapshotConnections(db, snapshot: snapshot, count: min(options.connections, jobs.count) - 1)
        }
        let entries = try BackupWriter.copyTables(pool: [db] + extra, jobs: jobs, folder: folder.tempPath, options: options)
        let manifest = manifest(entries)
        if let snapshot {
            // Imported before the snapshot's own transaction ends, or it could not be.
            if holdingSnapshot {
                heldSnapshot = HeldSnapshot.open(from: db, snapshot: snapshot, path: folder.finalPath, manifest: manifest, tables: tables)
            }
            try db.execute("COMMIT")
            ownTransaction = false
        } else {
            try SessionSettings.restore(db, previous)
        }
        open = false
        do { try folder.seal(manifest) } catch {
            heldSnapshot?.close()
            heldSnapshot = nil
            throw error
        }
        return BackupResult(path: folder.finalPath, manifest: manifest)
    }

    /// Starts writing the backup folder in the background and returns at once: the tables are
    /// copied by connections of their own that share the backup's snapshot and hold its table
    /// locks, so `db` is free again (its snapshot transaction ends here) while they work. The
    /// files, checksums and manifest are exactly those `write()` makes. A restore of this
    /// backup streams from `heldSnapshot` meanwhile (see `HeldSnapshot`).
    /// - Returns: nil when the backup cannot run in the background (it reads inside the
    ///   caller's transaction, or no connection could be opened): `write()` then does it.
    public func start() throws -> BackupInProgress? {
        guard open, ownTransaction, !jobs.isEmpty else { return nil }
        let snapshot = try db.scalar("select pg_export_snapshot()")!
        let pool = try BackupWriter.snapshotConnections(db, snapshot: snapshot, count: min(options.connections, jobs.count), lock: tables)
        guard !pool.isEmpty else { return nil }
        let folder: BackupFolder
        do { folder = try BackupFolder.begin(directory: directory, name: label + "_" + folderTime) } catch {
            for c in pool { c.close() }
            throw error
        }
        // What a restore may stream already: every table but its rows, bytes and checksum.
        let provisional = manifest(jobs.map { t, file in
            BackupManifest.Table(schema: t.schema, name: t.name, file: file, columns: t.columns, rows: t.estimatedRows,
                                 bytes: 0, sha256: "", filter: t.filter)
        })
        let running = BackupInProgress(path: folder.finalPath, tables: plan.tables.count)
        heldSnapshot = HeldSnapshot.open(from: db, snapshot: snapshot, path: folder.finalPath, manifest: provisional, tables: tables,
                                         running: running)
        do { try db.execute("COMMIT") } catch {
            heldSnapshot?.close()
            heldSnapshot = nil
            for c in pool { c.close() }
            folder.abandon()
            throw error
        }
        ownTransaction = false
        open = false
        let jobs = jobs
        let quiet = { var o = self.options; o.progress = nil; return o }() // other steps own the terminal meanwhile
        let template = manifest([])
        Thread {
            let outcome = Result { () throws -> BackupResult in
                defer {
                    for c in pool { _ = try? c.execute("COMMIT"); c.close() }
                    folder.abandon()
                }
                let entries = try BackupWriter.copyTables(pool: pool, jobs: jobs, folder: folder.tempPath, options: quiet)
                var manifest = template
                manifest.tables = entries
                try folder.seal(manifest)
                return BackupResult(path: folder.finalPath, manifest: manifest)
            }
            running.finish(outcome)
        }.start()
        return running
    }

    /// Each table's file name, fixed before copying so parallel workers never race on them.
    private lazy var jobs: [(DataTable, String)] = {
        var taken = Set<String>()
        return tables.map { t in
            let name = TableFile.fileName(schema: t.schema, table: t.name, taken: taken)
            taken.insert(name.lowercased())
            return (t, name)
        }
    }()

    /// The manifest of this backup with the tables' entries as written.
    private func manifest(_ entries: [BackupManifest.Table]) -> BackupManifest {
        var settings = Dictionary(uniqueKeysWithValues: SessionSettings.fidelity.prefix(6).map { ($0.0, $0.1) })
        settings["lc_monetary"] = lcMonetary
        return BackupManifest(
            format: BackupManifest.formatName, formatVersion: BackupManifest.currentVersion, label: label,
            source: .init(database: database, serverVersion: serverVersion, serverVersionNum: serverVersionNum),
            snapshotTime: snapshotTime, schemas: options.schemas, settings: settings,
            tables: entries, sequences: sequences)
    }
}
