import Foundation

/// What a project adds to the platform's tables in `auth` and `storage`: policies (the usual
/// "avatars are public" pair on `storage.objects`), triggers, grants, comments and the RLS
/// switches. They are the team's schema, cloned, nuked and diffed with `public`; the
/// platform's own objects in those schemas are never touched.
///
/// The rule, from facts rather than a list of names:
/// - A fresh Supabase project has no policy on any `auth` or `storage` table (GoTrue and the
///   Storage API ship RLS enabled and no policy, see `SupabasePlatform`): every policy there is
///   the team's.
/// - A trigger there is the platform's when its function lives in the table's own schema and
///   is owned by a platform role (`storage.update_updated_at_column`, owned by
///   supabase_storage_admin); any other trigger (a function in `public`, a webhook through
///   `supabase_functions.http_request`, a function owned by `postgres`) is the team's.
/// - A grant (table or column) is the platform's when a platform role granted it to a platform
///   role (the API roles, `postgres`, the dashboard); a grant to any other role or to PUBLIC,
///   or one made by a non-platform role (`postgres` on a hosted project), is the team's.
/// - A comment on a table or column is the platform's when it is the text Supabase's
///   migrations write there (`PlatformBaseline`); any other is the team's, and a nuke puts the
///   platform's text back.
/// - RLS enabled/forced on those tables: compared and copied, never nuked (the platform sets it).
/// Objects that already hang off the cloned schemas (a trigger on `auth.users` calling a
/// `public` function, a policy calling one) are the schema engine's dependents and are left
/// to it; this covers the rest. What the team creates *in* those schemas (a function, a
/// table, an index on a platform table) is not carried but named (UncarriedPlatformObjects).
public struct TeamPlatformObject: Sendable, Equatable {
    /// policy, trigger, grant, comment, row level security
    public var kind: String
    public var name: String
    /// Quoted and qualified, e.g. `storage.objects`.
    public var table: String
    /// As diff() names it: `"Avatar images are public" on storage.objects`.
    public var identity: String
    public var createSQL: [String]
    /// Empty for RLS switches: they are set, not dropped. A grant's is its REVOKE, a
    /// comment's puts the platform's comment back.
    public var dropSQL: String
}

public enum TeamPlatformObjects {
    /// The platform schemas whose tables teams add objects to.
    public static let schemas = ["auth", "storage"]
    /// Roles that own the platform's objects.
    public static let platformRoles = ["supabase_admin", "supabase_auth_admin", "supabase_storage_admin",
                                       "supabase_functions_admin", "supabase_realtime_admin"]

