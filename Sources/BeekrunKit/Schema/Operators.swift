/// User-defined operators (`CREATE OPERATOR`).
extension CatalogReader {
    static func readOperators(_ c: Context, into model: inout SchemaModel) throws {
        func opName(_ column: String) -> String {
            "(select 'OPERATOR(' || quote_ident(on2.nspname) || '.' || o2.oprname || ')' from pg_operator o2 join pg_namespace on2 on on2.oid = o2.oprnamespace where o2.oid = x.\(column))"
        }
        let r = try c.query("""
            select x.tableoid::text, x.oid::text, n.nspname, x.oid::regoperator::text,
              quote_ident(n.nspname) || '.' || x.oprname,
              case when x.oprleft <> 0 then format_type(x.oprleft, null) end,
              case when x.oprright <> 0 then format_type(x.oprright, null) end,
              x.oprcode::regproc::text, \(opName("oprcom")), \(opName("oprnegate")),
              nullif(x.oprrest::regproc::text, '-'), nullif(x.oprjoin::regproc::text, '-'), x.oprcanhash, x.oprcanmerge,
              pg_get_userbyid(x.oprowner), \(commentOf("x"))
            from pg_operator x join pg_namespace n on n.oid = x.oprnamespace
            where n.nspname = any($1) and \(notExtensionMember("pg_operator", "x"))
              and x.oprcode <> 0 -- a shell left by a COMMUTATOR or NEGATOR that was never defined
            order by n.nspname, x.oprname, 4
            """)
        for row in r.rows {
            var options = ["FUNCTION = \(row[7]!)"]
            if let l = row[5] { options.append("LEFTARG = \(l)") }
            if let r = row[6] { options.append("RIGHTARG = \(r)") }
            if let x = row[8] { options.append("COMMUTATOR = \(x)") }
            if let x = row[9] { options.append("NEGATOR = \(x)") }
            if let x = row[10] { options.append("RESTRICT = \(x)") }
            if let x = row[11] { options.append("JOIN = \(x)") }
            if row[12] == "t" { options.append("HASHES") }
            if row[13] == "t" { options.append("MERGES") }
            model.objects.append(SchemaObject(
                ref: ObjectRef(UInt32(row[0]!)!, UInt32(row[1]!)!), kind: "operator", schema: row[2]!, identity: row[3]!,
                create: ["CREATE OPERATOR \(row[4]!) (\n    " + options.joined(separator: ",\n    ") + "\n);"],
                owner: row[14]!, comment: row[15]))
        }
    }
}

/// Operator families and classes (for indexes on a type with user-defined ordering or
/// matching). Their members name operators and functions, which pg_depend records on the
/// member rows, not on the class: they are created at the end of pre-data, once every operator
/// and function exists (only indexes, which are post-data, use them).
extension CatalogReader {
    /// `OPERATOR n op(l,r) [FOR ORDER BY f]` and `FUNCTION n (l, r) f(args)` of the members that
    /// pg_depend ties to `refclass` `alias.oid` with `deptype`.
    static func memberList(_ refclass: String, _ alias: String, _ deptype: String) -> String {
        """
        (select string_agg(m.item, E'\\n' order by m.ord, m.num, m.item) from (
            select 0 as ord, o.amopstrategy as num, 'OPERATOR ' || o.amopstrategy || ' ' || o.amopopr::regoperator::text
              || case when o.amoppurpose = 'o' then ' FOR ORDER BY ' || quote_ident(sfn.nspname) || '.' || quote_ident(sf.opfname) else '' end as item
            from pg_amop o join pg_depend d on d.classid = 'pg_amop'::regclass and d.objid = o.oid
            left join pg_opfamily sf on sf.oid = o.amopsortfamily left join pg_namespace sfn on sfn.oid = sf.opfnamespace
            where d.refclassid = '\(refclass)'::regclass and d.refobjid = \(alias).oid and d.deptype = '\(deptype)'
            union all
            select 1, p.amprocnum, 'FUNCTION ' || p.amprocnum || ' (' || format_type(p.amproclefttype, null) || ', '
              || format_type(p.amprocrighttype, null) || ') ' || p.amproc::regprocedure::text
            from pg_amproc p join pg_depend d on d.classid = 'pg_amproc'::regclass and d.objid = p.oid
            where d.refclassid = '\(refclass)'::regclass and d.refobjid = \(alias).oid and d.deptype = '\(deptype)') m)
        """
    }

