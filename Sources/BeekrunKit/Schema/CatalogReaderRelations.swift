/// Types, sequences, tables and views.
extension CatalogReader {
    static func readTypes(_ c: Context, into model: inout SchemaModel) throws {
        var labels: [String: [String]] = [:]
        for row in try c.query("""
            select e.enumtypid::text, e.enumlabel from pg_enum e join pg_type t on t.oid = e.enumtypid
            join pg_namespace n on n.oid = t.typnamespace where n.nspname = any($1)
            order by e.enumtypid, e.enumsortorder
            """).rows { labels[row[0]!, default: []].append(row[1]!) }
        var ranges: [String: [String?]] = [:]
        for row in try c.query("""
            select r.rngtypid::text, format_type(r.rngsubtype, null),
              quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname),
              case when r.rngcollation <> 0 then quote_ident(cn.nspname) || '.' || quote_ident(co.collname) end,
              nullif(r.rngsubdiff::text, '-'), format_type(r.rngmultitypid, null), r.rngcanonical::text
            from pg_range r join pg_type t on t.oid = r.rngtypid join pg_namespace n on n.oid = t.typnamespace
            join pg_opclass opc on opc.oid = r.rngsubopc join pg_namespace opn on opn.oid = opc.opcnamespace
            left join pg_collation co on co.oid = r.rngcollation left join pg_namespace cn on cn.oid = co.collnamespace
            where n.nspname = any($1)
            """).rows { ranges[row[0]!] = Array(row.dropFirst()) }
        let columns = try readColumns(c)
        let r = try c.query("""
            select t.oid::text, n.nspname, t.typname, t.typtype, pg_get_userbyid(t.typowner),
              array_to_string(t.typacl, E'\\n'), format_type(t.typbasetype, t.typtypmod),
              case when t.typtype = 'd' and t.typcollation <> 0
                and t.typcollation <> (select b.typcollation from pg_type b where b.oid = t.typbasetype)
                then quote_ident(cn.nspname) || '.' || quote_ident(co.collname) end,
              pg_get_expr(t.typdefaultbin, 0), t.typnotnull, t.typrelid::text
            from pg_type t join pg_namespace n on n.oid = t.typnamespace
            left join pg_collation co on co.oid = t.typcollation left join pg_namespace cn on cn.oid = co.collnamespace
            where n.nspname = any($1) and t.typtype in ('e', 'd', 'c', 'r', 'b', 'p')
              and (t.typtype <> 'c' or (select k.relkind from pg_class k where k.oid = t.typrelid) = 'c')
              and \(notExtensionMember("pg_type", "t"))
              and not exists (select 1 from pg_type e where e.typarray = t.oid) -- array types come with their element
            order by n.nspname, t.typname
            """)
        for row in r.rows {
            let oid = row[0]!
            let kind: TypeInfo.Kind
            switch row[3]! {
            case "e": kind = .enumeration(labels: labels[oid] ?? [])
            case "d": kind = .domain(baseType: row[6]!, collation: row[7], defaultExpr: row[8], notNull: row[9] == "t")
            case "c": kind = .composite(attributes: columns[row[10]!] ?? [])
            case "r":
                let x = ranges[oid] ?? []
                if x.count > 5, x[5] != "-" {
                    model.unsupported.append("range type \(SQL.qualified(row[1]!, row[2]!)) has a canonical function (PostgreSQL 15 accepts one only written in C or internal, taking the shell type, which only a superuser can create; define the type in an extension instead)")
                }
                kind = .range(subtype: x[0] ?? "", opclass: x[1], collation: x[2], subtypeDiff: x[3], multirange: x[4])
            default:
                model.unsupported.append("base or pseudo type \(SQL.qualified(row[1]!, row[2]!)) (written in C)")
                continue
            }
            model.types.append(TypeInfo(ref: ObjectRef(CatalogClass.pgType, UInt32(oid)!), schema: row[1]!, name: row[2]!,
                                        kind: kind, owner: row[4]!, acl: ACLItem.list(row[5]),
                                        comment: c.comment(CatalogClass.pgType, oid)))
        }
    }

