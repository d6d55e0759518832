import Foundation

/// The session settings that decide how values are written as text. Backups are written
/// and restored under the same fixed values, so the text of every value means the same on
/// both sides whatever the servers' or roles' defaults are.
enum SessionSettings {
    static let fidelity: [(String, String)] = [
        ("DateStyle", "ISO, MDY"),
        ("IntervalStyle", "postgres"),
        ("TimeZone", "UTC"),
        ("extra_float_digits", "3"),       // shortest exact float text (17 digits before PG 12)
        ("bytea_output", "hex"),
        ("standard_conforming_strings", "on"),
        // A long COPY must not be cut by a role's statement_timeout, and a snapshot
        // transaction waiting between tables must not be killed by a pooler's idle timeout.
        ("statement_timeout", "0"),
        ("idle_in_transaction_session_timeout", "0"),
    ]

    /// Sets `settings` for the current transaction (`set_config(…, true)`) and returns the
    /// values they replace, for `restore`. Used inside a caller's transaction too, where
    /// the old values must come back before the caller continues.
    static func apply(_ conn: PGConnection, _ settings: [(String, String)] = fidelity) throws -> [(String, String)] {
        var previous: [(String, String)] = []
        for (name, value) in settings {
            let old = try conn.scalar("select current_setting($1)", [name]) ?? ""
            previous.append((name, old))
            try conn.query("select set_config($1, $2, true)", [name, value])
        }
        return previous
    }

    static func restore(_ conn: PGConnection, _ previous: [(String, String)]) throws {
        for (name, value) in previous.reversed() {
            try conn.query("select set_config($1, $2, true)", [name, value])
        }
    }
}
