import Foundation

/// The Supabase CLI's migration history, so a team that already runs `supabase db push` can
/// use beekrun on the same database without either tool applying a file twice.
///
/// The layout and the table are the CLI's (supabase/cli `pkg/migration`): files named
/// `<version>_<name>.sql` in `supabase/migrations/`, where the version is the leading digits
/// (a UTC timestamp such as 20240101120000); applied versions are rows of
/// `supabase_migrations.schema_migrations (version text primary key, statements text[], name text)`.
/// A migration's identity is its version, as in the CLI: the table keeps no checksum, so an
/// applied file that was edited afterwards is not detected (the beekrun ledger does that for
/// files outside `supabase/migrations/`).
public struct SupabaseMigrationHistory {
    public static let schema = "supabase_migrations"
    public static let table = "schema_migrations"
    static var qualified: String { SQL.qualified(schema, table) }

    /// `(version, name)` of a file the CLI would accept, nil otherwise.
    public static func parse(fileName: String) -> (version: String, name: String)? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let version = stem[..<underscore]
        guard !version.isEmpty, version.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return (String(version), String(stem[stem.index(after: underscore)...]))
    }

    /// Whether a path lies in a `supabase/migrations/` folder: then the CLI's history is used.
    public static func isSupabaseLayout(_ path: String) -> Bool {
        let parts = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        return parts.count >= 3 && parts[parts.count - 2] == "migrations" && parts[parts.count - 3] == "supabase"
    }

    let connection: PGConnection

    /// Whether `version` was applied (false when the table does not exist yet).
    public func isApplied(_ version: String) throws -> Bool {
        let exists = try connection.scalar("select to_regclass($1) is not null", [Self.qualified]) == "t"
        guard exists else { return false }
        return try connection.scalar("select count(*) from \(Self.qualified) where version = $1", [version]) != "0"
    }

    /// Creates the table as the CLI does (the column additions make an older CLI table current)
    /// and serialises concurrent runs for the rest of the transaction.
    func prepare() throws {
        try connection.execute("""
            CREATE SCHEMA IF NOT EXISTS \(SQL.quoteIdent(Self.schema));
            CREATE TABLE IF NOT EXISTS \(Self.qualified) (version text NOT NULL PRIMARY KEY);
            ALTER TABLE \(Self.qualified) ADD COLUMN IF NOT EXISTS statements text[];
            ALTER TABLE \(Self.qualified) ADD COLUMN IF NOT EXISTS name text;
            """)
        try connection.query("select pg_advisory_xact_lock(hashtext('supabase_migrations.schema_migrations'))")
    }

    /// Records a file the way `supabase db push` does: version, name, and its statements.
    func insert(_ file: MigrationFile, version: String, name: String) throws {
        // The statements travel as one JSON array parameter: no array-literal quoting by hand.
        let json = try JSONSerialization.data(withJSONObject: SQLStatements.split(file.sql))
        try connection.query("""
            insert into \(Self.qualified) (version, name, statements)
            values ($1, $2, array(select jsonb_array_elements_text($3::jsonb)))
            """, [version, name, String(decoding: json, as: UTF8.self)])
    }
}