    /// Columns of every relation in the schemas (tables, views, composite types), by relation oid,
    /// in attribute order; dropped columns are skipped, so gaps in attnum never show.
    static func readColumns(_ c: Context) throws -> [String: [Column]] {
        if let cached = c.columns { return cached }
        var out: [String: [Column]] = [:]
        let r = try c.query("""
            select a.attrelid::text, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
              nullif(a.attidentity, ''), nullif(a.attgenerated, ''), a.attislocal,
              case when a.attcollation <> t.typcollation then quote_ident(cn.nspname) || '.' || quote_ident(co.collname) end,
              pg_get_expr(d.adbin, d.adrelid), array_to_string(a.attacl, E'\\n'), a.attnum::text,
              concat_ws(E'\\n',
                case when a.attstattarget >= 0 then 'SET STATISTICS ' || a.attstattarget end,
                case when a.attstorage <> t.typstorage then 'SET STORAGE ' || case a.attstorage
                  when 'p' then 'PLAIN' when 'e' then 'EXTERNAL' when 'm' then 'MAIN' else 'EXTENDED' end end,
                case when a.attoptions is not null then 'SET (' || array_to_string(a.attoptions, ', ') || ')' end,
                case when a.attcompression <> '' then 'SET COMPRESSION ' || case a.attcompression
                  when 'l' then 'lz4' else 'pglz' end end,
                case when a.attfdwoptions is not null then 'OPTIONS (' || (select string_agg(quote_ident(split_part(o, '=', 1))
                  || ' ' || quote_literal(substr(o, strpos(o, '=') + 1)), ', ') from unnest(a.attfdwoptions) o) || ')' end)
            from pg_attribute a join pg_class k on k.oid = a.attrelid join pg_namespace n on n.oid = k.relnamespace
            join pg_type t on t.oid = a.atttypid
            left join pg_collation co on co.oid = a.attcollation left join pg_namespace cn on cn.oid = co.collnamespace
            left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
            where n.nspname = any($1) and k.relkind in ('r', 'p', 'v', 'm', 'c', 'f')
              and a.attnum > 0 and not a.attisdropped
            order by a.attrelid, a.attnum
            """)
        for row in r.rows {
            let generated = row[5] == "s"
            out[row[0]!, default: []].append(Column(
                name: row[1]!, type: row[2]!, collation: row[7],
                defaultExpr: generated ? nil : row[8], generatedExpr: generated ? row[8] : nil,
                notNull: row[3] == "t", identity: row[4], isLocal: row[6] == "t", acl: ACLItem.list(row[9]),
                comment: c.comment(CatalogClass.pgClass, row[0], Int(row[10]!)!), settings: lines(row[11])))
        }
        c.columns = out
        return out
    }