    static func readOperatorClasses(_ c: Context, into model: inout SchemaModel) throws {
        let families = try c.query("""
            select x.tableoid::text, x.oid::text, n.nspname, quote_ident(n.nspname) || '.' || quote_ident(x.opfname) || ' USING ' || quote_ident(am.amname),
              \(memberList("pg_opfamily", "x", "a")), pg_get_userbyid(x.opfowner), \(commentOf("x"))
            from pg_opfamily x join pg_namespace n on n.oid = x.opfnamespace join pg_am am on am.oid = x.opfmethod
            where n.nspname = any($1) and \(notExtensionMember("pg_opfamily", "x"))
            order by 4
            """)
        for row in families.rows {
            var create = ["CREATE OPERATOR FAMILY \(row[3]!);"]
            let members = lines(row[4])
            if !members.isEmpty {
                create.append("ALTER OPERATOR FAMILY \(row[3]!) ADD\n    " + members.joined(separator: " ,\n    ") + ";")
            }
            var o = SchemaObject(ref: ObjectRef(UInt32(row[0]!)!, UInt32(row[1]!)!), kind: "operator family", schema: row[2]!,
                                 identity: row[3]!, create: create, owner: row[5]!, comment: row[6])
            o.afterPreData = true
            model.objects.append(o)
        }
        let classes = try c.query("""
            select x.tableoid::text, x.oid::text, n.nspname, quote_ident(n.nspname) || '.' || quote_ident(x.opcname) || ' USING ' || quote_ident(am.amname),
              x.opcdefault, format_type(x.opcintype, null), quote_ident(am.amname),
              case when f.opfname <> x.opcname or f.opfnamespace <> x.opcnamespace then quote_ident(fn.nspname) || '.' || quote_ident(f.opfname) end,
              case when x.opckeytype <> 0 then format_type(x.opckeytype, null) end,
              \(memberList("pg_opclass", "x", "i")), pg_get_userbyid(x.opcowner), \(commentOf("x")), quote_ident(n.nspname) || '.' || quote_ident(x.opcname),
              f.tableoid::text, f.oid::text
            from pg_opclass x join pg_namespace n on n.oid = x.opcnamespace join pg_am am on am.oid = x.opcmethod
            join pg_opfamily f on f.oid = x.opcfamily join pg_namespace fn on fn.oid = f.opfnamespace
            where n.nspname = any($1) and \(notExtensionMember("pg_opclass", "x"))
            order by 4
            """)
        for row in classes.rows {
            var items = row[8].map { ["STORAGE \($0)"] } ?? []
            items += lines(row[9])
            let sql = "CREATE OPERATOR CLASS \(row[12]!)\n    " + (row[4] == "t" ? "DEFAULT " : "") + "FOR TYPE \(row[5]!) USING \(row[6]!)"
                + (row[7].map { " FAMILY \($0)" } ?? "") + " AS\n    " + items.joined(separator: " ,\n    ") + ";"
            var o = SchemaObject(ref: ObjectRef(UInt32(row[0]!)!, UInt32(row[1]!)!), kind: "operator class", schema: row[2]!,
                                 identity: row[3]!, create: [sql], owner: row[10]!, comment: row[11])
            o.afterPreData = true
            model.objects.append(o)
            // DROP OPERATOR FAMILY takes its classes along (pg_depend 'a', which the dependency
            // reader leaves out): recorded here, a class is dropped first and made again with it.
            model.dependencies[o.ref, default: []].insert(ObjectRef(UInt32(row[13]!)!, UInt32(row[14]!)!))
        }
    }
}
