import Foundation

/// Options of `restore(db, backup_or_path, {tables})`.
public struct RestoreOptions: Sendable {
    /// Only these tables of the backup (`name` or `schema.name`, `*`/`?` allowed); all when nil.
    public var tables: [String]?
    /// The schema of a legacy `<table>.json` file (old Node scripts wrote no schema).
    public var legacySchema: String
    public var progress: DataProgressHandler?

    public init(tables: [String]? = nil, legacySchema: String = "public", progress: DataProgressHandler? = nil) {
        self.tables = tables
        self.legacySchema = legacySchema
        self.progress = progress
    }
}

/// How triggers and foreign keys were held off while rows loaded.
public enum LoadMode: String, Sendable {
    /// `session_replication_role = replica`: no FK check and no ordinary trigger fires.
    case replica
    /// Replica mode was not allowed: the FKs touching the tables were dropped and re-added
    /// (which validates them), and their enabled user triggers disabled and re-enabled.
    case constraintsDropped
}

public struct RestoredTable: Sendable, Equatable {
    public var name: String // schema.name
    public var rows: Int
    public var bytes: Int
}

public struct RestoreResult: Sendable {
    public var path: String
    public var tables: [RestoredTable]
    public var rows: Int { tables.reduce(0) { $0 + $1.rows } }
    public var bytes: Int { tables.reduce(0) { $0 + $1.bytes } }
    /// Sequences set to the source's values (legacy backups: to the column's maximum).
    public var sequences: [String]
    public var materializedViews: [String]
    public var mode: LoadMode
    public var legacy: Bool
    /// Tables streamed from a held snapshot in binary COPY format (`HeldSnapshot.streamsBinary`).
    public var binaryTables: [String] = []
}

/// What a restore would do, computed by reading only (for `--dry-run`). A backup that a
/// restore would refuse makes `plan` throw the same error.
public struct RestorePlan: Sendable {
    public struct Table: Sendable, Equatable {
        public var name: String
        /// Rows the backup holds for the table.
        public var rows: Int
        public var bytes: Int
        /// Rows now in the target table, which the restore deletes first.
        public var existingRows: Int
        /// The backup holds only the rows this `where` filter kept (a subset).
        public var filter: String? = nil
    }
    public var path: String
    public var tables: [Table]
    public var sequences: [String]
    public var materializedViews: [String]
    public var legacy: Bool
    public var rows: Int { tables.reduce(0) { $0 + $1.rows } }
    public var existingRows: Int { tables.reduce(0) { $0 + $1.existingRows } }
}

/// Loads backups into existing tables.
///
/// What a user can expect:
/// - The backup is checked completely first (manifest, each file's size and SHA-256); a
///   damaged or partial backup is refused naming the table, and the database is untouched.
/// - Tables are not created: each must exist with every backed-up column (extra target
///   columns get their defaults). The restored tables are emptied (`TRUNCATE`) and
///   reloaded, so afterwards they hold exactly the backup's rows. Tables outside the
///   restore are left alone; when one of them references a restored table and has rows,
///   the restore is refused (emptying the referenced table would break those references).
/// - No load order is needed: FK checks and ordinary triggers are held off while loading
///   (replica mode, else FKs dropped and re-added), so cycles and self-references load as
///   they are. Identity and serial sequences end at the source's values; materialized
///   views that depend on the tables are refreshed.
/// - All or nothing: in its own transaction, or inside the caller's when one is open.
public enum Restorer {
    public static func run(_ db: PGConnection, from path: String, _ options: RestoreOptions = .init()) throws -> RestoreResult {
        try prepare(db, from: path, options, exactCounts: false).run()
    }

    /// Everything `run` checks, and the counts it would report, without writing.
    public static func plan(_ db: PGConnection, from path: String, _ options: RestoreOptions = .init()) throws -> RestorePlan {
        try prepare(db, from: path, options, exactCounts: true).plan
    }

