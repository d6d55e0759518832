import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file written through a fixed-size buffer while its SHA-256 and size are computed, so a
/// table of any size is written in constant memory and never read back to be checksummed.
final class HashingFileWriter {
    let path: String
    private var fd: Int32
    private var hasher = SHA256()
    private(set) var bytesWritten = 0
    /// Callers append here and call `flushIfFull()`; kept public to the module to avoid
    /// a copy per row.
    var buffer: [UInt8] = []
    private let threshold = 1 << 20

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BeekError.file(path: path, reason: String(cString: strerror(errno))) }
        buffer.reserveCapacity(threshold + (1 << 16))
    }

    deinit { if fd >= 0 { close(fd) } }

    func append(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        try flushIfFull()
    }

    func flushIfFull() throws { if buffer.count >= threshold { try flush() } }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { raw in
            hasher.update(bufferPointer: raw)
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw BeekError.file(path: path, reason: String(cString: strerror(errno)))
                }
                offset += n
            }
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs to disk and closes. - Returns: the file's SHA-256 (hex).
    func finish() throws -> String {
        try flush()
        if fsync(fd) != 0 { throw BeekError.file(path: path, reason: String(cString: strerror(errno))) }
        close(fd)
        fd = -1
        return SHA256Hex.hex(hasher.finalize())
    }
}

/// Reads a file in large chunks and hands out whole lines (without the newline), so a
/// table file streams with memory bounded by its longest row.
struct LineReader {
    let path: String

    /// Calls `body` for each line; the buffer is only valid during the call.
    func forEachLine(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BeekError.file(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let chunk = 1 << 20
        var pending: [UInt8] = [] // a line that runs over a chunk boundary
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BeekError.file(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            try buffer.withUnsafeBytes { raw in
                var start = 0
                while start < n {
                    guard let nl = memchr(raw.baseAddress! + start, 0x0A, n - start) else {
                        pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<n]))
                        return
                    }
                    let end = raw.baseAddress!.distance(to: UnsafeRawPointer(nl))
                    if pending.isEmpty {
                        try body(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                    } else {
                        pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                        try pending.withUnsafeBytes { try body($0) }
                        pending.removeAll(keepingCapacity: false)
                    }
                    start = end + 1
                }
            }
        }
        if !pending.isEmpty { try pending.withUnsafeBytes { try body($0) } }
    }
}

/// SHA-256 and size of a file, read in chunks.
func fileDigest(_ path: String) throws -> (sha256: String, bytes: Int) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw BeekError.file(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var hasher = SHA256()
    var total = 0
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw BeekError.file(path: path, reason: String(cString: strerror(errno)))
        }
        if n == 0 { break }
        buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        total += n
    }
    return (SHA256Hex.hex(hasher.finalize()), total)
}
