/// Drops everything inside schemas while keeping the schemas themselves.
///
/// Keeping the schema object (rather than `DROP SCHEMA … CASCADE; CREATE SCHEMA …`) keeps its
/// owner, grants, default privileges, comment, `pg_init_privs` entry (what pg_dump compares the
/// `public` schema's ACL against) and `FOR TABLES IN SCHEMA` publication membership exactly as
/// they were, with nothing to re-create. Every catalog that holds schema-qualified objects is
/// listed, so the schema ends up as empty as a re-created one.
enum SchemaEmptier {
    struct Result {
        var statements: [SchemaStatement] = []
        var droppedTables: [DroppedTable] = []
    }

    /// - Parameter keepExtensions: extensions (by name) left in place, for a clone whose source
    ///   has the same extension in the same schema.
    static func plan(_ db: PGConnection, schemas: [String], keepExtensions: Set<String> = []) throws -> Result {
        try CatalogReader.withEmptySearchPath(db) {
            var result = Result()
            let member = { (catalog: String, alias: String) in CatalogReader.notExtensionMember(catalog, alias) }
            let r = try db.query("""
                select ord, kind, name from (
                  select 1 as ord, case k.relkind when 'v' then 'view' when 'm' then 'materialized view'
                      when 'f' then 'foreign table' when 'S' then 'sequence' when 'c' then 'type' else 'table' end as kind,
                    quote_ident(n.nspname) || '.' || quote_ident(k.relname) as name
                  from pg_class k join pg_namespace n on n.oid = k.relnamespace
                  where n.nspname = any($1) and k.relkind in ('r', 'p', 'v', 'm', 'f', 'S', 'c') and not k.relispartition
                    -- a sequence owned by a column goes with its table
                    and (k.relkind <> 'S' or not exists (
                      select 1 from pg_depend o where o.classid = 'pg_class'::regclass and o.objid = k.oid
                        and o.refclassid = 'pg_class'::regclass and o.deptype in ('a', 'i')))
                    and \(member("pg_class", "k"))
                  union all
                  select 2, case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end,
                    quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')'
                  from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = any($1) and \(member("pg_proc", "p"))
                    and \(CatalogReader.notInternal("pg_proc", "p"))
                  union all
                  select 3, case t.typtype when 'd' then 'domain' else 'type' end, quote_ident(n.nspname) || '.' || quote_ident(t.typname)
                  from pg_type t join pg_namespace n on n.oid = t.typnamespace
                  where n.nspname = any($1) and t.typtype in ('b', 'd', 'e', 'r', 'p') and \(member("pg_type", "t"))
                    and not exists (select 1 from pg_type e where e.typarray = t.oid)
                  union all
                  select 4, 'collation', quote_ident(n.nspname) || '.' || quote_ident(x.collname)
                  from pg_collation x join pg_namespace n on n.oid = x.collnamespace where n.nspname = any($1) and \(member("pg_collation", "x"))
                  union all
                  select 4, 'conversion', quote_ident(n.nspname) || '.' || quote_ident(x.conname)
                  from pg_conversion x join pg_namespace n on n.oid = x.connamespace where n.nspname = any($1) and \(member("pg_conversion", "x"))
                  union all
                  select 4, 'operator', x.oid::regoperator::text
                  from pg_operator x join pg_namespace n on n.oid = x.oprnamespace where n.nspname = any($1) and \(member("pg_operator", "x"))
                  union all
                  select 4, 'operator family', quote_ident(n.nspname) || '.' || quote_ident(x.opfname) || ' USING ' || quote_ident(am.amname)
                  from pg_opfamily x join pg_namespace n on n.oid = x.opfnamespace join pg_am am on am.oid = x.opfmethod
                  where n.nspname = any($1) and \(member("pg_opfamily", "x"))
                  union all
                  select 4, 'operator class', quote_ident(n.nspname) || '.' || quote_ident(x.opcname) || ' USING ' || quote_ident(am.amname)
                  from pg_opclass x join pg_namespace n on n.oid = x.opcnamespace join pg_am am on am.oid = x.opcmethod
                  where n.nspname = any($1) and \(member("pg_opclass", "x"))
                  union all
                  select 4, 'text search configuration', quote_ident(n.nspname) || '.' || quote_ident(x.cfgname)
                  from pg_ts_config x join pg_namespace n on n.oid = x.cfgnamespace where n.nspname = any($1) and \(member("pg_ts_config", "x"))
                  union all
                  select 4, 'text search dictionary', quote_ident(n.nspname) || '.' || quote_ident(x.dictname)
                  from pg_ts_dict x join pg_namespace n on n.oid = x.dictnamespace where n.nspname = any($1) and \(member("pg_ts_dict", "x"))
                  union all
                  select 4, 'text search parser', quote_ident(n.nspname) || '.' || quote_ident(x.prsname)
                  from pg_ts_parser x join pg_namespace n on n.oid = x.prsnamespace where n.nspname = any($1) and \(member("pg_ts_parser", "x"))
                  union all
                  select 4, 'text search template', quote_ident(n.nspname) || '.' || quote_ident(x.tmplname)
                  from pg_ts_template x join pg_namespace n on n.oid = x.tmplnamespace where n.nspname = any($1) and \(member("pg_ts_template", "x"))
                  union all
                  select 4, 'statistics', quote_ident(n.nspname) || '.' || quote_ident(x.stxname)
                  from pg_statistic_ext x join pg_namespace n on n.oid = x.stxnamespace where n.nspname = any($1)
                  union all
                  select 5, 'extension', quote_ident(x.extname)
                  from pg_extension x join pg_namespace n on n.oid = x.extnamespace
                  where n.nspname = any($1) and x.extname <> all($2)
                ) o
                order by ord, case kind when 'view' then 0 when 'materialized view' then 1 else 2 end, name
                """, [SQL.textArray(schemas), SQL.textArray(Array(keepExtensions))])
            for row in r.rows {
                let kind = row[1]!, name = row[2]!
                result.statements.append(SchemaStatement(
                    .drop, kind, name, "DROP \(kind.uppercased()) IF EXISTS \(name) CASCADE;", phase: .drop))
            }
            result.droppedTables = try countRows(db, schemas: schemas)
            return result
        }
    }

