import Foundation

/// Who runs beekrun, for the audit trail, the migration ledger and the production mark.
enum Operator {
    static var user: String { ProcessInfo.processInfo.environment["USER"] ?? String(getuid()) }
    static var host: String { ProcessInfo.processInfo.hostName }
    /// `user@host`.
    static var identity: String { "\(user)@\(host)" }
}
