/// Checks run before a clone changes anything: what the target lacks to reproduce the source.
enum Preflight {
    /// Roles the source's objects name (owners, grantees, grantors, policy roles, default
    /// privileges) that do not exist on `dst`.
    static func missingRoles(_ model: SchemaModel, on dst: PGConnection) throws -> [String] {
        var roles = Set<String>()
        func acl(_ items: [ACLItem]?) {
            for i in items ?? [] {
                if !i.grantee.isEmpty { roles.insert(i.grantee) }
                roles.insert(i.grantor)
            }
        }
        for s in model.schemas { roles.insert(s.owner); acl(s.acl) }
        for t in model.types { roles.insert(t.owner); acl(t.acl) }
        for s in model.sequences { roles.insert(s.owner); acl(s.acl) }
        for t in model.tables { roles.insert(t.owner); acl(t.acl); t.columns.forEach { acl($0.acl) } }
        for v in model.views { roles.insert(v.owner); acl(v.acl); v.columns.forEach { acl($0.acl) } }
        for r in model.routines { roles.insert(r.owner); acl(r.acl) }
        for p in model.policies { p.roles.filter { !$0.isEmpty }.forEach { roles.insert($0) } }
        for d in model.defaultPrivileges { roles.insert(d.role); acl(d.acl) }
        for o in model.objects { roles.insert(o.owner) }
        roles.remove("")
        let list = roles.sorted()
        let existing = Set(try dst.query("select rolname from pg_roles where rolname = any($1)", [SQL.textArray(list)]).rows.map { $0[0]! })
        return list.filter { !existing.contains($0) }
    }

    /// Roles the clone would give objects to, or change default privileges of, that the role
    /// running it is not a member of (a hosted project's postgres is not a member of
    /// supabase_admin): ALTER … OWNER TO and ALTER DEFAULT PRIVILEGES FOR ROLE need membership.
    static func rolesNotMemberOf(_ source: SchemaModel, _ target: SchemaModel, currentUser: String,
                                 on dst: PGConnection) throws -> [String] {
        var needed = Set<String>()
        func owners<T>(_ list: [T], _ owner: (T) -> String) { list.map(owner).forEach { needed.insert($0) } }
        owners(source.types, \.owner); owners(source.tables, \.owner); owners(source.views, \.owner)
        owners(source.routines, \.owner); owners(source.objects, \.owner); owners(source.sequences.filter { $0.ownedBy == nil }, \.owner)
        owners(source.schemas.filter { s in target.schemas.first { $0.name == s.name }?.owner != s.owner }, \.owner)
        func key(_ d: DefaultPrivilege) -> String { "\(d.role) \(d.schema) \(d.objectType)" }
        let targetDefaults = Dictionary(target.defaultPrivileges.map { (key($0), $0.acl) }, uniquingKeysWith: { a, _ in a })
        let sourceDefaults = Dictionary(source.defaultPrivileges.map { (key($0), $0.acl) }, uniquingKeysWith: { a, _ in a })
        for d in source.defaultPrivileges + target.defaultPrivileges where targetDefaults[key(d)] != sourceDefaults[key(d)] {
            needed.insert(d.role)
        }
        needed.remove(currentUser)
        guard !needed.isEmpty else { return [] }
        // Roles that do not exist are reported by missingRoles.
        return try dst.query(
            "select r.rolname from pg_roles r where r.rolname = any($1) and not pg_has_role(current_user, r.oid, 'MEMBER') order by 1",
            [SQL.textArray(needed.sorted())]).rows.map { $0[0]! }
    }

