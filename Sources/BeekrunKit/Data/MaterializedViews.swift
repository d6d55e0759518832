import Foundation

/// Materialized views to refresh after tables were reloaded.
enum MaterializedViews {
    struct View { var qualified: String; var display: String }

    /// The materialized views that read the tables, directly or through views or other
    /// materialized views, in an order where each comes after those it reads. A view left
    /// unpopulated (`WITH NO DATA`) stays so, and so do the views that read it: a restore
    /// keeps that state, and in a sync clone_schema created them so and fills them after
    /// the indexes, once (refreshing them here too would run each view's query twice).
    static func dependingOn(_ db: PGConnection, tables oids: [String]) throws -> [View] {
        guard !oids.isEmpty else { return [] }
        // A view's query is a rewrite rule; its dependencies are the relations it reads.
        // The longest path from a restored table orders the views (a view's longest path
        // is longer than that of any view it reads).
        let rows = try db.query("""
            with recursive edges as (
                select distinct r.ev_class as obj, d.refobjid as dep
                from pg_rewrite r join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
                where d.refclassid = 'pg_class'::regclass and d.refobjid <> r.ev_class
            ), reach(obj, depth) as (
                select obj, 1 from edges where dep = any($1::oid[])
                union
                select e.obj, reach.depth + 1 from edges e join reach on e.dep = reach.obj where reach.depth < 64
            ), unfilled(obj) as (
                select c.oid from pg_class c where c.relkind = 'm' and not c.relispopulated and c.oid in (select obj from reach)
                union
                select e.obj from edges e join unfilled u on e.dep = u.obj
            )
            select n.nspname, c.relname from reach
            join pg_class c on c.oid = reach.obj join pg_namespace n on n.oid = c.relnamespace
            where c.relkind = 'm' and c.oid not in (select obj from unfilled)
            group by n.nspname, c.relname
            order by max(reach.depth), 1, 2
            """, [TableSelection.textArray(oids)]).rows
        return rows.map { View(qualified: SQL.qualified($0[0]!, $0[1]!), display: $0[0]! + "." + $0[1]!) }
    }
}
