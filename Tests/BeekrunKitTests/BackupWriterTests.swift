import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Thread-safe box for values collected by progress callbacks.
final class Collected<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func add(_ item: T) { lock.lock(); items.append(item); lock.unlock() }
    var all: [T] { lock.lock(); defer { lock.unlock() }; return items }
}

/// Resident memory of this process, from /proc.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

@Suite("Backup writer")
struct BackupWriterTests {
    @Test("folder name, manifest contents, no secret, temp folder gone")
    func manifest() throws {
        let (src, _, srcName, _) = try DataFixtures.pair("""
            create table t (id int generated always as identity primary key, v text, twice int generated always as (id * 2) stored);
            create sequence free_seq start 100;
            """, data: "insert into t (v) values ('a'), ('b'); select nextval('free_seq');")
        let dir = try DataFixtures.backupDirectory()
        let backup = try BackupWriter.run(src, BackupOptions(directory: dir, label: "prod"))
        let name = URL(fileURLWithPath: backup.path).lastPathComponent
        #expect(name.range(of: #"^prod_\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$"#, options: .regularExpression) != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [name]) // no temp folder left
        // Another one with the same label within the second does not collide.
        let second = try BackupWriter.run(src, BackupOptions(directory: dir, label: "prod"))
        #expect(second.path != backup.path)
        try FileManager.default.removeItem(atPath: second.path)
        let m = backup.manifest
        #expect(m.format == "beekrun-backup" && m.formatVersion == 1)
        #expect(m.source.database == srcName)
        #expect(m.source.serverVersionNum >= 120000)
        #expect(m.tables.map(\.name) == ["t"])
        #expect(m.tables[0].columns.map(\.name) == ["id", "v"])
        #expect(m.tables[0].columns.map(\.type) == ["integer", "text"])
        #expect(m.tables[0].rows == 2)
        let seqs = Dictionary(uniqueKeysWithValues: m.sequences.map { ($0.name, $0) })
        #expect(seqs["free_seq"]?.lastValue == "100" && seqs["free_seq"]?.isCalled == true && seqs["free_seq"]?.ownedBy == nil)
        #expect(seqs["t_id_seq"]?.lastValue == "2" && seqs["t_id_seq"]?.ownedBy?.column == "id")
        // The manifest on disk is the one returned, and names no connection string.
        let text = try String(contentsOfFile: backup.path + "/manifest.json", encoding: .utf8)
        #expect(!text.contains("host=") && !text.contains("user="))
        #expect(try JSONDecoder().decode(BackupManifest.self, from: Data(text.utf8)) == m)
        // The table file reads as a document with its rows.
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: backup.path + "/public.t.json"))) as! [String: Any]
        #expect(file["columns"] as? [String] == ["id", "v"])
        #expect(file["rows"] as? [[String]] == [["1", "a"], ["2", "b"]])
    }

    @Test("tables, exclude, globs, hostile names and partitions")
    func selection() throws {
        let (src, dst, _, _) = try DataFixtures.pair(#"""
            create schema "Other ""Schema""";
            create table keep_a (id int); create table keep_b (id int); create table skip_me (id int);
            create table "../../etc/passwd" (id int); create table "Keep_A" (id int);
            create table "Other ""Schema""".x (id int);
            create table measures (at date, v int) partition by range (at);
            create table measures_2024 partition of measures for values from ('2024-01-01') to ('2025-01-01');
            create table measures_2025 partition of measures for values from ('2025-01-01') to ('2026-01-01');
            """#, data: #"""
            insert into keep_a values (1); insert into "../../etc/passwd" values (2); insert into "Keep_A" values (3);
            insert into "Other ""Schema""".x values (4); insert into measures values ('2024-05-01', 1), ('2025-05-01', 2);
            """#)
        let dir = try DataFixtures.backupDirectory()
        let all = try BackupWriter.run(src, BackupOptions(directory: dir, label: "all", exclude: ["skip_*"]))
        #expect(all.manifest.tables.map(\.qualifiedName).sorted() == [
            "public.../../etc/passwd", "public.Keep_A", "public.keep_a", "public.keep_b",
            "public.measures_2024", "public.measures_2025"])
        let files = try FileManager.default.contentsOfDirectory(atPath: all.path)
        #expect(files.count == 7)
        #expect(files.allSatisfy { !$0.hasPrefix(".") })
        let some = try BackupWriter.run(src, BackupOptions(directory: dir, label: "some",
            tables: ["keep_?", "measures", #"Other "Schema".x"#], exclude: ["keep_b"]))
        #expect(some.manifest.tables.map(\.qualifiedName) == [#"Other "Schema".x"#, "public.keep_a", "public.measures_2024", "public.measures_2025"])
        #expect(throws: BeekError.self) { _ = try BackupWriter.run(src, BackupOptions(directory: dir, tables: ["no_such"])) }

        let restored = try Restorer.run(dst, from: all.path)
        #expect(restored.rows == 5)
        #expect(try dst.scalar(#"select id from "../../etc/passwd""#) == "2")
        #expect(try dst.scalar("select string_agg(v::text, ',' order by v) from measures") == "1,2")
    }

    @Test("parallel connections read one snapshot: rows committed during the backup are not in it")
    func snapshotConsistency() throws {
        let tables = (1...6).map { "t\($0)" }
        let (src, _, srcName, _) = try DataFixtures.pair(
            tables.map { "create table \($0) (id int);" }.joined(),
            data: tables.map { "insert into \($0) select generate_series(1, 1000 * \($0.dropFirst()));" }.joined())
        let writer = try DataFixtures.cluster.connect(srcName)
        let fired = Collected<Bool>()
        let options = BackupOptions(directory: try DataFixtures.backupDirectory(), connections: 3, progress: { _, _, _ in
            // After the first report, another session commits rows into every table.
            if fired.all.isEmpty {
                fired.add(true)
                _ = try? writer.execute(tables.map { "insert into \($0) values (-1);" }.joined())
            }
        })
        let backup = try BackupWriter.run(src, options)
        #expect(!fired.all.isEmpty)
        #expect(try writer.scalar("select count(*) from t1 where id = -1") == "1")
        #expect(backup.manifest.tables.map(\.rows) == (1...6).map { $0 * 1000 })
    }

    @Test("inside the caller's transaction it reads there, and leaves the settings as they were")
    func callerTransaction() throws {
        let (src, _, _, _) = try DataFixtures.pair("create table t (d date)", data: "insert into t values ('2024-12-31')")
        try src.execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SET LOCAL DateStyle = 'German'; insert into t values ('01.02.2024')")
        let backup = try BackupWriter.run(src, BackupOptions(directory: try DataFixtures.backupDirectory()))
        #expect(src.inTransaction)
        #expect(try src.scalar("select current_setting('DateStyle')") == "German, DMY")
        try src.execute("ROLLBACK")
        #expect(backup.rows == 2) // it saw the caller's own uncommitted row
        let text = try String(contentsOfFile: backup.path + "/public.t.json", encoding: .utf8)
        #expect(text.contains("2024-02-01")) // written in ISO whatever the session's style
    }

    @Test("dry-run plan reads counts and writes nothing")
    func plan() throws {
        let (src, _, srcName, _) = try DataFixtures.pair("create table a (id int); create table b (id int)",
                                                         data: "insert into a select generate_series(1, 10)")
        let dir = try DataFixtures.backupDirectory()
        let plan = try BackupWriter.plan(src, BackupOptions(directory: dir))
        #expect(plan.tables.map(\.name) == ["public.a", "public.b"])
        #expect(plan.tables.map(\.rows) == [10, 0])
        #expect(plan.rows == 10)
        #expect(plan.path.hasPrefix(dir + "/" + srcName + "_"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        // A dry-run restore of that planned backup: counts what the target holds now.
        let target = try DataFixtures.cluster.connect(try DataFixtures.cluster.createDatabase("plan"))
        try target.execute("create table a (id int); insert into a values (1), (2)")
        let restore = try Restorer.plan(target, backup: plan, RestoreOptions(tables: ["a", "b"]))
        #expect(restore.tables.map(\.name) == ["public.a", "public.b"])
        #expect(restore.rows == 10)
        #expect(restore.existingRows == 2)
    }

    @Test("progress is reported per table with final counts")
    func progress() throws {
        let (src, dst, _, _) = try DataFixtures.pair("create table a (id int); create table b (id int)",
                                                     data: "insert into a select generate_series(1, 1000); insert into b values (1)")
        let seen = Collected<(String, Int, Int)>()
        let backup = try BackupWriter.run(src, BackupOptions(directory: try DataFixtures.backupDirectory(),
                                                            progress: { seen.add(($0, $1, $2)) }))
        let last = Dictionary(seen.all.map { ($0.0, ($0.1, $0.2)) }, uniquingKeysWith: { _, b in b })
        #expect(last["public.a"]?.0 == 1000)
        #expect(last["public.b"]?.0 == 1)
        #expect(last["public.a"]?.1 == backup.manifest.tables.first { $0.name == "a" }?.bytes)
        let restoreSeen = Collected<(String, Int, Int)>()
        _ = try Restorer.run(dst, from: backup.path, RestoreOptions(progress: { restoreSeen.add(($0, $1, $2)) }))
        let restoreLast = Dictionary(restoreSeen.all.map { ($0.0, $0.1) }, uniquingKeysWith: { _, b in b })
        #expect(restoreLast == ["public.a": 1000, "public.b": 1])
    }

    @Test("a 1M-row table is backed up and restored in flat memory")
    func flatMemory() throws {
        let (src, dst, _, _) = try DataFixtures.pair("create table big (id int primary key, payload text)",
            data: "insert into big select g, repeat(md5(g::text), 3) from generate_series(1, 1000000) g")
        let start = residentBytes()
        let peak = Collected<Int>()
        let backup = try BackupWriter.run(src, BackupOptions(directory: try DataFixtures.backupDirectory(),
                                                            progress: { _, _, _ in peak.add(residentBytes()) }))
        #expect(backup.bytes > 100_000_000)
        let restored = try Restorer.run(dst, from: backup.path, RestoreOptions(progress: { _, _, _ in peak.add(residentBytes()) }))
        #expect(restored.rows == 1_000_000)
        // Holding the rows would need well over the 100 MB the file takes; other tests run
        // in this process at the same time, hence the margin.
        let growth = (peak.all.max() ?? start) - start
        #expect(growth < 60_000_000, "resident memory grew by \(growth / 1_000_000) MB")
        #expect(try DataFixtures.digest(dst, "big") == DataFixtures.digest(src, "big"))
    }
}
