import Foundation

/// A backup written by `backup()` (or, in a dry run, the one that would be). Runbooks get it
/// as a plain table (`luaRecord`) that `pairs` can walk; `restore()` takes that table, a
/// `list_backups{}` entry, or a path.
public final class BackupHandle: LuaHandle {
    public static let luaTypeName = "backup"

    enum State {
        case written(BackupResult)
        case planned(BackupPlan)
        /// Its files are being written in the background; rows, bytes and table_rows wait for them.
        case running(BackupInProgress, BackupPlan)
    }
    let state: State

    init(_ state: State) { self.state = state }

    var path: String {
        switch state {
        case .written(let r): return r.path
        case .planned(let p): return p.path
        case .running(let r, _): return r.path
        }
    }

    /// The fields a backup still being written knows only when it is finished.
    static let pendingKeys = ["rows", "bytes", "table_rows"]

    public func luaLookup(_ key: String) throws -> LuaValue? {
        guard case .running(let running, _) = state else { return luaField(key) }
        if key == "pending_fields" {
            let written = BackupHandle(.written(try running.wait()))
            return .record(BackupHandle.pendingKeys.map { ($0, written.luaField($0) ?? .nil) })
        }
        guard BackupHandle.pendingKeys.contains(key) else { return luaField(key) ?? .nil }
        return BackupHandle(.written(try running.wait())).luaField(key)
    }

    public func luaField(_ key: String) -> LuaValue? {
        switch (key, state) {
        case ("path", _): return .string(path)
        case ("planned", .planned): return .bool(true)
        case ("planned", .written), ("planned", .running): return .bool(false)
        case ("tables", .running(let r, _)): return LuaValue(r.tables)
        case ("tables", .written(let r)): return LuaValue(r.tables)
        case ("tables", .planned(let p)): return LuaValue(p.tables.count)
        case ("rows", .written(let r)): return LuaValue(r.rows)
        case ("rows", .planned(let p)): return LuaValue(p.rows)
        case ("bytes", .written(let r)): return LuaValue(r.bytes)
        case ("bytes", .planned(let p)): return LuaValue(p.estimatedBytes)
        case ("table_rows", _):
            let pairs: [(String, LuaValue)]
            switch state {
            case .written(let r): pairs = r.manifest.tables.map { ($0.qualifiedName, LuaValue($0.rows)) }
            case .planned(let p): pairs = p.tables.map { ($0.name, LuaValue($0.rows)) }
            case .running: return nil
            }
            return .record(pairs)
        case ("where", _):
            let filters: [(String, String)]
            switch state {
            case .written(let r): filters = r.manifest.filters
            case .planned(let p), .running(_, let p): filters = p.tables.compactMap { t in t.filter.map { (t.name, $0) } }
            }
            return BackupHandle.whereRecord(filters)
        default: return nil
        }
    }

    /// `where` of a backup result or list entry: the filter of each table backed up as a
    /// subset, keyed by schema.name; nil for a backup of whole tables.
    static func whereRecord(_ filters: [(String, String)]) -> LuaValue {
        filters.isEmpty ? .nil : .record(filters.map { ($0.0, LuaValue.string($0.1)) })
    }

    public var luaDescription: String { "backup \(path)" }

    /// `{path, label, time, tables, rows, bytes, planned, table_rows, where}`, as `list_backups` shows
    /// a backup (label and time from the folder name). While the files are being written,
    /// reading rows, bytes or table_rows (or walking the table with pairs) waits for them.
    var luaRecord: LuaValue {
        let folder = URL(fileURLWithPath: path)
        let entry = BackupCatalog.parse(name: folder.lastPathComponent, in: folder.deletingLastPathComponent().path)
        var running = false
        if case .running = state { running = true }
        let keys = ["path", "label", "time", "tables", "rows", "bytes", "planned", "table_rows", "where"]
            .filter { !(running && BackupHandle.pendingKeys.contains($0)) }
        var table = LuaTable(fields: keys.map { key in
            switch key {
            case "label": return (key, LuaValue(entry?.label))
            case "time": return (key, LuaValue(entry?.time))
            default: return (key, luaField(key) ?? .nil)
            }
        })
        if running { table.pending = self }
        return .table(table)
    }
}
