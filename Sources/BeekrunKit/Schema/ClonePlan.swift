/// Which part of a plan to apply. The data engine loads rows between `preData` (which also
/// empties the target) and `postData`.
public enum SchemaPhase: Sendable {
    case all, preData, postData
}

/// Everything `clone_schema` would do to the target, worked out before anything changes.
public struct ClonePlan: Sendable {
    public var schemas: [String]
    /// In order: emptying the target (`.drop`), then `.preData`, then `.postData`.
    public var statements: [SchemaStatement]
    /// The target's tables that are dropped, with their row counts now.
    public var droppedTables: [DroppedTable]
    /// Objects in other schemas of the target that hang off its schemas (dropped along).
    public var droppedDependents: [DependentObject]
    /// Objects in other schemas of the source that hang off the cloned schemas (re-created).
    public var recreatedDependents: [DependentObject]
    /// The source as read, for `Diff` or to verify the result.
    public var source: SchemaModel

    public func statements(for phase: SchemaPhase) -> [SchemaStatement] {
        switch phase {
        case .all: return statements
        case .preData: return statements.filter { $0.phase != .postData }
        case .postData: return statements.filter { $0.phase == .postData }
        }
    }

    /// Runs the statements of `phase` on `dst`, one by one. Opens no transaction: the caller
    /// decides (`transaction()` in a runbook), so a failure midway must be rolled back by it.
    public func apply(on dst: PGConnection, phase: SchemaPhase = .all) throws {
        try SchemaApplier.run(statements(for: phase), on: dst)
    }

