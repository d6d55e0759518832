/// Triggers, rules and policies of kept tables, publications, objects outside the schemas,
/// default privileges and privileges on extension members.
extension DiffBuilder {
    /// How `SchemaModel.routineUsers` names a trigger or policy.
    static func userKey(_ kind: String, _ schema: String, _ table: String, _ name: String) -> String {
        [kind, schema, table, name].joined(separator: "\u{1}")
    }

    mutating func compareTriggersRulesPolicies() {
        // Triggers and policies calling a routine of b that is dropped (or dropped and re-created)
        // go before it and come back after the new one, even when their text is the same.
        let recreatedRoutines = Set(created.routines.map(\.signature)), routinesA = Set(a.routines.map(\.signature))
        var users = Set<String>()
        for r in b.routines where recreatedRoutines.contains(r.signature) || !routinesA.contains(r.signature) {
            users.formUnion(b.routineUsers[r.ref] ?? [])
        }
        // So do policies using an operator or collation made again.
        for ref in recreatedObjectRefs { users.formUnion(b.routineUsers[ref] ?? []) }
        // So do policies naming a view or table that is dropped or re-created.
        let viewsA = Set(a.views.map(\.qualified)), tablesA = Set(a.tables.map(\.qualified)), remade = Set(created.views.map(\.qualified))
        for v in b.views where !viewsA.contains(v.qualified) || remade.contains(v.qualified) { users.formUnion(b.routineUsers[v.ref] ?? []) }
        for t in b.tables where !tablesA.contains(t.qualified) || recreatedTables.contains(t.qualified) { users.formUnion(b.routineUsers[t.ref] ?? []) }
        func follows(_ t: TriggerInfo) -> Bool { users.contains(Self.userKey("trigger", t.schema, t.table, t.name)) }
        // Policies over a column whose type changes must go before it changes and come back after.
        let retyped = retypedColumns()
        // So do policies reading a column whose type changes, in any table (pg_depend says which).
        func follows(_ p: PolicyInfo) -> Bool {
            let key = Self.userKey("policy", p.schema, p.table, p.name)
            return users.contains(key)
                || (retyped[p.qualifiedTable] ?? []).contains { c in [p.using, p.withCheck].contains { $0.map { Self.mentions($0, c) } ?? false } }
                || (b.policyColumns[key] ?? [:]).contains { table, columns in !(retyped[table] ?? []).isDisjoint(with: columns) }
        }
        // What a policy reads, as graph keys: its drop goes before the drops of those and before
        // their columns change; its create after their creates and column changes.
        func reads(_ model: SchemaModel, _ keys: [ObjectRef: String], _ p: PolicyInfo) -> Set<String> {
            let key = Self.userKey("policy", p.schema, p.table, p.name)
            var out = Set((model.policyColumns[key] ?? [:]).keys.map(StatementGraph.columnsKey))
            for (used, users) in model.routineUsers where users.contains(key) { if let k = keys[used] { out.insert(k) } }
            return out
        }
        func policyStatement(_ action: SchemaStatement.Action, _ p: PolicyInfo, _ sql: String, reading model: SchemaModel, keys: [ObjectRef: String]) -> Statement {
            let name = "\(SQL.quoteIdent(p.name)) on \(p.qualifiedTable)"
            var s = Statement(action, "policy", name, sql, phase: action == .drop ? .drop : .postData)
            s.provides = ["policy " + name]
            s.requires = reads(model, keys, p)
            return s
        }

        let relationsA = Set(a.tables.map(\.qualified) + a.views.map(\.qualified))
        let relationsB = Set(b.tables.map(\.qualified) + b.views.map(\.qualified))
        let fresh = Set(created.views.map(\.qualified) + created.tables.map(\.qualified))
        func kept(_ table: String) -> Bool { relationsA.contains(table) && relationsB.contains(table) && !fresh.contains(table) }

        let ta = Self.keyed(a.triggers.filter { kept($0.qualifiedTable) }) { "\($0.qualifiedTable) \($0.name)" }
        let tb = Self.keyed(b.triggers.filter { kept($0.qualifiedTable) }) { "\($0.qualifiedTable) \($0.name)" }
        let (tOnlyA, tOnlyB, tBoth) = Self.split(ta, tb)
        let tChanged = tBoth.filter { ta[$0]! != tb[$0]! || follows(tb[$0]!) }
        for k in tOnlyB + tChanged {
            let t = tb[k]!
            if ta[k] == nil { note("trigger", "\(SQL.quoteIdent(t.name)) on \(t.qualifiedTable)", .drop) }
            dropTableParts.append(Statement(sql: "DROP TRIGGER \(SQL.quoteIdent(t.name)) ON \(t.qualifiedTable);"))
        }
        for k in tOnlyA + tChanged {
            let t = ta[k]!
            note("trigger", "\(SQL.quoteIdent(t.name)) on \(t.qualifiedTable)", tb[k] == nil ? .add : .alter,
                 tb[k] == nil ? "" : ta[k]! == tb[k]! ? "re-created with its function" : "definition, state or comment changed")
            postOther += DDL.trigger(t).map { Statement(sql: $0) }
        }

        let ra = Self.keyed(a.rules.filter { kept(SQL.qualified($0.schema, $0.table)) }) { "\($0.schema).\($0.table) \($0.name)" }
        let rb = Self.keyed(b.rules.filter { kept(SQL.qualified($0.schema, $0.table)) }) { "\($0.schema).\($0.table) \($0.name)" }
        let (rOnlyA, rOnlyB, rBoth) = Self.split(ra, rb)
        let rChanged = rBoth.filter { ra[$0]! != rb[$0]! || users.contains(Self.userKey("rule", rb[$0]!.schema, rb[$0]!.table, rb[$0]!.name)) }
        for k in rOnlyB + rChanged {
            let r = rb[k]!, table = SQL.qualified(r.schema, r.table)
            if ra[k] == nil { note("rule", "\(SQL.quoteIdent(r.name)) on \(table)", .drop) }
            dropTableParts.append(Statement(sql: "DROP RULE \(SQL.quoteIdent(r.name)) ON \(table);"))
        }
        for k in rOnlyA + rChanged {
            let r = ra[k]!, table = SQL.qualified(r.schema, r.table)
            note("rule", "\(SQL.quoteIdent(r.name)) on \(table)", rb[k] == nil ? .add : .alter)
            var sql = r.definition.trimmingCharacters(in: .whitespacesAndNewlines)
            if !sql.hasSuffix(";") { sql += ";" }
            postOther.append(Statement(sql: sql))
            if let state = ["D": "DISABLE RULE", "R": "ENABLE REPLICA RULE", "A": "ENABLE ALWAYS RULE"][r.enabled] {
                postOther.append(Statement(sql: "ALTER TABLE \(table) \(state) \(SQL.quoteIdent(r.name));"))
            }
            if let c = r.comment { postOther.append(Statement(sql: "COMMENT ON RULE \(SQL.quoteIdent(r.name)) ON \(table) IS \(SQL.quoteLiteral(c));")) }
        }

        let pa = Self.keyed(a.policies.filter { kept($0.qualifiedTable) }) { "\($0.qualifiedTable) \($0.name)" }
        let pb = Self.keyed(b.policies.filter { kept($0.qualifiedTable) }) { "\($0.qualifiedTable) \($0.name)" }
        let (pOnlyA, pOnlyB, pBoth) = Self.split(pa, pb)
        let pChanged = pBoth.filter { pa[$0]! != pb[$0]! || follows(pb[$0]!) }
        for k in pOnlyB + pChanged {
            let p = pb[k]!
            if pa[k] == nil { note("policy", "\(SQL.quoteIdent(p.name)) on \(p.qualifiedTable)", .drop) }
            dropTableParts.append(policyStatement(.drop, p, "DROP POLICY \(SQL.quoteIdent(p.name)) ON \(p.qualifiedTable);", reading: b, keys: keysB))
        }
        // A table that goes takes its policies along, but one reading a view or function that
        // reads the table back (pg_depend: policy → view → table) would hold the table's drop
        // until the view's, and the view's until the table's: such a policy is dropped by name
        // first, before what it reads.
        let tablesOfA = Set(a.tables.map(\.qualified))
        for p in b.policies where !tablesOfA.contains(p.qualifiedTable) {
            let reading = reads(b, keysB, p).filter { !$0.hasPrefix("columns ") }
            guard !reading.isEmpty else { continue }
            policiesDroppedFirst.insert(Self.userKey("policy", p.schema, p.table, p.name))
            dropTableParts.append(policyStatement(.drop, p, "DROP POLICY \(SQL.quoteIdent(p.name)) ON \(p.qualifiedTable);", reading: b, keys: keysB))
        }
        for k in pOnlyA + pChanged {
            let p = pa[k]!
            note("policy", "\(SQL.quoteIdent(p.name)) on \(p.qualifiedTable)", pb[k] == nil ? .add : .alter,
                 pb[k] == nil ? "" : pa[k]! == pb[k]! ? "re-created with its function" : "roles, expressions or comment changed")
            postOther += DDL.policy(p).enumerated().map { policyStatement($0.offset == 0 ? .create : .comment, p, $0.element, reading: a, keys: keysA) }
        }
    }

