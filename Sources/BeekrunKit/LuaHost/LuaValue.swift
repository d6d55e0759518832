import CLua

/// A Lua value on the Swift side of the bridge.
///
/// Tables come over as `LuaTable` (array part + string-keyed fields); functions as a
/// registry reference that can be called back; beekrun's own userdata (database handles,
/// backups) as the Swift object behind them.
public enum LuaValue {
    case `nil`
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case table(LuaTable)
    case function(LuaFunctionRef)
    case handle(LuaHandle)

    /// The Lua type name, as `type()` would say, for error messages.
    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .bool: return "boolean"
        case .integer, .number: return "number"
        case .string: return "string"
        case .table: return "table"
        case .function: return "function"
        case .handle(let h): return type(of: h).luaTypeName
        }
    }

    public var isNil: Bool { if case .nil = self { return true } else { return false } }
}

/// A Lua table as Swift sees it: the sequence `1..n` in `array`, every other key in `fields`
/// (non-string keys are converted with Lua's `tostring` rules).
public struct LuaTable {
    public var array: [LuaValue] = []
    public var fields: [String: LuaValue] = [:]
    /// Field names in the order they were added from Swift, so output tables are stable.
    public private(set) var order: [String] = []
    /// Fields not known yet: a handle works them out when Lua first reads one (its `luaLookup`)
    /// or walks the table with `pairs` (its `pending_fields`). Pushed as the table's
    /// metatable `__index`; never read back from Lua.
    public var pending: LuaHandle?

    public init(array: [LuaValue] = [], fields: [(String, LuaValue)] = []) {
        self.array = array
        for (k, v) in fields { self[k] = v }
    }

    public subscript(key: String) -> LuaValue? {
        get { fields[key] }
        set {
            if fields[key] == nil, newValue != nil { order.append(key) }
            fields[key] = newValue
            if newValue == nil { order.removeAll { $0 == key } }
        }
    }

    public var isEmpty: Bool { array.isEmpty && fields.isEmpty }
}

// MARK: Convenience constructors for results

extension LuaValue {
    public init(_ value: String?) { self = value.map { .string($0) } ?? .nil }
    public init(_ value: Int) { self = .integer(Int64(value)) }
    public init(_ value: Bool) { self = .bool(value) }

    public static func list(_ values: [LuaValue]) -> LuaValue { .table(LuaTable(array: values)) }
    public static func record(_ fields: [(String, LuaValue)]) -> LuaValue { .table(LuaTable(fields: fields)) }
}

// MARK: Reading values off the Lua stack and pushing them on

extension LuaValue {
    /// How deep tables may nest when they cross into Swift, and how many values one
    /// conversion may produce: a runbook's arguments are small, and a cycle (`t.self = t`)
    /// or a wide shared structure must end in a clear error, not a crash or a memory blow-up.
    static let maximumDepth = 32
    static let maximumValues = 1_000_000

    /// Why a value cannot cross the boundary.
    struct ConversionError: Error { let message: String }

    /// Reads the value at `index` (no Lua error can be raised here); a value that cannot be
    /// converted (cycle, too deep) reads as nil. Use `readChecked` where the caller can explain.
    static func read(_ L: OpaquePointer, _ index: Int32) -> LuaValue {
        (try? readChecked(L, index)) ?? .nil
    }

    /// Reads the value at `index`, refusing cycles, nesting deeper than `maximumDepth` and
    /// more than `maximumValues` values (a table reached twice counts twice, since it would be
    /// pushed back twice). Never raises a Lua error; leaves the stack as it was.
    static func readChecked(_ L: OpaquePointer, _ index: Int32) throws -> LuaValue {
        var reader = Reader(L: L)
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        return try reader.read(lua_absindex(L, index), depth: 0)
    }

    /// One conversion's bookkeeping: the tables on the current path (cycles), the tables
    /// already converted (shared ones are converted once) and the values left in the budget.
    private struct Reader {
        let L: OpaquePointer
        var path: Set<UnsafeRawPointer> = []
        var converted: [UnsafeRawPointer: (table: LuaTable, size: Int)] = [:]
        var budget = LuaValue.maximumValues

        mutating func spend(_ n: Int) throws {
            budget -= n
            guard budget >= 0 else { throw ConversionError(message: "holds more than \(LuaValue.maximumValues) values") }
        }