    /// The plan as text, one line per object (`- drop table public.t (12 rows)`, `+ create …`).
    public var summary: String {
        var lines: [String] = []
        let rows = Dictionary(droppedTables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        for s in statements where s.action == .drop || s.action == .create {
            let key = "\(s.action) \(s.kind) \(s.name)"
            guard seen.insert(key).inserted else { continue }
            var line = (s.action == .drop ? "- " : "+ ") + key
            if s.action == .drop, let t = rows[s.name] { line += " (\(t.estimated ? "about " : "")\(t.rows) row\(t.rows == 1 ? "" : "s"))" }
            if s.kind == "extension", let h = s.hazard { line += " (\(h))" }
            lines.append(line)
        }
        for d in droppedDependents { lines.append("- \(d.kind) \(d.identity) (outside the schemas, dropped along)") }
        let drops = statements.filter { $0.action == .drop }.count
        let creates = Set(statements.filter { $0.action == .create }.map { "\($0.kind) \($0.name)" }).count
        lines.append("Plan: \(creates) to create, \(drops) to drop, \(droppedTables.reduce(0) { $0 + $1.rows }) rows dropped.")
        return lines.joined(separator: "\n")
    }
}

/// `clone_schema`: makes a target's schemas structurally identical to a source's.
///
/// ```swift
/// let plan = try SchemaCloner.plan(from: prod, to: dev, schemas: ["public"])  // reads only
/// print(plan.summary)                                   // a dry run stops here
/// try plan.apply(on: dev, phase: .preData)              // empties dev's schemas, creates tables …
/// // … load rows …
/// try plan.apply(on: dev, phase: .postData)             // keys, indexes, triggers, policies, grants
/// ```
/// `apply` opens no transaction; wrap it in one. The target's schemas are emptied, not dropped,
/// so the schema objects keep their identity; their owner, comment, privileges and default
/// privileges are then set to the source's.
public enum SchemaCloner {
    /// Works out how to make `dst`'s `schemas` structurally identical to `src`'s. Reads both
    /// sides (nothing is changed) and refuses, naming them, things the clone could not
    /// reproduce: missing roles, extensions not available on `dst`, publications missing on
    /// `dst`, unsupported object kinds.
    public static func plan(from src: PGConnection, to dst: PGConnection, schemas: [String]) throws -> ClonePlan {
        try CatalogReader.checkSchemaNames(schemas, action: "clone_schema")
        // Two connection strings can name one database (a pooler and a direct address): cloning a
        // database onto itself would empty the source before reading it.
        let identity = "select current_database() || ' ' || d.oid::text || ' ' || pg_postmaster_start_time()::text from pg_database d where d.datname = current_database()"
        if try src.scalar(identity) == dst.scalar(identity) {
            throw BeekError.refused("clone_schema: the source and the target are the same database")
        }
        let source = try CatalogReader.read(src, schemas: schemas)
        let missing = schemas.filter { !source.schemaNames.contains($0) }
        if !missing.isEmpty {
            throw BeekError.refused("clone_schema: schema \(missing.map(SQL.quoteIdent).joined(separator: ", ")) does not exist in the source")
        }
        let target = try CatalogReader.read(dst, schemas: schemas)
        let currentUser = try dst.scalar("select current_user") ?? ""
        var problems = source.unsupported.map { "unsupported: \($0)" }
        problems += source.unsupportedDependents.map { "unsupported object outside the schemas in the source: \($0)" }
        problems += target.unsupportedDependents.map { "the target's \($0) depends on the schemas and would be lost" }
        problems += try Preflight.missingRoles(source, on: dst).map { "role \(SQL.quoteIdent($0)) does not exist on the target" }
        let (keep, updates, recreatedExtensions, extensionProblems) = try Preflight.extensions(source, on: dst)
        problems += extensionProblems
        problems += try Preflight.missingPublications(source, on: dst).map { "publication \(SQL.quoteIdent($0)) does not exist on the target" }
        problems += try ForeignTables.missingServers(source, on: dst).map {
            "foreign server \(SQL.quoteIdent($0)) does not exist on the target (clone_schema clones foreign tables, not the database-wide servers and user mappings they use: create the server there first)"
        }
        problems += Preflight.missingTables(source.dependents.map(\.table), dependents: source.dependents, on: dst)
        problems += Preflight.missingReferences(source, on: dst)
        problems += try Preflight.rolesNotMemberOf(source, target, currentUser: currentUser, on: dst).map {
            "\(SQL.quoteIdent(currentUser)) is not a member of role \(SQL.quoteIdent($0)), which owns objects or default privileges in the source"
        }
        // Database-wide default privileges of the roles owning what is cloned.
        let globalRoles = GlobalDefaultPrivileges.roles(source)
        let globalDefaults = try GlobalDefaultPrivileges.statements(
            from: target.globalDefaultPrivileges.filter { globalRoles.contains($0.role) },
            to: source.globalDefaultPrivileges.filter { globalRoles.contains($0.role) },
            builtin: ACLDefaults(dst).get)
        let globalOthers = Set(globalDefaults.map(\.role)).subtracting([currentUser]).sorted()
        if !globalOthers.isEmpty {
            problems += try dst.query(
                "select r.rolname from pg_roles r where r.rolname = any($1) and not pg_has_role(current_user, r.oid, 'MEMBER') order by 1",
                [SQL.textArray(globalOthers)]).rows.map {
                "\(SQL.quoteIdent(currentUser)) is not a member of role \(SQL.quoteIdent($0[0]!)), whose database-wide default privileges differ in the source"
            }
        }
        if !problems.isEmpty {
            throw BeekError.refused("clone_schema cannot reproduce the source on the target; nothing was changed:\n  - "
                                    + problems.joined(separator: "\n  - "))
        }

        let emptied = try SchemaEmptier.plan(dst, schemas: schemas, keepExtensions: keep)
        var statements = emptied.statements
        for e in recreatedExtensions {
            for i in statements.indices where statements[i].kind == "extension" && statements[i].name == SQL.quoteIdent(e.name) {
                statements[i].hazard = e.hazard
            }
        }
        // The target's default privileges for the role running the clone would be given to every
        // object created below: they are taken away first and the source's set at the very end.
        // Other roles' are only changed where they differ (a non-superuser cannot touch those of
        // roles it is not a member of, e.g. supabase_admin's on a hosted project).
        for d in target.defaultPrivileges where d.role == currentUser {
            for s in DefaultPrivileges.statements(d, from: d.acl, to: []) {
                statements.append(SchemaStatement(.alter, "default privileges", "\(SQL.quoteIdent(d.schema)) for \(SQL.quoteIdent(d.role))", s, phase: .drop))
            }
        }
        let defaults = ACLDefaults(dst)
        var pre: [SchemaStatement] = [], schemaGrants: [SchemaStatement] = []
        for s in source.schemas {
            let name = SQL.quoteIdent(s.name)
            let existing = target.schemas.first { $0.name == s.name }
            if let existing {
                if existing.owner != s.owner {
                    pre.append(SchemaStatement(.alter, "schema", name, "ALTER SCHEMA \(name) OWNER TO \(SQL.quoteIdent(s.owner));", phase: .preData))
                }
                if existing.comment != s.comment {
                    pre.append(SchemaStatement(.comment, "schema", name, "COMMENT ON SCHEMA \(name) IS \(s.comment.map(SQL.quoteLiteral) ?? "NULL");", phase: .preData))
                }
            } else {
                pre.append(SchemaStatement(.create, "schema", name, "CREATE SCHEMA \(name)"
                    + (s.owner == currentUser ? "" : " AUTHORIZATION \(SQL.quoteIdent(s.owner))") + ";", phase: .preData))
                if let c = s.comment {
                    pre.append(SchemaStatement(.comment, "schema", name, "COMMENT ON SCHEMA \(name) IS \(SQL.quoteLiteral(c));", phase: .preData))
                }
            }
            let from = try existing.map { try $0.acl ?? defaults.get("n", $0.owner) } ?? defaults.initial("n", s.owner)
            let to = try s.acl ?? defaults.get("n", s.owner)
            for g in ACLPlanner.statements(from: from, to: to, object: "SCHEMA \(name)") {
                schemaGrants.append(SchemaStatement(.grant, "schema", name, g, phase: .postData))
            }
        }
        for (name, version) in updates {
            pre.append(SchemaStatement(.alter, "extension", SQL.quoteIdent(name),
                                       "ALTER EXTENSION \(SQL.quoteIdent(name)) UPDATE TO \(SQL.quoteLiteral(version));", phase: .preData))
        }
        for p in Set(target.publicationSchemas.map { "\($0.publication)\u{0}\($0.schema)" })
            .subtracting(source.publicationSchemas.map { "\($0.publication)\u{0}\($0.schema)" }).sorted() {
            let parts = p.split(separator: "\u{0}").map(String.init)
            pre.append(SchemaStatement(.alter, "publication", SQL.quoteIdent(parts[0]),
                                       "ALTER PUBLICATION \(SQL.quoteIdent(parts[0])) DROP TABLES IN SCHEMA \(SQL.quoteIdent(parts[1]));", phase: .preData))
        }
        var generator = DDLGenerator(model: source, currentUser: currentUser, initialACL: { kind, owner, _ in try defaults.initial(kind, owner) }, builtinACL: defaults.get)
        try generator.generate()
        var post = generator.post
        for p in Set(source.publicationSchemas.map { "\($0.publication)\u{0}\($0.schema)" })
            .subtracting(target.publicationSchemas.map { "\($0.publication)\u{0}\($0.schema)" }).sorted() {
            let parts = p.split(separator: "\u{0}").map(String.init)
            post.append(SchemaStatement(.alter, "publication", SQL.quoteIdent(parts[0]),
                                        "ALTER PUBLICATION \(SQL.quoteIdent(parts[0])) ADD TABLES IN SCHEMA \(SQL.quoteIdent(parts[1]));", phase: .postData))
        }
        // Extension members: a kept extension's objects start from the target's privileges, a
        // new one's from what its script sets (the source's pg_init_privs).
        let targetMembers = Dictionary(target.extensionMemberACLs.map { ($0.extensionName + "\u{0}" + $0.object, $0) },
                                       uniquingKeysWith: { a, _ in a })
        for m in source.extensionMemberACLs {
            let kept = keep.contains(m.extensionName) && updates.allSatisfy { $0.0 != m.extensionName }
            let there = kept ? targetMembers[m.extensionName + "\u{0}" + m.object] : nil
            let from = try kept ? (there?.acl ?? defaults.get(m.aclKind, there?.owner ?? m.owner))
                                : (m.initialACL ?? defaults.initial(m.aclKind, m.owner))
            let to = try m.acl ?? defaults.get(m.aclKind, m.owner)
            for g in ACLPlanner.statements(from: from, to: to, object: m.object) {
                schemaGrants.append(SchemaStatement(.grant, "extension member", m.object, g, phase: .postData))
            }
        }
        post += schemaGrants
        func key(_ d: DefaultPrivilege) -> String { [d.role, d.schema, d.objectType].joined(separator: "\u{0}") }
        let targetDefaults = Dictionary(target.defaultPrivileges.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let sourceDefaults = Dictionary(source.defaultPrivileges.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        for k in Set(targetDefaults.keys).union(sourceDefaults.keys).sorted() {
            let d = sourceDefaults[k] ?? targetDefaults[k]!
            let from = d.role == currentUser ? [] : (targetDefaults[k]?.acl ?? [])
            for s in DefaultPrivileges.statements(d, from: from, to: sourceDefaults[k]?.acl ?? []) {
                post.append(SchemaStatement(.grant, "default privileges", "\(SQL.quoteIdent(d.schema)) for \(SQL.quoteIdent(d.role))", s, phase: .postData))
            }
        }
        for (role, sql) in globalDefaults {
            post.append(SchemaStatement(.grant, "default privileges", "database-wide for \(SQL.quoteIdent(role))", sql, phase: .postData))
        }
        statements += pre + generator.pre + post
        return ClonePlan(schemas: schemas, statements: statements, droppedTables: emptied.droppedTables,
                         droppedDependents: target.dependents, recreatedDependents: source.dependents, source: source)
    }
}

/// `acldefault()` of the target server, per object kind and owner, asked once per pair.
final class ACLDefaults: @unchecked Sendable {
    let db: PGConnection
    var cache: [String: [ACLItem]] = [:]
    init(_ db: PGConnection) { self.db = db }

    /// Global default privileges (`ALTER DEFAULT PRIVILEGES FOR ROLE me GRANT …` without
    /// `IN SCHEMA`) of the role that runs the clone, by object kind: they replace `acldefault`
    /// for what it creates.
    lazy var creatorDefaults: (creator: String, byKind: [String: [ACLItem]])? = {
        guard let r = try? db.query("""
            select current_user, d.defaclobjtype, array_to_string(d.defaclacl, E'\\n') from pg_default_acl d
            where d.defaclnamespace = 0 and d.defaclrole = (select oid from pg_roles where rolname = current_user)
            """) else { return nil }
        let kinds = ["r": "r", "S": "s", "f": "f", "T": "T", "n": "n"]
        var byKind: [String: [ACLItem]] = [:]
        for row in r.rows { if let k = kinds[row[1]!] { byKind[k] = ACLItem.list(row[2]) ?? [] } }
        return byKind.isEmpty ? nil : (r.value(0, 0) ?? "", byKind)
    }()

    /// The ACL an object has right after this clone creates it and hands it to `owner`.
    func initial(_ kind: String, _ owner: String) throws -> [ACLItem] {
        guard let defaults = creatorDefaults, let acl = defaults.byKind[kind] else { return try get(kind, owner) }
        // ALTER … OWNER TO rewrites the old owner's entries to name the new owner.
        return acl.map { item in
            var item = item
            if item.grantee == defaults.creator { item.grantee = owner }
            if item.grantor == defaults.creator { item.grantor = owner }
            return item
        }
    }

    func get(_ kind: String, _ owner: String) throws -> [ACLItem] {
        let key = kind + "\u{0}" + owner
        if let hit = cache[key] { return hit }
        let text = try db.scalar("""
            select array_to_string(acldefault($1::"char", r.oid), E'\\n') from pg_roles r where r.rolname = $2
            """, [kind, owner])
        let value = ACLItem.list(text) ?? []
        cache[key] = value
        return value
    }
}

/// Runs plan statements.
enum SchemaApplier {
    /// With `search_path` empty (every name in the statements is qualified, as they were read) and
    /// `check_function_bodies` off (a function may name a table created later, as in pg_dump's
    /// restore); both are put back afterwards.
    static func run(_ statements: [SchemaStatement], on db: PGConnection) throws {
        guard !statements.isEmpty else { return }
        let previous = try db.query("select current_setting('search_path'), current_setting('check_function_bodies')")
        let path = previous.value(0, 0) ?? "", check = previous.value(0, 1) ?? "on"
        try db.query("select set_config('search_path', '', false), set_config('check_function_bodies', 'off', false)")
        defer {
            _ = try? db.query("select set_config('search_path', $1, false), set_config('check_function_bodies', $2, false)", [path, check])
        }
        for s in statements {
            do {
                try db.execute(s.sql)
            } catch let error as BeekError {
                throw BeekError.failed("\(s.description): \(error.description)")
            }
        }
    }
}