    /// The plan that is the work: opens and verifies the backup (manifest, every chosen
    /// file's size and SHA-256, read once), finds each target table and runs every check a
    /// restore makes, writing nothing. Throws the error the restore would refuse with.
    /// `run()` on the result then loads exactly what was checked.
    /// - Parameter exactCounts: count the rows now in the target tables, and list the
    ///   sequences and materialized views (a dry run shows them); a real run skips that.
    public static func prepare(_ db: PGConnection, from path: String, _ options: RestoreOptions = .init(),
                               exactCounts: Bool) throws -> PreparedRestore {
        try prepare(db, reader: try open(db, path, options), source: nil, options, exactCounts: exactCounts)
    }

    /// The same, for a backup whose snapshot is still held (`HeldSnapshot`): `run()` streams
    /// each table's rows from the source instead of reading the files, which are not read
    /// at all (this run wrote them and hashed them as it wrote). The checks, the emptying, the
    /// sequences and the row counts are those of a restore from the files.
    public static func prepare(_ db: PGConnection, streamingFrom held: HeldSnapshot, _ options: RestoreOptions = .init(),
                               exactCounts: Bool) throws -> PreparedRestore {
        let chosen = try BackupReader.choose(held.manifest.tables, by: options.tables, name: { ($0.schema, $0.name) })
        let reader = BackupReader(path: held.path, content: .manifest(held.manifest, tables: chosen))
        return try prepare(db, reader: reader, source: held, options, exactCounts: exactCounts)
    }

    /// Whether a restore into `db` may stream from `held`: the snapshot is still open and the
    /// servers are of the same major version (text COPY between them is then exact).
    public static func canStream(from held: HeldSnapshot, into db: PGConnection) -> Bool {
        held.isUsable && held.serverVersionNum / 10000 == db.serverVersion / 10000
    }

    static func prepare(_ db: PGConnection, reader: BackupReader, source: HeldSnapshot?, _ options: RestoreOptions,
                        exactCounts: Bool) throws -> PreparedRestore {
        let targets = try prepareTargets(db, reader)
        var tables: [RestorePlan.Table] = []
        var sequenceNames: [String] = []
        var views: [String] = []
        var legacy = false
        switch reader.content {
        case .manifest(let manifest, let chosen):
            for (t, target) in zip(chosen, targets) {
                tables.append(.init(name: t.qualifiedName, rows: t.rows, bytes: t.bytes, existingRows: exactCounts ? try count(db, target) : 0,
                                    filter: t.filter))
            }
            if exactCounts {
                sequenceNames = try sequencesToSet(db, manifest, targets, filtered: options.tables != nil).map { $0.schema + "." + $0.name }
            }
        case .legacy(let chosen):
            legacy = true
            for (t, target) in zip(chosen, targets) {
                tables.append(.init(name: t.displayName, rows: t.rows, bytes: t.bytes, existingRows: exactCounts ? try count(db, target) : 0))
            }
            if exactCounts { sequenceNames = try ownedSequences(db, targets).map(\.display) }
        }
        if exactCounts { views = try MaterializedViews.dependingOn(db, tables: targets.map(\.oid)).map(\.display) }
        let plan = RestorePlan(path: reader.path, tables: tables, sequences: sequenceNames, materializedViews: views, legacy: legacy)
        return PreparedRestore(db: db, reader: reader, targets: targets, options: options, plan: plan, source: source)
    }

