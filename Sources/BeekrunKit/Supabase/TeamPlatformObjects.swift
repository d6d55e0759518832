import Foundation

/// What a project adds to the platform's tables in `auth` and `storage`: policies (the usual
/// "avatars are public" pair on `storage.objects`), triggers, and the RLS switches. They are
/// the team's schema, cloned, nuked and diffed with `public`; the platform's own objects in
/// those schemas are never touched.
///
/// The rule, from facts rather than a list of names:
/// - A fresh Supabase project has no policy on any `auth` or `storage` table (GoTrue and the
///   Storage API ship RLS enabled and no policy, see `SupabasePlatform`): every policy there is
///   the team's.
/// - A trigger there is the platform's when its function lives in the table's own schema and
///   is owned by a platform role (`storage.update_updated_at_column`, owned by
///   supabase_storage_admin); any other trigger (a function in `public`, a webhook through
///   `supabase_functions.http_request`, a function owned by `postgres`) is the team's.
/// - RLS enabled/forced on those tables: compared and copied, never nuked (the platform sets it).
/// Objects that already hang off the cloned schemas (a trigger on `auth.users` calling a
/// `public` function, a policy calling one) are the schema engine's dependents and are left
/// to it; this covers the rest. Grants and comments the team adds there are not covered yet.
public struct TeamPlatformObject: Sendable, Equatable {
    /// policy, trigger, row level security
    public var kind: String
    public var name: String
    /// Quoted and qualified, e.g. `storage.objects`.
    public var table: String
    /// As diff() names it: `"Avatar images are public" on storage.objects`.
    public var identity: String
    public var createSQL: [String]
    /// Empty for RLS switches: they are set, not dropped.
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
        return objects.filter { !excluded.contains("\($0.kind) \($0.identity)") }
    }

    /// The changes and statements that make `b`'s objects equal `a`'s. Only tables present on
    /// both sides are considered (a platform version without the table has nothing to match).
    public static func compare(a: [TeamPlatformObject], b: [TeamPlatformObject]) -> (changes: [SchemaChange], statements: [String]) {
        let tablesA = Set(a.filter { $0.kind == "row level security" }.map(\.table))
        let tablesB = Set(b.filter { $0.kind == "row level security" }.map(\.table))
        let shared = tablesA.intersection(tablesB)
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
