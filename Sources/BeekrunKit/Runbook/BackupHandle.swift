import Foundation

/// A backup written by `backup()` (or, in a dry run, the one that would be). Runbooks get it
/// as a plain table (`luaRecord`) that `pairs` can walk; `restore()` takes that table, a
/// `list_backups{}` entry, or a path.
public final class BackupHandle: LuaHandle {
    public static let luaTypeName = "backup"

    enum State {
        case written(BackupResult)
        case planned(BackupPlan)
    }
    let state: State

    init(_ state: State) { self.state = state }

    var path: String {
        switch state {
        case .written(let r): return r.path
        case .planned(let p): return p.path
        }
    }

    public func luaField(_ key: String) -> LuaValue? {
        switch (key, state) {
        case ("path", _): return .string(path)
        case ("planned", .planned): return .bool(true)
        case ("planned", .written): return .bool(false)
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
            }
            return .record(pairs)
        case ("where", _):
            let filters: [(String, String)]
            switch state {
            case .written(let r): filters = r.manifest.filters
            case .planned(let p): filters = p.tables.compactMap { t in t.filter.map { (t.name, $0) } }
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
    /// a backup (label and time from the folder name).
    var luaRecord: LuaValue {
        let folder = URL(fileURLWithPath: path)
        let entry = BackupCatalog.parse(name: folder.lastPathComponent, in: folder.deletingLastPathComponent().path)
        return .record(["path", "label", "time", "tables", "rows", "bytes", "planned", "table_rows", "where"].map { key in
            switch key {
            case "label": return (key, LuaValue(entry?.label))
            case "time": return (key, LuaValue(entry?.time))
            default: return (key, luaField(key) ?? .nil)
            }
        })
    }
}
