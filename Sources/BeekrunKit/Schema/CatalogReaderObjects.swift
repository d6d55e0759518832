/// Routines, constraints, indexes, triggers, rules, policies.
extension CatalogReader {
    static func readRoutines(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            select p.oid::text, n.nspname, p.proname, p.prokind, pg_get_function_identity_arguments(p.oid),
              case when p.prokind <> 'a' then pg_get_functiondef(p.oid) end,
              pg_get_userbyid(p.proowner), array_to_string(p.proacl, E'\\n'),
              pg_get_function_arguments(p.oid), nullif(a.aggtransfn::text, '-'), format_type(a.aggtranstype, null),
              nullif(a.aggfinalfn::text, '-'), a.agginitval, nullif(a.aggcombinefn::text, '-'),
              nullif(a.aggserialfn::text, '-'), nullif(a.aggdeserialfn::text, '-'),
              (select 'OPERATOR(' || quote_ident(opn.nspname) || '.' || o.oprname || ')' from pg_operator o
                 join pg_namespace opn on opn.oid = o.oprnamespace where o.oid = a.aggsortop),
              a.aggkind, a.aggmtransfn::text, p.proparallel, a.aggfinalextra, a.aggfinalmodify, a.aggtransspace::text,
              p.oid::regprocedure::text,
              nullif(a.aggminvtransfn::text, '-'), case when a.aggmtranstype <> 0 then format_type(a.aggmtranstype, null) end,
              a.aggmtransspace::text, nullif(a.aggmfinalfn::text, '-'), a.aggmfinalextra, a.aggmfinalmodify, a.aggminitval
            from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            left join pg_aggregate a on a.aggfnoid = p.oid
            where n.nspname = any($1) and \(notExtensionMember("pg_proc", "p"))
              and \(notInternal("pg_proc", "p"))
            order by n.nspname, p.proname, 5
            """)
        for row in r.rows {
            let oid = row[0]!, schema = row[1]!, name = row[2]!, kind = row[3]!
            var definition: String
            if kind == "a" {
                let signature = SQL.qualified(schema, name) + "(" + (row[8]!.isEmpty ? "*" : row[8]!) + ")"
                // pg_get_function_arguments writes an ordered-set aggregate's arguments with
                // their ORDER BY, as CREATE AGGREGATE takes them.
                var parts = ["SFUNC = \(row[9]!)", "STYPE = \(row[10]!)"]
                if row[22] != "0" { parts.append("SSPACE = \(row[22]!)") }
                if let f = row[11] { parts.append("FINALFUNC = \(f)") }
                if row[20] == "t" { parts.append("FINALFUNC_EXTRA") }
                if row[21] != "r" {
                    parts.append("FINALFUNC_MODIFY = " + (row[21] == "s" ? "SHAREABLE" : "READ_WRITE"))
                }
                if let f = row[13] { parts.append("COMBINEFUNC = \(f)") }
                if let f = row[14] { parts.append("SERIALFUNC = \(f)") }
                if let f = row[15] { parts.append("DESERIALFUNC = \(f)") }
                if let v = row[12] { parts.append("INITCOND = " + SQL.quoteLiteral(v)) }
                if let op = row[16] { parts.append("SORTOP = \(op)") }
                // Moving-aggregate mode (window frames that shrink).
                if row[18] != "-" {
                    parts.append("MSFUNC = \(row[18]!)")
                    if let f = row[24] { parts.append("MINVFUNC = \(f)") }
                    if let t = row[25] { parts.append("MSTYPE = \(t)") }
                    if row[26] != "0" { parts.append("MSSPACE = \(row[26]!)") }
                    if let f = row[27] { parts.append("MFINALFUNC = \(f)") }
                    if row[28] == "t" { parts.append("MFINALFUNC_EXTRA") }
                    if row[29] != "r" { parts.append("MFINALFUNC_MODIFY = " + (row[29] == "s" ? "SHAREABLE" : "READ_WRITE")) }
                    if let v = row[30] { parts.append("MINITCOND = " + SQL.quoteLiteral(v)) }
                }
                if row[17] == "h" { parts.append("HYPOTHETICAL") }
                if row[19] == "s" { parts.append("PARALLEL = SAFE") } else if row[19] == "r" { parts.append("PARALLEL = RESTRICTED") }
                definition = "CREATE AGGREGATE \(signature) (\n    " + parts.joined(separator: ",\n    ") + "\n);"
            } else {
                definition = row[5]!.trimmingCharacters(in: .whitespacesAndNewlines)
                if !definition.hasSuffix(";") { definition += ";" }
            }
            model.routines.append(RoutineInfo(
                ref: ObjectRef(CatalogClass.pgProc, UInt32(oid)!), schema: schema, name: name, kind: kind,
                identityArguments: row[4]!, regprocedure: row[23]!, definition: definition, owner: row[6]!, acl: ACLItem.list(row[7]),
                comment: c.comment(CatalogClass.pgProc, oid)))
        }
    }

    static func readConstraints(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            select k.oid::text, n.nspname, k.conname, coalesce(t.relname, ty.typname), k.contypid <> 0, k.contype,
              pg_get_constraintdef(k.oid), k.convalidated,
              (select quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) from pg_constraint pk
                 join pg_class pc on pc.oid = pk.conindid join pg_namespace pn on pn.oid = pc.relnamespace
                 where pk.oid = k.conparentid),
              ic.relname,
              (select quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) from pg_inherits h
                 join pg_class pc on pc.oid = h.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
                 where h.inhrelid = k.conindid and k.conparentid = 0 and k.contype in ('p', 'u', 'x')),
              case when k.contype in ('p', 'u', 'x') and k.conindid <> 0 then k.conindid::text end
            from pg_constraint k join pg_namespace n on n.oid = k.connamespace
            left join pg_class t on t.oid = k.conrelid left join pg_type ty on ty.oid = k.contypid
            left join pg_class ic on ic.oid = k.conindid and k.contype in ('p', 'u', 'x')
            where n.nspname = any($1) and k.contype in ('p', 'u', 'c', 'f', 'x')
              and not (k.contype = 'c' and not k.conislocal)
              and not (k.contype = 'f' and k.conparentid <> 0)
              and (t.oid is null or \(notExtensionMember("pg_class", "t")))
              and (ty.oid is null or \(notExtensionMember("pg_type", "ty")))
            order by n.nspname, 4, k.conname
            """)
        model.constraints = r.rows.map { row in
            ConstraintInfo(ref: ObjectRef(CatalogClass.pgConstraint, UInt32(row[0]!)!), schema: row[1]!, name: row[2]!,
                           table: row[3]!, onDomain: row[4] == "t", type: row[5]!, definition: row[6]!,
                           validated: row[7] == "t", parentIndex: row[8], indexName: row[9],
                           comment: c.comment(CatalogClass.pgConstraint, row[0]), attachedTo: row[10],
                           indexRef: row[11].map { ObjectRef(CatalogClass.pgClass, UInt32($0)!) })
        }
    }

    static func readIndexes(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            select i.indexrelid::text, n.nspname, ic.relname, tc.relname, pg_get_indexdef(i.indexrelid),
              (select quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) from pg_inherits h
                 join pg_class pc on pc.oid = h.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
                 where h.inhrelid = i.indexrelid),
              i.indisclustered
            from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_class tc on tc.oid = i.indrelid
            join pg_namespace n on n.oid = ic.relnamespace
            where n.nspname = any($1) and tc.relkind in ('r', 'p', 'm')
              and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid
                              and k.conrelid = i.indrelid and k.contype in ('p', 'u', 'x'))
              and \(notExtensionMember("pg_class", "tc"))
            order by n.nspname, ic.relname
            """)
        model.indexes = r.rows.map { row in
            IndexInfo(ref: ObjectRef(CatalogClass.pgClass, UInt32(row[0]!)!), schema: row[1]!, name: row[2]!, table: row[3]!,
                      definition: row[4]!, parentIndex: row[5], clustered: row[6] == "t",
                      comment: c.comment(CatalogClass.pgClass, row[0]))
        }
    }

    static func readTriggersRulesPolicies(_ c: Context, into model: inout SchemaModel) throws {
        model.triggers = try triggers(c, where: "n.nspname = any($1) and \(notExtensionMember("pg_class", "k"))")
        let rules = try c.query("""
            select n.nspname, k.relname, r.rulename, pg_get_ruledef(r.oid), r.ev_enabled, r.oid::text
            from pg_rewrite r join pg_class k on k.oid = r.ev_class join pg_namespace n on n.oid = k.relnamespace
            where n.nspname = any($1) and r.rulename <> '_RETURN' and \(notExtensionMember("pg_class", "k"))
            order by 1, 2, 3
            """)
        model.rules = rules.rows.map {
            RuleInfo(schema: $0[0]!, table: $0[1]!, name: $0[2]!, definition: $0[3]!, enabled: $0[4]!,
                     comment: c.comment(CatalogClass.pgRewrite, $0[5]))
        }
        model.policies = try policies(c, where: "n.nspname = any($1) and \(notExtensionMember("pg_class", "k"))")
    }

    static func triggers(_ c: Context, where condition: String) throws -> [TriggerInfo] {
        try c.query("""
            select n.nspname, k.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled, t.oid::text
            from pg_trigger t join pg_class k on k.oid = t.tgrelid join pg_namespace n on n.oid = k.relnamespace
            where not t.tgisinternal and t.tgparentid = 0 and \(condition)
              and $1::text[] is not null -- $1 is always bound, not every condition uses it
            order by 1, 2, 3
            """).rows.map {
            TriggerInfo(schema: $0[0]!, table: $0[1]!, name: $0[2]!, definition: $0[3]!, enabled: $0[4]!,
                        comment: c.comment(CatalogClass.pgTrigger, $0[5]))
        }
    }

    static func policies(_ c: Context, where condition: String) throws -> [PolicyInfo] {
        try c.query("""
            select n.nspname, k.relname, p.polname, p.polpermissive, p.polcmd,
              (select string_agg(case when x.r = 0 then '' else pg_get_userbyid(x.r) end, E'\\n' order by x.i)
                 from unnest(p.polroles) with ordinality x(r, i)),
              pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), p.oid::text
            from pg_policy p join pg_class k on k.oid = p.polrelid join pg_namespace n on n.oid = k.relnamespace
            where \(condition) and $1::text[] is not null
            order by 1, 2, 3
            """).rows.map {
            PolicyInfo(schema: $0[0]!, table: $0[1]!, name: $0[2]!, permissive: $0[3] == "t", command: $0[4]!,
                       roles: ($0[5] ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                       using: $0[6], withCheck: $0[7], comment: c.comment(CatalogClass.pgPolicy, $0[8]))
        }
    }
}