    /// Loads what `prepare` checked.
    static func load(_ db: PGConnection, _ reader: BackupReader, _ targets: [Target], _ options: RestoreOptions,
                     source: HeldSnapshot? = nil) throws -> RestoreResult {
        let ownTransaction = !db.inTransaction
        if ownTransaction { try db.execute("BEGIN") }
        var committed = false
        defer { if ownTransaction && !committed { _ = try? db.execute("ROLLBACK") } }
        var settings = SessionSettings.fidelity
        if case .manifest(let m, let tables) = reader.content, tables.contains(where: { $0.columns.contains { $0.type == "money" } }),
           let monetary = m.settings["lc_monetary"] {
            settings.append(("lc_monetary", monetary)) // money is written in the source's locale
        }
        let previous = try SessionSettings.apply(db, settings)

        let guardState = try TriggerGuard.holdOff(db, tables: targets.map(\.oid))
        try emptyTables(db, targets)
        var restored: [RestoredTable] = []
        var binaryTables: [String] = []
        let progressLock = NSLock()
        switch reader.content {
        case .manifest(_, let tables):
            for (table, target) in zip(tables, targets) {
                let ticker = ProgressTicker(options.progress, table: table.qualifiedName, lock: progressLock)
                let rows: Int
                if let source {
                    let streamed = try streamTable(db, table, from: source, into: target, ticker: ticker)
                    rows = streamed.rows
                    if streamed.binary { binaryTables.append(table.qualifiedName) }
                } else {
                    rows = try loadTable(db, table, folder: reader.path, into: target, ticker: ticker)
                }
                restored.append(RestoredTable(name: table.qualifiedName, rows: rows, bytes: table.bytes))
            }
        case .legacy(let tables):
            for (table, target) in zip(tables, targets) {
                let ticker = ProgressTicker(options.progress, table: table.displayName, lock: progressLock)
                let rows = try loadLegacyTable(db, table, into: target)
                ticker.finish(rows: rows, bytes: table.bytes)
                restored.append(RestoredTable(name: table.displayName, rows: rows, bytes: table.bytes))
            }
        }
        if let source, let running = source.running {
            // The files were written while the rows streamed: the restore counts only once
            // the backup is complete, and only if each table got exactly the rows its file holds.
            let written = try running.wait().manifest
            let byName = Dictionary(written.tables.map { ($0.qualifiedName, $0) }, uniquingKeysWith: { a, _ in a })
            for (i, table) in restored.enumerated() {
                guard let file = byName[table.name], file.rows == table.rows else {
                    throw source.changed(table.name, shows: table.rows, holds: byName[table.name]?.rows ?? 0)
                }
                restored[i].bytes = file.bytes
            }
        }
        try guardState.release(db)
        if guardState.mode == .replica {
            var subsets: [String] = []
            if case .manifest(_, let tables) = reader.content {
                subsets = zip(tables, targets).filter { $0.0.filter != nil }.map { $0.1.oid }
            }
            try checkBoundaryKeys(db, targets, subsets: subsets)
        }
        let sequences = try setSequences(db, reader, targets, filtered: options.tables != nil)
        let views = try MaterializedViews.dependingOn(db, tables: targets.map(\.oid))
        for view in views { try db.execute("REFRESH MATERIALIZED VIEW \(view.qualified)") }
        if ownTransaction {
            try db.execute("COMMIT")
            committed = true
        } else {
            try SessionSettings.restore(db, previous)
        }
        let legacy: Bool
        if case .legacy = reader.content { legacy = true } else { legacy = false }
        return RestoreResult(path: reader.path, tables: restored, sequences: sequences,
                             materializedViews: views.map(\.display), mode: guardState.mode, legacy: legacy, binaryTables: binaryTables)
    }

    /// What restoring a backup that is only planned (a dry run's `backup`) would do: the
    /// planned tables and row counts, with the rows now in the target counted where the
    /// table exists. Nothing is refused, since earlier steps of the same run (clone_schema)
    /// may create the tables; sequences and views are not known yet and stay empty.
    public static func plan(_ db: PGConnection, backup: BackupPlan, _ options: RestoreOptions = .init()) throws -> RestorePlan {
        let chosen = try BackupReader.choose(backup.tables, by: options.tables, name: { ($0.schema, $0.table) })
        var tables: [RestorePlan.Table] = []
        for t in chosen {
            var existing = 0
            if try TableSelection.tableOID(db, schema: t.schema, name: t.table) != nil {
                existing = Int(try db.scalar("select count(*) from \(SQL.qualified(t.schema, t.table))") ?? "0") ?? 0
            }
            tables.append(.init(name: t.name, rows: t.rows, bytes: t.estimatedBytes, existingRows: existing, filter: t.filter))
        }
        return RestorePlan(path: backup.path, tables: tables, sequences: [], materializedViews: [], legacy: false)
    }

    // MARK: Checking

    /// A restored table in the target database.
    struct Target {
        var schema: String
        var name: String
        var oid: String
        var kind: String
        /// The columns loaded, in the backup's order.
        var columns: [String]
        var qualified: String { SQL.qualified(schema, name) }
        var display: String { schema + "." + name }
    }

