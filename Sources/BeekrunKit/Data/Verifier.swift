import Foundation

/// Options of `verify(a, b, {schemas})`.
public struct VerifyOptions: Sendable {
    public var schemas: [String]
    /// Tables checksummed at the same time (each with one connection per side).
    public var workers: Int

    public init(schemas: [String] = ["public"], workers: Int = 2) {
        self.schemas = schemas
        self.workers = workers
    }
}

/// One table compared by `verify`.
public struct VerifiedTable: Sendable, Equatable {
    public var name: String // schema.name
    /// nil when the table does not exist on that side.
    public var rowsA: Int?
    public var rowsB: Int?
    public var equal: Bool
    /// Why it differs, for the step line ("2 rows missing in b", "checksums differ").
    public var reason: String?
}

public struct VerifyResult: Sendable {
    public var tables: [VerifiedTable]
    public var equal: Bool { tables.allSatisfy(\.equal) }
    public var differing: [VerifiedTable] { tables.filter { !$0.equal } }
}

/// Compares the rows of two databases table by table, each server computing its own
/// fingerprint, so no row crosses the network (as pgcopydb's `compare data`).
///
/// A table's fingerprint is its row count plus the exact sum (int128 inside the server) of a
/// 64-bit hash of each row (`rowHashSQL`). The sum makes it independent of row order and
/// physical layout; one changed value, one missing or one extra row changes it unless two
/// different rows happen to hash to values that cancel (odds of about 2^-64: not something data
/// produces by accident; this is a check against mistakes, not against an adversary). The row
/// hash is `hash_record_extended` over the columns (PostgreSQL 14+): integers, timestamps,
/// uuids, booleans, bytea, text under a deterministic collation, numeric (with its scale) and
/// floats (with a zero's sign) are hashed as they are, every other column through its text
/// (`hashFaithfulTypes` says why); skipping the output functions makes it up to 2–3 times
/// cheaper than hashing the row's text, which matters because the check reads every row on
/// both servers. These hashes are the ones hash partitioning stores on disk, so
/// PostgreSQL keeps them stable across versions. Columns are taken in side a's order, and text
/// is printed under the fixed session settings that backups use, so dates, floats and bytea
/// print alike on both servers.
///
/// Each side reads one consistent snapshot: a connection in a transaction reads inside it
/// (seeing its own uncommitted work) on that connection only; otherwise the snapshot is
/// exported to up to `workers - 1` more connections and tables are checksummed in parallel,
/// largest first. The two sides work at the same time, each through its own queue. Memory is
/// constant: one result row per table comes back.
public enum Verifier {
    public static func run(_ a: PGConnection, _ b: PGConnection, _ options: VerifyOptions = .init()) throws -> VerifyResult {
        let sideA = try Side.open(a, workers: options.workers)
        defer { sideA.close() }
        let sideB = try Side.open(b, workers: options.workers)
        defer { sideB.close() }

        let tablesA = try catalog(a, schemas: options.schemas)
        let tablesB = try catalog(b, schemas: options.schemas)
        // hash_record_extended is PostgreSQL 14's.
        let hashOnBothSides = a.serverVersion >= 140000 && b.serverVersion >= 140000
        let names = Set(tablesA.keys).union(tablesB.keys).sorted()
        var results = [VerifiedTable?](repeating: nil, count: names.count)
        var jobs: [(index: Int, a: CatalogTable, b: CatalogTable)] = []
        for (i, name) in names.enumerated() {
            switch (tablesA[name], tablesB[name]) {
            case let (ta?, tb?):
                if Set(ta.columns) != Set(tb.columns) {
                    // Still fingerprinted (on the shared columns), for the row counts.
                    results[i] = VerifiedTable(name: name, rowsA: nil, rowsB: nil, equal: false, reason: "columns differ")
                }
                jobs.append((i, ta, tb))
            case let (ta?, nil):
                results[i] = VerifiedTable(name: name, rowsA: ta.estimatedRows, rowsB: nil, equal: false, reason: "missing in b")
            case let (nil, tb?):
                results[i] = VerifiedTable(name: name, rowsA: nil, rowsB: tb.estimatedRows, equal: false, reason: "missing in a")
            default: break
            }
        }
        // Largest first, so the workers finish together. Each side has its own workers and
        // queue: both servers compute at the same time, and a side with more connections (or
        // faster) does not wait for the other table by table.
        jobs.sort { $0.a.bytes > $1.a.bytes }
        let todo = jobs.map { job -> (index: Int, a: CatalogTable, b: CatalogTable, expression: String) in
            // Side a's column order on both sides, so the rows hash alike.
            let columns = job.a.columns.filter { job.b.columns.contains($0) }
            var hashed: [String: String] = [:]
            for c in columns where hashOnBothSides && job.a.hashable.contains(c) && job.b.hashable.contains(c) && job.a.types[c] == job.b.types[c] {
                hashed[c] = job.a.types[c]
            }
            return (job.index, job.a, job.b, rowHashSQL(columns: columns, hashed: hashed))
        }
        let queues = (a: WorkQueue(count: todo.count), b: WorkQueue(count: todo.count))
        let found = FingerprintBox()
        let work: @Sendable (_ sideIsA: Bool, _ worker: Int) -> Void = { sideIsA, worker in
            let queue = sideIsA ? queues.a : queues.b
            let conn = sideIsA ? sideA.pool[worker] : sideB.pool[worker]
            while let j = queue.next() {
                let job = todo[j]
                do {
                    let f = try fingerprint(conn, sideIsA ? job.a : job.b, rowHash: job.expression)
                    found.set(job.index, sideIsA: sideIsA, f)
                } catch {
                    // Both sides stop: the other side's rest is no use without this one's.
                    queues.a.fail(error)
                    queues.b.fail(error)
                }
            }
        }
        let group = DispatchGroup()
        let threads = sideA.pool.indices.map { (true, $0) } + sideB.pool.indices.map { (false, $0) }
        for (sideIsA, worker) in threads.dropFirst() where !todo.isEmpty {
            group.enter()
            Thread { work(sideIsA, worker); group.leave() }.start()
        }
        work(true, 0)
        group.wait()
        if let error = queues.a.failed ?? queues.b.failed { throw error }

        for job in jobs {
            guard let (fa, fb) = found.get(job.index) else { continue }
            var reason: String?
            if fa.rows != fb.rows {
                reason = fa.rows > fb.rows ? "\(fa.rows - fb.rows) row(s) fewer in b" : "\(fb.rows - fa.rows) row(s) more in b"
            } else if fa != fb {
                reason = "same row count, different rows"
            }
            if let earlier = results[job.index] { reason = earlier.reason }
            results[job.index] = VerifiedTable(name: names[job.index], rowsA: fa.rows, rowsB: fb.rows,
                                               equal: reason == nil, reason: reason)
        }
        return VerifyResult(tables: results.compactMap { $0 })
    }