    /// Exact row counts of the ordinary tables (partitions included) that would be dropped, in
    /// one round trip. A table the role may not read gets the planner's estimate instead.
    static func countRows(_ db: PGConnection, schemas: [String]) throws -> [DroppedTable] {
        let tables = try db.query("""
            select quote_ident(n.nspname) || '.' || quote_ident(k.relname), has_table_privilege(k.oid, 'SELECT'),
              greatest(k.reltuples, 0)::bigint::text
            from pg_class k join pg_namespace n on n.oid = k.relnamespace
            where n.nspname = any($1) and k.relkind = 'r' and \(CatalogReader.notExtensionMember("pg_class", "k"))
            order by 1
            """, [SQL.textArray(schemas)]).rows
        let readable = tables.filter { $0[1] == "t" }.map { $0[0]! }
        var exact: [String: Int] = [:]
        if !readable.isEmpty {
            let counts = try db.query("select " + readable.map { "(select count(*) from \($0))::text" }.joined(separator: ", "))
            for (i, name) in readable.enumerated() { exact[name] = Int(counts.value(0, i) ?? "0") ?? 0 }
        }
        return tables.map { row in
            let name = row[0]!
            if let n = exact[name] { return DroppedTable(name: name, rows: n) }
            return DroppedTable(name: name, rows: Int(row[2] ?? "0") ?? 0, estimated: true)
        }
    }
}

/// A table a plan drops, with the rows it holds now.
public struct DroppedTable: Sendable, Equatable {
    public var name: String
    public var rows: Int
    /// True when `rows` is the planner's estimate (the role may not read the table).
    public var estimated: Bool
    public init(name: String, rows: Int, estimated: Bool = false) { self.name = name; self.rows = rows; self.estimated = estimated }
}