    static func open(_ db: PGConnection, _ path: String, _ options: RestoreOptions) throws -> BackupReader {
        let schemas = Set(try db.query("select nspname from pg_namespace").rows.map { $0[0]! })
        return try BackupReader.open(path, tables: options.tables, legacySchema: options.legacySchema, knownSchemas: schemas)
    }

    /// Finds each table in the target and checks that it can take the backup's columns,
    /// and that emptying the tables breaks no reference from a table left out.
    static func prepareTargets(_ db: PGConnection, _ reader: BackupReader) throws -> [Target] {
        let wanted: [(schema: String, name: String, columns: [String])]
        switch reader.content {
        case .manifest(_, let tables): wanted = tables.map { ($0.schema, $0.name, $0.columns.map(\.name)) }
        case .legacy(let tables): wanted = tables.map { ($0.schema, $0.name, $0.keys) }
        }
        var targets: [Target] = []
        for w in wanted {
            let display = w.schema + "." + w.name
            guard let found = try TableSelection.tableOID(db, schema: w.schema, name: w.name) else {
                throw BeekError.refused("table \(display) does not exist in the target database (restore loads data into existing tables: clone the schema first); nothing was restored")
            }
            let all = try db.query("""
                select attname, attgenerated <> '' from pg_attribute
                where attrelid = $1::oid and attnum > 0 and not attisdropped
                """, [found.oid]).rows
            let generated = Set(all.filter { $0[1] == "t" }.map { $0[0]! })
            let present = Set(all.map { $0[0]! })
            for column in w.columns {
                if !present.contains(column) {
                    throw BeekError.refused("table \(display) in the target has no column \"\(column)\", which the backup holds; nothing was restored")
                }
                if generated.contains(column) {
                    throw BeekError.refused("column \"\(column)\" of \(display) is generated in the target but stored in the backup; nothing was restored")
                }
            }
            targets.append(Target(schema: w.schema, name: w.name, oid: found.oid, kind: found.kind, columns: w.columns))
        }
        _ = try outsideReferencers(db, targets)
        return targets
    }

    /// Tables outside the restore that reference a restored table, directly or through
    /// each other. They must be empty; they are then truncated along with the restored
    /// tables (TRUNCATE requires it), which changes nothing in them.
    static func outsideReferencers(_ db: PGConnection, _ targets: [Target]) throws -> [(qualified: String, display: String)] {
        var inSet = Set(targets.map(\.oid))
        var frontier = Array(inSet)
        var found: [(String, String)] = []
        while !frontier.isEmpty {
            let rows = try db.query("""
                select distinct c.oid::text, n.nspname, c.relname from pg_constraint k
                join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
                where k.contype = 'f' and k.confrelid = any($1::oid[])
                """, [TableSelection.textArray(frontier)]).rows
            frontier = []
            for r in rows where !inSet.contains(r[0]!) {
                inSet.insert(r[0]!)
                frontier.append(r[0]!)
                let qualified = SQL.qualified(r[1]!, r[2]!), display = r[1]! + "." + r[2]!
                if try db.scalar("select exists (select 1 from \(qualified))") == "t" {
                    throw BeekError.refused("table \(display) is not being restored but has rows that reference a restored table; include it in tables= or empty it first; nothing was restored")
                }
                found.append((qualified, display))
            }
        }
        return found
    }

    static func count(_ db: PGConnection, _ target: Target) throws -> Int {
        Int(try db.scalar("select count(*) from \(target.qualified)") ?? "0") ?? 0
    }

    // MARK: Loading

    static func emptyTables(_ db: PGConnection, _ targets: [Target]) throws {
        guard !targets.isEmpty else { return }
        // ONLY: children by inheritance that are not restored keep their rows.
        var names = targets.map { ($0.kind == "p" ? "" : "ONLY ") + $0.qualified }
        names += try outsideReferencers(db, targets).map { "ONLY " + $0.qualified }
        try db.execute("TRUNCATE " + names.joined(separator: ", "))
    }