    /// Reads the team's objects on platform tables, leaving out `excluded` identities (the
    /// schema engine's dependents, which it handles itself).
    public static func read(_ c: PGConnection, excluding excluded: Set<String> = []) throws -> [TeamPlatformObject] {
        var objects: [TeamPlatformObject] = []
        let schemaList = StorageBuckets.arrayLiteral(schemas)
        let policies = try c.query("""
            select n.nspname, k.relname, p.polname, p.polpermissive::text,
                   case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end,
                   coalesce((select string_agg(case when r = 0 then 'PUBLIC' else quote_ident(pg_get_userbyid(r)) end, ', ' order by 1)
                             from unnest(p.polroles) r), 'PUBLIC'),
                   pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
                   obj_description(p.oid, 'pg_policy')
            from pg_policy p join pg_class k on k.oid = p.polrelid join pg_namespace n on n.oid = k.relnamespace
            where n.nspname = any($1::text[])
            order by 1, 2, 3
            """, [schemaList])
        for i in 0..<policies.rowCount {
            let table = SQL.qualified(policies.value(i, 0)!, policies.value(i, 1)!)
            let name = policies.value(i, 2)!
            var sql = "CREATE POLICY \(SQL.quoteIdent(name)) ON \(table) AS \(policies.value(i, 3) == "true" ? "PERMISSIVE" : "RESTRICTIVE")"
                + " FOR \(policies.value(i, 4)!) TO \(policies.value(i, 5)!)"
            if let using = policies.value(i, 6) { sql += " USING (\(using))" }
            if let check = policies.value(i, 7) { sql += " WITH CHECK (\(check))" }
            var create = [sql + ";"]
            if let comment = policies.value(i, 8) {
                create.append("COMMENT ON POLICY \(SQL.quoteIdent(name)) ON \(table) IS \(SQL.quoteLiteral(comment));")
            }
            objects.append(TeamPlatformObject(kind: "policy", name: name, table: table, identity: "\(SQL.quoteIdent(name)) on \(table)",
                                              createSQL: create, dropSQL: "DROP POLICY IF EXISTS \(SQL.quoteIdent(name)) ON \(table);"))
        }
        let triggers = try c.query("""
            select n.nspname, k.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled::text, obj_description(t.oid, 'pg_trigger')
            from pg_trigger t join pg_class k on k.oid = t.tgrelid join pg_namespace n on n.oid = k.relnamespace
            join pg_proc f on f.oid = t.tgfoid
            where not t.tgisinternal and n.nspname = any($1::text[])
              and not (f.pronamespace = k.relnamespace and pg_get_userbyid(f.proowner) = any($2::text[]))
            order by 1, 2, 3
            """, [schemaList, StorageBuckets.arrayLiteral(platformRoles)])
        for i in 0..<triggers.rowCount {
            let table = SQL.qualified(triggers.value(i, 0)!, triggers.value(i, 1)!)
            let name = triggers.value(i, 2)!
            var create = [triggers.value(i, 3)! + ";"]
            if let state = ["D": "DISABLE TRIGGER", "R": "ENABLE REPLICA TRIGGER", "A": "ENABLE ALWAYS TRIGGER"][triggers.value(i, 4)!] {
                create.append("ALTER TABLE \(table) \(state) \(SQL.quoteIdent(name));")
            }
            if let comment = triggers.value(i, 5) {
                create.append("COMMENT ON TRIGGER \(SQL.quoteIdent(name)) ON \(table) IS \(SQL.quoteLiteral(comment));")
            }
            objects.append(TeamPlatformObject(kind: "trigger", name: name, table: table, identity: "\(SQL.quoteIdent(name)) on \(table)",
                                              createSQL: create, dropSQL: "DROP TRIGGER IF EXISTS \(SQL.quoteIdent(name)) ON \(table);"))
        }
        let rls = try c.query("""
            select n.nspname, k.relname, k.relrowsecurity::text, k.relforcerowsecurity::text
            from pg_class k join pg_namespace n on n.oid = k.relnamespace
            where n.nspname = any($1::text[]) and k.relkind in ('r', 'p') order by 1, 2
            """, [schemaList])
        for i in 0..<rls.rowCount {
            let table = SQL.qualified(rls.value(i, 0)!, rls.value(i, 1)!)
            let sql = "ALTER TABLE \(table) \(rls.value(i, 2) == "true" ? "ENABLE" : "DISABLE") ROW LEVEL SECURITY, "
                + "\(rls.value(i, 3) == "true" ? "FORCE" : "NO FORCE") ROW LEVEL SECURITY;"
            objects.append(TeamPlatformObject(kind: "row level security", name: table, table: table, identity: table,
                                              createSQL: [sql], dropSQL: ""))
        }
        objects += try grants(c, schemaList)
        objects += try comments(c, schemaList)
        return objects.filter { !excluded.contains("\($0.kind) \($0.identity)") }
    }

