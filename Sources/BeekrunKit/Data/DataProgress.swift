import Foundation

/// Progress of a backup or restore: called with the table (`schema.name`), and the rows and
/// bytes done so far for that table. Called about every half second while a table is
/// copied and once when it is finished; it may be called from a worker thread (backup copies
/// tables over several connections), never concurrently.
public typealias DataProgressHandler = @Sendable (_ table: String, _ rows: Int, _ bytes: Int) -> Void

/// Rate-limits progress calls for one table and serialises them across threads.
final class ProgressTicker: @unchecked Sendable {
    private let handler: DataProgressHandler?
    private let lock: NSLock
    private let table: String
    private var last: UInt64 = 0
    static let interval: UInt64 = 500_000_000 // ns

    init(_ handler: DataProgressHandler?, table: String, lock: NSLock) {
        self.handler = handler
        self.table = table
        self.lock = lock
        last = DispatchTime.now().uptimeNanoseconds
    }

    /// Reports when the interval has passed since the last report.
    @inline(__always)
    func tick(rows: Int, bytes: Int) {
        guard handler != nil else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        if now - last >= ProgressTicker.interval {
            last = now
            report(rows: rows, bytes: bytes)
        }
    }

    /// Reports unconditionally (the table is finished).
    func finish(rows: Int, bytes: Int) { report(rows: rows, bytes: bytes) }

    private func report(rows: Int, bytes: Int) {
        guard let handler else { return }
        lock.lock(); defer { lock.unlock() }
        handler(table, rows, bytes)
    }
}