        mutating func read(_ index: Int32, depth: Int) throws -> LuaValue {
            try spend(1)
            switch lua_type(L, index) {
            case LUA_TNIL, LUA_TNONE: return .nil
            case LUA_TBOOLEAN: return .bool(lua_toboolean(L, index) != 0)
            case LUA_TNUMBER:
                if lua_isinteger(L, index) != 0 { return .integer(beek_tointeger(L, index, nil)) }
                return .number(beek_tonumber(L, index, nil))
            case LUA_TSTRING:
                var length = 0
                let p = beek_tolstring(L, index, &length)!
                return .string(p.withMemoryRebound(to: UInt8.self, capacity: length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                })
            case LUA_TTABLE:
                guard depth < LuaValue.maximumDepth else {
                    throw ConversionError(message: "is a table nested deeper than \(LuaValue.maximumDepth) levels")
                }
                guard let identity = lua_topointer(L, index) else { return .nil }
                guard !path.contains(identity) else { throw ConversionError(message: "is a table that contains itself (a cycle)") }
                if let done = converted[identity] {
                    try spend(done.size)
                    return .table(done.table)
                }
                // Each level needs a few stack slots (key, value, a nested table's own).
                guard lua_checkstack(L, 8) != 0 else { throw ConversionError(message: "is nested too deeply for the Lua stack") }
                path.insert(identity)
                defer { path.remove(identity) }
                let before = budget
                let table = try readTable(index, depth: depth)
                converted[identity] = (table, before - budget)
                return .table(table)
            case LUA_TFUNCTION:
                lua_pushvalue(L, index)
                return .function(LuaFunctionRef(L, ref: luaL_ref(L, beek_registryindex())))
            case LUA_TUSERDATA:
                if let handle = LuaHandleRegistry.handle(L, at: index) { return .handle(handle) }
                return .nil
            default:
                return .nil
            }
        }

        private mutating func readTable(_ index: Int32, depth: Int) throws -> LuaTable {
            var table = LuaTable()
            let length = Int(lua_rawlen(L, index))
            guard length <= budget else { throw ConversionError(message: "holds more than \(LuaValue.maximumValues) values") }
            for i in 1...max(length, 1) where length > 0 {
                lua_rawgeti(L, index, lua_Integer(i))
                defer { beek_pop(L, 1) }
                table.array.append(try read(lua_absindex(L, -1), depth: depth + 1))
            }
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                // key at -2, value at -1. Skip the sequence part already read.
                if lua_isinteger(L, -2) != 0 {
                    let k = beek_tointeger(L, -2, nil)
                    if k >= 1 && k <= length { beek_pop(L, 1); continue }
                }
                let key: String
                if lua_type(L, -2) == LUA_TSTRING {
                    var n = 0
                    let p = beek_tolstring(L, -2, &n)! // safe: the key is already a string, no conversion
                    key = String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
                } else {
                    key = LuaValue.describeKey(L, -2)
                }
                do {
                    table[key] = try read(lua_absindex(L, -1), depth: depth + 1)
                } catch {
                    beek_pop(L, 2) // value and key: lua_next is abandoned
                    throw error
                }
                beek_pop(L, 1)
            }
            return table
        }
    }

    /// A non-string key as text, without converting it in place (which would confuse lua_next).
    fileprivate static func describeKey(_ L: OpaquePointer, _ index: Int32) -> String {
        switch lua_type(L, index) {
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return String(beek_tointeger(L, index, nil)) }
            return String(beek_tonumber(L, index, nil))
        case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0 ? "true" : "false"
        default: return "<\(String(cString: lua_typename(L, lua_type(L, index))))>"
        }
    }

    /// Pushes the value. Called only from Swift callbacks running inside a trampoline, where
    /// the allocator never fails, so no Lua error can be raised.
    func push(_ L: OpaquePointer) {
        _ = lua_checkstack(L, 4)
        switch self {
        case .nil: lua_pushnil(L)
        case .bool(let b): lua_pushboolean(L, b ? 1 : 0)
        case .integer(let i): lua_pushinteger(L, lua_Integer(i))
        case .number(let d): lua_pushnumber(L, d)
        case .string(let s):
            var s = s
            s.withUTF8 { p in
                p.baseAddress.map { base in base.withMemoryRebound(to: CChar.self, capacity: p.count) { _ = lua_pushlstring(L, $0, p.count) } }
                    ?? { _ = lua_pushlstring(L, "", 0) }()
            }
        case .table(let t):
            lua_createtable(L, Int32(t.array.count), Int32(t.fields.count))
            for (i, v) in t.array.enumerated() {
                v.push(L)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
            for key in t.order {
                LuaValue.string(key).push(L)
                t.fields[key]!.push(L)
                lua_rawset(L, -3)
            }
            if let pending = t.pending {
                lua_createtable(L, 0, 2)
                LuaHandleRegistry.push(L, pending)
                lua_setfield(L, -2, "__index")
                if let host = LuaHost.current(L), host.lazyPairsRef != 0 {
                    lua_rawgeti(L, beek_registryindex(), lua_Integer(host.lazyPairsRef))
                    lua_setfield(L, -2, "__pairs")
                }
                lua_setmetatable(L, -2)
            }
        case .function(let ref): ref.push(L)
        case .handle(let h): LuaHandleRegistry.push(L, h)
        }
    }
}
