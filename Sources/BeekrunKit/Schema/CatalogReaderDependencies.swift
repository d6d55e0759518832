/// Privileges, publications, dependencies and the objects outside the schemas that hang off them.
extension CatalogReader {
    static func readPrivilegesAndPublications(_ c: Context, into model: inout SchemaModel) throws {
        model.defaultPrivileges = try c.query("""
            select pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype, array_to_string(d.defaclacl, E'\\n')
            from pg_default_acl d join pg_namespace n on n.oid = d.defaclnamespace
            where n.nspname = any($1) order by 2, 1, 3
            """).rows.map {
            DefaultPrivilege(role: $0[0]!, schema: $0[1]!, objectType: $0[2]!, acl: ACLItem.list($0[3]) ?? [])
        }
        model.publicationTables = try c.query("""
            select p.pubname, n.nspname, k.relname, pg_get_expr(pr.prqual, pr.prrelid),
              (select string_agg(a.attname, E'\\n' order by u.i) from unnest(pr.prattrs::int2[]) with ordinality u(x, i)
                 join pg_attribute a on a.attrelid = pr.prrelid and a.attnum = u.x)
            from pg_publication_rel pr join pg_publication p on p.oid = pr.prpubid
            join pg_class k on k.oid = pr.prrelid join pg_namespace n on n.oid = k.relnamespace
            where n.nspname = any($1) order by 1, 2, 3
            """).rows.map {
            PublicationTable(publication: $0[0]!, schema: $0[1]!, table: $0[2]!,
                             columns: $0[4].map { $0.split(separator: "\n").map(String.init) }, rowFilter: $0[3])
        }
        model.publicationSchemas = try c.query("""
            select p.pubname, n.nspname from pg_publication_namespace pn
            join pg_publication p on p.oid = pn.pnpubid join pg_namespace n on n.oid = pn.pnnspid
            where n.nspname = any($1) order by 1, 2
            """).rows.map { PublicationSchema(publication: $0[0]!, schema: $0[1]!) }
        model.publications = try c.query("""
            select p.pubname, pg_get_userbyid(p.pubowner), p.puballtables,
              concat_ws(', ', case when p.pubinsert then 'insert' end, case when p.pubupdate then 'update' end,
                        case when p.pubdelete then 'delete' end, case when p.pubtruncate then 'truncate' end),
              p.pubviaroot, obj_description(p.oid, 'pg_publication')
            from pg_publication p
            where p.puballtables
              or exists (select from pg_publication_rel r join pg_class k on k.oid = r.prrelid
                         join pg_namespace n on n.oid = k.relnamespace where r.prpubid = p.oid and n.nspname = any($1))
              or exists (select from pg_publication_namespace pn join pg_namespace n on n.oid = pn.pnnspid
                         where pn.pnpubid = p.oid and n.nspname = any($1))
              or (not exists (select from pg_publication_rel r where r.prpubid = p.oid)
                  and not exists (select from pg_publication_namespace pn where pn.pnpubid = p.oid))
            order by 1
            """).rows.map {
            PublicationInfo(name: $0[0]!, owner: $0[1]!, allTables: $0[2] == "t", publish: $0[3]!, viaRoot: $0[4] == "t", comment: $0[5])
        }
    }

    /// Catalogs whose objects are nodes of their own, with their namespace column.
    private static let selfNodeCatalogs = [("pg_collation", "collnamespace"), ("pg_conversion", "connamespace"),
                                           ("pg_operator", "oprnamespace"), ("pg_ts_dict", "dictnamespace"),
                                           ("pg_ts_config", "cfgnamespace"), ("pg_opfamily", "opfnamespace"),
                                           ("pg_opclass", "opcnamespace"), ("pg_statistic_ext", "stxnamespace")]
    private static let selfNodes = selfNodeCatalogs.map { catalog, namespace in
        "select x.tableoid, x.oid, x.tableoid, x.oid from \(catalog) x join pg_namespace n on n.oid = x.\(namespace) where n.nspname = any($1)"
    }.joined(separator: "\n              union all\n              ")
    /// An operator (pg_amop) or function (pg_amproc) in a class or family folds into its class
    /// (`deptype` 'i' on the class), else its family.
    private static let memberNodes = [("pg_amop", "amopfamily"), ("pg_amproc", "amprocfamily")].map { catalog, family in
        """
        select x.tableoid, x.oid, coalesce(c.tableoid, f.tableoid), coalesce(c.oid, f.oid)
                      from \(catalog) x join pg_opfamily f on f.oid = x.\(family) join pg_namespace n on n.oid = f.opfnamespace
                      left join pg_depend dc on dc.classid = x.tableoid and dc.objid = x.oid and dc.refclassid = 'pg_opclass'::regclass and dc.deptype = 'i'
                      left join pg_opclass c on c.oid = dc.refobjid
                      where n.nspname = any($1)
        """
    }.joined(separator: "\n              union all\n              ")

