import Foundation

/// Every non-dry run appends one JSON line per step to `BACKUP_DIR/beekrun-audit.jsonl`:
/// when, who, where, which runbook (and its sha256), the step, its target without secrets,
/// the result and the duration. Appending never fails a run: an unwritable trail is warned about once.
final class AuditTrail {
    private let path: String
    private let runbook: String
    private let runbookSHA: String
    private let user: String
    private let host: String
    private var warned = false
    private let warn: (String) -> Void

    init(directory: String, runbookPath: String, displayPath: String, warn: @escaping (String) -> Void) {
        path = (directory as NSString).appendingPathComponent("beekrun-audit.jsonl")
        runbook = displayPath
        let data = FileManager.default.contents(atPath: runbookPath) ?? Data()
        runbookSHA = SHA256Hex.of(data)
        user = Operator.user
        host = Operator.host
        self.warn = warn
    }

    func record(step: String, target: String?, result: String, message: String? = nil, seconds: Double) {
        var entry: [String: Any] = [
            "time": ISO8601DateFormatter().string(from: Date()), "user": user, "host": host,
            "runbook": runbook, "runbook_sha256": runbookSHA, "step": step, "result": result,
            "duration_ms": Int((seconds * 1000).rounded()), "pid": Int(getpid()),
        ]
        if let target { entry["target"] = Secrets.shared.redact(target) }
        if let message { entry["message"] = Secrets.shared.redact(message) }
        guard let json = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]) else { return }
        append(json + Data("\n".utf8))
    }

    private func append(_ line: Data) {
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else {
            if !warned { warn("cannot write the audit trail \(path)"); warned = true }
            return
        }
        defer { close(fd) }
        // One write() per line with O_APPEND: lines of concurrent runs never interleave.
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
