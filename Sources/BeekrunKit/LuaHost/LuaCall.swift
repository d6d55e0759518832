import CLua

/// One call from Lua into a Swift function: its arguments, already read into Swift values,
/// and helpers that check them and explain what is wrong in the runbook's terms.
public struct LuaCall {
    /// The running Lua thread.
    public let L: OpaquePointer
    /// The function's name as runbooks write it (`connect`, `git.status`).
    public let name: String
    public let arguments: [LuaValue]
    /// The option keys the called primitive declares (see `Primitive.options`).
    public var knownOptions: [String] = []
    /// Set when an argument could not cross into Swift (a cycle, too deep): the call fails
    /// with it before the primitive runs.
    let argumentError: BeekError?

    init(_ L: OpaquePointer, name: String) {
        self.L = L
        self.name = name
        let count = lua_gettop(L)
        var values: [LuaValue] = []
        var problem: BeekError?
        for index in count > 0 ? Array(1...count) : [] {
            do {
                values.append(try LuaValue.readChecked(L, index))
            } catch {
                let reason = (error as? LuaValue.ConversionError)?.message ?? "cannot be read"
                problem = problem ?? .badArgument(function: name, message: "argument #\(index) \(reason): pass plain values")
                values.append(.nil)
            }
        }
        arguments = values
        argumentError = problem
    }

    /// `file:line:` of the runbook line that made this call.
    public var position: String {
        var buffer = [CChar](repeating: 0, count: 512)
        beek_where(L, 1, &buffer, buffer.count)
        return String(cString: buffer)
    }

    /// The host running this call.
    public var host: LuaHost? { LuaHost.current(L) }

    /// Argument `index` (1-based), nil when absent.
    public func argument(_ index: Int) -> LuaValue { index <= arguments.count ? arguments[index - 1] : .nil }

    public func fail(_ message: String) -> BeekError { .badArgument(function: name, message: message) }

    // MARK: Typed arguments

    public func string(_ index: Int, _ what: String) throws -> String {
        switch argument(index) {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .number(let d): return String(d)
        case let other: throw fail("argument #\(index) (\(what)) must be a string, got \(other.typeName)")
        }
    }

    public func optionalString(_ index: Int, _ what: String) throws -> String? {
        argument(index).isNil ? nil : try string(index, what)
    }

    public func handle<T: LuaHandle>(_ index: Int, _ type: T.Type, _ what: String) throws -> T {
        if case .handle(let h) = argument(index), let typed = h as? T { return typed }
        let got = argument(index).typeName
        let hint = T.luaTypeName == "database" ? " (the value returned by connect{...})" : ""
        throw fail("argument #\(index) (\(what)) must be a \(T.luaTypeName)\(hint), got \(got)")
    }

    public func function(_ index: Int, _ what: String) throws -> LuaFunctionRef {
        if case .function(let f) = argument(index) { return f }
        throw fail("argument #\(index) (\(what)) must be a function, got \(argument(index).typeName)")
    }

    /// The options table at `index` (missing or nil = empty), checked against the known keys:
    /// an unknown key is an error that names the ones that exist.
    public func options(_ index: Int) throws -> Options {
        let known = knownOptions
        switch argument(index) {
        case .nil: return Options(function: name, table: LuaTable())
        case .table(let t):
            for key in t.fields.keys.sorted() where !known.contains(key) {
                let suggestion = Spelling.closest(to: key, among: known).map { " (did you mean '\($0)'?)" } ?? ""
                throw fail("unknown option '\(key)'\(suggestion); known options: \(known.joined(separator: ", "))")
            }
            if !t.array.isEmpty {
                throw fail("options must be written as {key = value, ...}; known options: \(known.joined(separator: ", "))")
            }
            return Options(function: name, table: t)
        case let other:
            throw fail("argument #\(index) must be an options table {key = value, ...}, got \(other.typeName)")
        }
    }
}

/// A checked options table (`{url = ..., readonly = true}`) with typed getters.
public struct Options {
    let function: String
    public let table: LuaTable

    func fail(_ key: String, _ expected: String, _ got: LuaValue) -> BeekError {
        .badArgument(function: function, message: "option '\(key)' must be \(expected), got \(got.typeName)")
    }

    public func has(_ key: String) -> Bool { !(table[key]?.isNil ?? true) }

    public func string(_ key: String) throws -> String? {
        switch table[key] {
        case nil, .nil?: return nil
        case .string(let s)?: return s
        case .integer(let i)?: return String(i)
        case let other?: throw fail(key, "a string", other)
        }
    }

    public func requiredString(_ key: String) throws -> String {
        guard let s = try string(key), !s.isEmpty else {
            throw BeekError.badArgument(function: function, message: "option '\(key)' is required")
        }
        return s
    }

    public func bool(_ key: String, default value: Bool) throws -> Bool {
        switch table[key] {
        case nil, .nil?: return value
        case .bool(let b)?: return b
        case let other?: throw fail(key, "true or false", other)
        }
    }

    public func integer(_ key: String) throws -> Int? {
        switch table[key] {
        case nil, .nil?: return nil
        case .integer(let i)?: return Int(i)
        case .number(let d)?:
            // math.huge, NaN and 2^63 are numbers but no integer: refuse them with a message, not a trap.
            guard let i = Int(exactly: d) else {
                throw BeekError.badArgument(function: function, message: "option '\(key)' must be an integer, got \(d)")
            }
            return i
        case let other?: throw fail(key, "an integer", other)
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    public func strings(_ key: String) throws -> [String]? {
        switch table[key] {
        case nil, .nil?: return nil
        case .string(let s)?: return [s]
        case .table(let t)?:
            guard t.fields.isEmpty else { throw fail(key, "a list of strings like {\"a\", \"b\"}", .table(t)) }
            return try t.array.map {
                guard case .string(let s) = $0 else { throw fail(key, "a list of strings", $0) }
                return s
            }
        case let other?: throw fail(key, "a list of strings", other)
        }
    }

    public func value(_ key: String) -> LuaValue? { table[key] }
}