    mutating func comparePublications() {
        let px = Self.keyed(a.publications, \.name), py = Self.keyed(b.publications, \.name)
        let (pOnlyA, pOnlyB, pBoth) = Self.split(px, py)
        func create(_ p: PublicationInfo) {
            preAlters.append(Statement(sql: p.createSQL))
            preAlters.append(Statement(sql: "ALTER PUBLICATION \(SQL.quoteIdent(p.name)) OWNER TO \(SQL.quoteIdent(p.owner));"))
            if let c = p.comment { grants.append(Statement(sql: "COMMENT ON PUBLICATION \(SQL.quoteIdent(p.name)) IS \(SQL.quoteLiteral(c));")) }
        }
        func drop(_ p: PublicationInfo) {
            dropOutside.append(Statement(sql: "DROP PUBLICATION \(SQL.quoteIdent(p.name));",
                                         hazard: "subscribers of publication \(p.name) stop receiving changes"))
        }
        var recreated = Set<String>()
        for n in pOnlyA { note("publication", SQL.quoteIdent(n), .add); create(px[n]!) }
        for n in pOnlyB { note("publication", SQL.quoteIdent(n), .drop); drop(py[n]!) }
        for n in pBoth {
            let p = px[n]!, q = py[n]!
            if p.allTables != q.allTables {
                // PostgreSQL 15 cannot turn a publication into FOR ALL TABLES or back.
                note("publication", SQL.quoteIdent(n), .alter, p.allTables ? "for all tables (re-created)" : "no longer for all tables (re-created)")
                drop(q); create(p); recreated.insert(n)
                continue
            }
            if p.publish != q.publish || p.viaRoot != q.viaRoot {
                note("publication", SQL.quoteIdent(n), .alter, "publish \(q.publish) → \(p.publish), via root \(q.viaRoot) → \(p.viaRoot)")
                preAlters.append(Statement(sql: "ALTER PUBLICATION \(SQL.quoteIdent(n)) SET (publish = \(SQL.quoteLiteral(p.publish)), publish_via_partition_root = \(p.viaRoot));"))
            }
            if p.owner != q.owner {
                note("owner", SQL.quoteIdent(n), .alter, "publication owner \(q.owner) → \(p.owner)")
                grants.append(Statement(sql: "ALTER PUBLICATION \(SQL.quoteIdent(n)) OWNER TO \(SQL.quoteIdent(p.owner));"))
            }
            comment(target: "PUBLICATION \(SQL.quoteIdent(n))", name: SQL.quoteIdent(n), p.comment, q.comment)
        }
        // A publication dropped takes its tables along; one re-created gets them all again.
        let gone = Set(pOnlyB).union(recreated)
        func key(_ p: PublicationTable) -> String { "\(p.publication) \(SQL.qualified(p.schema, p.table))" }
        let x = Self.keyed(a.publicationTables, key), y = Self.keyed(b.publicationTables.filter { !gone.contains($0.publication) }, key)
        let (onlyA, onlyB, both) = Self.split(x, y)
        // A re-created table is a new table: the old copy leaves with its memberships, and the new
        // one joins every publication a has it in.
        func remade(_ k: String) -> Bool { recreatedTables.contains(SQL.qualified(y[k]!.schema, y[k]!.table)) }
        for k in onlyB + both.filter({ x[$0]! != y[$0]! }) where !remade(k) {
            let p = y[k]!
            if x[k] == nil { note("publication table", k, .drop) }
            dropOutside.append(Statement(sql: "ALTER PUBLICATION \(SQL.quoteIdent(p.publication)) DROP TABLE ONLY \(SQL.qualified(p.schema, p.table));"))
        }
        for k in onlyA + both.filter({ x[$0]! != y[$0]! || remade($0) }) {
            let p = x[k]!
            if y[k] == nil || x[k]! != y[k]! { note("publication table", k, y[k] == nil ? .add : .alter, y[k] == nil ? "" : "columns or row filter changed") }
            var sql = "ALTER PUBLICATION \(SQL.quoteIdent(p.publication)) ADD TABLE ONLY \(SQL.qualified(p.schema, p.table))"
            if let cols = p.columns { sql += " (" + cols.map(SQL.quoteIdent).joined(separator: ", ") + ")" }
            if let f = p.rowFilter { sql += " WHERE (\(f))" }
            postOther.append(Statement(sql: sql + ";"))
        }
        func skey(_ p: PublicationSchema) -> String { "\(p.publication) \(SQL.quoteIdent(p.schema))" }
        let sx = Self.keyed(a.publicationSchemas, skey), sy = Self.keyed(b.publicationSchemas.filter { !gone.contains($0.publication) }, skey)
        let (sOnlyA, sOnlyB, _) = Self.split(sx, sy)
        for k in sOnlyB {
            note("publication schema", k, .drop)
            dropOutside.append(Statement(sql: "ALTER PUBLICATION \(SQL.quoteIdent(sy[k]!.publication)) DROP TABLES IN SCHEMA \(SQL.quoteIdent(sy[k]!.schema));"))
        }
        for k in sOnlyA {
            note("publication schema", k, .add)
            postOther.append(Statement(sql: "ALTER PUBLICATION \(SQL.quoteIdent(sx[k]!.publication)) ADD TABLES IN SCHEMA \(SQL.quoteIdent(sx[k]!.schema));"))
        }
    }

