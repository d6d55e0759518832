import Foundation

/// Reads a `SchemaModel` from the system catalogs of a live database.
///
/// One query per object kind (never one per object), so a schema of hundreds of objects reads in
/// a few round trips. Definitions are read with `search_path` empty, so that every name
/// PostgreSQL prints (`pg_get_viewdef`, `format_type`, defaults) comes out schema-qualified and
/// means the same thing wherever it is replayed.
public enum CatalogReader {
    /// Schemas beekrun never clones, drops or empties: Supabase's platform schemas and
    /// PostgreSQL's own.
    public static let platformSchemas: Set<String> = [
        "auth", "storage", "realtime", "extensions", "graphql", "graphql_public", "vault", "pgsodium",
        "supabase_functions", "net", "cron", "pg_catalog", "information_schema", "pg_toast",
    ]

    /// Refuses platform schemas, empty lists and duplicates.
    public static func checkSchemaNames(_ schemas: [String], action: String) throws {
        if schemas.isEmpty { throw BeekError.refused("\(action): no schema named") }
        let platform = schemas.filter { platformSchemas.contains($0) || $0.hasPrefix("pg_temp") || $0.hasPrefix("pg_toast") }
        if !platform.isEmpty {
            throw BeekError.refused("\(action): \(platform.joined(separator: ", ")) "
                + (platform.count == 1 ? "is a platform schema" : "are platform schemas")
                + "; beekrun never changes auth, storage, realtime, extensions and the other platform or system schemas")
        }
        if Set(schemas).count != schemas.count {
            throw BeekError.badArgument(function: action, message: "a schema is named twice")
        }
    }

    /// Reads the named schemas. Schemas that do not exist are left out of `schemas`.
    public static func read(_ db: PGConnection, schemas: [String]) throws -> SchemaModel {
        try withEmptySearchPath(db) {
            var model = SchemaModel()
            model.serverVersion = db.serverVersion
            model.reader = try db.scalar("select current_user") ?? ""
            let context = Context(db: db, schemas: schemas, schemaArray: SQL.textArray(schemas))
            try context.loadComments()
            try readSchemas(context, into: &model)
            try readExtensions(context, into: &model)
            try readTypes(context, into: &model)
            try readSequences(context, into: &model)
            try readTables(context, into: &model)
            try readViews(context, into: &model)
            try readRoutines(context, into: &model)
            try readConstraints(context, into: &model)
            try readValidatedInheritedChecks(context, into: &model)
            try readIndexes(context, into: &model)
            try readTriggersRulesPolicies(context, into: &model)
            try readCollations(context, into: &model)
            try readConversions(context, into: &model)
            try readOperators(context, into: &model)
            try readOperatorClasses(context, into: &model)
            try readTextSearch(context, into: &model)
            try readStatisticsObjects(context, into: &model)
            try readKeyDependentViews(context, into: &model)
            try readIndexSettings(context, into: &model)
            try readPrivilegesAndPublications(context, into: &model)
            try readDependencies(context, into: &model)
            try readDependents(context, into: &model)
            try readExternalReferences(context, into: &model)
            try readGlobalDefaultPrivileges(context, into: &model)
            try readForeignServers(context, into: &model)
            return model
        }
    }

    /// Runs `body` with `search_path` set to '' on `db`, putting the previous value back after.
    /// `set_config(…, false)` rather than SET LOCAL: it works both inside and outside a
    /// transaction block.
    static func withEmptySearchPath<T>(_ db: PGConnection, _ body: () throws -> T) throws -> T {
        let previous = try db.scalar("select current_setting('search_path')") ?? ""
        try db.query("select set_config('search_path', '', false)")
        defer { _ = try? db.query("select set_config('search_path', $1, false)", [previous]) }
        return try body()
    }

    /// What every per-kind reader needs.
    final class Context {
        let db: PGConnection
        let schemas: [String]
        /// `$1` of every query: the schema names as a text[] literal.
        let schemaArray: String
        /// `classoid:objoid:objsubid` → comment.
        var comments: [String: String] = [:]
        /// Columns by relation oid, read once for tables, views and composite types.
        var columns: [String: [Column]]?

        init(db: PGConnection, schemas: [String], schemaArray: String) {
            self.db = db; self.schemas = schemas; self.schemaArray = schemaArray
        }

        func query(_ sql: String) throws -> PGResult { try db.query(sql, [schemaArray]) }

        func comment(_ classid: UInt32, _ objid: String?, _ subid: Int = 0) -> String? {
            guard let objid else { return nil }
            return comments["\(classid):\(objid):\(subid)"]
        }

