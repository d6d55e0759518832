/// Extended statistics (`CREATE STATISTICS`): created after the rows are in, like indexes.
extension CatalogReader {
    static func readStatisticsObjects(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            select x.tableoid::text, x.oid::text, n.nspname, x.stxname, pg_get_statisticsobjdef(x.oid),
              x.stxstattarget::text, pg_get_userbyid(x.stxowner), \(commentOf("x"))
            from pg_statistic_ext x join pg_namespace n on n.oid = x.stxnamespace
            join pg_class k on k.oid = x.stxrelid
            where n.nspname = any($1) and \(notExtensionMember("pg_class", "k"))
            order by n.nspname, x.stxname
            """)
        for row in r.rows {
            let name = SQL.qualified(row[2]!, row[3]!)
            var create = [row[4]! + ";"]
            if let target = Int(row[5]!), target >= 0 { create.append("ALTER STATISTICS \(name) SET STATISTICS \(target);") }
            model.objects.append(SchemaObject(
                ref: ObjectRef(UInt32(row[0]!)!, UInt32(row[1]!)!), kind: "statistics", schema: row[2]!, identity: name,
                create: create, owner: row[6]!, comment: row[7], postData: true))
        }
    }
}
