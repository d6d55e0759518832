import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Issue 11, item 6: values crossing from Lua into Swift are bounded, so a hostile runbook
/// gets a clear error instead of a segfault or a memory blow-up.
@Suite("Lua values cross the boundary safely")
struct ValueBoundaryTests {
    /// Runs `source` with an `echo` that hands its arguments back; returns the error text.
    func failure(_ source: String) -> String? {
        let host = LuaHost(memoryLimit: 256 << 20)
        defer { host.close() }
        host.register("echo") { call in call.arguments }
        host.register("log") { _ in [] }
        do {
            try host.sealSandbox()
            try host.runChunk(source, name: "=test")
            return nil
        } catch {
            return error.userMessage
        }
    }

    @Test("item 6: a table that holds itself is refused with a clear error (it used to segfault)")
    func item6CycleRefused() {
        let message = failure("local t = {}; t.self = t; log(t)")
        #expect(message?.contains("log: argument #1 is a table that contains itself (a cycle)") == true, "\(message ?? "no error")")
        #expect(failure("local a, b = {}, {}; a.b = b; b.list = {1, 2, a}; echo(1, a)")?.contains("argument #2") == true)
    }

    @Test("item 6: nesting is limited to 32 levels with a clear error (34 levels used to crash)")
    func item6DepthLimited() {
        #expect(failure("local t = {} for i = 1, 31 do t = {t} end echo(t)") == nil)
        for depth in [34, 200, 100_000] {
            let message = failure("local t = {} for i = 1, \(depth) do t = {x = t} end echo(t)")
            #expect(message?.contains("nested deeper than 32 levels") == true, "\(depth): \(message ?? "no error")")
        }
    }

    @Test("item 6: a wide shared structure is bounded by a value budget, quickly")
    func item6WideStructureBounded() {
        let watch = Date()
        let message = failure("local t = {1} for i = 1, 30 do t = {t, t, t} end echo(t)")
        #expect(message?.contains("holds more than 1000000 values") == true, "\(message ?? "no error")")
        #expect(Date().timeIntervalSince(watch) < 10)
        // Shared but small is fine, and comes back intact.
        #expect(failure("local s = {1, 2} local t = {s, s, {s}} local r = echo(t) assert(r[3][1][2] == 2)") == nil)
    }
}