    // MARK: Catalog

    struct CatalogTable: Sendable {
        var qualified: String
        var columns: [String]
        var bytes: Int
        var estimatedRows: Int?
        /// Each column's type (`regtype`), and the columns whose type's hash tells values apart exactly.
        var types: [String: String] = [:]
        var hashable: Set<String> = []
    }

    /// Types whose hash tells apart any two values whose text differs: hashing them skips their
    /// output function, the costly part of fingerprinting. Most hash exactly what their equality
    /// compares, which for these is the whole value; numeric (1.0 = 1.00) and floats (0 = -0)
    /// get what their equality leaves out added (`hashedColumn`). Not here, hashed through their
    /// text: interval ('1 day' = '24 hours'), jsonb (numbers inside compare as numbers), arrays
    /// (bounds are not hashed), enums (hashed by OID, which differs between databases), inet,
    /// domains, user types, and text under a nondeterministic collation.
    static let hashFaithfulTypes: Set<String> = ["boolean", "smallint", "integer", "bigint", "oid", "date", "timestamp without time zone",
                                                 "timestamp with time zone", "time without time zone", "uuid", "bytea", "text",
                                                 "character varying", "numeric", "double precision", "real"]

    /// One column's part of the row hash, for a column of `type` in `hashFaithfulTypes`.
    /// numeric: 1.0 = 1.00, so its scale goes in too (value and scale decide its text).
    /// floats: 0 = -0 (and every NaN prints alike), so a zero goes in as its text.
    static func hashedColumn(_ column: String, type: String) -> String {
        let c = "t." + SQL.quoteIdent(column)
        switch type {
        case "numeric": return "\(c), scale(\(c))"
        case "double precision", "real": return "\(c), case when \(c) = 0 then \(c)::text end"
        default: return c
        }
    }

    /// Ordinary tables and partitions of the schemas (partitioned parents hold no rows of
    /// their own), with their columns in table order.
    static func catalog(_ db: PGConnection, schemas: [String]) throws -> [String: CatalogTable] {
        let rows = try db.query("""
            select n.nspname, c.relname, pg_table_size(c.oid)::text, greatest(c.reltuples, -1)::bigint::text,
                   array_to_json(array(select a.attname::text from pg_attribute a
                                       where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                                       order by a.attnum))::text,
                   array_to_json(array(select json_build_array(a.attname::text, a.atttypid::regtype::text,
                                                  a.attcollation = 0 or coalesce((select l.collisdeterministic from pg_collation l
                                                                                  where l.oid = a.attcollation), false))
                                       from pg_attribute a
                                       where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped))::text
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind = 'r' and n.nspname = any($1::text[])
            """, [TableSelection.textArray(schemas)]).rows
        var out: [String: CatalogTable] = [:]
        for r in rows {
            let columns = (try JSONSerialization.jsonObject(with: Data(r[4]!.utf8)) as? [String]) ?? []
            let estimate = Int(r[3]!) ?? -1
            var table = CatalogTable(qualified: SQL.qualified(r[0]!, r[1]!), columns: columns,
                                     bytes: Int(r[2]!) ?? 0, estimatedRows: estimate < 0 ? nil : estimate)
            for case let column as [Any] in (try JSONSerialization.jsonObject(with: Data(r[5]!.utf8)) as? [Any]) ?? [] {
                guard column.count == 3, let name = column[0] as? String, let type = column[1] as? String else { continue }
                table.types[name] = type
                if hashFaithfulTypes.contains(type), (column[2] as? Bool) == true { table.hashable.insert(name) }
            }
            out[r[0]! + "." + r[1]!] = table
        }
        return out
    }