    /// Objects in other schemas hanging off these (triggers on auth.users …).
    mutating func compareDependents() {
        let x = Self.keyed(a.dependents) { "\($0.kind) \($0.identity)" }, y = Self.keyed(b.dependents) { "\($0.kind) \($0.identity)" }
        let (onlyA, onlyB, both) = Self.split(x, y)
        for k in onlyB + both.filter({ x[$0]!.createSQL != y[$0]!.createSQL }) {
            let d = y[k]!
            if x[k] == nil { note(d.kind, d.identity, .drop) }
            let name = SQL.quoteIdent(d.name)
            switch d.kind {
            case "trigger": dropOutside.append(Statement(sql: "DROP TRIGGER \(name) ON \(d.table);"))
            case "policy": dropOutside.append(Statement(sql: "DROP POLICY \(name) ON \(d.table);"))
            case "default value": dropOutside.append(Statement(sql: "ALTER TABLE \(d.table) ALTER COLUMN \(name) DROP DEFAULT;"))
            default:
                let domain = d.createSQL.first?.hasPrefix("ALTER DOMAIN") == true
                dropOutside.append(Statement(sql: "ALTER \(domain ? "DOMAIN" : "TABLE") \(d.table) DROP CONSTRAINT \(name);"))
            }
        }
        for k in onlyA + both.filter({ x[$0]!.createSQL != y[$0]!.createSQL }) {
            let d = x[k]!
            note(d.kind, d.identity, y[k] == nil ? .add : .alter, y[k] == nil ? "" : "definition changed")
            postOther += d.createSQL.map { Statement(sql: $0) }
        }
    }

