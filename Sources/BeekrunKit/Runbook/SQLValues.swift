import Foundation

/// How SQL values cross into Lua and back.
///
/// Results: booleans become Lua booleans; `smallint`, `integer`, `bigint` and `oid` become Lua
/// integers (64-bit, so every bigint is exact, beyond 2^53 too); `real` and `double precision`
/// become Lua floats; `numeric` stays the server's exact text (`"12345678901234567.89"`, also
/// `"NaN"`), since a float would round it: `tonumber()` it when a float is good enough.
/// Everything else (text, json, timestamps, uuids, arrays) stays the server's text; NULL is nil.
enum SQLValues {
    static func luaRows(_ result: PGResult) -> LuaValue {
        let names = result.columnNames
        let types = (0..<result.columnCount).map(result.columnType)
        var rows: [LuaValue] = []
        rows.reserveCapacity(result.rowCount)
        for r in 0..<result.rowCount {
            var row = LuaTable()
            for c in 0..<names.count {
                row[names[c]] = luaValue(result.value(r, c), type: types[c])
            }
            rows.append(.table(row))
        }
        return .list(rows)
    }

    static func luaValue(_ text: String?, type: UInt32) -> LuaValue {
        guard let text else { return .nil }
        switch type {
        case PGType.bool: return .bool(text == "t")
        case PGType.int2, PGType.int4, PGType.int8, PGType.oid:
            return Int64(text).map(LuaValue.integer) ?? .string(text)
        case PGType.numeric: return .string(text)
        case PGType.float4, PGType.float8:
            switch text {
            case "NaN": return .number(.nan)
            case "Infinity": return .number(.infinity)
            case "-Infinity": return .number(-.infinity)
            default: return Double(text).map(LuaValue.number) ?? .string(text)
            }
        default: return .string(text)
        }
    }

    /// A Lua argument as a text parameter (`$1`), nil for NULL.
    static func parameter(_ value: LuaValue, index: Int, function: String) throws -> String? {
        switch value {
        case .nil: return nil
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
            return String(format: "%.17g", d)
        case .string(let s): return s
        case let other:
            throw BeekError.badArgument(
                function: function,
                message: "parameter $\(index) must be a string, number, boolean or nil, got \(other.typeName)")
        }
    }
}
