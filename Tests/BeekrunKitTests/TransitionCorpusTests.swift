import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Runs `TransitionCorpus` against the schema engine, with `pg_dump --schema-only` as the oracle.
///
/// For each pair, two databases are made from one template: A from `before`, B from `after`.
/// Forward, `diff(B → A)` is applied to A; backward, `diff(A → B)` to B. After each, `diff`
/// against the side's original model must be empty and the dumps equal. Before anything is
/// applied, `diff` must be empty exactly when the two dumps are equal.
@Suite("Transition corpus")
struct TransitionCorpusTests {
    let cluster = PostgresCluster.shared
    static let schemas = ["public", "other"]

    /// Pairs that do not converge yet, with why, by "pair name" or "pair name/direction".
    /// A pair listed here that starts to pass fails the test: take it off the list.
    static let knownFailures: [String: String] = [:]

    private static let lock = NSLock()
    nonisolated(unsafe) private static var template: String?

    /// A new database from the corpus template (roles and one shared publication) plus `sql`.
    func database(_ sql: String) throws -> String {
        let admin = try cluster.connect("postgres")
        Self.lock.lock()
        if Self.template == nil {
            do {
                let name = try cluster.createDatabase("corpus_tpl")
                let db = try cluster.connect(name)
                try db.execute(SchemaFixtures.roles)
                try db.execute("CREATE PUBLICATION corpus_realtime;")
                Self.template = name
            } catch { Self.lock.unlock(); throw error }
        }
        let template = Self.template!
        Self.lock.unlock()
        let name = "corpus_\(UInt32.random(in: 0...UInt32.max))"
        try admin.execute("CREATE DATABASE \(SQL.quoteIdent(name)) TEMPLATE \(SQL.quoteIdent(template))")
        if !sql.isEmpty { try cluster.connect(name).execute(sql) }
        return name
    }

    /// `pg_dump --schema-only` with owners: owners are part of what diff compares.
    static func dump(_ cluster: PostgresCluster, _ name: String) throws -> String {
        try cluster.pgDump(name, ["--schema-only"])
    }

    func drop(_ names: [String]) {
        guard let admin = try? cluster.connect("postgres") else { return }
        for n in names { _ = try? admin.execute("DROP DATABASE IF EXISTS \(SQL.quoteIdent(n)) WITH (FORCE)") }
    }

    /// The dump with its lines sorted: equal when two dumps differ only in the order of lines
    /// (column order inside a CREATE TABLE).
    static func sortedLines(_ dump: String) -> [Substring] {
        dump.split(separator: "\n").map { $0.hasSuffix(",") ? $0.dropLast() : $0 }.sorted()
    }

