/// Text-search dictionaries and configurations. Parsers and templates are refused: both are
/// made of C functions, which only a superuser can create.
extension CatalogReader {
    static func readTextSearch(_ c: Context, into model: inout SchemaModel) throws {
        let dictionaries = try c.query("""
            select x.tableoid::text, x.oid::text, n.nspname, x.dictname,
              quote_ident(tn.nspname) || '.' || quote_ident(t.tmplname), x.dictinitoption,
              pg_get_userbyid(x.dictowner), \(commentOf("x"))
            from pg_ts_dict x join pg_namespace n on n.oid = x.dictnamespace
            join pg_ts_template t on t.oid = x.dicttemplate join pg_namespace tn on tn.oid = t.tmplnamespace
            where n.nspname = any($1) and \(notExtensionMember("pg_ts_dict", "x"))
            order by n.nspname, x.dictname
            """)
        for row in dictionaries.rows {
            let name = SQL.qualified(row[2]!, row[3]!)
            let options = ["TEMPLATE = \(row[4]!)"] + (row[5].map { [$0] } ?? [])
            model.objects.append(SchemaObject(
                ref: ObjectRef(UInt32(row[0]!)!, UInt32(row[1]!)!), kind: "text search dictionary", schema: row[2]!, identity: name,
                create: ["CREATE TEXT SEARCH DICTIONARY \(name) (\n    " + options.joined(separator: ", ") + " );"],
                owner: row[6]!, comment: row[7]))
        }
        // One ADD MAPPING per token type, dictionaries in their order, as pg_dump writes them.
        let configurations = try c.query("""
            select x.tableoid::text, x.oid::text, n.nspname, x.cfgname,
              quote_ident(pn.nspname) || '.' || quote_ident(p.prsname),
              (select string_agg('ADD MAPPING FOR ' || quote_ident(m.alias) || ' WITH ' || m.dicts, E'\\n' order by m.tok)
                 from (select mm.maptokentype as tok, tt.alias,
                         string_agg(quote_ident(dn.nspname) || '.' || quote_ident(dd.dictname), ', ' order by mm.mapseqno) as dicts
                       from pg_ts_config_map mm join pg_ts_dict dd on dd.oid = mm.mapdict
                       join pg_namespace dn on dn.oid = dd.dictnamespace
                       join ts_token_type(x.cfgparser) tt on tt.tokid = mm.maptokentype
                       where mm.mapcfg = x.oid group by mm.maptokentype, tt.alias) m),
              pg_get_userbyid(x.cfgowner), \(commentOf("x"))
            from pg_ts_config x join pg_namespace n on n.oid = x.cfgnamespace
            join pg_ts_parser p on p.oid = x.cfgparser join pg_namespace pn on pn.oid = p.prsnamespace
            where n.nspname = any($1) and \(notExtensionMember("pg_ts_config", "x"))
            order by n.nspname, x.cfgname
            """)
        for row in configurations.rows {
            let name = SQL.qualified(row[2]!, row[3]!)
            var create = ["CREATE TEXT SEARCH CONFIGURATION \(name) (\n    PARSER = \(row[4]!) );"]
            create += lines(row[5]).map { "ALTER TEXT SEARCH CONFIGURATION \(name)\n    \($0);" }
            model.objects.append(SchemaObject(
                ref: ObjectRef(UInt32(row[0]!)!, UInt32(row[1]!)!), kind: "text search configuration", schema: row[2]!, identity: name,
                create: create, owner: row[6]!, comment: row[7]))
        }
        let refused = try c.query("""
            select 'text search parser ' || quote_ident(n.nspname) || '.' || quote_ident(x.prsname)
            from pg_ts_parser x join pg_namespace n on n.oid = x.prsnamespace
            where n.nspname = any($1) and \(notExtensionMember("pg_ts_parser", "x"))
            union all
            select 'text search template ' || quote_ident(n.nspname) || '.' || quote_ident(x.tmplname)
            from pg_ts_template x join pg_namespace n on n.oid = x.tmplnamespace
            where n.nspname = any($1) and \(notExtensionMember("pg_ts_template", "x"))
            order by 1
            """)
        model.unsupported += refused.rows.map {
            $0[0]! + " (made of C functions: PostgreSQL lets only a superuser create one; install it with an extension instead)"
        }
    }
}

/// `ALTER TEXT SEARCH CONFIGURATION … {ADD|ALTER|DROP} MAPPING` between two lists of the
/// `ADD MAPPING FOR token WITH dicts` statements `readTextSearch` writes.
enum TextSearchMappings {
    static func parse<S: Sequence<String>>(_ statements: S) -> [String: String] {
        var out: [String: String] = [:]
        for s in statements {
            guard let r = s.range(of: "ADD MAPPING FOR "), let w = s.range(of: " WITH ", range: r.upperBound..<s.endIndex) else { continue }
            out[String(s[r.upperBound..<w.lowerBound])] = String(s[w.upperBound...].dropLast())
        }
        return out
    }

    static func statements<S: Sequence<String>>(_ name: String, from old: S, to new: S) -> [String] {
        let x = parse(old), y = parse(new)
        var out: [String] = []
        for token in x.keys.sorted() where y[token] == nil {
            out.append("ALTER TEXT SEARCH CONFIGURATION \(name) DROP MAPPING FOR \(token);")
        }
        for token in y.keys.sorted() where x[token] != y[token] {
            out.append("ALTER TEXT SEARCH CONFIGURATION \(name) \(x[token] == nil ? "ADD" : "ALTER") MAPPING FOR \(token) WITH \(y[token]!);")
        }
        return out
    }
}
