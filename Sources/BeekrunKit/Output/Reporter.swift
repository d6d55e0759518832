import Foundation

/// What a step did, which decides its symbol: Terraform's `+`/`-`/`~` for planned changes,
/// a check mark for what ran.
public enum StepKind: Sendable {
    case read      // connect, query, diff: runs in a dry run too
    case create    // +
    case destroy   // -
    case change    // ~
}

/// Writes beekrun's output, following the Unix convention: beekrun's own step lines, logs,
/// plan, warnings and errors go to standard error; a runbook's `print` alone goes to standard
/// output, so `beekrun drift.lua > migration.sql` captures exactly what the runbook printed.
/// One line per step with its duration, a live progress line for long steps on a terminal,
/// plain lines (no colour, no redraws) otherwise; with `json`, every line on standard error is
/// one JSON object instead (a machine-readable step log). Every text is passed through
/// `Secrets.redact` on its way out.
public final class Reporter: @unchecked Sendable {
    public let terminal: Terminal
    /// Standard error carries one JSON object per line (`--json`).
    public let json: Bool
    private let write: @Sendable (String, _ toError: Bool) -> Void
    private let lock = NSLock()
    private var progressShown = false
    private var lastProgress = 0.0

    /// - Parameter write: where text goes; the default writes to stdout/stderr unbuffered.
    public init(terminal: Terminal, json: Bool = false, write: (@Sendable (String, Bool) -> Void)? = nil) {
        self.terminal = terminal
        self.json = json
        self.write = write ?? { text, toError in
            let handle = toError ? FileHandle.standardError : FileHandle.standardOutput
            handle.write(Data(text.utf8))
        }
    }

    // MARK: Colour

    private func paint(_ text: String, _ code: String) -> String {
        terminal.colour && !json ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
    func green(_ s: String) -> String { paint(s, "32") }
    func red(_ s: String) -> String { paint(s, "31") }
    func yellow(_ s: String) -> String { paint(s, "33") }
    func dim(_ s: String) -> String { paint(s, "2") }
    func bold(_ s: String) -> String { paint(s, "1") }

    // MARK: Lines

    /// One line of beekrun's own output (standard error): the text, or in JSON mode the event.
    private func emit(_ text: @autoclosure () -> String, event: @autoclosure () -> [(String, JSONField)]) {
        let line = json ? Reporter.jsonLine(event()) : Secrets.shared.redact(text())
        lock.lock(); defer { lock.unlock() }
        if progressShown { write("\r\u{1B}[K", true); progressShown = false }
        write(line + "\n", true)
    }

    public func header(_ text: String) { emit(bold(text), event: [("event", "start"), ("message", .text(text))]) }

    /// A finished step: `✓ title  detail  12 ms`.
    public func done(_ title: String, _ detail: String = "", seconds: Double? = nil) {
        emit(line(green("✓"), title, detail, seconds), event: Reporter.stepEvent("done", nil, title, detail, seconds))
    }

    /// A step a dry run would perform: `+ title  detail`.
    public func planned(_ kind: StepKind, _ title: String, _ detail: String = "") {
        let symbol: String
        switch kind {
        case .create: symbol = green("+")
        case .destroy: symbol = red("-")
        case .change, .read: symbol = yellow("~")
        }
        emit(line(symbol, title, detail, nil), event: Reporter.stepEvent("planned", kind, title, detail, nil))
    }

    public func failed(_ title: String, _ message: String, seconds: Double? = nil) {
        emit(line(red("✗"), title, message, seconds), event: Reporter.stepEvent("failed", nil, title, message, seconds))
    }

    /// An indented detail line under a step (a planned object, a SQL line).
    public func detail(_ text: String) {
        if json { emit("", event: [("event", "detail"), ("message", .text(text))]); return }
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) { emit("    " + l, event: []) }
    }

    /// `log(...)` from a runbook.
    public func log(_ text: String) { emit(paint("•", "36") + " " + text, event: [("event", "log"), ("message", .text(text))]) }

    /// `print(...)` from a runbook: exactly the text, no decoration, on standard output
    /// (never JSON: it is the runbook's own output).
    public func print(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        if progressShown { write("\r\u{1B}[K", true); progressShown = false }
        write(Secrets.shared.redact(text) + "\n", false)
    }

    /// A question to the person at the terminal (standard error, as the steps).
    public func prompt(_ text: String) { emit(text, event: [("event", "prompt"), ("message", .text(text))]) }

    /// The closing line of a run (`Done in …`, the dry run's plan summary).
    public func summary(_ text: String) { emit(text, event: [("event", "end"), ("message", .text(text))]) }

    public func warning(_ text: String) { emit(yellow("! ") + text, event: [("event", "warning"), ("message", .text(text))]) }
    public func error(_ text: String) { emit(red("error: ") + text, event: [("event", "error"), ("message", .text(text))]) }

    private func line(_ symbol: String, _ title: String, _ detail: String, _ seconds: Double?) -> String {
        let padded = title.count < 24 ? title + String(repeating: " ", count: 24 - title.count) : title
        var s = "\(symbol) \(bold(padded))"
        if !detail.isEmpty { s += " " + detail }
        if let seconds { s += "  " + dim(Format.duration(seconds)) }
        return s
    }

    // MARK: JSON step log

    /// A value of the JSON step log.
    enum JSONField: ExpressibleByStringLiteral {
        case text(String)
        case number(Double)
        init(stringLiteral value: String) { self = .text(value) }
    }

    static func stepEvent(_ status: String, _ kind: StepKind?, _ title: String, _ detail: String, _ seconds: Double?) -> [(String, JSONField)] {
        var fields: [(String, JSONField)] = [("event", "step"), ("status", .text(status)), ("step", .text(title))]
        if let kind {
            let name: String
            switch kind {
            case .create: name = "add"
            case .change: name = "change"
            case .destroy: name = "destroy"
            case .read: name = "read"
            }
            fields.append(("change", .text(name)))
        }
        if !detail.isEmpty { fields.append((status == "failed" ? "error" : "detail", .text(detail))) }
        if let seconds { fields.append(("seconds", .number((seconds * 1000).rounded() / 1000))) }
        return fields
    }

    /// `{"event":"step",…}`: keys in the given order, texts masked.
    static func jsonLine(_ fields: [(String, JSONField)]) -> String {
        func quote(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let body = fields.map { key, value -> String in
            switch value {
            case .text(let t): return quote(key) + ":" + quote(Secrets.shared.redact(t))
            case .number(let n): return quote(key) + ":" + (n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n))
            }
        }
        return "{" + body.joined(separator: ",") + "}"
    }

    // MARK: Progress

    /// Live progress for a long step: redrawn in place at most 10 times a second on a
    /// terminal (standard error); never shown otherwise (logs stay clean).
    public func progress(_ label: String, rows: Int, bytes: Int, seconds: Double) {
        guard terminal.interactiveOutput, !json else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        guard now - lastProgress >= 0.1 else { return }
        lastProgress = now
        let rate = seconds > 0 ? Format.bytes(Int(Double(bytes) / seconds)) + "/s" : ""
        let text = "  ↳ \(label): \(Format.count(rows)) rows, \(Format.bytes(bytes)) \(rate)"
        write("\r\u{1B}[K" + dim(Secrets.shared.redact(text)), true)
        progressShown = true
    }
}