    /// The COPY that loads one target table. FREEZE: the restore has just emptied the table
    /// with TRUNCATE in this (sub)transaction, so the rows may be written frozen and
    /// all-visible, as nobody else can see the table before the commit; the first reads after
    /// the commit (verify, queries) then do not rewrite every page to set hint bits.
    static func copyInCommand(_ target: Target, binary: Bool = false) -> String {
        let columnList = target.columns.isEmpty ? "" : " (" + target.columns.map(SQL.quoteIdent).joined(separator: ", ") + ")"
        // A partitioned parent or a foreign table cannot be loaded frozen.
        let options = (target.kind == "r" ? ["FREEZE"] : []) + (binary ? ["FORMAT binary"] : [])
        return "COPY \(target.qualified)\(columnList) FROM STDIN" + (options.isEmpty ? "" : " WITH (" + options.joined(separator: ", ") + ")")
    }

    /// Streams one table from the backup's held snapshot into `COPY … FROM STDIN`, in binary
    /// where that means exactly what text would (`HeldSnapshot.streamsBinary`).
    static func streamTable(_ db: PGConnection, _ table: BackupManifest.Table, from source: HeldSnapshot,
                            into target: Target, ticker: ProgressTicker) throws -> (rows: Int, binary: Bool) {
        var sent = (rows: 0, bytes: 0)
        let binary = try source.streamsBinary(table, targetTypes: try HeldSnapshot.columnTypes(db, table: target.oid))
        let loaded = try db.copyIn(copyInCommand(target, binary: binary)) { writer in
            sent = try source.stream(table, into: writer, binary: binary) { ticker.tick(rows: $0, bytes: $1) }
        }
        // The server's own count, as a file restore checks the file's rows against the manifest
        // (against the finished backup's, when its files were still being written: `load`).
        guard loaded == table.rows || source.running != nil else {
            throw BeekError.failed("\(table.qualifiedName): \(loaded) rows loaded, the backup holds \(table.rows); nothing was restored")
        }
        ticker.finish(rows: loaded, bytes: sent.bytes)
        return (loaded, binary)
    }

    /// Streams one verified table file into `COPY … FROM STDIN`.
    static func loadTable(_ db: PGConnection, _ table: BackupManifest.Table, folder: String,
                          into target: Target, ticker: ProgressTicker) throws -> Int {
        let path = folder + "/" + table.file
        var rows = 0, bytesRead = 0, line = 0, ended = false
        let expected = table.columns.count
        let loaded = try db.copyIn(copyInCommand(target)) { writer in
            var out: [UInt8] = []
            out.reserveCapacity(1 << 20 + 1 << 16)
            try LineReader(path: path).forEachLine { bytes in
                line += 1
                bytesRead += bytes.count + 1
                if line == 1 { return } // the header; the manifest describes the columns
                if ended { throw BeekError.refused("\(path): text after the end of the rows (line \(line))") }
                if bytes.count == 2, bytes[0] == RowCodec.closeBracket, bytes[1] == 0x7D { ended = true; return }
                if bytes.isEmpty { return } // the line between "rows":[ and ]} of an empty table
                let fields: Int
                do { fields = try RowCodec.appendCopyRow(json: bytes, to: &out) } catch {
                    throw BeekError.refused("\(path) line \(line) (table \(table.qualifiedName)): \(error)")
                }
                guard fields == expected else {
                    throw BeekError.refused("\(path) line \(line) (table \(table.qualifiedName)): \(fields) values, expected \(expected)")
                }
                rows += 1
                if out.count >= 1 << 20 {
                    try writer.write(out)
                    out.removeAll(keepingCapacity: true)
                    ticker.tick(rows: rows, bytes: bytesRead)
                }
            }
            if !out.isEmpty { try writer.write(out) }
            guard ended else { throw BeekError.refused("\(path) (table \(table.qualifiedName)) ends before its last row") }
            guard rows == table.rows else {
                throw BeekError.refused("\(path) (table \(table.qualifiedName)) holds \(rows) rows, the manifest says \(table.rows)")
            }
        }
        ticker.finish(rows: loaded, bytes: bytesRead)
        return loaded
    }

