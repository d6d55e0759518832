import Foundation

/// Everything that can go wrong in beekrun, as one typed error.
///
/// `description` is what the user sees; it never contains a password (connection strings
/// are masked and every text passes through `Secrets.redact`). At the Lua boundary the
/// runbook position (`file:line:`) is put in front of it.
public enum BeekError: Error, CustomStringConvertible, Equatable {
    /// Bad command line: exit code 2.
    case usage(String)
    case invalidConnectionString(String, reason: String)
    case connectionFailed(target: String, reason: String)
    /// The server said no: carries SQLSTATE, detail and hint.
    case postgres(PostgresError)
    /// A primitive was called wrongly (argument type, unknown option key …).
    case badArgument(function: String, message: String)
    /// A safety guard refused the step.
    case refused(String)
    /// A confirmation was needed but could not be asked (no terminal, no `--yes`) or was declined.
    case notConfirmed(String)
    /// The runbook called `abort(message)`.
    case aborted(String)
    /// A Lua error that already carries its position; passed through untouched.
    case lua(String)
    case file(path: String, reason: String)
    case git(String)
    case failed(String)

    public var description: String {
        let text: String
        switch self {
        case .usage(let m): text = m
        case .invalidConnectionString(let s, let reason): text = "invalid connection string \(s): \(reason)"
        case .connectionFailed(let target, let reason): text = "cannot connect to \(target): \(reason)"
        case .postgres(let e): text = e.description
        case .badArgument(let function, let m): text = "\(function): \(m)"
        case .refused(let m): text = "refused: \(m)"
        case .notConfirmed(let m): text = m
        case .aborted(let m): text = "aborted: \(m)"
        case .lua(let m): text = m
        case .file(let path, let reason): text = "\(path): \(reason)"
        case .git(let m): text = "git: \(m)"
        case .failed(let m): text = m
        }
        return Secrets.shared.redact(text)
    }

    /// The SQLSTATE when the server raised it.
    public var sqlstate: String? {
        if case .postgres(let e) = self { return e.sqlstate }
        return nil
    }
}

/// An error reported by PostgreSQL, with the fields libpq exposes.
public struct PostgresError: Error, CustomStringConvertible, Equatable, Sendable {
    public var sqlstate: String
    public var severity: String
    public var message: String
    public var detail: String?
    public var hint: String?
    public var context: String?
    /// The statement that failed, shortened, for the message.
    public var statement: String?

    public var description: String {
        var s = "\(message) (SQLSTATE \(sqlstate))"
        if let detail, !detail.isEmpty { s += "\n  detail: \(detail)" }
        if let hint, !hint.isEmpty { s += "\n  hint: \(hint)" }
        if let statement, !statement.isEmpty { s += "\n  statement: \(statement)" }
        return Secrets.shared.redact(s)
    }
}

extension Error {
    /// The user-facing text of any error, masked.
    public var userMessage: String {
        if let e = self as? BeekError { return e.description }
        if let e = self as? PostgresError { return e.description }
        return Secrets.shared.redact(String(describing: self))
    }
}
