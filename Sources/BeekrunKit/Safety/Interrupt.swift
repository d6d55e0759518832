import CLibPQ
import CLua
import Foundation

/// Ctrl-C. The first one cancels the statement the server is running (PQcancel: a
/// `pg_sleep(30)` must not go on after beekrun stops), and stops the runbook at its next Lua
/// instruction: the flag stays set, so a `pcall` loop cannot swallow it, every later
/// primitive refuses to start, open transactions roll back, and the run exits with 130.
/// A confirmation waiting for a typed answer is interrupted too (no SA_RESTART), so it does not
/// sit on an open transaction waiting for Enter. A second Ctrl-C ends the process at once.
enum Interrupt {
    /// The cancel handles of open connections, in fixed slots: the signal handler may only
    /// read plain memory and call async-signal-safe functions (PQcancel is one).
    private static let capacity = 64
    nonisolated(unsafe) private static let cancels: UnsafeMutablePointer<OpaquePointer?> = {
        let p = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: capacity)
        p.initialize(repeating: nil, count: capacity)
        return p
    }()
    nonisolated(unsafe) private static let owners: UnsafeMutablePointer<UInt> = {
        let p = UnsafeMutablePointer<UInt>.allocate(capacity: capacity)
        p.initialize(repeating: 0, count: capacity)
        return p
    }()
    /// The running host's state, whose flag the Lua count hook checks.
    nonisolated(unsafe) static var luaState: UnsafeMutablePointer<beek_alloc_state>?
    nonisolated(unsafe) static var pressed: sig_atomic_t = 0

    /// True once Ctrl-C was pressed in this run.
    static var wasPressed: Bool { pressed != 0 }

    /// Guards the slots against connections opened and closed on several threads at once
    /// (the signal handler only reads them).
    private static let slots = NSLock()

    static func register(_ connection: PGConnection, cancel: OpaquePointer?) {
        slots.lock(); defer { slots.unlock() }
        let owner = UInt(bitPattern: ObjectIdentifier(connection).hashValue)
        for i in 0..<capacity where cancels[i] == nil {
            owners[i] = owner
            cancels[i] = cancel
            return
        }
        if let cancel { PQfreeCancel(cancel) } // more than 64 connections: not cancellable, still closed on exit
    }

    static func unregister(_ connection: PGConnection) {
        slots.lock(); defer { slots.unlock() }
        let owner = UInt(bitPattern: ObjectIdentifier(connection).hashValue)
        for i in 0..<capacity where owners[i] == owner && cancels[i] != nil {
            let cancel = cancels[i]
            cancels[i] = nil
            owners[i] = 0
            PQfreeCancel(cancel)
        }
    }

    /// Throws when Ctrl-C was pressed: primitives check it before they start anything.
    static func check() throws {
        if pressed != 0 { throw BeekError.aborted("interrupted (Ctrl-C)") }
    }

    static func install(_ host: LuaHost) {
        luaState = host.interruptFlag
        pressed = 0
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            if Interrupt.pressed != 0 { _exit(130) }
            Interrupt.pressed = 1
            Interrupt.luaState?.pointee.interrupted = 1
            var buffer = (Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0))
            withUnsafeMutableBytes(of: &buffer) { raw in
                let p = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                for i in 0..<Interrupt.capacity {
                    if let cancel = Interrupt.cancels[i] { _ = PQcancel(cancel, p, Int32(raw.count)) }
                }
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0 // no SA_RESTART: a blocking read (the typed confirmation) returns
        sigaction(SIGINT, &action, nil)
    }

    static func reset() {
        signal(SIGINT, SIG_DFL)
        luaState = nil
    }
}
