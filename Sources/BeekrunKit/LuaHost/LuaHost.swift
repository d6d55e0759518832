import CLua
import Foundation

/// A sandboxed Lua 5.4 state that runs one runbook.
///
/// - Only string, table, math, utf8, coroutine and `os.time/date/clock` are there: no io,
///   no os.execute, no load/dofile, no debug; `require` loads only Lua source files of the project.
/// - Swift functions are called through C trampolines (`beek_pushswiftfunction`): a Swift
///   callback returns an error value and the trampoline raises it, so `lua_error` never
///   unwinds Swift frames.
/// - After setup the globals are locked: assigning or reading an undeclared global is an error.
public final class LuaHost {
    let L: OpaquePointer
    private let alloc: UnsafeMutablePointer<beek_alloc_state>
    private var callbacks: [Unmanaged<LuaCallback>] = []
    public private(set) var isClosed = false
    /// The Swift error behind the most recent error a callback raised, so the runner can
    /// tell an `abort()` or a refused guard from a plain Lua error.
    var lastHostError: (message: String, error: Error)?
    /// The traceback of the most recent failed protected call.
    public internal(set) var lastTraceback: String?

    public let memoryLimit: Int
    /// The registry reference of the `__pairs` of tables with fields still being worked out
    /// (`LuaTable.pending`), 0 when there is none.
    private(set) var lazyPairsRef: Int32 = 0

    /// - Parameter memoryLimit: bytes the runbook's Lua values may use (0 = unlimited).
    public init(memoryLimit: Int = 1 << 30) {
        self.memoryLimit = memoryLimit
        alloc = .allocate(capacity: 1)
        alloc.initialize(to: beek_alloc_state(used: 0, limit: 0, in_host: 1, limit_hit: 0, host: nil, interrupted: 0))
        L = beek_newstate(alloc)
        alloc.pointee.host = Unmanaged.passUnretained(self).toOpaque()
        beek_open_sandboxed_libs(L)
        installHandleMetatable()
        installLazyPairs()
        beek_install_interrupt_hook(L)
        alloc.pointee.limit = memoryLimit
    }