    mutating func compareDefaultPrivileges() {
        func key(_ d: DefaultPrivilege) -> String { "\(SQL.quoteIdent(d.schema)) for \(SQL.quoteIdent(d.role)) on \(DefaultPrivileges.objectWords[d.objectType] ?? d.objectType)" }
        let x = Self.keyed(a.defaultPrivileges, key), y = Self.keyed(b.defaultPrivileges, key)
        for k in Set(x.keys).union(y.keys).sorted() {
            let d = x[k] ?? y[k]!
            let from = y[k]?.acl ?? [], to = x[k]?.acl ?? []
            guard Set(from) != Set(to) else { continue }
            note("default privileges", k, x[k] == nil ? .drop : y[k] == nil ? .add : .alter)
            // Those of a schema that goes away go with it (DROP SCHEMA runs first).
            if x[k] == nil && !d.schema.isEmpty && !a.schemas.contains(where: { $0.name == d.schema }) { continue }
            grants += DefaultPrivileges.statements(d, from: from, to: to).map { Statement(sql: $0) }
        }
    }

    /// Privileges on objects of extensions both sides have.
    mutating func compareExtensionMembers() {
        let common = Set(a.extensions.map(\.name)).intersection(b.extensions.map(\.name))
        func key(_ m: ExtensionMemberACL) -> String { m.extensionName + " " + m.object }
        let x = Self.keyed(a.extensionMemberACLs.filter { common.contains($0.extensionName) }, key)
        let y = Self.keyed(b.extensionMemberACLs.filter { common.contains($0.extensionName) }, key)
        /// What the extension's script left on the member (pg_init_privs), and what it has now.
        func initial(_ m: ExtensionMemberACL, _ model: SchemaModel) -> [ACLItem] {
            m.initialACL ?? ACLPlanner.builtinDefault(kind: m.aclKind, owner: m.owner, serverVersion: model.serverVersion)
        }
        func current(_ m: ExtensionMemberACL, _ model: SchemaModel) -> [ACLItem] { m.acl ?? initial(m, model) }
        func grant(_ m: ExtensionMemberACL, from: [ACLItem]) {
            let to = current(m, a)
            guard Set(to) != Set(from) else { return }
            note("privileges", m.object, .alter, "extension \(m.extensionName) member")
            grants += ACLPlanner.statements(from: from, to: to, object: m.object).map { Statement(sql: $0) }
        }
        for k in Set(x.keys).intersection(y.keys).sorted() { grant(x[k]!, from: current(y[k]!, b)) }
        // The members of an extension the migration creates start with the privileges its script
        // leaves; grants made on them since are made again.
        let fresh = Set(a.extensions.map(\.name)).subtracting(b.extensions.map(\.name))
        for m in a.extensionMemberACLs where fresh.contains(m.extensionName) { grant(m, from: initial(m, a)) }
    }
}
