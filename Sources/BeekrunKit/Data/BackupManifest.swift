import Foundation

/// `manifest.json`: what a backup holds and how to check it. Written last, so a backup
/// folder with a manifest is complete; restore trusts nothing the manifest does not vouch for.
public struct BackupManifest: Codable, Sendable, Equatable {
    public static let formatName = "beekrun-backup"
    public static let currentVersion = 1
    public static let fileName = "manifest.json"

    public var format: String
    public var formatVersion: Int
    public var label: String
    /// The source, without any secret: database name and server version only.
    public var source: Source
    /// `now()` of the snapshot transaction, UTC, ISO 8601.
    public var snapshotTime: String
    public var schemas: [String]
    /// Session settings the values were written under (a restore uses the same).
    public var settings: [String: String]
    public var tables: [Table]
    public var sequences: [Sequence]

    public struct Source: Codable, Sendable, Equatable {
        public var database: String
        public var serverVersion: String
        public var serverVersionNum: Int
    }

    public struct Column: Codable, Sendable, Equatable {
        public var name: String
        public var type: String
    }

    public struct Table: Codable, Sendable, Equatable {
        public var schema: String
        public var name: String
        /// The file's name inside the backup folder.
        public var file: String
        public var columns: [Column]
        public var rows: Int
        public var bytes: Int
        public var sha256: String
        /// The `where` filter the rows were chosen by: the file holds a subset of the table.
        /// Absent (nil) when it holds every row; older beekruns ignore it.
        public var filter: String?

        public var qualifiedName: String { schema + "." + name }

        enum CodingKeys: String, CodingKey {
            case schema, name, file, columns, rows, bytes, sha256
            case filter = "where"
        }
    }

    /// The filter of each table backed up as a subset, keyed by schema.name (empty for a full backup).
    public var filters: [(table: String, filter: String)] {
        tables.compactMap { t in t.filter.map { (t.qualifiedName, $0) } }
    }

    public struct Sequence: Codable, Sendable, Equatable {
        public var schema: String
        public var name: String
        public var lastValue: String
        public var isCalled: Bool
        /// The table column the sequence belongs to (serial or identity), if any.
        public var ownedBy: Owner?

        public struct Owner: Codable, Sendable, Equatable {
            public var schema: String
            public var table: String
            public var column: String
        }
    }

    /// Row and byte counts must be plausible: not negative, exact in JSON (at most 2^53), and
    /// their totals must not overflow, so a damaged or hostile manifest is refused with a
    /// message instead of trapping in the restore plan's arithmetic.
    func checkNumbers(_ path: String) throws {
        let limit = 1 << 53
        var rows = 0, bytes = 0
        for table in tables {
            guard (0...limit).contains(table.rows), (0...limit).contains(table.bytes) else {
                throw BeekError.file(path: path, reason: "the manifest is damaged: table \(table.qualifiedName) has \(table.rows) rows and \(table.bytes) bytes")
            }
            let r = rows.addingReportingOverflow(table.rows), b = bytes.addingReportingOverflow(table.bytes)
            guard !r.overflow, !b.overflow else {
                throw BeekError.file(path: path, reason: "the manifest is damaged: its row or byte counts add up past what a backup can hold")
            }
            (rows, bytes) = (r.partialValue, b.partialValue)
        }
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    static func read(from path: String) throws -> BackupManifest {
        try BackupFiles.requireRegularFile(path)
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw BeekError.file(path: path, reason: "cannot read the manifest: \(error.localizedDescription)")
        }
        let manifest: BackupManifest
        do { manifest = try JSONDecoder().decode(BackupManifest.self, from: data) } catch {
            throw BeekError.file(path: path, reason: "the manifest is damaged (not the JSON beekrun writes): \(error)")
        }
        guard manifest.format == formatName else {
            throw BeekError.file(path: path, reason: "not a beekrun backup manifest")
        }
        guard manifest.formatVersion <= currentVersion else {
            throw BeekError.file(path: path, reason:
                "backup format version \(manifest.formatVersion) is newer than this beekrun reads (\(currentVersion))")
        }
        try manifest.checkNumbers(path)
        return manifest
    }
}

/// The JSON file of one table: a header line, one row per line, a closing line. The file
/// is one JSON object, so any JSON tool reads it; its line structure lets restore stream it.
///
/// ```
/// {"format":"beekrun-table/1","schema":"public","table":"users","columns":["id","email"],"rows":[
/// ["1","a@example.com"],
/// ["2",null]
/// ]}
/// ```
enum TableFile {
    static let format = "beekrun-table/1"

    static func header(schema: String, table: String, columns: [String]) throws -> [UInt8] {
        // JSONSerialization keeps every string exact; sort the keys so the header is stable.
        func json(_ value: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self)
        }
        let text = "{\"format\":\(try json(format)),\"schema\":\(try json(schema)),\"table\":\(try json(table)),"
            + "\"columns\":\(try json(columns)),\"rows\":["
        return Array(text.utf8)
    }

    static let footer: [UInt8] = Array("\n]}\n".utf8)

    /// A file name for a table that is safe on every filesystem whatever the table is called:
    /// `schema.table.json`, with bytes outside `[A-Za-z0-9_-]` percent-encoded, and a short
    /// hash instead when that would be too long.
    static func fileName(schema: String, table: String, taken: Set<String>) -> String {
        func encode(_ s: String) -> String {
            var out = ""
            for b in s.utf8 {
                switch b {
                case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F, 0x2D: out.append(Character(UnicodeScalar(b)))
                default: out += String(format: "%%%02X", b)
                }
            }
            return out
        }
        var name = encode(schema) + "." + encode(table) + ".json"
        // Case-insensitive filesystems (macOS) would merge "Users" and "users".
        if name.utf8.count > 200 || taken.contains(name.lowercased()) {
            let digest = SHA256Hex.of(Array((schema + "\u{0}" + table).utf8)).prefix(16)
            name = String(encode(schema).prefix(60)) + "." + String(encode(table).prefix(60)) + "-" + digest + ".json"
        }
        return name
    }
}
