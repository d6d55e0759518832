import CLua

/// A Swift object that a runbook holds as userdata: a database connection, a backup.
/// Lua sees its fields through `__index`, can `<close>` it, and the garbage collector
/// releases it.
public protocol LuaHandle: AnyObject {
    /// The name runbooks see in messages ("database", "backup").
    static var luaTypeName: String { get }
    /// A field read from Lua (`db.name`); nil when there is no such field.
    func luaField(_ name: String) -> LuaValue?
    /// A field read from Lua that may have to wait for work behind it, and fail with it (a
    /// backup still being written); `luaField` by default.
    func luaLookup(_ name: String) throws -> LuaValue?
    /// `__close`: release what the handle holds (a connection); reading fields still works.
    func luaClose()
    /// `tostring(handle)`; must never show a secret.
    var luaDescription: String { get }
}

extension LuaHandle {
    public func luaClose() {}
    public func luaLookup(_ name: String) throws -> LuaValue? { luaField(name) }
}

/// The one metatable every handle shares, and the bridge between userdata and objects.
/// The userdata holds a retained pointer to the Swift object; `__gc` releases it.
enum LuaHandleRegistry {
    static let metatableName = "beekrun.handle"

    /// Boxes the object so the protocol existential survives the trip through C.
    final class Box {
        let handle: LuaHandle
        init(_ handle: LuaHandle) { self.handle = handle }
    }

    static func push(_ L: OpaquePointer, _ handle: LuaHandle) {
        let storage = beek_newuserdata(L, MemoryLayout<UnsafeMutableRawPointer>.size)!
        let pointer = Unmanaged.passRetained(Box(handle)).toOpaque()
        storage.storeBytes(of: pointer, as: UnsafeMutableRawPointer.self)
        luaL_setmetatable(L, metatableName)
    }

    static func handle(_ L: OpaquePointer, at index: Int32) -> LuaHandle? {
        guard let storage = luaL_testudata(L, index, metatableName) else { return nil }
        let pointer = storage.load(as: UnsafeMutableRawPointer?.self)
        guard let pointer else { return nil } // already collected
        return Unmanaged<Box>.fromOpaque(pointer).takeUnretainedValue().handle
    }

    /// `__gc`: drop our reference and clear the slot, so a resurrected userdata reads as nil.
    static func release(_ L: OpaquePointer, at index: Int32) {
        guard let storage = luaL_testudata(L, index, metatableName),
              let pointer = storage.load(as: UnsafeMutableRawPointer?.self) else { return }
        storage.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
        Unmanaged<Box>.fromOpaque(pointer).release()
    }
}