    /// The team's grants on platform tables, their columns and the platform schemas themselves
    /// (USAGE ON SCHEMA auth), one object per table (column, schema) and grantee. An ACL entry is the team's when its grantee is not a platform role
    /// (`reporting_role`, PUBLIC), or when its grantor is not one (on a hosted project the
    /// team grants as `postgres`, which holds the grant option the platform gave it). The
    /// entries the platform's roles grant to the platform's roles are the platform's, and the
    /// owner's own entry is never a grant.
    static func grants(_ c: PGConnection, _ schemaList: String) throws -> [TeamPlatformObject] {
        let r = try c.query("""
            select n.nspname, k.relname, null::name, case when x.grantee = 0 then '' else pg_get_userbyid(x.grantee) end,
                   pg_get_userbyid(x.grantor), x.privilege_type, x.is_grantable::text
            from pg_class k join pg_namespace n on n.oid = k.relnamespace cross join lateral aclexplode(k.relacl) x
            where n.nspname = any($1::text[]) and k.relkind in ('r', 'p') and x.grantee <> k.relowner
            union all
            select n.nspname, k.relname, a.attname, case when x.grantee = 0 then '' else pg_get_userbyid(x.grantee) end,
                   pg_get_userbyid(x.grantor), x.privilege_type, x.is_grantable::text
            from pg_attribute a join pg_class k on k.oid = a.attrelid join pg_namespace n on n.oid = k.relnamespace
            cross join lateral aclexplode(a.attacl) x
            where n.nspname = any($1::text[]) and k.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
              and x.grantee <> k.relowner
            union all
            select n.nspname, null, null, case when x.grantee = 0 then '' else pg_get_userbyid(x.grantee) end,
                   pg_get_userbyid(x.grantor), x.privilege_type, x.is_grantable::text
            from pg_namespace n cross join lateral aclexplode(n.nspacl) x
            where n.nspname = any($1::text[]) and x.grantee <> n.nspowner
            """, [schemaList])
        // (table, column, grantee) → privileges in ACL order, and those WITH GRANT OPTION.
        var order: [String] = []
        var found: [String: (schema: String, table: String, column: String?, grantee: String, plain: [String], option: [String])] = [:]
        for i in 0..<r.rowCount {
            let grantee = r.value(i, 3)!, grantor = r.value(i, 4)!
            let platform = PlatformBaseline.platformGrantees.contains(grantee) && platformRoles.contains(grantor)
            if platform { continue }
            // A schema's own grants (USAGE ON SCHEMA auth) have no table.
            let key = [r.value(i, 0)!, r.value(i, 1) ?? "", r.value(i, 2) ?? "", grantee].joined(separator: "\u{0}")
            if found[key] == nil {
                order.append(key)
                found[key] = (r.value(i, 0)!, r.value(i, 1) ?? "", r.value(i, 2), grantee, [], [])
            }
            let privilege = r.value(i, 5)!
            if r.value(i, 6) == "true" {
                if !found[key]!.option.contains(privilege) { found[key]!.option.append(privilege) }
                found[key]!.plain.removeAll { $0 == privilege }
            } else if !found[key]!.plain.contains(privilege) && !found[key]!.option.contains(privilege) {
                found[key]!.plain.append(privilege)
            }
        }
        return order.sorted().map { key in
            let g = found[key]!
            let table = g.table.isEmpty ? SQL.quoteIdent(g.schema) : SQL.qualified(g.schema, g.table)
            let object = g.table.isEmpty ? "SCHEMA \(table)" : "TABLE \(table)"
            let who = g.grantee.isEmpty ? "PUBLIC" : SQL.quoteIdent(g.grantee)
            func list(_ privileges: [String]) -> String {
                privileges.map { p in g.column.map { "\(p) (\(SQL.quoteIdent($0)))" } ?? p }.joined(separator: ", ")
            }
            var create: [String] = []
            if !g.plain.isEmpty { create.append("GRANT \(list(g.plain)) ON \(object) TO \(who);") }
            if !g.option.isEmpty { create.append("GRANT \(list(g.option)) ON \(object) TO \(who) WITH GRANT OPTION;") }
            let on = g.column.map { "\(table) (\(SQL.quoteIdent($0)))" } ?? (g.table.isEmpty ? "schema \(table)" : table)
            return TeamPlatformObject(kind: "grant", name: who, table: table, identity: "on \(on) to \(who)", createSQL: create,
                                      dropSQL: "REVOKE \(list(g.plain + g.option)) ON \(object) FROM \(who) CASCADE;")
        }
    }

