/// Collations and encoding conversions: created before the types and tables that use them.
extension CatalogReader {
    /// `(select description …)` of an object whose row is `alias` (with its `tableoid`).
    static func commentOf(_ alias: String) -> String {
        "(select d.description from pg_description d where d.classoid = \(alias).tableoid and d.objoid = \(alias).oid and d.objsubid = 0)"
    }

    static func readCollations(_ c: Context, into model: inout SchemaModel) throws {
        // PostgreSQL 15 keeps an ICU collation's locale in colliculocale, a libc one's in
        // collcollate/collctype; the version is the provider's and is recorded anew on create.
        let r = try c.query("""
            select x.tableoid::text, x.oid::text, n.nspname, x.collname, x.collprovider, x.collisdeterministic,
              x.collcollate, x.collctype, x.colliculocale, pg_get_userbyid(x.collowner), \(commentOf("x"))
            from pg_collation x join pg_namespace n on n.oid = x.collnamespace
            where n.nspname = any($1) and \(notExtensionMember("pg_collation", "x"))
            order by n.nspname, x.collname
            """)
        for row in r.rows {
            var options: [String] = []
            switch row[4] {
            case "i":
                options.append("provider = icu")
                options.append("locale = " + SQL.quoteLiteral(row[8] ?? ""))
            case "d":
                options.append("provider = default")
            default:
                options.append("provider = libc")
                if row[6] == row[7] {
                    options.append("locale = " + SQL.quoteLiteral(row[6] ?? ""))
                } else {
                    options.append("lc_collate = " + SQL.quoteLiteral(row[6] ?? ""))
                    options.append("lc_ctype = " + SQL.quoteLiteral(row[7] ?? ""))
                }
            }
            if row[5] == "f" { options.append("deterministic = false") }
            let name = SQL.qualified(row[2]!, row[3]!)
            model.objects.append(SchemaObject(
                ref: ObjectRef(UInt32(row[0]!)!, UInt32(row[1]!)!), kind: "collation", schema: row[2]!, identity: name,
                create: ["CREATE COLLATION \(name) (" + options.joined(separator: ", ") + ");"], owner: row[9]!, comment: row[10]))
        }
    }

    static func readConversions(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            select x.tableoid::text, x.oid::text, n.nspname, x.conname, x.condefault,
              pg_encoding_to_char(x.conforencoding), pg_encoding_to_char(x.contoencoding), x.conproc::regproc::text,
              pg_get_userbyid(x.conowner), \(commentOf("x"))
            from pg_conversion x join pg_namespace n on n.oid = x.connamespace
            where n.nspname = any($1) and \(notExtensionMember("pg_conversion", "x"))
            order by n.nspname, x.conname
            """)
        for row in r.rows {
            let name = SQL.qualified(row[2]!, row[3]!)
            model.objects.append(SchemaObject(
                ref: ObjectRef(UInt32(row[0]!)!, UInt32(row[1]!)!), kind: "conversion", schema: row[2]!, identity: name,
                create: ["CREATE \(row[4] == "t" ? "DEFAULT " : "")CONVERSION \(name) FOR \(SQL.quoteLiteral(row[5]!)) TO \(SQL.quoteLiteral(row[6]!)) FROM \(row[7]!);"],
                owner: row[8]!, comment: row[9]))
        }
    }
}
