import CLua

/// A Lua function held by Swift (the body of `transaction(db, function() … end)`),
/// kept alive in the Lua registry until Swift lets go of it.
public final class LuaFunctionRef {
    private let mainState: OpaquePointer
    private let ref: Int32
    weak var host: LuaHost?

    init(_ L: OpaquePointer, ref: Int32) {
        mainState = lua_tothread(L, beek_registryindex()) ?? L
        self.ref = ref
        host = LuaHost.current(L)
    }

    deinit {
        // After the state is closed the registry is gone; nothing to release.
        if let host, !host.isClosed { luaL_unref(mainState, beek_registryindex(), ref) }
    }

    func push(_ L: OpaquePointer) { lua_rawgeti(L, beek_registryindex(), lua_Integer(ref)) }

    /// Calls the function in protected mode on the running thread `L`.
    /// A Lua error inside it comes back as `BeekError.lua` carrying Lua's own message
    /// (with its `file:line:`), so the caller can roll back and pass it on unchanged.
    public func call(in L: OpaquePointer, _ arguments: [LuaValue] = []) throws -> [LuaValue] {
        let base = lua_gettop(L)
        _ = lua_checkstack(L, Int32(arguments.count) + 4)
        beek_pushmessagehandler(L)
        push(L)
        arguments.forEach { $0.push(L) }
        // The function body is runbook code: the memory limit applies to it again.
        let alloc = beek_alloc_state_of(L)!
        let saved = alloc.pointee.in_host
        alloc.pointee.in_host = 0
        let status = beek_pcall(L, Int32(arguments.count), LUA_MULTRET, base + 1)
        alloc.pointee.in_host = saved
        defer { lua_settop(L, base) }
        guard status == LUA_OK else {
            throw LuaHost.scriptError(from: L, status: status)
        }
        let top = lua_gettop(L)
        return top > base + 1 ? (base + 2...top).map { LuaValue.read(L, $0) } : []
    }
}