    /// The team's comments on platform tables and their columns: any comment that is not the
    /// one Supabase's migrations write there (PlatformBaseline). A nuke puts the platform's
    /// comment back (or none).
    static func comments(_ c: PGConnection, _ schemaList: String) throws -> [TeamPlatformObject] {
        let r = try c.query("""
            select n.nspname, k.relname, a.attname, d.description
            from pg_description d join pg_class k on k.oid = d.objoid and d.classoid = 'pg_class'::regclass
            join pg_namespace n on n.oid = k.relnamespace
            left join pg_attribute a on a.attrelid = k.oid and a.attnum = d.objsubid and d.objsubid > 0
            where n.nspname = any($1::text[]) and k.relkind in ('r', 'p') and (d.objsubid = 0 or a.attname is not null)
            order by 1, 2, 3 nulls first
            """, [schemaList])
        return (0..<r.rowCount).compactMap { i in
            let schema = r.value(i, 0)!, name = r.value(i, 1)!, column = r.value(i, 2), text = r.value(i, 3)!
            let object = [schema, name, column].compactMap { $0 }.joined(separator: ".")
            guard !PlatformBaseline.isPlatformComment(text, on: object) else { return nil }
            let table = SQL.qualified(schema, name)
            let target = column.map { "COLUMN \(table).\(SQL.quoteIdent($0))" } ?? "TABLE \(table)"
            let identity = column.map { "\(table).\(SQL.quoteIdent($0))" } ?? table
            let platform = PlatformBaseline.platformComment(on: object).map(SQL.quoteLiteral) ?? "NULL"
            return TeamPlatformObject(kind: "comment", name: identity, table: table, identity: "on " + identity,
                                      createSQL: ["COMMENT ON \(target) IS \(SQL.quoteLiteral(text));"],
                                      dropSQL: "COMMENT ON \(target) IS \(platform);")
        }
    }

    /// The changes and statements that make `b`'s objects equal `a`'s. Only tables present on
    /// both sides are considered (a platform version without the table has nothing to match).
    public static func compare(a: [TeamPlatformObject], b: [TeamPlatformObject]) -> (changes: [SchemaChange], statements: [String]) {
        let tablesA = Set(a.filter { $0.kind == "row level security" }.map(\.table))
        let tablesB = Set(b.filter { $0.kind == "row level security" }.map(\.table))
        // The platform schemas themselves (their grants) are on both sides whenever tables are.
        let shared = tablesA.intersection(tablesB).union(schemas.map(SQL.quoteIdent).filter { schema in
            [tablesA, tablesB].allSatisfy { tables in tables.contains { $0.hasPrefix(schema + ".") } }
        })
        func key(_ o: TeamPlatformObject) -> String { "\(o.kind) \(o.identity)" }
        let x = Dictionary(a.filter { shared.contains($0.table) }.map { (key($0), $0) }, uniquingKeysWith: { f, _ in f })
        let y = Dictionary(b.filter { shared.contains($0.table) }.map { (key($0), $0) }, uniquingKeysWith: { f, _ in f })
        var changes: [SchemaChange] = [], drops: [String] = [], creates: [String] = []
        for k in y.keys.sorted() where x[k] == nil || x[k]!.createSQL != y[k]!.createSQL {
            let o = y[k]!
            if o.kind == "row level security" { continue } // set below from a's value
            if x[k] == nil { changes.append(SchemaChange(kind: o.kind, name: o.identity, change: .drop)) }
            drops.append(o.dropSQL)
        }
        for k in x.keys.sorted() where y[k] == nil || x[k]!.createSQL != y[k]!.createSQL {
            let o = x[k]!
            if o.kind == "row level security" {
                changes.append(SchemaChange(kind: "table", name: o.table, change: .alter, detail: "row level security: " + o.createSQL[0]))
            } else {
                changes.append(SchemaChange(kind: o.kind, name: o.identity, change: y[k] == nil ? .add : .alter,
                                            detail: y[k] == nil ? "" : "definition changed"))
            }
            creates += o.createSQL
        }
        return (changes, drops + creates)
    }
}
