import Foundation

/// A database can mark itself as production, so that a wrong URL in `.env` cannot reset it:
/// `beekrun mark-production URL` writes the mark, and every connection to a marked database
/// is treated as production whatever the runbook says.
///
/// The mark is the comment on a schema of beekrun's own (`beekrun`), which the `postgres`
/// role of a hosted Supabase project may create (it may not comment on the database itself).
/// That schema is never cloned, so a dev cloned from production does not inherit the mark.
public enum ProductionMark {
    static let schema = "beekrun"
    static let prefix = "beekrun: production"

    /// True when the database carries the mark.
    public static func isMarked(_ connection: PGConnection) throws -> Bool {
        let comment = try connection.scalar(
            "select obj_description(oid, 'pg_namespace') from pg_namespace where nspname = $1", [schema])
        return comment?.hasPrefix(prefix) ?? false
    }

    /// Writes the mark (idempotent), with who and when in the comment.
    public static func mark(_ connection: PGConnection, by who: String) throws {
        let comment = "\(prefix) database, marked by \(who). beekrun treats every connection to it as production."
        try connection.execute("""
            CREATE SCHEMA IF NOT EXISTS \(SQL.quoteIdent(schema));
            COMMENT ON SCHEMA \(SQL.quoteIdent(schema)) IS \(SQL.quoteLiteral(comment));
            """)
    }

    /// Removes the mark (the schema stays: it may hold the migration ledger).
    public static func unmark(_ connection: PGConnection) throws {
        guard try isMarked(connection) else { return }
        try connection.execute("COMMENT ON SCHEMA \(SQL.quoteIdent(schema)) IS NULL")
    }
}

/// `beekrun mark-production URL` / `beekrun unmark-production URL`.
public enum ProductionMarkCommand {
    public static let names = ["mark-production", "unmark-production"]

    /// - Returns: the exit code (0 done, 1 failed, 2 usage).
    public static func run(_ command: String, arguments: [String], assumeYes: Bool, reporter: Reporter) -> Int32 {
        guard arguments.count == 1, let url = arguments.first else {
            reporter.error("usage: beekrun \(command) URL")
            return 2
        }
        do {
            let target = try ConnectionString(url)
            let connection = try PGConnection(target)
            defer { connection.close() }
            let who = "\(Operator.identity) on \(ISO8601DateFormatter().string(from: Date()))"
            if command == "mark-production" {
                try ProductionMark.mark(connection, by: who)
                reporter.done("mark-production", "\(target.description): every beekrun connection to it is now production")
            } else {
                if !assumeYes {
                    guard reporter.terminal.interactiveInput else {
                        reporter.error("unmarking production needs confirmation: rerun with --yes")
                        return 1
                    }
                    let name = target.database ?? ""
                    reporter.prompt("Type the database name '\(name)' to remove its production mark:")
                    guard reporter.terminal.readLine()?.trimmingCharacters(in: .whitespaces) == name else {
                        reporter.error("not confirmed")
                        return 1
                    }
                }
                try ProductionMark.unmark(connection)
                reporter.done("unmark-production", target.description)
            }
            return 0
        } catch {
            reporter.error(error.userMessage)
            return 1
        }
    }
}
