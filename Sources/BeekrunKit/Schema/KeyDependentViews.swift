/// Views whose query is valid only because of a key: `SELECT t.id, t.name … GROUP BY t.id`
/// with `id` the primary key (functional dependency). PostgreSQL records that the view depends
/// on the constraint, and refuses the query before the key exists. Keys are post-data (added
/// once the rows are in), so such a view is created as a placeholder with the same column
/// names, types and collations, which whatever uses the view can be built on, and replaced by
/// its real query right after the keys, as pg_dump does. A materialized view has no
/// placeholder: it is created (empty, refreshed later with the others) after the keys.
enum KeyDependentViews {
    /// `CREATE VIEW v AS SELECT NULL::type AS col, …;`
    static func placeholder(_ v: ViewInfo) -> String {
        "CREATE VIEW \(v.qualified) AS\n SELECT " + v.columns.map { col in
            "NULL::\(col.type)" + (col.collation.map { " COLLATE \($0)" } ?? "") + " AS \(SQL.quoteIdent(col.name))"
        }.joined(separator: ",\n    ") + ";"
    }
}

extension CatalogReader {
    static func readKeyDependentViews(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            select distinct w.ev_class::text
            from pg_depend d join pg_rewrite w on d.classid = 'pg_rewrite'::regclass and w.oid = d.objid
            join pg_class k on k.oid = w.ev_class join pg_namespace n on n.oid = k.relnamespace
            where d.refclassid = 'pg_constraint'::regclass and d.deptype = 'n' and n.nspname = any($1)
              and k.relkind in ('v', 'm')
            """)
        model.keyDependentViews = Set(r.rows.map { ObjectRef(CatalogClass.pgClass, UInt32($0[0]!)!) })
    }
}

extension DDLGenerator {
    /// Right after the keys: the real queries of the placeholders, the materialized views held back.
    mutating func keyDependentViewsAfterKeys() {
        for case .view(let v) in orderedNodes() where model.keyDependentViews.contains(v.ref) {
            if v.materialized {
                addPost(.create, "materialized view", v.qualified,
                        "CREATE MATERIALIZED VIEW \(v.qualified)\(DDL.withOptions(v.options)) AS\n\(v.definition)\n  WITH NO DATA;")
                if v.owner != currentUser {
                    addPost(.alter, "materialized view", v.qualified, "ALTER MATERIALIZED VIEW \(v.qualified) OWNER TO \(SQL.quoteIdent(v.owner));")
                }
                if let c = DDL.comment("MATERIALIZED VIEW \(v.qualified)", v.comment) { addPost(.comment, "materialized view", v.qualified, c) }
                for col in v.columns {
                    if let c = DDL.comment("COLUMN \(v.qualified).\(SQL.quoteIdent(col.name))", col.comment) {
                        addPost(.comment, "column", "\(v.qualified).\(SQL.quoteIdent(col.name))", c)
                    }
                }
            } else {
                addPost(.alter, "view", v.qualified,
                        "CREATE OR REPLACE VIEW \(v.qualified)\(DDL.withOptions(v.options)) AS\n\(v.definition);")
            }
        }
    }
}
