import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A backup whose files are being written in the background (`PreparedBackup.start`).
///
/// Who waits for it, so that nothing relies on files that are not there yet: a restore of it
/// (after streaming its rows from the held snapshot), reading its `rows`, `bytes` or
/// `table_rows`, any step that writes to the database it reads, `list_backups` and
/// `prune_backups`, and the end of the run. A failure (a full disk, a table that changed
/// under the snapshot) is thrown to the first of them, and the run fails.
public final class BackupInProgress: @unchecked Sendable {
    /// The folder the backup gets when it is complete.
    public let path: String
    public let tables: Int
    let started = Stopwatch()
    private let condition = NSCondition()
    private var outcome: Result<BackupResult, Error>?
    /// Whether the end was told to the user already (once).
    var reported = false

    init(path: String, tables: Int) {
        self.path = path
        self.tables = tables
    }

    /// Seconds from `start` to the end of the writing (nil while it goes on).
    public private(set) var seconds: Double?

    func finish(_ result: Result<BackupResult, Error>) {
        condition.lock()
        seconds = started.seconds
        outcome = result
        condition.broadcast()
        condition.unlock()
    }

    public var isFinished: Bool {
        condition.lock(); defer { condition.unlock() }
        return outcome != nil
    }

    /// Blocks until the files are written. - Throws: what stopped the backup.
    public func wait() throws -> BackupResult {
        condition.lock()
        while outcome == nil { condition.wait() }
        let result = outcome!
        condition.unlock()
        return try result.get()
    }
}

/// A backup folder being written: a hidden temporary folder, renamed to its final name when the
/// manifest, written last, is on disk, so a folder named like a backup is always complete.
final class BackupFolder: @unchecked Sendable {
    let tempPath: String
    let finalPath: String
    let directory: String
    private var sealed = false

    /// Final names this process has promised to backups still being written: two backups with
    /// one label in the same second get "-2", "-3" … even while neither folder exists yet.
    nonisolated(unsafe) private static var reserved: Set<String> = []
    private static let lock = NSLock()

    private init(tempPath: String, finalPath: String, directory: String) {
        self.tempPath = tempPath
        self.finalPath = finalPath
        self.directory = directory
    }

    static func begin(directory: String, name: String) throws -> BackupFolder {
        lock.lock()
        var finalPath = directory + "/" + name
        var suffix = 1
        while FileManager.default.fileExists(atPath: finalPath) || reserved.contains(finalPath) {
            suffix += 1
            finalPath = directory + "/" + name + "-\(suffix)"
        }
        reserved.insert(finalPath)
        lock.unlock()
        let tempPath = directory + "/." + URL(fileURLWithPath: finalPath).lastPathComponent + ".partial-\(getpid())"
        let folder = BackupFolder(tempPath: tempPath, finalPath: finalPath, directory: directory)
        do {
            try FileManager.default.createDirectory(atPath: tempPath, withIntermediateDirectories: true)
            try BackupFiles.makePrivate(directory: tempPath)
        } catch {
            folder.abandon()
            throw BeekError.file(path: tempPath, reason: "cannot create the backup folder: \(error.localizedDescription)")
        }
        return folder
    }

    /// Writes the manifest and gives the folder its final name.
    func seal(_ manifest: BackupManifest) throws {
        let manifestFile = try HashingFileWriter(path: tempPath + "/" + BackupManifest.fileName)
        try manifestFile.append(Array(try manifest.encoded()))
        try manifestFile.append([0x0A])
        _ = try manifestFile.finish()
        try BackupWriter.syncDirectory(tempPath)
        guard rename(tempPath, finalPath) == 0 else {
            throw BeekError.file(path: finalPath, reason: "cannot rename the finished backup: \(String(cString: strerror(errno)))")
        }
        sealed = true
        try? BackupWriter.syncDirectory(directory)
        release()
    }

    /// Removes the temporary folder of a backup that did not finish (no-op once sealed).
    func abandon() {
        if !sealed { try? FileManager.default.removeItem(atPath: tempPath) }
        release()
    }

    private func release() {
        BackupFolder.lock.lock()
        BackupFolder.reserved.remove(finalPath)
        BackupFolder.lock.unlock()
    }
}