    // MARK: Fingerprints

    struct Fingerprint: Equatable, Sendable {
        var rows: Int
        var sum: String
    }

    /// The 64-bit hash of one row: `hash_record_extended` of the row, where the columns in
    /// `hashed` (name → type, of `hashFaithfulTypes`, alike on both sides) go in as they are
    /// (`hashedColumn`) and every other column as its text, so a changed value always changes
    /// the hash of its part.
    /// The record hash combines the column hashes as h·31 + next (mod 2^64), which is one to
    /// one in each column: one changed value always changes the row's hash. Without
    /// `hashed` columns (or before PostgreSQL 14): the hash of the row's text.
    static func rowHashSQL(columns: [String], hashed: [String: String]) -> String {
        if columns.isEmpty { return "0::bigint" }
        if hashed.isEmpty {
            return "hashtextextended(row(" + columns.map { "t." + SQL.quoteIdent($0) }.joined(separator: ", ") + ")::text, 0)"
        }
        return "hash_record_extended(row(" + columns.map { c in
            hashed[c].map { hashedColumn(c, type: $0) } ?? "t." + SQL.quoteIdent(c) + "::text"
        }.joined(separator: ", ") + "), 0)"
    }

    /// The SQL that fingerprints one table: the row count and the exact sum of the rows' hashes.
    static func fingerprintSQL(_ qualified: String, rowHash: String) -> String {
        "select count(*)::text, coalesce(sum(\(rowHash)), 0)::text from only \(qualified) t"
    }

    static func fingerprint(_ conn: PGConnection, _ table: CatalogTable, rowHash: String) throws -> Fingerprint {
        let r = try conn.query(fingerprintSQL(table.qualified, rowHash: rowHash))
        return Fingerprint(rows: Int(r.value(0, 0)!) ?? 0, sum: r.value(0, 1)!)
    }

    // MARK: Connections

    /// The connections reading one server, all in one snapshot.
    final class Side: @unchecked Sendable {
        let main: PGConnection
        var pool: [PGConnection]
        private let ownTransaction: Bool
        private var previous: [(String, String)] = []

        private init(main: PGConnection, ownTransaction: Bool) {
            self.main = main
            self.pool = [main]
            self.ownTransaction = ownTransaction
        }

        static func open(_ db: PGConnection, workers: Int) throws -> Side {
            let own = !db.inTransaction
            let side = Side(main: db, ownTransaction: own)
            if own { try db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") }
            do {
                side.previous = try SessionSettings.apply(db, BackupWriter.backupSettings)
                // Inside the caller's transaction only its connection sees its work.
                guard own, workers > 1 else { return side }
                let snapshot = try db.scalar("select pg_export_snapshot()")!
                for _ in 1..<workers {
                    guard let c = try? PGConnection(db.target, applicationName: "beekrun verify") else { break }
                    do {
                        try c.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                        try c.query("SET TRANSACTION SNAPSHOT " + SQL.quoteLiteral(snapshot))
                        _ = try SessionSettings.apply(c, BackupWriter.backupSettings)
                        side.pool.append(c)
                    } catch {
                        c.close()
                        break
                    }
                }
            } catch {
                side.close()
                throw error
            }
            return side
        }

        func close() {
            for c in pool.dropFirst() { _ = try? c.execute("ROLLBACK"); c.close() }
            pool = [main]
            if ownTransaction {
                _ = try? main.execute("ROLLBACK")
            } else if main.inTransaction {
                _ = try? SessionSettings.restore(main, previous)
            }
        }
    }
}

/// Fingerprints found by the workers, by table index.
private final class FingerprintBox: @unchecked Sendable {
    private let lock = NSLock()
    private var a: [Int: Verifier.Fingerprint] = [:]
    private var b: [Int: Verifier.Fingerprint] = [:]
    func set(_ i: Int, sideIsA: Bool, _ v: Verifier.Fingerprint) {
        lock.lock(); if sideIsA { a[i] = v } else { b[i] = v }; lock.unlock()
    }
    func get(_ i: Int) -> (Verifier.Fingerprint, Verifier.Fingerprint)? {
        lock.lock(); defer { lock.unlock() }
        guard let fa = a[i], let fb = b[i] else { return nil }
        return (fa, fb)
    }
}
