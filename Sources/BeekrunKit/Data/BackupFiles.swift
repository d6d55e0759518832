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
        // 0600: a backup holds production rows, auth password hashes included.
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
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
        let fd = try BackupFiles.openRegularFile(path)
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
    let fd = try BackupFiles.openRegularFile(path)
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

/// What backups may be on disk: private folders and files, and only regular files read back.
enum BackupFiles {
    /// A backup folder is readable by its owner only (0700): it holds production data.
    static func makePrivate(directory path: String) throws {
        if chmod(path, 0o700) != 0 { throw BeekError.file(path: path, reason: String(cString: strerror(errno))) }
    }

    /// A name from a manifest must name a file inside the backup folder: no `/`, no `..`,
    /// nothing hidden. Refused by name, before anything is opened.
    static func checkEntryName(_ name: String, table: String, in folder: String) throws {
        guard !name.isEmpty, !name.contains("/"), !name.contains("\0"), !name.hasPrefix(".") else {
            throw BeekError.refused("backup \(folder) names the file of table \(table) as \"\(name)\", which is not a file name inside the backup folder; nothing was restored")
        }
    }

    /// Opens a file for reading only if it is a regular file: a symlink (to /dev/zero, to
    /// another user's file), a FIFO or a device is refused by name instead of read (or hung on).
    static func openRegularFile(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "is a symbolic link: refused (a backup holds only regular files)" : String(cString: strerror(errno))
            throw BeekError.file(path: path, reason: reason)
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw BeekError.file(path: path, reason: "is not a regular file (a FIFO, device or folder): refused")
        }
        // Back to blocking reads (O_NONBLOCK only kept the open from waiting on a FIFO).
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// Throws unless `path` is a regular file (not followed if it is a symlink).
    static func requireRegularFile(_ path: String) throws {
        close(try openRegularFile(path))
    }
}
