import CLibPQ
import Foundation

/// COPY as streams: rows flow through in chunks as libpq receives them, so memory stays
/// flat however large the table.
extension PGConnection {
    /// Runs `COPY … TO STDOUT` and hands each chunk (one or more whole rows) to `consume`.
    /// - Returns: the number of rows copied.
    /// - Throws: the server's error, or whatever `consume` throws (the COPY is then cancelled
    ///   and the connection drained so it stays usable).
    @discardableResult
    public func copyOut(_ sql: String, consume: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let c = try open()
        let start = try check(PQexec(c, sql), sql: sql)
        guard PQresultStatus(start.handle) == PGRES_COPY_OUT else {
            throw BeekError.failed("\(PGConnection.shorten(sql)) did not start a COPY TO STDOUT")
        }
        var consumerError: Error?
        while true {
            var buffer: UnsafeMutablePointer<CChar>? = nil
            let length = PQgetCopyData(c, &buffer, 0)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                if consumerError == nil {
                    do { try consume(UnsafeRawBufferPointer(start: buffer, count: Int(length))) } catch {
                        consumerError = error
                        cancelRunningCommand()
                    }
                }
                continue
            }
            if length == -1 { break } // COPY done; the final status follows
            throw BeekError.failed(Secrets.shared.redact(lastError())) // -2: connection trouble
        }
        var rows = 0
        var serverError: Error?
        while let result = PQgetResult(c) {
            do { rows = try check(result, sql: sql).affectedRows ?? rows } catch { serverError = serverError ?? error }
        }
        if let consumerError { throw consumerError }
        if let serverError { throw serverError }
        return rows
    }

    /// Runs `COPY … FROM STDIN`; `produce` writes the data through the given writer.
    /// If `produce` throws, the COPY is ended with an error so the server discards every row.
    /// - Returns: the number of rows the server loaded.
    @discardableResult
    public func copyIn(_ sql: String, produce: (CopyInWriter) throws -> Void) throws -> Int {
        let c = try open()
        let start = try check(PQexec(c, sql), sql: sql)
        guard PQresultStatus(start.handle) == PGRES_COPY_IN else {
            throw BeekError.failed("\(PGConnection.shorten(sql)) did not start a COPY FROM STDIN")
        }
        let writer = CopyInWriter(connection: c, owner: self)
        var producerError: Error?
        do { try produce(writer); try writer.flush() } catch { producerError = error }
        let endStatus = producerError == nil
            ? PQputCopyEnd(c, nil)
            : PQputCopyEnd(c, "beekrun: input failed")
        if endStatus != 1 && producerError == nil {
            producerError = BeekError.failed(Secrets.shared.redact(lastError()))
        }
        var rows = 0
        var serverError: Error?
        while let result = PQgetResult(c) {
            do { rows = try check(result, sql: sql).affectedRows ?? rows } catch { serverError = serverError ?? error }
        }
        if let producerError { throw producerError }
        if let serverError { throw serverError }
        return rows
    }

    /// Asks the server to stop the command in progress (best effort).
    func cancelRunningCommand() {
        guard let c = try? open(), let cancel = PQgetCancel(c) else { return }
        var errbuf = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &errbuf, Int32(errbuf.count))
        PQfreeCancel(cancel)
    }
}

/// Buffers COPY data and hands it to libpq in large writes (small writes cost a syscall each).
public final class CopyInWriter {
    private let connection: OpaquePointer
    private unowned let owner: PGConnection
    private var buffer: [UInt8] = []
    private let threshold = 1 << 18

    init(connection: OpaquePointer, owner: PGConnection) {
        self.connection = connection
        self.owner = owner
        buffer.reserveCapacity(threshold + 4096)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= threshold { try flush() }
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        let status = buffer.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) {
                PQputCopyData(connection, $0, Int32(p.count))
            }
        }
        buffer.removeAll(keepingCapacity: true)
        if status != 1 { throw BeekError.failed(Secrets.shared.redact(owner.lastError())) }
    }
}