    deinit { close() }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        lua_close(L) // runs __gc of every handle: connections close
        callbacks.forEach { $0.release() }
        callbacks.removeAll()
        alloc.deallocate()
    }

    /// The host that owns a Lua state (any of its threads).
    static func current(_ L: OpaquePointer) -> LuaHost? {
        guard let st = beek_alloc_state_of(L), let host = st.pointee.host else { return nil }
        return Unmanaged<LuaHost>.fromOpaque(host).takeUnretainedValue()
    }

    // MARK: Defining the runbook's world

    /// Makes a Swift function a global Lua function.
    public func register(_ name: String, _ body: @escaping (LuaCall) throws -> [LuaValue]) {
        pushFunction(name, body)
        lua_setglobal(L, name)
    }

    /// Makes a Swift function a field of a global table (`git.status`), creating the table.
    public func register(_ table: String, _ name: String, _ body: @escaping (LuaCall) throws -> [LuaValue]) {
        if lua_getglobal(L, table) != LUA_TTABLE {
            beek_pop(L, 1)
            beek_newtable(L)
            lua_pushvalue(L, -1)
            lua_setglobal(L, table)
        }
        pushFunction("\(table).\(name)", body)
        lua_setfield(L, -2, name)
        beek_pop(L, 1)
    }

    public func setGlobal(_ name: String, _ value: LuaValue) {
        value.push(L)
        lua_setglobal(L, name)
    }

    private func pushFunction(_ name: String, _ body: @escaping (LuaCall) throws -> [LuaValue]) {
        let callback = Unmanaged.passRetained(LuaCallback(name: name, body: body))
        callbacks.append(callback)
        beek_pushswiftfunction(L, luaCallbackEntry, callback.toOpaque())
    }

    /// Removes what a runbook must not reach, then locks the global table.
    /// Runs Lua source of our own (the prelude), before any runbook code.
    public func sealSandbox() throws {
        try runChunk(LuaHost.prelude, name: "=beekrun-prelude")
        alloc.pointee.in_host = 0 // from now on runbook code runs: the memory limit applies
    }

    // MARK: Running a runbook

    /// Loads `path` as text with chunk name `@displayPath` and runs it under the traceback handler.
    /// - Throws: `BeekError.lua` with `file:line: message` on any error.
    public func run(file path: String, displayPath: String? = nil) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BeekError.file(path: displayPath ?? path, reason: "cannot read the script")
        }
        var source = data
        // A leading "#!" line is allowed, as the standalone interpreter allows it: it becomes
        // a comment of the same length, so line numbers stay right.
        if source.starts(with: Array("#!".utf8)) { source.replaceSubrange(source.startIndex..<source.startIndex + 2, with: Array("--".utf8)) }
        try runChunk(source, name: "@" + (displayPath ?? path))
    }

    public func runChunk(_ source: String, name: String) throws { try runChunk(Data(source.utf8), name: name) }

    func runChunk(_ source: Data, name: String) throws {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        beek_pushmessagehandler(L)
        let loaded = source.withUnsafeBytes { raw in
            beek_loadbuffer(L, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, name)
        }
        guard loaded == LUA_OK else { throw LuaHost.scriptError(from: L, status: loaded) }
        alloc.pointee.limit_hit = 0
        let status = beek_pcall(L, 0, 0, base + 1)
        guard status == LUA_OK else { throw LuaHost.scriptError(from: L, status: status) }
    }

    /// Turns the error object on top of the stack (a {message, traceback} table from the
    /// message handler, or a plain value) into `BeekError.lua`.
    static func scriptError(from L: OpaquePointer, status: Int32) -> BeekError {
        let host = current(L)
        var message = "unknown error"
        var traceback: String?
        switch LuaValue.read(L, -1) {
        case .table(let t):
            if case .string(let m)? = t.array.first { message = m }
            if t.array.count > 1, case .string(let tb) = t.array[1] { traceback = tb }
        case .string(let m): message = m
        case let other: message = "(error object is a \(other.typeName) value)"
        }
        if status == LUA_ERRMEM, let host, let st = beek_alloc_state_of(L), st.pointee.limit_hit != 0 {
            message = "the runbook used more than \(host.memoryLimit / (1 << 20)) MB of memory and was stopped"
        }
        host?.lastTraceback = traceback
        return .lua(Secrets.shared.redact(message))
    }

    /// The Swift error that produced `message`, when a primitive raised it.
    public func hostError(for message: String) -> Error? {
        guard let last = lastHostError, message.hasSuffix(last.message) || last.message.hasSuffix(message) || message == last.message else { return nil }
        return last.error
    }

    /// Asks the running script to stop at its next instruction (safe from a signal handler:
    /// one store).
    public func interrupt() { alloc.pointee.interrupted = 1 }

    /// Where a signal handler can reach the flag without touching Swift objects.
    var interruptFlag: UnsafeMutablePointer<beek_alloc_state> { alloc }

    /// Bytes of Lua memory in use (for tests and the memory guard).
    public var memoryInUse: Int { Int(alloc.pointee.used) }

    // MARK: Setup details

    /// `pairs` over a table some of whose fields a handle works out on first read (a backup
    /// still being written): it asks the handle for them all (waiting for the work), puts them
    /// in the table and walks it. Plain Lua: it only reads fields and sets absent ones.
    private func installLazyPairs() {
        let source = """
            local next, rawget, rawset, getmetatable = next, rawget, rawset, getmetatable
            return function(t)
              local mt = getmetatable(t)
              local pending = mt and rawget(mt, "__index")
              if pending then
                for k, v in next, pending.pending_fields do
                  if rawget(t, k) == nil then rawset(t, k, v) end
                end
              end
              return next, t, nil
            end
            """
        let base = lua_gettop(L)
        let loaded = source.withCString { beek_loadbuffer(L, $0, strlen($0), "=beekrun-pairs") }
        if loaded == LUA_OK, beek_pcall(L, 0, 1, 0) == LUA_OK {
            lazyPairsRef = luaL_ref(L, beek_registryindex())
        }
        lua_settop(L, base)
    }

    private func installHandleMetatable() {
        luaL_newmetatable(L, LuaHandleRegistry.metatableName)
        let metamethods: [(String, (LuaCall) throws -> [LuaValue])] = [
            ("__index", { call in
                guard case .handle(let h) = call.argument(1), case .string(let key) = call.argument(2) else { return [.nil] }
                if let value = try h.luaLookup(key) { return [value] }
                throw BeekError.badArgument(function: type(of: h).luaTypeName, message: "has no field '\(key)'")
            }),
            ("__close", { call in
                if case .handle(let h) = call.argument(1) { h.luaClose() }
                return []
            }),
            ("__tostring", { call in
                guard case .handle(let h) = call.argument(1) else { return [.string("handle")] }
                return [.string(h.luaDescription)]
            }),
        ]
        for (name, body) in metamethods {
            pushFunction(name, body)
            lua_setfield(L, -2, name)
        }
        // __gc must not resolve the handle through LuaCall (the object may be half-released).
        pushFunction("__gc", { call in LuaHandleRegistry.release(call.L, at: 1); return [] })
        lua_setfield(L, -2, "__gc")
        beek_pop(L, 1)
    }
}

/// A registered Swift function and its name (for messages).
final class LuaCallback {
    let name: String
    let body: (LuaCall) throws -> [LuaValue]
    init(name: String, body: @escaping (LuaCall) throws -> [LuaValue]) {
        self.name = name
        self.body = body
    }
}

/// The C-callable entry every registered Swift function goes through. It never raises:
/// on error it pushes `file:line: message` and returns -1, and the C trampoline raises.
private func luaCallbackEntry(_ L: OpaquePointer?, _ context: UnsafeMutableRawPointer?) -> Int32 {
    guard let L, let context else { return 0 }
    let callback = Unmanaged<LuaCallback>.fromOpaque(context).takeUnretainedValue()
    let call = LuaCall(L, name: callback.name)
    do {
        if let problem = call.argumentError { throw problem }
        let results = try callback.body(call)
        _ = lua_checkstack(L, Int32(results.count) + 2)
        results.forEach { $0.push(L) }
        return Int32(results.count)
    } catch {
        let message: String
        if case BeekError.lua(let m) = error {
            message = m // already carries the position of the line that raised it
        } else {
            message = call.position + " " + error.userMessage
        }
        LuaHost.current(L)?.lastHostError = (message, error)
        LuaValue.string(message).push(L)
        return -1
    }
}