        /// The comments of everything in the schemas (and of the schemas and their extensions),
        /// in one query.
        func loadComments() throws {
            let r = try query("""
                select d.classoid::oid::text, d.objoid::text, d.objsubid::text, d.description
                from pg_description d
                where (d.classoid = 'pg_class'::regclass and d.objoid in (select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)))
                   or (d.classoid = 'pg_proc'::regclass and d.objoid in (select p.oid from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = any($1)))
                   or (d.classoid = 'pg_type'::regclass and d.objoid in (select t.oid from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = any($1)))
                   or (d.classoid = 'pg_constraint'::regclass and d.objoid in (select c.oid from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname = any($1)))
                   or (d.classoid = 'pg_trigger'::regclass)
                   or (d.classoid = 'pg_policy'::regclass)
                   or (d.classoid = 'pg_rewrite'::regclass)
                   or (d.classoid = 'pg_namespace'::regclass and d.objoid in (select oid from pg_namespace where nspname = any($1)))
                   or (d.classoid = 'pg_extension'::regclass)
                """)
            for row in r.rows {
                comments["\(row[0]!):\(row[1]!):\(row[2]!)"] = row[3]
            }
        }
    }

    // MARK: Schemas and extensions

    static func readSchemas(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            select n.oid::text, n.nspname, pg_get_userbyid(n.nspowner), array_to_string(n.nspacl, E'\\n')
            from pg_namespace n where n.nspname = any($1)
            """)
        let byName = Dictionary(r.rows.map { ($0[1]!, $0) }, uniquingKeysWith: { a, _ in a })
        // Keep the caller's order.
        for name in c.schemas {
            guard let row = byName[name] else { continue }
            model.schemas.append(SchemaInfo(name: name, owner: row[2]!, acl: ACLItem.list(row[3]),
                                            comment: c.comment(CatalogClass.pgNamespace, row[0])))
        }
    }

    static func readExtensions(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            select e.oid::text, e.extname, n.nspname, e.extversion, e.extrelocatable
            from pg_extension e join pg_namespace n on n.oid = e.extnamespace
            where n.nspname = any($1) order by e.extname
            """)
        model.extensions = r.rows.map {
            ExtensionInfo(name: $0[1]!, schema: $0[2]!, version: $0[3]!, comment: c.comment(CatalogClass.pgExtension, $0[0]),
                          relocatable: $0[4] == "t")
        }
        for row in try c.query("""
            select e.extname, p.target from pg_extension e join pg_namespace n on n.oid = e.extnamespace
            cross join lateral pg_extension_update_paths(e.extname) p
            where n.nspname = any($1) and p.source = e.extversion and p.path is not null
            """).rows {
            model.extensionUpdateTargets[row[0]!, default: []].insert(row[1]!)
        }
        model.extensionMemberACLs = try c.query("""
            with members as (
              select x.extname, d.classid, d.objid from pg_depend d join pg_extension x on x.oid = d.refobjid
              join pg_namespace xn on xn.oid = x.extnamespace
              where d.deptype = 'e' and d.refclassid = 'pg_extension'::regclass and xn.nspname = any($1)
            )
            select m.extname, 'f', case p.prokind when 'p' then 'PROCEDURE ' when 'a' then 'ROUTINE ' else 'FUNCTION ' end
                || p.oid::regprocedure::text, pg_get_userbyid(p.proowner), array_to_string(p.proacl, E'\\n'),
                array_to_string(ip.initprivs, E'\\n')
            from members m join pg_proc p on m.classid = 'pg_proc'::regclass and p.oid = m.objid
            left join pg_init_privs ip on ip.classoid = m.classid and ip.objoid = m.objid and ip.objsubid = 0
            union all
            select m.extname, 'T', case t.typtype when 'd' then 'DOMAIN ' else 'TYPE ' end || format_type(t.oid, null),
                pg_get_userbyid(t.typowner), array_to_string(t.typacl, E'\\n'), array_to_string(ip.initprivs, E'\\n')
            from members m join pg_type t on m.classid = 'pg_type'::regclass and t.oid = m.objid
            left join pg_init_privs ip on ip.classoid = m.classid and ip.objoid = m.objid and ip.objsubid = 0
            union all
            select m.extname, case k.relkind when 'S' then 's' else 'r' end,
                case k.relkind when 'S' then 'SEQUENCE ' else 'TABLE ' end || k.oid::regclass::text,
                pg_get_userbyid(k.relowner), array_to_string(k.relacl, E'\\n'), array_to_string(ip.initprivs, E'\\n')
            from members m join pg_class k on m.classid = 'pg_class'::regclass and k.oid = m.objid
            left join pg_init_privs ip on ip.classoid = m.classid and ip.objoid = m.objid and ip.objsubid = 0
            where k.relkind in ('r', 'p', 'v', 'm', 'S')
            order by 1, 3
            """).rows.map {
            ExtensionMemberACL(extensionName: $0[0]!, aclKind: $0[1]!, object: $0[2]!, owner: $0[3]!,
                               acl: ACLItem.list($0[4]), initialACL: ACLItem.list($0[5]))
        }
        // Extensions elsewhere whose member objects something in the schemas uses.
        let used = try c.query("""
            with \(mineCTE)
            select distinct x.extname, n.nspname, x.extversion
            from pg_depend d
            join mine m on m.cls = d.classid and m.oid = d.objid
            join pg_depend e on e.classid = d.refclassid and e.objid = d.refobjid and e.deptype = 'e'
            join pg_extension x on x.oid = e.refobjid
            join pg_namespace n on n.oid = x.extnamespace
            where d.deptype = 'n' and n.nspname <> all($1)
            order by 1
            """)
        model.referencedExtensions = used.rows.map { ExtensionInfo(name: $0[0]!, schema: $0[1]!, version: $0[2]!, comment: nil) }
    }

    /// Not part of another object (a range type's constructor functions): those come and go with it.
    static func notInternal(_ catalog: String, _ alias: String) -> String {
        "not exists (select 1 from pg_depend int where int.classid = '\(catalog)'::regclass and int.objid = \(alias).oid and int.deptype = 'i')"
    }

    /// `mine(cls, oid)`: every object in the schemas that can depend on something, with the
    /// catalog it lives in, for following `pg_depend` out of the schemas.
    static let mineCTE = """
            mine as (
                select 'pg_class'::regclass::oid as cls, c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)
                union all select 'pg_proc'::regclass, p.oid from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = any($1)
                union all select 'pg_type'::regclass, t.oid from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = any($1)
                union all select 'pg_constraint'::regclass, k.oid from pg_constraint k join pg_namespace n on n.oid = k.connamespace where n.nspname = any($1)
                union all select 'pg_attrdef'::regclass, a.oid from pg_attrdef a join pg_class c on c.oid = a.adrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)
                union all select 'pg_rewrite'::regclass, w.oid from pg_rewrite w join pg_class c on c.oid = w.ev_class join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)
                union all select 'pg_trigger'::regclass, g.oid from pg_trigger g join pg_class c on c.oid = g.tgrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)
                union all select 'pg_policy'::regclass, p.oid from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)
            )
        """

    /// Tables, types and routines outside the schemas (and outside extensions and the system
    /// schemas) that the schemas use: `auth.users` of a foreign key, `auth.uid()` of a policy.
    static func readExternalReferences(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            with \(mineCTE)
            select distinct o.type, o.identity
            from pg_depend d
            join mine m on m.cls = d.classid and m.oid = d.objid
            cross join lateral pg_identify_object(d.refclassid, d.refobjid, 0) o
            where d.deptype = 'n' and d.refclassid in ('pg_class'::regclass, 'pg_proc'::regclass, 'pg_type'::regclass)
              and coalesce(
                (select k.relnamespace from pg_class k where d.refclassid = 'pg_class'::regclass and k.oid = d.refobjid),
                (select p.pronamespace from pg_proc p where d.refclassid = 'pg_proc'::regclass and p.oid = d.refobjid),
                (select t.typnamespace from pg_type t where d.refclassid = 'pg_type'::regclass and t.oid = d.refobjid))
                not in (select n.oid from pg_namespace n
                        where n.nspname = any($1) or n.nspname in ('pg_catalog', 'information_schema') or n.nspname like 'pg_toast%')
              and not exists (select 1 from pg_depend e where e.classid = d.refclassid and e.objid = d.refobjid and e.deptype = 'e')
            order by 1, 2
            """)
        model.externalReferences = r.rows.map { ExternalReference(type: $0[0]!, identity: $0[1]!) }
    }

    /// `and not <extension member>` for a catalog row `alias.oid` of `catalog`.
    static func notExtensionMember(_ catalog: String, _ alias: String) -> String {
        "not exists (select 1 from pg_depend ext where ext.classid = '\(catalog)'::regclass and ext.objid = \(alias).oid and ext.deptype = 'e')"
    }
}

extension SQL {
    /// A `text[]` literal for passing a list of names as one parameter (`= any($1)`).
    public static func textArray(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
