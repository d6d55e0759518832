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
/// 64-bit hash of each row's text, `hashtextextended(row::text, 0)`. The sum makes it
/// independent of row order and physical layout; one changed value, one missing or one extra
/// row changes it unless two different rows happen to hash to values that cancel (odds of
/// about 2^-64: not something data produces by accident; this is a check against mistakes, not
/// against an adversary). The hash is the one hash partitioning stores on disk, so PostgreSQL
/// keeps it stable across versions; it is about five times cheaper than md5 of the text, which
/// matters because the check reads every row on both servers. The row text is the columns of
/// side a, in a's order, under the fixed session settings that backups use, so dates, floats and
/// bytea print alike on both servers.
///
/// Each side reads one consistent snapshot: a connection in a transaction reads inside it
/// (seeing its own uncommitted work) on that connection only; otherwise the snapshot is
/// exported to up to `workers - 1` more connections and tables are checksummed in parallel,
/// largest first. Memory is constant: one result row per table comes back.
public enum Verifier {
    public static func run(_ a: PGConnection, _ b: PGConnection, _ options: VerifyOptions = .init()) throws -> VerifyResult {
        let sideA = try Side.open(a, workers: options.workers)
        defer { sideA.close() }
        let sideB = try Side.open(b, workers: options.workers)
        defer { sideB.close() }

        let tablesA = try catalog(a, schemas: options.schemas)
        let tablesB = try catalog(b, schemas: options.schemas)
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
        // Largest first, so the workers finish together.
        jobs.sort { $0.a.bytes > $1.a.bytes }
        let todo = jobs
        let pairs = min(sideA.pool.count, sideB.pool.count, max(jobs.count, 1))
        let queue = WorkQueue(count: jobs.count)
        let found = FingerprintBox()
        let work: @Sendable (Int) -> Void = { worker in
            while let j = queue.next() {
                let job = todo[j]
                do {
                    // Side a's column order on both sides, so the row texts compare.
                    let columns = job.a.columns.filter { job.b.columns.contains($0) }
                    let fa = try fingerprint(sideA.pool[worker], job.a, columns: columns)
                    let fb = try fingerprint(sideB.pool[worker], job.b, columns: columns)
                    found.set(job.index, (fa, fb))
                } catch {
                    queue.fail(error)
                }
            }
        }
        let group = DispatchGroup()
        for worker in 1..<max(pairs, 1) {
            group.enter()
            Thread { work(worker); group.leave() }.start()
        }
        work(0)
        group.wait()
        if let error = queue.error { throw error }

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
    }

    /// Ordinary tables and partitions of the schemas (partitioned parents hold no rows of
    /// their own), with their columns in table order.
    static func catalog(_ db: PGConnection, schemas: [String]) throws -> [String: CatalogTable] {
        let rows = try db.query("""
            select n.nspname, c.relname, pg_table_size(c.oid)::text, greatest(c.reltuples, -1)::bigint::text,
                   array_to_json(array(select a.attname::text from pg_attribute a
                                       where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                                       order by a.attnum))::text
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind = 'r' and n.nspname = any($1::text[])
            """, [TableSelection.textArray(schemas)]).rows
        var out: [String: CatalogTable] = [:]
        for r in rows {
            let columns = (try JSONSerialization.jsonObject(with: Data(r[4]!.utf8)) as? [String]) ?? []
            let estimate = Int(r[3]!) ?? -1
            out[r[0]! + "." + r[1]!] = CatalogTable(qualified: SQL.qualified(r[0]!, r[1]!), columns: columns,
                                                    bytes: Int(r[2]!) ?? 0, estimatedRows: estimate < 0 ? nil : estimate)
        }
        return out
    }

    // MARK: Fingerprints

    struct Fingerprint: Equatable, Sendable {
        var rows: Int
        var sum: String
    }

    /// The SQL that fingerprints one table: the row count and the exact sum of the rows' hashes.
    static func fingerprintSQL(_ qualified: String, columns: [String]) -> String {
        let row = columns.isEmpty ? "''" : "row(" + columns.map { "t." + SQL.quoteIdent($0) }.joined(separator: ", ") + ")::text"
        return "select count(*)::text, coalesce(sum(hashtextextended(\(row), 0)), 0)::text from only \(qualified) t"
    }

    static func fingerprint(_ conn: PGConnection, _ table: CatalogTable, columns: [String]) throws -> Fingerprint {
        let r = try conn.query(fingerprintSQL(table.qualified, columns: columns))
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
    private var values: [Int: (Verifier.Fingerprint, Verifier.Fingerprint)] = [:]
    func set(_ i: Int, _ v: (Verifier.Fingerprint, Verifier.Fingerprint)) { lock.lock(); values[i] = v; lock.unlock() }
    func get(_ i: Int) -> (Verifier.Fingerprint, Verifier.Fingerprint)? { lock.lock(); defer { lock.unlock() }; return values[i] }
}

/// Hands out job indices to worker threads; the first error stops the rest.
final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private var position = 0
    private(set) var error: Error?

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, position < count else { return nil }
        position += 1
        return position - 1
    }

    func fail(_ e: Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = e }
    }
}
