import Foundation

/// The complete backups in a folder, newest first. A backup folder is
/// `LABEL_YYYY-MM-DDTHH-MM-SSZ`, or `…Z-2`, `…Z-3` … for more backups of one label in one
/// second: order is the time, then that sequence number as a number (so `…Z-10` is newer than
/// `…Z-9`, which a text sort gets wrong). Only folders with a manifest count (a partial
/// backup is left for a human to look at).
public enum BackupCatalog {
    public struct Entry: Sendable, Equatable {
        public var path: String
        /// The folder name.
        public var name: String
        public var label: String
        /// `YYYY-MM-DDTHH:MM:SSZ`, UTC, from the folder name.
        public var time: String
        /// 1 for `…Z`, n for `…Z-n`.
        public var sequence: Int
        /// A backup a dry run planned earlier in the same run: not on disk.
        public var planned = false

        /// Newer first: time, then sequence number.
        static func newerFirst(_ a: Entry, _ b: Entry) -> Bool {
            a.time != b.time ? a.time > b.time : a.sequence > b.sequence
        }
    }

    private static let folderPattern = try! NSRegularExpression(
        pattern: #"^(.+)_(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z(?:-(\d+))?$"#)

    /// Reads a folder name; nil when it is not a backup folder's.
    public static func parse(name: String, in directory: String) -> Entry? {
        let range = NSRange(name.startIndex..., in: name)
        guard let m = folderPattern.firstMatch(in: name, range: range) else { return nil }
        func group(_ i: Int) -> String? { Range(m.range(at: i), in: name).map { String(name[$0]) } }
        let time = "\(group(2)!)T\(group(3)!):\(group(4)!):\(group(5)!)Z"
        return Entry(path: directory + "/" + name, name: name, label: group(1)!, time: time,
                     sequence: group(6).flatMap { Int($0) } ?? 1)
    }

    /// The complete backups in `directory` (of `label` when given), newest first.
    /// - Parameter planned: backup paths a dry run planned earlier in this run; those in
    ///   `directory` are listed as if written.
    public static func list(directory: String, label: String?, planned: [String] = []) -> [Entry] {
        let files = FileManager.default
        let folder = URL(fileURLWithPath: directory).standardizedFileURL.path
        let names = (try? files.contentsOfDirectory(atPath: folder)) ?? []
        var entries = names.compactMap { parse(name: $0, in: folder) }
            .filter { files.fileExists(atPath: $0.path + "/" + BackupManifest.fileName) }
        for path in planned {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            guard url.deletingLastPathComponent().path == folder, !entries.contains(where: { $0.path == url.path }),
                  var entry = parse(name: url.lastPathComponent, in: folder) else { continue }
            entry.planned = true
            entries.append(entry)
        }
        if let label {
            let wanted = BackupWriter.safeLabel(label)
            entries = entries.filter { $0.label == wanted }
        }
        return entries.sorted(by: Entry.newerFirst)
    }

    /// Every table file still matches the manifest's size and SHA-256 (reads every file).
    public static func verify(_ entry: Entry) -> Bool {
        guard let manifest = try? BackupManifest.read(from: entry.path + "/" + BackupManifest.fileName) else { return false }
        return manifest.tables.allSatisfy { (try? BackupReader.verify($0, in: entry.path)) != nil }
    }
}
