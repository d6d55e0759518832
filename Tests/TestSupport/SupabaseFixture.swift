import BeekrunKit
import Foundation

/// A Supabase-shaped prod and a drifted dev in the test cluster, from the same sample project
/// the sandbox uses.
public struct SupabaseFixture {
    public let prod: String
    public let dev: String
    public let cluster: PostgresCluster

    /// - Parameters:
    ///   - extraProdSQL: run on prod after the sample data (more rows, more objects).
    ///   - extraDevSQL: run on dev after its drift.
    public init(_ cluster: PostgresCluster = .shared, extraProdSQL: String = "", extraDevSQL: String = "") throws {
        self.cluster = cluster
        let admin = try cluster.connect("postgres")
        try Self.createRolesOnce(admin)
        prod = try cluster.createDatabase("prod")
        dev = try cluster.createDatabase("dev")
        let p = try cluster.connect(prod)
        try p.execute(SampleProject.base)
        try p.execute(SampleProject.prodData)
        if !extraProdSQL.isEmpty { try p.execute(extraProdSQL) }
        let d = try cluster.connect(dev)
        try d.execute(SampleProject.base)
        try d.execute(SampleProject.devDrift)
        if !extraDevSQL.isEmpty { try d.execute(extraDevSQL) }
    }

    /// Roles are cluster-wide; parallel tests must not race creating them.
    private static let roleLock = NSLock()
    private static func createRolesOnce(_ admin: PGConnection) throws {
        roleLock.lock(); defer { roleLock.unlock() }
        try admin.execute(SampleProject.roles)
        // A role of the team's own, as teams add for reporting tools.
        try admin.execute("DO $$ BEGIN CREATE ROLE reporting_role NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;")
    }

    public var environment: [String: String] {
        ["PROD_DATABASE_URL": cluster.url(prod), "DEV_DATABASE_URL": cluster.url(dev)]
    }

    /// pg_dump --schema-only of a whole database, owners and privileges included.
    public func schema(_ database: String) throws -> String {
        try cluster.pgDump(database, ["--schema-only"])
    }

    /// The schema dump with the `DISABLE TRIGGER` lines of webhooks left out: sync.lua clones
    /// webhooks disabled on purpose, the one intended difference between prod and dev.
    public func schemaWithWebhooksEnabled(_ database: String) throws -> String {
        try schema(database).replacingOccurrences(of: "ALTER TABLE public.hives DISABLE TRIGGER \"notify new hive\";\n\n", with: "")
    }

    /// md5 of every row of a table, in a stable order: equal means the same rows.
    public func checksum(_ database: String, _ table: String) throws -> String {
        try cluster.psql(database, "select coalesce(md5(string_agg(t::text, '|' order by t::text)), 'empty') from \(table) t")
    }

    /// Everything in the database, schema and data, as pg_dump sees it: for "nothing changed".
    public func everything(_ database: String) throws -> String {
        try cluster.pgDump(database)
    }
}

extension BeekrunCLI {
    /// The repository's own runbooks/ (the shipped ones), copied into this test's directory.
    public func installShippedRunbooks() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for name in ["sync.lua", "promote.lua", "migrate.lua"] {
            let text = try String(contentsOf: repository.appendingPathComponent("runbooks/" + name), encoding: .utf8)
            try write("runbooks/" + name, text)
        }
    }
}
