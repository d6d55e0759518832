/// An extension of a cloned schema that the target has at another version than the source, and
/// that the target's server ships no update script for (a downgrade: dev installed after a newer
/// server image came, prod still has the old version). `ALTER EXTENSION … UPDATE` would stop the
/// clone with PostgreSQL's own error; the extension lives in a schema the clone empties, so it
/// is dropped with the rest of the schema's contents and created again at the source's version,
/// as `nuke` followed by `clone_schema` would have done.
public struct RecreatedExtension: Sendable, Equatable {
    public var name: String
    public var targetVersion: String
    public var sourceVersion: String

    /// What the plan says about the drop.
    var hazard: String {
        "the target's version \(targetVersion) has no update path to the source's \(sourceVersion) "
            + "(a downgrade): dropped with what uses it in the schemas and created again at \(sourceVersion)"
    }
}

extension Preflight {
    /// Whether `dst`'s server ships scripts that take extension `name` from `from` to `to`.
    static func hasUpdatePath(_ name: String, from: String, to: String, on dst: PGConnection) throws -> Bool {
        try dst.scalar("""
            select count(*)::text from pg_extension_update_paths($1) where source = $2 and target = $3 and path is not null
            """, [name, from, to]) != "0"
    }

    /// Objects of `dst` outside `schemas` that use a member of extension `name` (an index with
    /// its operator class, a column of its type): dropping the extension would take them along,
    /// and the clone would not bring them back.
    static func outsideUsers(ofExtension name: String, schemas: [String], on dst: PGConnection) throws -> [String] {
        try dst.query("""
            with members as (
              select m.classid, m.objid from pg_depend m join pg_extension x on x.oid = m.refobjid
              where m.refclassid = 'pg_extension'::regclass and m.deptype = 'e' and x.extname = $2
            ), users as (
              select distinct d.classid, d.objid, d.objsubid from pg_depend d
              join members m on m.classid = d.refclassid and m.objid = d.refobjid
              where d.deptype in ('n', 'a')
                and not exists (select 1 from members o where o.classid = d.classid and o.objid = d.objid)
            )
            select (pg_identify_object(d.classid, d.objid, d.objsubid)).type || ' ' || (pg_identify_object(d.classid, d.objid, d.objsubid)).identity
            from users d
            where coalesce(\(CatalogReader.homeSchema("d")) <> all($1), true)
            order by 1
            """, [SQL.textArray(schemas), name]).rows.map { $0[0]! }
    }
}