    /// `pg_depend` edges among pre-data objects, indexes, operator classes and families and
    /// statistics objects. Sub-objects are folded into what the generator creates: a column
    /// default or check constraint into its table, a view's rewrite rule into the view, an array
    /// or row type into its element type or table, a class's operators and functions into it. Only normal ('n')
    /// dependencies order creation: automatic ones (a serial's sequence OWNED BY its column) are
    /// applied after both exist.
    static func readDependencies(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            with nodes(cls, oid, ncls, noid) as (
              select 'pg_class'::regclass::oid, k.oid,
                case when k.relkind = 'c' then 'pg_type'::regclass::oid else 'pg_class'::regclass::oid end,
                case when k.relkind = 'c' then k.reltype else k.oid end
              from pg_class k join pg_namespace n on n.oid = k.relnamespace
              where n.nspname = any($1) and k.relkind in ('r', 'p', 'v', 'm', 'S', 'c', 'f', 'i', 'I')
              union all
              select 'pg_type'::regclass::oid, t.oid,
                case when coalesce(er.relkind, tr.relkind) in ('r', 'p', 'v', 'm', 'f') then 'pg_class'::regclass::oid
                     else 'pg_type'::regclass::oid end,
                case when er.relkind in ('r', 'p', 'v', 'm', 'f') then er.oid
                     when e.oid is not null then e.oid
                     when tr.relkind in ('r', 'p', 'v', 'm', 'f') then tr.oid
                     when t.typtype = 'm' then (select g.rngtypid from pg_range g where g.rngmultitypid = t.oid)
                     else t.oid end
              from pg_type t join pg_namespace n on n.oid = t.typnamespace
              left join pg_type e on e.typarray = t.oid left join pg_class er on er.oid = e.typrelid
              left join pg_class tr on tr.oid = t.typrelid
              where n.nspname = any($1)
              union all
              select 'pg_proc'::regclass::oid, p.oid, 'pg_proc'::regclass::oid, p.oid
              from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = any($1)
              union all
              select 'pg_attrdef'::regclass::oid, d.oid, 'pg_class'::regclass::oid, d.adrelid
              from pg_attrdef d join pg_class k on k.oid = d.adrelid join pg_namespace n on n.oid = k.relnamespace
              where n.nspname = any($1)
              union all
              select 'pg_constraint'::regclass::oid, k.oid,
                case when k.contypid <> 0 then 'pg_type'::regclass::oid else 'pg_class'::regclass::oid end,
                case when k.contypid <> 0 then k.contypid else k.conrelid end
              from pg_constraint k join pg_namespace n on n.oid = k.connamespace
              where n.nspname = any($1) and (k.contype = 'c' or k.contypid <> 0)
              union all
              select 'pg_rewrite'::regclass::oid, w.oid, 'pg_class'::regclass::oid, w.ev_class
              from pg_rewrite w join pg_class k on k.oid = w.ev_class join pg_namespace n on n.oid = k.relnamespace
              where n.nspname = any($1) and k.relkind in ('v', 'm')
              union all
              \(selfNodes)
              union all
              -- an operator's or function's place in a class or family: what it names, the class (or family) needs
              \(memberNodes)
            )
            select distinct a.ncls::text, a.noid::text, b.ncls::text, b.noid::text,
              case when d.classid = 'pg_attrdef'::regclass then
                     (select 'default ' || att.attname from pg_attrdef ad join pg_attribute att
                        on att.attrelid = ad.adrelid and att.attnum = ad.adnum where ad.oid = d.objid)
                   when d.classid = 'pg_constraint'::regclass and a.ncls = 'pg_class'::regclass then
                     (select 'check ' || k.conname from pg_constraint k where k.oid = d.objid) end
            from pg_depend d
            join nodes a on a.cls = d.classid and a.oid = d.objid
            join nodes b on b.cls = d.refclassid and b.oid = d.refobjid
            where d.deptype = 'n' and (a.ncls, a.noid) <> (b.ncls, b.noid)
            """)
        for row in r.rows {
            let from = ObjectRef(UInt32(row[0]!)!, UInt32(row[1]!)!), to = ObjectRef(UInt32(row[2]!)!, UInt32(row[3]!)!)
            model.dependencies[from, default: []].insert(to)
            if let part = row[4] { model.partDependencies[from, default: []].append(PartDependency(part: part, on: to)) }
        }
        let columns = try c.query("""
            select case when d.classid = 'pg_rewrite'::regclass then 'pg_class'::regclass::oid else d.classid end::text,
              case when d.classid = 'pg_rewrite'::regclass then w.ev_class else d.objid end::text,
              d.refobjid::text, a.attname
            from pg_depend d
            left join pg_rewrite w on d.classid = 'pg_rewrite'::regclass and w.oid = d.objid
            join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
            join pg_class k on k.oid = d.refobjid join pg_namespace n on n.oid = k.relnamespace
            where d.deptype = 'n' and d.refclassid = 'pg_class'::regclass and d.refobjsubid > 0
              and d.classid in ('pg_rewrite'::regclass, 'pg_proc'::regclass) and n.nspname = any($1)
            """)
        for row in columns.rows {
            let user = ObjectRef(UInt32(row[0]!)!, UInt32(row[1]!)!), table = ObjectRef(CatalogClass.pgClass, UInt32(row[2]!)!)
            model.usedColumns[user, default: [:]][table, default: []].insert(row[3]!)
        }
        let users = try c.query("""
            select d.refobjid::text, concat_ws(chr(1), 'trigger', n.nspname, k.relname, t.tgname)
            from pg_depend d join pg_trigger t on d.classid = 'pg_trigger'::regclass and t.oid = d.objid
            join pg_class k on k.oid = t.tgrelid join pg_namespace n on n.oid = k.relnamespace
            where d.refclassid = 'pg_proc'::regclass and d.deptype = 'n' and not t.tgisinternal
            union all
            select d.refobjid::text, concat_ws(chr(1), 'policy', n.nspname, k.relname, p.polname)
            from pg_depend d join pg_policy p on d.classid = 'pg_policy'::regclass and p.oid = d.objid
            join pg_class k on k.oid = p.polrelid join pg_namespace n on n.oid = k.relnamespace
            where d.refclassid = 'pg_proc'::regclass and d.deptype = 'n' and $1::text[] is not null
            union all
            select d.refobjid::text, concat_ws(chr(1), 'rule', n.nspname, k.relname, w.rulename)
            from pg_depend d join pg_rewrite w on d.classid = 'pg_rewrite'::regclass and w.oid = d.objid
            join pg_class k on k.oid = w.ev_class join pg_namespace n on n.oid = k.relnamespace
            where d.refclassid = 'pg_proc'::regclass and d.deptype = 'n' and w.rulename <> '_RETURN'
            union all
            select d.refobjid::text, concat_ws(chr(1), 'domain constraint', n.nspname, t.typname, k.conname)
            from pg_depend d join pg_constraint k on d.classid = 'pg_constraint'::regclass and k.oid = d.objid
            join pg_type t on t.oid = k.contypid join pg_namespace n on n.oid = t.typnamespace
            where d.refclassid = 'pg_proc'::regclass and d.deptype = 'n'
            """)
        for row in users.rows {
            model.routineUsers[ObjectRef(CatalogClass.pgProc, UInt32(row[0]!)!), default: []].insert(row[1]!)
        }
        // Policies naming a view or table in their expressions (not the table they are on).
        let relationUsers = try c.query("""
            select d.refobjid::text, concat_ws(chr(1), 'policy', n.nspname, k.relname, p.polname)
            from pg_depend d join pg_policy p on d.classid = 'pg_policy'::regclass and p.oid = d.objid
            join pg_class k on k.oid = p.polrelid join pg_namespace n on n.oid = k.relnamespace
            where d.refclassid = 'pg_class'::regclass and d.deptype = 'n' and d.refobjid <> p.polrelid and $1::text[] is not null
            """)
        for row in relationUsers.rows {
            model.routineUsers[ObjectRef(CatalogClass.pgClass, UInt32(row[0]!)!), default: []].insert(row[1]!)
        }
        // Policies using an operator, collation or text-search configuration (made again when
        // it changes, so the policy goes first and comes back).
        let objectUsers = try c.query("""
            select d.refclassid::text, d.refobjid::text, concat_ws(chr(1), 'policy', n.nspname, k.relname, p.polname)
            from pg_depend d join pg_policy p on d.classid = 'pg_policy'::regclass and p.oid = d.objid
            join pg_class k on k.oid = p.polrelid join pg_namespace n on n.oid = k.relnamespace
            where d.refclassid in ('pg_operator'::regclass, 'pg_collation'::regclass, 'pg_ts_config'::regclass)
              and d.deptype = 'n' and n.nspname = any($1)
            """)
        for row in objectUsers.rows {
            model.routineUsers[ObjectRef(UInt32(row[0]!)!, UInt32(row[1]!)!), default: []].insert(row[2]!)
        }
        let policyColumns = try c.query("""
            select concat_ws(chr(1), 'policy', n.nspname, k.relname, p.polname), rn.nspname, rk.relname, a.attname
            from pg_depend d join pg_policy p on d.classid = 'pg_policy'::regclass and p.oid = d.objid
            join pg_class k on k.oid = p.polrelid join pg_namespace n on n.oid = k.relnamespace
            join pg_class rk on rk.oid = d.refobjid join pg_namespace rn on rn.oid = rk.relnamespace
            join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
            where d.refclassid = 'pg_class'::regclass and d.refobjsubid > 0 and d.deptype = 'n' and n.nspname = any($1)
            """)
        for row in policyColumns.rows {
            model.policyColumns[row[0]!, default: [:]][SQL.qualified(row[1]!, row[2]!), default: []].insert(row[3]!)
        }
        // A partition is created after its parent; pg_depend records that as automatic.
        let byName = Dictionary(model.tables.map { ($0.schema + "." + $0.name, $0.ref) }, uniquingKeysWith: { a, _ in a })
        for t in model.tables {
            if let p = t.partitionOf, let parent = byName[p.schema + "." + p.name] {
                model.dependencies[t.ref, default: []].insert(parent)
            }
        }
    }

    /// The schema an object found in `pg_depend` (row alias `d`: classid, objid, objsubid)
    /// lives in: a trigger, policy, default or rule where its table does, an operator class
    /// member where its family does. Null for objects outside any schema.
    static func homeSchema(_ d: String) -> String {
        """
        coalesce(
          (select n.nspname from pg_trigger x join pg_class k on k.oid = x.tgrelid join pg_namespace n on n.oid = k.relnamespace
             where \(d).classid = 'pg_trigger'::regclass and x.oid = \(d).objid),
          (select n.nspname from pg_policy x join pg_class k on k.oid = x.polrelid join pg_namespace n on n.oid = k.relnamespace
             where \(d).classid = 'pg_policy'::regclass and x.oid = \(d).objid),
          (select n.nspname from pg_attrdef x join pg_class k on k.oid = x.adrelid join pg_namespace n on n.oid = k.relnamespace
             where \(d).classid = 'pg_attrdef'::regclass and x.oid = \(d).objid),
          (select n.nspname from pg_rewrite x join pg_class k on k.oid = x.ev_class join pg_namespace n on n.oid = k.relnamespace
             where \(d).classid = 'pg_rewrite'::regclass and x.oid = \(d).objid),
          (select n.nspname from pg_constraint x join pg_namespace n on n.oid = x.connamespace
             where \(d).classid = 'pg_constraint'::regclass and x.oid = \(d).objid),
          (select n.nspname from pg_class x join pg_namespace n on n.oid = x.relnamespace
             where \(d).classid = 'pg_class'::regclass and x.oid = \(d).objid),
          (select n.nspname from pg_proc x join pg_namespace n on n.oid = x.pronamespace
             where \(d).classid = 'pg_proc'::regclass and x.oid = \(d).objid),
          -- an operator class's member lives where its family does
          (select n.nspname from pg_amop x join pg_opfamily f on f.oid = x.amopfamily join pg_namespace n on n.oid = f.opfnamespace
             where \(d).classid = 'pg_amop'::regclass and x.oid = \(d).objid),
          (select n.nspname from pg_amproc x join pg_opfamily f on f.oid = x.amprocfamily join pg_namespace n on n.oid = f.opfnamespace
             where \(d).classid = 'pg_amproc'::regclass and x.oid = \(d).objid),
          (select n.nspname from pg_type x join pg_namespace n on n.oid = x.typnamespace
             where \(d).classid = 'pg_type'::regclass and x.oid = \(d).objid),
          -- pg_identify_object quotes the schema name like an identifier
          (select n.nspname from pg_namespace n
             where quote_ident(n.nspname) = (pg_identify_object(\(d).classid, \(d).objid, \(d).objsubid)).schema))
        """
    }

    /// Objects outside the schemas that depend on objects inside: `DROP … CASCADE` of the schemas'
    /// contents takes them along, so they are listed here with the statements that re-create them.
    static func readDependents(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            with targets(cls, oid) as (
              select 'pg_class'::regclass::oid, k.oid from pg_class k join pg_namespace n on n.oid = k.relnamespace
                where n.nspname = any($1) and \(notExtensionMember("pg_class", "k"))
              union all select 'pg_proc'::regclass::oid, p.oid from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname = any($1) and \(notExtensionMember("pg_proc", "p"))
              union all select 'pg_type'::regclass::oid, t.oid from pg_type t join pg_namespace n on n.oid = t.typnamespace
                where n.nspname = any($1) and \(notExtensionMember("pg_type", "t"))
            ),
            deps as (
              select distinct d.classid, d.objid, d.objsubid from pg_depend d
              join targets t on t.cls = d.refclassid and t.oid = d.refobjid
              where d.deptype in ('n', 'a')
                and d.classid not in ('pg_publication_rel'::regclass, 'pg_publication_namespace'::regclass)
            ),
            placed as (
              select d.*, (pg_identify_object(d.classid, d.objid, d.objsubid)).*, \(homeSchema("d")) as home
              from deps d
            )
            select classid::oid::text, objid::text, type, identity from placed
            where home is null or home <> all($1)
            order by type, identity
            """)
        var triggerOids: [String] = [], policyOids: [String] = [], defaultOids: [String] = [], constraintOids: [String] = []
        for row in r.rows {
            switch (UInt32(row[0]!)!, row[2]!) {
            case (CatalogClass.pgTrigger, _): triggerOids.append(row[1]!)
            case (CatalogClass.pgPolicy, _): policyOids.append(row[1]!)
            case (CatalogClass.pgAttrdef, _): defaultOids.append(row[1]!)
            case (CatalogClass.pgConstraint, _): constraintOids.append(row[1]!)
            default: model.unsupportedDependents.append("\(row[2]!) \(row[3]!)")
            }
        }
        func oids(_ list: [String]) -> String { "(" + (list.isEmpty ? "0" : list.joined(separator: ",")) + ")" }
        if !triggerOids.isEmpty {
            for t in try triggers(c, where: "t.oid in \(oids(triggerOids))") {
                model.dependents.append(DependentObject(kind: "trigger", name: t.name, identity: "\(SQL.quoteIdent(t.name)) on \(t.qualifiedTable)",
                                                        table: t.qualifiedTable, createSQL: DDL.trigger(t)))
            }
        }
        if !policyOids.isEmpty {
            for p in try policies(c, where: "p.oid in \(oids(policyOids))") {
                model.dependents.append(DependentObject(kind: "policy", name: p.name, identity: "\(SQL.quoteIdent(p.name)) on \(p.qualifiedTable)",
                                                        table: p.qualifiedTable, createSQL: DDL.policy(p)))
            }
        }
        if !defaultOids.isEmpty {
            for row in try c.query("""
                select n.nspname, k.relname, a.attname, pg_get_expr(d.adbin, d.adrelid)
                from pg_attrdef d join pg_class k on k.oid = d.adrelid join pg_namespace n on n.oid = k.relnamespace
                join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
                where d.oid in \(oids(defaultOids)) and $1::text[] is not null order by 1, 2, 3
                """).rows {
                let table = SQL.qualified(row[0]!, row[1]!)
                model.dependents.append(DependentObject(
                    kind: "default value", name: row[2]!, identity: "default of \(table).\(SQL.quoteIdent(row[2]!))", table: table,
                    createSQL: ["ALTER TABLE ONLY \(table) ALTER COLUMN \(SQL.quoteIdent(row[2]!)) SET DEFAULT \(row[3]!);"]))
            }
        }
        if !constraintOids.isEmpty {
            for row in try c.query("""
                select n.nspname, coalesce(k.relname, t.typname), x.conname, pg_get_constraintdef(x.oid), x.contypid <> 0
                from pg_constraint x join pg_namespace n on n.oid = x.connamespace
                left join pg_class k on k.oid = x.conrelid left join pg_type t on t.oid = x.contypid
                where x.oid in \(oids(constraintOids)) and $1::text[] is not null order by 1, 2, 3
                """).rows {
                let table = SQL.qualified(row[0]!, row[1]!)
                let sql = row[4] == "t"
                    ? "ALTER DOMAIN \(table) ADD CONSTRAINT \(SQL.quoteIdent(row[2]!)) \(row[3]!);"
                    : "ALTER TABLE ONLY \(table) ADD CONSTRAINT \(SQL.quoteIdent(row[2]!)) \(row[3]!);"
                model.dependents.append(DependentObject(kind: "constraint", name: row[2]!, identity: "\(SQL.quoteIdent(row[2]!)) on \(table)",
                                                        table: table, createSQL: [sql]))
            }
        }
    }
}
