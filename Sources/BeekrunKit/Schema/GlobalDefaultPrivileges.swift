/// Database-wide default privileges: `ALTER DEFAULT PRIVILEGES FOR ROLE r REVOKE EXECUTE ON
/// FUNCTIONS FROM PUBLIC` without `IN SCHEMA`. They are not in any schema, but decide what the
/// objects a role creates later in these schemas allow (functions executable by everyone or
/// not). beekrun reads those of the roles that own the schemas or objects in them, or have
/// default privileges in them, and of the role it reads as (who runs the migration and, in dev,
/// creates what comes later, even in a schema owned by `pg_database_owner` that holds nothing
/// yet); `clone_schema` makes the target's equal to the source's for those roles (and only
/// those), `diff` reports and fixes them.
enum GlobalDefaultPrivileges {
    /// `acldefault` kind of a `pg_default_acl.defaclobjtype`.
    static let aclKinds = ["r": "r", "S": "s", "f": "f", "T": "T", "n": "n"]

    /// Roles whose database-wide default privileges matter to these schemas.
    static func roles(_ m: SchemaModel) -> Set<String> {
        var out = Set(m.schemas.map(\.owner))
        out.formUnion(m.tables.map(\.owner)); out.formUnion(m.views.map(\.owner)); out.formUnion(m.routines.map(\.owner))
        out.formUnion(m.types.map(\.owner)); out.formUnion(m.sequences.map(\.owner)); out.formUnion(m.objects.map(\.owner))
        out.formUnion(m.defaultPrivileges.map(\.role))
        if !m.reader.isEmpty { out.insert(m.reader) }
        return out
    }

    /// The statements that turn `from`'s entries into `to`'s, for every role either has;
    /// a missing entry is the built-in default, `builtin(kind, role)`.
    static func statements(from: [DefaultPrivilege], to: [DefaultPrivilege],
                           builtin: (String, String) throws -> [ACLItem]) rethrows -> [(role: String, sql: String)] {
        func key(_ d: DefaultPrivilege) -> String { d.role + "\u{0}" + d.objectType }
        let x = Dictionary(from.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let y = Dictionary(to.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        var out: [(String, String)] = []
        for k in Set(x.keys).union(y.keys).sorted() {
            let d = y[k] ?? x[k]!
            let kind = aclKinds[d.objectType] ?? "r"
            let current = try x[k]?.acl ?? builtin(kind, d.role), target = try y[k]?.acl ?? builtin(kind, d.role)
            guard Set(current) != Set(target) else { continue }
            let word = DefaultPrivileges.objectWords[d.objectType] ?? "TABLES"
            for s in ACLPlanner.statements(from: current, to: target, object: word) {
                out.append((d.role, "ALTER DEFAULT PRIVILEGES FOR ROLE \(SQL.quoteIdent(d.role)) " + s))
            }
        }
        return out
    }
}

extension CatalogReader {
    static func readGlobalDefaultPrivileges(_ c: Context, into model: inout SchemaModel) throws {
        let roles = GlobalDefaultPrivileges.roles(model).sorted()
        guard !roles.isEmpty else { return }
        model.globalDefaultPrivileges = try c.db.query("""
            select pg_get_userbyid(d.defaclrole), d.defaclobjtype, array_to_string(d.defaclacl, E'\\n')
            from pg_default_acl d where d.defaclnamespace = 0 and pg_get_userbyid(d.defaclrole) = any($1)
            order by 1, 2
            """, [SQL.textArray(roles)]).rows.map {
            DefaultPrivilege(role: $0[0]!, schema: "", objectType: $0[1]!, acl: ACLItem.list($0[2]) ?? [])
        }
    }
}

extension DiffBuilder {
    mutating func compareGlobalDefaultPrivileges() {
        // Only roles both sides care about are compared: a role that owns nothing in b has no
        // entries read there.
        let roles = GlobalDefaultPrivileges.roles(a).intersection(GlobalDefaultPrivileges.roles(b))
        let version = a.serverVersion
        let list = GlobalDefaultPrivileges.statements(
            from: b.globalDefaultPrivileges.filter { roles.contains($0.role) },
            to: a.globalDefaultPrivileges.filter { roles.contains($0.role) },
            builtin: { kind, role in ACLPlanner.builtinDefault(kind: kind, owner: role, serverVersion: version) })
        for (role, sql) in list {
            note("default privileges", "for \(SQL.quoteIdent(role)) (database-wide)", .alter, sql)
            grants.append(Statement(sql: sql))
        }
    }
}
