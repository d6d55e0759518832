import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the process is attached to: decides colour, progress redraws and whether a
/// confirmation can be asked at all.
public struct Terminal: Sendable {
    /// Standard error, where beekrun's own lines go, is a terminal and so is standard output:
    /// colour and live progress are allowed. The contract promises none of either when
    /// standard output is not a terminal (`beekrun x.lua > plan.txt` in a script or CI).
    public var interactiveOutput: Bool
    /// Standard input is a terminal: a confirmation can be asked.
    public var interactiveInput: Bool
    public var colour: Bool

    public static func detect(environment: [String: String] = ProcessInfo.processInfo.environment) -> Terminal {
        let out = isatty(STDERR_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        let input = isatty(STDIN_FILENO) == 1
        let noColour = environment["NO_COLOR"] != nil || environment["TERM"] == "dumb"
        return Terminal(interactiveOutput: out, interactiveInput: input, colour: out && !noColour)
    }

    public static let plain = Terminal(interactiveOutput: false, interactiveInput: false, colour: false)

    public init(interactiveOutput: Bool, interactiveInput: Bool, colour: Bool) {
        self.interactiveOutput = interactiveOutput
        self.interactiveInput = interactiveInput
        self.colour = colour
    }

    /// Reads one line typed by the user (nil at end of input, or once Ctrl-C was pressed).
    /// It polls instead of blocking in read(2): Ctrl-C may be delivered to another thread of
    /// the process, which would leave a blocking read waiting for Enter while the runbook's
    /// transaction stays open on the server.
    public func readLine() -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while !Interrupt.wasPressed {
            var waiting = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&waiting, 1, 100)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { if ready < 0 { return nil }; continue }
            let n = read(STDIN_FILENO, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == 0x0A { break }
            line.append(byte)
        }
        if Interrupt.wasPressed { return nil }
        if line.last == 0x0D { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }
}