    static func readSequences(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            select k.oid::text, n.nspname, k.relname, format_type(s.seqtypid, null), s.seqstart::text,
              s.seqincrement::text, s.seqmin::text, s.seqmax::text, s.seqcache::text, s.seqcycle,
              pg_get_userbyid(k.relowner), array_to_string(k.relacl, E'\\n'),
              dep.deptype, tn.nspname, tc.relname, ta.attname
            from pg_sequence s join pg_class k on k.oid = s.seqrelid join pg_namespace n on n.oid = k.relnamespace
            left join pg_depend dep on dep.classid = 'pg_class'::regclass and dep.objid = k.oid
              and dep.refclassid = 'pg_class'::regclass and dep.deptype in ('a', 'i')
            left join pg_class tc on tc.oid = dep.refobjid left join pg_namespace tn on tn.oid = tc.relnamespace
            left join pg_attribute ta on ta.attrelid = dep.refobjid and ta.attnum = dep.refobjsubid
            where n.nspname = any($1) and \(notExtensionMember("pg_class", "k"))
            order by n.nspname, k.relname
            """)
        for row in r.rows {
            let owned = row[13] != nil && row[15] != nil ? (schema: row[13]!, table: row[14]!, column: row[15]!) : nil
            model.sequences.append(SequenceInfo(
                ref: ObjectRef(CatalogClass.pgClass, UInt32(row[0]!)!), schema: row[1]!, name: row[2]!, dataType: row[3]!,
                start: row[4]!, increment: row[5]!, minValue: row[6]!, maxValue: row[7]!, cache: row[8]!,
                cycle: row[9] == "t", ownedBy: owned, isIdentity: row[12] == "i", owner: row[10]!,
                acl: ACLItem.list(row[11]), comment: c.comment(CatalogClass.pgClass, row[0])))
        }
    }

    static func readTables(_ c: Context, into model: inout SchemaModel) throws {
        let columns = try readColumns(c)
        let r = try c.query("""
            select k.oid::text, n.nspname, k.relname, k.relkind, k.relpersistence, pg_get_userbyid(k.relowner),
              array_to_string(k.relacl, E'\\n'), case when k.relkind = 'p' then pg_get_partkeydef(k.oid) end,
              k.relispartition, pg_get_expr(k.relpartbound, k.oid), pn.nspname, pk.relname,
              array_to_string(k.reloptions, E'\\n'), k.relreplident, k.relrowsecurity, k.relforcerowsecurity,
              (select string_agg(quote_ident(ipn.nspname) || '.' || quote_ident(ipk.relname), E'\\n' order by i.inhseqno)
                 from pg_inherits i join pg_class ipk on ipk.oid = i.inhparent join pg_namespace ipn on ipn.oid = ipk.relnamespace
                 where i.inhrelid = k.oid and not k.relispartition),
              (select ic.relname from pg_index x join pg_class ic on ic.oid = x.indexrelid
                 where x.indrelid = k.oid and x.indisreplident),
              case when k.reloftype <> 0 then format_type(k.reloftype, null) end,
              (select srv.srvname from pg_foreign_table ft join pg_foreign_server srv on srv.oid = ft.ftserver where ft.ftrelid = k.oid),
              (select array_to_string(ft.ftoptions, E'\\n') from pg_foreign_table ft where ft.ftrelid = k.oid)
            from pg_class k join pg_namespace n on n.oid = k.relnamespace
            left join pg_inherits pi on pi.inhrelid = k.oid and k.relispartition
            left join pg_class pk on pk.oid = pi.inhparent left join pg_namespace pn on pn.oid = pk.relnamespace
            where n.nspname = any($1) and k.relkind in ('r', 'p', 'f') and \(notExtensionMember("pg_class", "k"))
            order by n.nspname, k.relname
            """)
        for row in r.rows {
            if row[4] == "t" { continue }
            let partitionOf = row[8] == "t" ? (schema: row[10]!, name: row[11]!, bound: row[9]!) : nil
            model.tables.append(TableInfo(
                ref: ObjectRef(CatalogClass.pgClass, UInt32(row[0]!)!), schema: row[1]!, name: row[2]!, kind: row[3]!,
                unlogged: row[4] == "u", columns: columns[row[0]!] ?? [], partitionKey: row[7],
                partitionOf: partitionOf, options: lines(row[12]), replicaIdentity: row[13]!, replicaIdentityIndex: row[17],
                rlsEnabled: row[14] == "t", rlsForced: row[15] == "t", owner: row[5]!,
                acl: ACLItem.list(row[6]), comment: c.comment(CatalogClass.pgClass, row[0])))
            model.tables[model.tables.count - 1].inherits = lines(row[16])
            model.tables[model.tables.count - 1].ofType = row[18]
            if row[3] == "f" {
                model.tables[model.tables.count - 1].foreignServer = row[19]
                model.tables[model.tables.count - 1].foreignOptions = lines(row[20])
            }
        }
    }

    static func readViews(_ c: Context, into model: inout SchemaModel) throws {
        let columns = try readColumns(c)
        let r = try c.query("""
            select k.oid::text, n.nspname, k.relname, k.relkind, pg_get_viewdef(k.oid),
              array_to_string(k.reloptions, E'\\n'), k.relispopulated, pg_get_userbyid(k.relowner),
              array_to_string(k.relacl, E'\\n')
            from pg_class k join pg_namespace n on n.oid = k.relnamespace
            where n.nspname = any($1) and k.relkind in ('v', 'm') and \(notExtensionMember("pg_class", "k"))
            order by n.nspname, k.relname
            """)
        for row in r.rows {
            var definition = row[4]!.trimmingCharacters(in: .whitespacesAndNewlines)
            if definition.hasSuffix(";") { definition.removeLast() }
            model.views.append(ViewInfo(
                ref: ObjectRef(CatalogClass.pgClass, UInt32(row[0]!)!), schema: row[1]!, name: row[2]!,
                materialized: row[3] == "m", definition: definition, options: lines(row[5]),
                populated: row[6] == "t", columns: columns[row[0]!] ?? [], owner: row[7]!,
                acl: ACLItem.list(row[8]), comment: c.comment(CatalogClass.pgClass, row[0])))
        }
    }

    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(separator: "\n").map(String.init)
    }
}