    /// Legacy rows are JSON objects with JSON-typed values (numbers, objects for json
    /// columns, arrays for array columns): the server's `json_populate_recordset` converts
    /// them exactly as the old scripts' inserts did. Legacy files are small by nature (the
    /// old scripts held them in memory too), so the file goes over as one parameter.
    static func loadLegacyTable(_ db: PGConnection, _ table: BackupReader.LegacyTable, into target: Target) throws -> Int {
        guard !target.columns.isEmpty else {
            // Rows of `{}`: one row of defaults each.
            for _ in 0..<table.rows { try db.execute("INSERT INTO \(target.qualified) DEFAULT VALUES") }
            return table.rows
        }
        let text = try String(contentsOfFile: table.path, encoding: .utf8)
        let columns = target.columns.map(SQL.quoteIdent).joined(separator: ", ")
        let r = try db.query("""
            INSERT INTO \(target.qualified) (\(columns))
            SELECT \(columns) FROM json_populate_recordset(NULL::\(target.qualified), $1::json)
            """, [text])
        return r.affectedRows ?? table.rows
    }

    /// Rows loaded in replica mode were not checked against their foreign keys. Keys
    /// between restored tables hold (the backup is one snapshot); keys from a restored
    /// table to one left out are checked here, as re-adding them would; so are keys to a
    /// table restored from a subset (`where`), which the backup checked but a hand-edited
    /// manifest could not promise.
    static func checkBoundaryKeys(_ db: PGConnection, _ targets: [Target], subsets: [String] = []) throws {
        let keys = try db.query("""
            select k.conname, k.conrelid::regclass::text, k.confrelid::regclass::text,
                   (select string_agg(quote_ident(attname), ',' order by ord) from unnest(k.conkey) with ordinality u(n, ord)
                    join pg_attribute on attrelid = k.conrelid and attnum = u.n),
                   (select string_agg(quote_ident(attname), ',' order by ord) from unnest(k.confkey) with ordinality u(n, ord)
                    join pg_attribute on attrelid = k.confrelid and attnum = u.n)
            from pg_constraint k
            where k.contype = 'f' and k.convalidated and k.conrelid = any($1::oid[]) and not \(partitionClone("k"))
              and (not k.confrelid = any($1::oid[]) or k.confrelid = any($2::oid[])
                   or k.confrelid in (select a.relid from unnest($2::oid[]) s(oid), pg_partition_ancestors(s.oid) a))
            """, [TableSelection.textArray(targets.map(\.oid)), TableSelection.textArray(subsets)]).rows
        for k in keys {
            let child = k[3]!.split(separator: ",").map(String.init), parent = k[4]!.split(separator: ",").map(String.init)
            // MATCH SIMPLE: a key with a NULL column references nothing.
            let notNull = child.map { "c.\($0) IS NOT NULL" }.joined(separator: " AND ")
            let join = zip(child, parent).map { "p.\($1) = c.\($0)" }.joined(separator: " AND ")
            let broken = try db.scalar("""
                SELECT count(*) FROM ONLY \(k[1]!) c WHERE \(notNull)
                AND NOT EXISTS (SELECT 1 FROM \(k[2]!) p WHERE \(join))
                """)
            if broken != "0" {
                throw BeekError.refused("\(broken ?? "some") restored rows of \(k[1]!) reference rows missing from \(k[2]!) (foreign key \(k[0]!)); restore \(k[2]!) too; nothing was restored")
            }
        }
    }

    /// SQL true for a foreign key `alias` that PostgreSQL made for one partition of a
    /// referenced partitioned table (its parent constraint is on the same referencing table):
    /// it holds only the rows that point into that partition, so checking it alone would call
    /// every reference into another partition missing. The key on the partitioned table is checked.
    static func partitionClone(_ alias: String) -> String {
        "exists (select 1 from pg_constraint pk where pk.oid = \(alias).conparentid and pk.conrelid = \(alias).conrelid)"
    }

    // MARK: Sequences

    struct SequenceTarget { var schema: String; var name: String; var display: String { schema + "." + name } }

