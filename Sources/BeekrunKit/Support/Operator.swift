import Foundation

/// Who runs beekrun, for the audit trail, the migration ledger and the production mark.
enum Operator {
    /// `USER`, else the account name of the process's user (a cron job or container often has
    /// no USER), else the uid.
    static var user: String {
        if let name = ProcessInfo.processInfo.environment["USER"], !name.isEmpty { return name }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return String(getuid())
    }
    static var host: String { ProcessInfo.processInfo.hostName }
    /// `user@host`.
    static var identity: String { "\(user)@\(host)" }
}
