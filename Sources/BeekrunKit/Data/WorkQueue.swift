import Foundation

/// Hands out job indices to worker threads; the first error stops the rest (verify's
/// checksums, the backup's table copies).
final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private var position = 0
    private var error: Error?

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

    var failed: Error? { lock.lock(); defer { lock.unlock() }; return error }
}
