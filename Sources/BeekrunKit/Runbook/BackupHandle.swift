/// What `backup()` returns: the backup written (or, in a dry run, the one that would be).
/// `restore()` takes it, or a path.
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
        default: return nil
        }
    }

    public var luaDescription: String { "backup \(path)" }
}