    /// Sequences of the backup that belong to a restored table, and, when the whole backup
    /// is restored, the free-standing ones too; only those that exist in the target.
    /// A partitioned table's identity sequence is owned by the parent, while the backup holds
    /// its leaf partitions: the parent counts as restored when one of its partitions is.
    static func sequencesToSet(_ db: PGConnection, _ manifest: BackupManifest, _ targets: [Target], filtered: Bool) throws -> [BackupManifest.Sequence] {
        var restored = Set(targets.map(\.display))
        let ancestors = try db.query("""
            select distinct n.nspname, c.relname from unnest($1::oid[]) t(oid), pg_partition_ancestors(t.oid) a
            join pg_class c on c.oid = a.relid join pg_namespace n on n.oid = c.relnamespace
            """, [TableSelection.textArray(targets.map(\.oid))]).rows
        for a in ancestors { restored.insert(a[0]! + "." + a[1]!) }
        let restoredSchemas = Set(targets.map(\.schema))
        return try manifest.sequences.filter { s in
            if let owner = s.ownedBy { guard restored.contains(owner.schema + "." + owner.table) else { return false } }
            else if filtered || !restoredSchemas.contains(s.schema) && !manifest.schemas.contains(s.schema) { return false }
            return try db.scalar("""
                select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = $1 and c.relname = $2 and c.relkind = 'S'
                """, [s.schema, s.name]) == "1"
        }
    }

    /// Sequences owned by columns of the tables (serial and identity), with their column.
    static func ownedSequences(_ db: PGConnection, _ targets: [Target]) throws -> [(schema: String, name: String, table: Target, column: String, display: String)] {
        var out: [(String, String, Target, String, String)] = []
        for t in targets {
            let rows = try db.query("""
                select n.nspname, s.relname, a.attname from pg_depend d
                join pg_class s on s.oid = d.objid and s.relkind = 'S'
                join pg_namespace n on n.oid = s.relnamespace
                join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
                  and d.refobjid = $1::oid and d.deptype in ('a', 'i')
                order by 1, 2
                """, [t.oid]).rows
            for r in rows { out.append((r[0]!, r[1]!, t, r[2]!, r[0]! + "." + r[1]!)) }
        }
        return out
    }

    static func setSequences(_ db: PGConnection, _ reader: BackupReader, _ targets: [Target], filtered: Bool) throws -> [String] {
        switch reader.content {
        case .manifest(let manifest, _):
            let list = try sequencesToSet(db, manifest, targets, filtered: filtered)
            for s in list {
                try db.query("select setval($1::regclass, $2::bigint, $3::boolean)",
                             [SQL.qualified(s.schema, s.name), s.lastValue, s.isCalled ? "true" : "false"])
            }
            return list.map { $0.schema + "." + $0.name }
        case .legacy:
            // No recorded values: continue after the highest id loaded, as a fresh insert would.
            let list = try ownedSequences(db, targets)
            for s in list {
                let seq = SQL.qualified(s.schema, s.name)
                try db.query("""
                    select case when m is null then setval($1::regclass, (select seqstart from pg_sequence where seqrelid = $1::regclass), false)
                                else setval($1::regclass, m, true) end
                    from (select max(\(SQL.quoteIdent(s.column)))::bigint as m from \(s.table.qualified)) x
                    """, [seq])
            }
            return list.map(\.display)
        }
    }
}

/// A checked restore (see `Restorer.prepare`): `plan` for the step line, `run()` to load it.
public struct PreparedRestore {
    public let plan: RestorePlan
    let db: PGConnection
    let reader: BackupReader
    let targets: [Restorer.Target]
    let options: RestoreOptions
    /// Set when the rows stream from the backup's held snapshot instead of its files.
    let source: HeldSnapshot?
    public var streams: Bool { source != nil }

    init(db: PGConnection, reader: BackupReader, targets: [Restorer.Target], options: RestoreOptions, plan: RestorePlan,
         source: HeldSnapshot? = nil) {
        self.db = db
        self.reader = reader
        self.targets = targets
        self.options = options
        self.plan = plan
        self.source = source
    }

    public func run() throws -> RestoreResult { try Restorer.load(db, reader, targets, options, source: source) }
}