    /// Applies `diff` to `db` (named `name`) and checks it now matches `model` and `dump`.
    /// Returns a description of what went wrong, nil when it converged.
    func converge(_ t: Transition, direction: String, diff: SchemaDiff, db name: String,
                  to model: SchemaModel, dump: String) -> String? {
        do {
            let db = try cluster.connect(name)
            try db.execute("SET lock_timeout = '20s'; SET statement_timeout = '60s';")
            do { try db.execute(diff.sql) } catch {
                return "the migration failed: \(error)\n--- migration:\n\(diff.sql)"
            }
            let after = Diff.compare(a: model, b: try CatalogReader.read(db, schemas: Self.schemas))
            let afterDump = try Self.dump(cluster, name)
            if t.columnOrder {
                guard after.changes.allSatisfy({ $0.kind == "column order" }) else {
                    return "left after the migration:\n\(after.summary)\n--- migration:\n\(diff.sql)"
                }
                if Self.sortedLines(afterDump) != Self.sortedLines(dump) {
                    return "dumps differ beyond column order: \(SchemaFixtures.firstDifference(dump, afterDump))"
                }
                return nil
            }
            if !after.isEmpty {
                if afterDump == dump { return "oracle: the dumps are equal but diff is not empty:\n\(after.summary)" }
                return "left after the migration:\n\(after.summary)\n--- migration:\n\(diff.sql)"
            }
            if afterDump != dump {
                return "diff is empty but the dumps differ: \(SchemaFixtures.firstDifference(dump, afterDump))\n--- migration:\n\(diff.sql)"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Checks one pair; returns the problems by direction (`oracle`, `forward`, `backward`).
    func check(_ t: Transition) -> [(String, String)] {
        do {
            let aName = try database(t.before), bName = try database(t.after)
            defer { drop([aName, bName]) }
            let a = try cluster.connect(aName), b = try cluster.connect(bName)
            let modelA = try CatalogReader.read(a, schemas: Self.schemas), modelB = try CatalogReader.read(b, schemas: Self.schemas)
            let dumpA = try Self.dump(cluster, aName), dumpB = try Self.dump(cluster, bName)
            let forward = Diff.compare(a: modelB, b: modelA), backward = Diff.compare(a: modelA, b: modelB)
            var problems: [(String, String)] = []
            // The oracle and diff agree before anything is applied.
            if !t.columnOrder && forward.isEmpty != (dumpA == dumpB) {
                problems.append(("oracle", "diff empty: \(forward.isEmpty), dumps equal: \(dumpA == dumpB)\n\(forward.summary)\n\(SchemaFixtures.firstDifference(dumpA, dumpB))"))
            }
            if let p = converge(t, direction: "forward", diff: forward, db: aName, to: modelB, dump: dumpB) { problems.append(("forward", p)) }
            if let p = converge(t, direction: "backward", diff: backward, db: bName, to: modelA, dump: dumpA) { problems.append(("backward", p)) }
            return problems
        } catch {
            return [("setup", "\(error)")]
        }
    }

    /// The pairs run several at a time on their own threads: each mostly waits for PostgreSQL
    /// and pg_dump, so more run at once than there are cores. BEEKRUN_CORPUS_ONLY=text runs
    /// only the pairs whose name contains it.
    @Test("every transition of the corpus converges in both directions, and diff is empty exactly when pg_dump is equal")
    func corpus() throws {
        let only = ProcessInfo.processInfo.environment["BEEKRUN_CORPUS_ONLY"]
        let pairs = TransitionCorpus.all.filter { only == nil || $0.name.contains(only!) }
        #expect(Set(TransitionCorpus.all.map(\.name)).count == TransitionCorpus.all.count, "pair names must be unique")
        let box = ResultBox(pairs.count)
        let group = DispatchGroup(), slots = DispatchSemaphore(value: 6)
        let runner = self
        for (i, t) in pairs.enumerated() {
            slots.wait()
            group.enter()
            Thread.detachNewThread {
                let r = runner.check(t)
                box.set(i, r)
                TransitionReport.record(t.name, failed: Set(r.map(\.0)))
                slots.signal()
                group.leave()
            }
        }
        group.wait()
        let results = box.all
        for (t, problems) in zip(pairs, results) {
            for (direction, problem) in problems {
                let text = Comment(rawValue: "\(t.name) [\(direction)] \(problem)")
                if let known = Self.knownFailures[t.name] ?? Self.knownFailures["\(t.name)/\(direction)"] {
                    withKnownIssue(Comment(rawValue: known)) { Issue.record(text) }
                } else {
                    Issue.record(text)
                }
            }
            for key in [t.name, "\(t.name)/forward", "\(t.name)/backward"] where Self.knownFailures[key] != nil {
                let direction = key.split(separator: "/").last.map(String.init) ?? ""
                let stillFails = key == t.name ? !problems.isEmpty : problems.contains { $0.0 == direction }
                #expect(stillFails, "\(key) is listed as failing but converges now: take it off knownFailures")
            }
        }
        let passed = results.filter(\.isEmpty).count
        print("transition corpus: \(passed) of \(pairs.count) pairs converge in both directions")
    }
}

extension TransitionCorpusTests {
    @Test("removing an enum value still in use refuses before changing anything, with the row count")
    func enumValueInUse() throws {
        let a = try database("CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE public.p (m public.mood); INSERT INTO public.p VALUES ('sad'), ('ok'), ('sad');")
        let b = try database("CREATE TYPE public.mood AS ENUM ('ok', 'happy'); CREATE TABLE public.p (m public.mood);")
        defer { drop([a, b]) }
        let db = try cluster.connect(a)
        let diff = try Diff.compare(a: try cluster.connect(b), b: db, schemas: Self.schemas)
        #expect(diff.sql.contains("-- HAZARD: refuses the migration if rows still hold a removed value of public.mood"))
        #expect(!diff.sql.contains("-- MANUAL"))
        let before = try Self.dump(cluster, a)
        #expect(throws: (any Error).self) { try db.execute(diff.sql) }
        do { try db.execute(diff.sql) } catch {
            #expect("\(error)".contains("enum public.mood loses sad, still held by 2 row(s) of public.p.m"), "\(error)")
        }
        #expect(try Self.dump(cluster, a) == before)
        // Once the rows no longer hold it, the same migration goes through.
        try db.execute("UPDATE public.p SET m = 'ok' WHERE m = 'sad'")
        try db.execute(diff.sql)
        #expect(try Diff.compare(a: try cluster.connect(b), b: db, schemas: Self.schemas).isEmpty)
    }

    @Test("an integer column becomes a timestamp: its values are read as seconds since the epoch, and back")
    func epochColumns() throws {
        let a = try database("CREATE TABLE public.t (seen bigint, made int); INSERT INTO public.t VALUES (86400, 1700000000);")
        let b = try database("CREATE TABLE public.t (seen timestamptz, made timestamp);")
        let c = try database("CREATE TABLE public.t (seen bigint, made int);")
        defer { drop([a, b, c]) }
        let db = try cluster.connect(a), target = try cluster.connect(b)
        let diff = try Diff.compare(a: target, b: db, schemas: Self.schemas)
        #expect(diff.sql.contains("values are taken as seconds since 1970-01-01 UTC"), "\(diff.sql)")
        try db.execute(diff.sql)
        #expect(try Diff.compare(a: target, b: db, schemas: Self.schemas).isEmpty)
        #expect(try db.scalar("select format('%s|%s', seen AT TIME ZONE 'UTC', made) from public.t") == "1970-01-02 00:00:00|2023-11-14 22:13:20")
        // And back, to the same numbers.
        try db.execute(try Diff.compare(a: try cluster.connect(c), b: db, schemas: Self.schemas).sql)
        #expect(try db.scalar("select format('%s|%s', seen, made) from public.t") == "86400|1700000000")
    }

    @Test("reorderColumns re-creates a table whose columns would end up in another order, keeping its rows")
    func reorderColumns() throws {
        let a = try database("CREATE TABLE public.t (a int, c int); INSERT INTO public.t VALUES (1, 3);")
        let b = try database("CREATE TABLE public.t (a int, b int, c int);")
        defer { drop([a, b]) }
        let db = try cluster.connect(a), target = try cluster.connect(b)
        let plain = try Diff.compare(a: target, b: db, schemas: Self.schemas)
        #expect(plain.summary.contains("~ column order public.t"))
        let diff = try Diff.compare(a: target, b: db, schemas: Self.schemas, options: DiffOptions(reorderColumns: true))
        #expect(diff.sql.contains("-- HAZARD: copies every row of public.t"))
        try db.execute(diff.sql)
        #expect(try Diff.compare(a: target, b: db, schemas: Self.schemas).isEmpty)
        #expect(try Self.dump(cluster, a) == Self.dump(cluster, b))
        #expect(try db.scalar("select format('%s %s %s', a, b, c) from public.t") == "1  3")
    }
}

/// Results written by the threads that run the pairs.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [[(String, String)]]
    init(_ count: Int) { items = Array(repeating: [], count: count) }
    func set(_ i: Int, _ value: [(String, String)]) { lock.lock(); items[i] = value; lock.unlock() }
    var all: [[(String, String)]] { lock.lock(); defer { lock.unlock() }; return items }
}

/// With BEEKRUN_CORPUS_REPORT set to a file path, one line per pair: `pass` or the directions
/// that failed. Used to measure the pass rate; the tests do not need it.
enum TransitionReport {
    private static let lock = NSLock()

    static func record(_ name: String, failed: Set<String>) {
        guard let path = ProcessInfo.processInfo.environment["BEEKRUN_CORPUS_REPORT"] else { return }
        lock.lock(); defer { lock.unlock() }
        let line = (failed.isEmpty ? "pass" : failed.sorted().joined(separator: ",")) + "\t" + name + "\n"
        if let h = FileHandle(forWritingAtPath: path) {
            h.seekToEndOfFile(); h.write(line.data(using: .utf8)!); try? h.close()
        } else {
            try? line.write(toFile: path, atomically: false, encoding: .utf8)
        }
    }
}
