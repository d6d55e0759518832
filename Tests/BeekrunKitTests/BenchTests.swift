import BeekrunKit
import Foundation
import Testing

/// The engine's side of `bench/run.sh`, skipped unless BEEK_BENCH=1. The script runs the
/// release-built test binary once per step under `/usr/bin/time -v`, so each step's time
/// and peak memory are measured on their own:
///   BEEK_BENCH_STEP=backup  BEEK_BENCH_URL=… BEEK_BENCH_DIR=folder  → prints the backup path
///   BEEK_BENCH_STEP=restore BEEK_BENCH_URL=… BEEK_BENCH_DIR=backup path
@Suite("BenchTest")
struct BenchTests {
    static let env = ProcessInfo.processInfo.environment

    @Test("one benchmark step", .enabled(if: env["BEEK_BENCH"] == "1"))
    func step() throws {
        let env = BenchTests.env
        let db = try PGConnection(ConnectionString(env["BEEK_BENCH_URL"]!))
        let started = Date()
        switch env["BEEK_BENCH_STEP"] {
        case "backup":
            let r = try BackupWriter.run(db, BackupOptions(directory: env["BEEK_BENCH_DIR"]!, label: "bench"))
            print("BENCH backup path=\(r.path) tables=\(r.tables) rows=\(r.rows) bytes=\(r.bytes) seconds=\(Date().timeIntervalSince(started))")
        case "restore":
            let r = try Restorer.run(db, from: env["BEEK_BENCH_DIR"]!)
            print("BENCH restore tables=\(r.tables.count) rows=\(r.rows) bytes=\(r.bytes) mode=\(r.mode) seconds=\(Date().timeIntervalSince(started))")
        default:
            Issue.record("BEEK_BENCH_STEP must be backup or restore")
        }
    }
}
