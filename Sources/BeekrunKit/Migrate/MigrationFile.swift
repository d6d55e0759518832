import Foundation

/// One SQL migration file, with the checksum that tells whether it changed after it was applied.
public struct MigrationFile {
    /// The file name (not the path): the identity of a migration, wherever it is run from.
    public let name: String
    public let path: String
    public let sql: String
    public let sha256: String

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BeekError.file(path: path, reason: "no such migration file")
        }
        guard let sql = String(data: data, encoding: .utf8) else {
            throw BeekError.file(path: path, reason: "is not UTF-8 text")
        }
        guard !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw BeekError.file(path: path, reason: "is empty")
        }
        // migrate() wraps the file in its own transaction; a COMMIT (or its synonym END) inside
        // would end it early and leave the migration half-recorded. The lexer knows comments,
        // strings, dollar quotes and BEGIN ATOMIC bodies, so only real statements count.
        if let control = SQLStatements.transactionControlStatement(in: sql) {
            throw BeekError.file(path: "\(path):\(control.line)",
                                 reason: "remove transaction control (\(control.words)): migrate runs the whole file in one transaction itself")
        }
        self.path = path
        self.name = URL(fileURLWithPath: path).lastPathComponent
        self.sql = sql
        self.sha256 = SHA256Hex.of(data)
    }
}

/// The table in each database that records applied migrations, so none is applied twice.
/// It lives in a schema of its own (`beekrun`), outside the schemas that are cloned and diffed.
public struct MigrationLedger {
    public static let schema = "beekrun"
    public static let table = "schema_migrations"
    static var qualified: String { SQL.qualified(schema, table) }

    public struct Record {
        public var sha256: String
        public var appliedAt: String
        public var appliedBy: String
    }

    let connection: PGConnection

    /// The record of a migration, nil when it was never applied (or the ledger does not exist yet).
    public func record(of name: String) throws -> Record? {
        let exists = try connection.scalar("select to_regclass($1) is not null", [Self.qualified]) == "t"
        guard exists else { return nil }
        let r = try connection.query(
            "select sha256, to_char(applied_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', applied_by from \(Self.qualified) where filename = $1",
            [name])
        guard r.rowCount > 0 else { return nil }
        return Record(sha256: r.value(0, 0) ?? "", appliedAt: r.value(0, 1) ?? "", appliedBy: r.value(0, 2) ?? "")
    }

    /// Creates the ledger if needed and takes a transaction-level lock so two runs cannot
    /// apply the same migration at once. Must run inside the migration's transaction.
    func prepare() throws {
        try connection.execute("""
            CREATE SCHEMA IF NOT EXISTS \(SQL.quoteIdent(Self.schema));
            CREATE TABLE IF NOT EXISTS \(Self.qualified) (
                filename text PRIMARY KEY,
                sha256 text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by text NOT NULL
            );
            COMMENT ON TABLE \(Self.qualified) IS 'Migrations applied by beekrun migrate(): never applied twice.';
            """)
        try connection.query("select pg_advisory_xact_lock(hashtext('beekrun.schema_migrations'))")
    }

    func insert(_ file: MigrationFile, by who: String) throws {
        try connection.query("insert into \(Self.qualified) (filename, sha256, applied_by) values ($1, $2, $3)",
                             [file.name, file.sha256, who])
    }
}
