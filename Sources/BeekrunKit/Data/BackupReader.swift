import Foundation

/// A backup folder opened for restore, checked before anything touches a database.
///
/// Two kinds are read: beekrun backups (a `manifest.json` vouching for each table file by
/// size and SHA-256) and legacy folders written by the old Node scripts (`<table>.json`
/// files each holding a JSON array of row objects, no manifest).
struct BackupReader {
    enum Content {
        case manifest(BackupManifest, tables: [BackupManifest.Table])
        case legacy([LegacyTable])
    }

    /// One legacy file: a JSON array of objects keyed by column name.
    struct LegacyTable {
        var schema: String
        var name: String
        var path: String
        var rows: Int
        var bytes: Int
        /// Every key used by any row, in first-seen order.
        var keys: [String]
        var displayName: String { schema + "." + name }
    }

    let path: String
    let content: Content

    /// Opens and verifies a backup.
    /// - Parameters:
    ///   - tables: restore only these (`name` or `schema.name`, globs allowed); only their
    ///     files are verified and loaded.
    ///   - legacySchema: the schema of legacy `<table>.json` files whose name has no schema.
    ///   - knownSchemas: schemas of the target, to read `schema.table.json` legacy names.
    /// - Throws: `BeekError.refused` naming the table when a file is missing, truncated,
    ///   edited or unreadable.
    static func open(_ path: String, tables: [String]?, legacySchema: String, knownSchemas: Set<String>) throws -> BackupReader {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw BeekError.file(path: path, reason: "no backup folder here")
        }
        let manifestPath = path + "/" + BackupManifest.fileName
        if FileManager.default.fileExists(atPath: manifestPath) {
            let manifest = try BackupManifest.read(from: manifestPath)
            let chosen = try choose(manifest.tables, by: tables, name: { ($0.schema, $0.name) })
            for table in chosen { try verify(table, in: path) }
            return BackupReader(path: path, content: .manifest(manifest, tables: chosen))
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        guard !files.isEmpty else { throw BeekError.file(path: path, reason: "not a backup: no manifest.json and no table files") }
        // A beekrun backup without its manifest was cut short: its files prove nothing.
        for file in files where try startsLikeBeekrunTable(path + "/" + file) {
            throw BeekError.refused("\(path) is a partial backup (no manifest.json, so its table files cannot be checked); nothing was restored")
        }
        var legacy: [LegacyTable] = []
        for file in files {
            let base = String(file.dropLast(5))
            var schema = legacySchema, name = base
            if let dot = base.firstIndex(of: "."), knownSchemas.contains(String(base[..<dot])) {
                schema = String(base[..<dot]); name = String(base[base.index(after: dot)...])
            }
            legacy.append(LegacyTable(schema: schema, name: name, path: path + "/" + file, rows: 0, bytes: 0, keys: []))
        }
        legacy = try choose(legacy, by: tables, name: { ($0.schema, $0.name) })
        for i in legacy.indices { try inspectLegacy(&legacy[i]) }
        return BackupReader(path: path, content: .legacy(legacy))
    }

    /// Filters by `tables=`; a pattern that matches nothing is an error, as in backup.
    static func choose<T>(_ items: [T], by patterns: [String]?, name: (T) -> (String, String)) throws -> [T] {
        guard let patterns else { return items }
        var chosen: [Int] = []
        for pattern in patterns {
            let hits = items.indices.filter { i in
                let (schema, table) = name(items[i])
                return TableSelection.glob(pattern, schema + "." + table) || (!pattern.contains(".") && TableSelection.glob(pattern, table))
            }
            guard !hits.isEmpty else {
                throw BeekError.badArgument(function: "restore", message: "the backup has no table matching \"\(pattern)\"")
            }
            for h in hits where !chosen.contains(h) { chosen.append(h) }
        }
        return chosen.sorted().map { items[$0] }
    }

    /// Size and SHA-256 must be the manifest's: a truncated, edited or swapped file is refused.
    static func verify(_ table: BackupManifest.Table, in folder: String) throws {
        try BackupFiles.checkEntryName(table.file, table: table.qualifiedName, in: folder)
        let file = folder + "/" + table.file
        var link = stat()
        guard lstat(file, &link) == 0 else {
            throw BeekError.refused("backup \(folder) is incomplete: the file of table \(table.qualifiedName) (\(table.file)) is missing; nothing was restored")
        }
        let digest = try fileDigest(file)
        if digest.bytes != table.bytes {
            throw BeekError.refused("backup \(folder) is damaged: table \(table.qualifiedName) (\(table.file)) has \(digest.bytes) bytes, the manifest says \(table.bytes) (truncated or edited); nothing was restored")
        }
        if digest.sha256 != table.sha256 {
            throw BeekError.refused("backup \(folder) is damaged: table \(table.qualifiedName) (\(table.file)) does not match its checksum (edited or corrupted); nothing was restored")
        }
    }

    static func startsLikeBeekrunTable(_ path: String) throws -> Bool {
        guard (try? BackupFiles.requireRegularFile(path)) != nil, let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 64)) ?? Data()
        return String(decoding: head, as: UTF8.self).hasPrefix("{\"format\":\"beekrun-table/")
    }

    /// Parses a legacy file to check it and learn its rows and keys.
    static func inspectLegacy(_ table: inout LegacyTable) throws {
        let data: Data
        try BackupFiles.requireRegularFile(table.path)
        do { data = try Data(contentsOf: URL(fileURLWithPath: table.path)) } catch {
            throw BeekError.refused("cannot read \(table.path) (table \(table.displayName)): \(error.localizedDescription); nothing was restored")
        }
        guard let array = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
            throw BeekError.refused("\(table.path) (table \(table.displayName)) is not a JSON array of rows (damaged?); nothing was restored")
        }
        var keys: [String] = [], seen = Set<String>()
        for element in array {
            guard let object = element as? [String: Any] else {
                throw BeekError.refused("\(table.path) (table \(table.displayName)) holds a row that is not a JSON object; nothing was restored")
            }
            for key in object.keys.sorted() where seen.insert(key).inserted { keys.append(key) }
        }
        table.rows = array.count
        table.bytes = data.count
        table.keys = keys
    }
}