    /// Which of the source's extensions the target already has (kept, not dropped), which need
    /// `ALTER EXTENSION … UPDATE`, which are dropped with the schemas' contents and created again
    /// at the source's version (no update path leads there), and what cannot be installed.
    static func extensions(_ model: SchemaModel, on dst: PGConnection) throws
        -> (keep: Set<String>, updates: [(String, String)], recreate: [RecreatedExtension], problems: [String]) {
        let names = (model.extensions + model.referencedExtensions).map(\.name)
        guard !names.isEmpty else { return ([], [], [], []) }
        var installed: [String: (schema: String, version: String)] = [:]
        for row in try dst.query("""
            select e.extname, n.nspname, e.extversion from pg_extension e join pg_namespace n on n.oid = e.extnamespace
            where e.extname = any($1)
            """, [SQL.textArray(names)]).rows { installed[row[0]!] = (row[1]!, row[2]!) }
        let available = Set(try dst.query("select name || ' ' || version from pg_available_extension_versions where name = any($1)",
                                          [SQL.textArray(names)]).rows.map { $0[0]! })
        var keep = Set<String>(), updates: [(String, String)] = [], recreate: [RecreatedExtension] = [], problems: [String] = []
        for e in model.extensions {
            if let have = installed[e.name] {
                if have.schema != e.schema {
                    problems.append("extension \(e.name) is installed in schema \(SQL.quoteIdent(have.schema)) on the target, the source has it in \(SQL.quoteIdent(e.schema))")
                } else if try have.version == e.version || hasUpdatePath(e.name, from: have.version, to: e.version, on: dst) {
                    keep.insert(e.name)
                    if have.version != e.version { updates.append((e.name, e.version)) }
                } else if !available.contains("\(e.name) \(e.version)") {
                    problems.append("extension \(e.name) is at version \(have.version) on the target, and version \(e.version) (the source's) is not available there")
                } else {
                    // Not kept: emptied with its schema, made again at the source's version.
                    let users = try outsideUsers(ofExtension: e.name, schemas: model.schemas.map(\.name), on: dst)
                    if users.isEmpty {
                        recreate.append(RecreatedExtension(name: e.name, targetVersion: have.version, sourceVersion: e.version))
                    } else {
                        problems.append("extension \(e.name) is at version \(have.version) on the target and \(e.version) in the source; "
                                        + "the target's server ships no update path from \(have.version) to \(e.version) (a downgrade), "
                                        + "and dropping it to create it again would also drop, outside the schemas: \(users.joined(separator: ", "))")
                    }
                }
            } else if !available.contains("\(e.name) \(e.version)") {
                problems.append("extension \(e.name) version \(e.version) is not available on the target")
            }
        }
        for e in model.referencedExtensions where installed[e.name]?.schema != e.schema {
            problems.append("extension \(e.name) (schema \(SQL.quoteIdent(e.schema))) is not installed on the target")
        }
        return (keep, updates, recreate, problems)
    }

    static func missingPublications(_ model: SchemaModel, on dst: PGConnection) throws -> [String] {
        let names = Array(Set(model.publicationTables.map(\.publication) + model.publicationSchemas.map(\.publication))).sorted()
        guard !names.isEmpty else { return [] }
        let existing = Set(try dst.query("select pubname from pg_publication where pubname = any($1)", [SQL.textArray(names)]).rows.map { $0[0]! })
        return names.filter { !existing.contains($0) }
    }

    /// Whether `lookup` (`select to_regclass($1)`…) finds `name` on `dst`; nil with the reason
    /// when the role may not even look (no USAGE on the schema).
    static func exists(_ lookup: String, _ name: String, on dst: PGConnection) -> (Bool, String?) {
        do {
            return (try dst.scalar(lookup, [name]) != nil, nil)
        } catch {
            return (false, (error as? BeekError).flatMap { e -> String? in
                if case .postgres(let p) = e { return p.message }
                return nil
            } ?? error.userMessage)
        }
    }

    /// Problems with the tables (qualified, quoted) that the source's dependent objects are on.
    static func missingTables(_ tables: [String], dependents: [DependentObject], on dst: PGConnection) -> [String] {
        Set(tables).sorted().compactMap { t in
            let (found, reason) = exists("select to_regclass($1)::text", t, on: dst)
            if found { return nil }
            let what = dependents.first { $0.table == t }.map { "\($0.kind) \($0.identity)" } ?? t
            return reason.map { "cannot check table \(t) (which \(what) is on) on the target: \($0)" }
                ?? "table \(t) (which \(what) is on) does not exist on the target"
        }
    }

    /// Problems with the source's references outside the cloned schemas on `dst`.
    static func missingReferences(_ model: SchemaModel, on dst: PGConnection) -> [String] {
        model.externalReferences.compactMap { ref in
            let lookup: String
            switch ref.type {
            case "function", "procedure", "aggregate": lookup = "select to_regprocedure($1)::text"
            case "type", "domain", "composite type", "enum", "range": lookup = "select to_regtype($1)::text"
            default: lookup = "select to_regclass($1)::text"
            }
            let (found, reason) = exists(lookup, ref.identity, on: dst)
            if found { return nil }
            return reason.map { "cannot check \(ref.type) \(ref.identity), which the source uses, on the target: \($0)" }
                ?? "\(ref.type) \(ref.identity), which the source uses, does not exist on the target"
        }
    }
}
