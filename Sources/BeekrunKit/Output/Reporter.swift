import Foundation

/// What a step did, which decides its symbol: Terraform's `+`/`-`/`~` for planned changes,
/// a check mark for what ran.
public enum StepKind: Sendable {
    case read      // connect, query, diff: runs in a dry run too
    case create    // +
    case destroy   // -
    case change    // ~
}

/// Writes beekrun's output: one line per step with its duration, a live progress line for
/// long steps on a terminal, plain lines (no colour, no redraws) otherwise. Every text is
/// passed through `Secrets.redact` on its way out.
public final class Reporter: @unchecked Sendable {
    public let terminal: Terminal
    private let write: @Sendable (String, _ toError: Bool) -> Void
    private let lock = NSLock()
    private var progressShown = false
    private var lastProgress = 0.0

    /// - Parameter write: where text goes; the default writes to stdout/stderr unbuffered.
    public init(terminal: Terminal, write: (@Sendable (String, Bool) -> Void)? = nil) {
        self.terminal = terminal
        self.write = write ?? { text, toError in
            let handle = toError ? FileHandle.standardError : FileHandle.standardOutput
            handle.write(Data(text.utf8))
        }
    }

    // MARK: Colour

    private func paint(_ text: String, _ code: String) -> String {
        terminal.colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
    func green(_ s: String) -> String { paint(s, "32") }
    func red(_ s: String) -> String { paint(s, "31") }
    func yellow(_ s: String) -> String { paint(s, "33") }
    func dim(_ s: String) -> String { paint(s, "2") }
    func bold(_ s: String) -> String { paint(s, "1") }

    // MARK: Lines

    private func emit(_ text: String, toError: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        if progressShown { write("\r\u{1B}[K", false); progressShown = false }
        write(Secrets.shared.redact(text) + "\n", toError)
    }

    public func header(_ text: String) { emit(bold(text)) }

    /// A finished step: `✓ title  detail  12 ms`.
    public func done(_ title: String, _ detail: String = "", seconds: Double? = nil) {
        emit(line(green("✓"), title, detail, seconds))
    }

    /// A step a dry run would perform: `+ title  detail`.
    public func planned(_ kind: StepKind, _ title: String, _ detail: String = "") {
        let symbol: String
        switch kind {
        case .create: symbol = green("+")
        case .destroy: symbol = red("-")
        case .change, .read: symbol = yellow("~")
        }
        emit(line(symbol, title, detail, nil))
    }

    public func failed(_ title: String, _ message: String, seconds: Double? = nil) {
        emit(line(red("✗"), title, message, seconds), toError: true)
    }

    /// An indented detail line under a step (a planned object, a SQL line).
    public func detail(_ text: String) {
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) { emit("    " + l) }
    }

    /// `log(...)` from a runbook.
    public func log(_ text: String) { emit(paint("•", "36") + " " + text) }

    /// `print(...)` from a runbook: exactly the text, no decoration.
    public func print(_ text: String) { emit(text) }

    public func warning(_ text: String) { emit(yellow("! ") + text, toError: true) }
    public func error(_ text: String) { emit(red("error: ") + text, toError: true) }

    private func line(_ symbol: String, _ title: String, _ detail: String, _ seconds: Double?) -> String {
        let padded = title.count < 24 ? title + String(repeating: " ", count: 24 - title.count) : title
        var s = "\(symbol) \(bold(padded))"
        if !detail.isEmpty { s += " " + detail }
        if let seconds { s += "  " + dim(Format.duration(seconds)) }
        return s
    }

    // MARK: Progress

    /// Live progress for a long step: redrawn in place at most 10 times a second on a
    /// terminal; never shown otherwise (logs stay clean).
    public func progress(_ label: String, rows: Int, bytes: Int, seconds: Double) {
        guard terminal.interactiveOutput else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        guard now - lastProgress >= 0.1 else { return }
        lastProgress = now
        let rate = seconds > 0 ? Format.bytes(Int(Double(bytes) / seconds)) + "/s" : ""
        let text = "  ↳ \(label): \(Format.count(rows)) rows, \(Format.bytes(bytes)) \(rate)"
        write("\r\u{1B}[K" + dim(Secrets.shared.redact(text)), false)
        progressShown = true
    }
}
