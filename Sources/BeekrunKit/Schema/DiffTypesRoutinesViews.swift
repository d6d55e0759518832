/// Schemas, extensions, types, sequences, routines and views, and which views and routines
/// must be re-created.
extension DiffBuilder {
    mutating func compareSchemas() {
        let x = Self.keyed(a.schemas, \.name), y = Self.keyed(b.schemas, \.name)
        let (onlyA, onlyB, both) = Self.split(x, y)
        for n in onlyA {
            let s = x[n]!, q = SQL.quoteIdent(n)
            note("schema", q, .add)
            preAlters.append(Statement(sql: "CREATE SCHEMA \(q) AUTHORIZATION \(SQL.quoteIdent(s.owner));"))
            if let c = s.comment { grants.append(Statement(sql: "COMMENT ON SCHEMA \(q) IS \(SQL.quoteLiteral(c));")) }
            // A new schema starts with its owner's database-wide default privileges for schemas,
            // if b has some (`ALTER DEFAULT PRIVILEGES GRANT ALL ON SCHEMAS TO anon`), else the
            // built-in ones; NULL in a means the built-in ones.
            let builtin = ACLPlanner.builtinDefault(kind: "n", owner: s.owner, serverVersion: a.serverVersion)
            let from = b.globalDefaultPrivileges.first { $0.role == s.owner && $0.objectType == "n" }?.acl ?? builtin
            grants += ACLPlanner.statements(from: from, to: s.acl ?? builtin, object: "SCHEMA \(q)").map { Statement(sql: $0) }
        }
        for n in onlyB {
            note("schema", SQL.quoteIdent(n), .drop)
            dropSchemas.append(Statement(sql: "DROP SCHEMA \(SQL.quoteIdent(n)) CASCADE;", hazard: "drops the schema and everything in it"))
        }
        for n in both {
            let s = x[n]!, t = y[n]!
            common(kind: "schema", name: SQL.quoteIdent(n), target: "SCHEMA \(SQL.quoteIdent(n))", aclKind: "n",
                   ownerA: s.owner, ownerB: t.owner, aclA: s.acl, aclB: t.acl, commentA: s.comment, commentB: t.comment)
        }
    }

    mutating func compareExtensions() {
        let x = Self.keyed(a.extensions, \.name), y = Self.keyed(b.extensions, \.name)
        let (onlyA, onlyB, both) = Self.split(x, y)
        for n in onlyA {
            let e = x[n]!
            note("extension", SQL.quoteIdent(n), .add, "version \(e.version) in \(SQL.quoteIdent(e.schema))")
            preAlters.append(Statement(sql: "CREATE EXTENSION IF NOT EXISTS \(SQL.quoteIdent(n)) WITH SCHEMA \(SQL.quoteIdent(e.schema)) VERSION \(SQL.quoteLiteral(e.version));"))
        }
        for n in onlyB {
            note("extension", SQL.quoteIdent(n), .drop)
            dropTypes.append(Statement(sql: "DROP EXTENSION \(SQL.quoteIdent(n));", hazard: "drops the extension's objects"))
        }
        for n in both {
            let e = x[n]!, f = y[n]!
            if e.schema != f.schema {
                note("extension", SQL.quoteIdent(n), .alter, "schema \(f.schema) → \(e.schema)")
                if f.relocatable {
                    preAlters.append(Statement(sql: "ALTER EXTENSION \(SQL.quoteIdent(n)) SET SCHEMA \(SQL.quoteIdent(e.schema));"))
                } else {
                    // PostgreSQL refuses SET SCHEMA for it: said once, left out, so the rest applies.
                    manual.append("extension \(SQL.quoteIdent(n)): it cannot move from schema \(SQL.quoteIdent(f.schema)) to \(SQL.quoteIdent(e.schema)) "
                                  + "(not relocatable: ALTER EXTENSION … SET SCHEMA is refused); moving it means DROP EXTENSION and "
                                  + "CREATE EXTENSION … SCHEMA \(SQL.quoteIdent(e.schema)), which drops what uses its objects")
                }
            }
            if e.version != f.version {
                note("extension", SQL.quoteIdent(n), .alter, "version \(f.version) → \(e.version)")
                if b.extensionUpdateTargets[n]?.contains(e.version) == true {
                    preAlters.append(Statement(sql: "ALTER EXTENSION \(SQL.quoteIdent(n)) UPDATE TO \(SQL.quoteLiteral(e.version));"))
                } else {
                    // ALTER EXTENSION … UPDATE would fail the whole migration: said once, left out.
                    manual.append("extension \(SQL.quoteIdent(n)): the target's server ships no update path from version \(f.version) to \(e.version) "
                                  + "(pg_extension_update_paths); a downgrade means DROP EXTENSION and CREATE EXTENSION … VERSION '\(e.version)', "
                                  + "which drops what uses its objects")
                }
            }
            comment(target: "EXTENSION \(SQL.quoteIdent(n))", name: SQL.quoteIdent(n), e.comment, f.comment)
        }
    }

    /// `items` ordered so that each comes before what it depends on (a composite before the
    /// domain of one of its attributes): the order to drop them in. Otherwise stable.
    static func dependentsFirst<T>(_ items: [T], ref: (T) -> ObjectRef, dependencies: [ObjectRef: Set<ObjectRef>]) -> [T] {
        let refs = Set(items.map(ref))
        var done = Set<ObjectRef>(), out: [T] = []
        let byRef = Dictionary(items.map { (ref($0), $0) }, uniquingKeysWith: { x, _ in x })
        // Who depends on each item, among the items.
        var users: [ObjectRef: [ObjectRef]] = [:]
        for i in items { for d in dependencies[ref(i)] ?? [] where refs.contains(d) && d != ref(i) { users[d, default: []].append(ref(i)) } }
        func visit(_ r: ObjectRef, _ depth: Int) {
            guard !done.contains(r), depth < 64 else { return }
            done.insert(r)
            for u in users[r] ?? [] { visit(u, depth + 1) }
            if let item = byRef[r] { out.append(item) }
        }
        for i in items { visit(ref(i), 0) }
        // visit appends an item after its users: users first already.
        return out
    }

    mutating func compareTypes() {
        let x = Self.keyed(a.types, \.qualified), y = Self.keyed(b.types, \.qualified)
        let (onlyA, onlyB, both) = Self.split(x, y)
        for n in onlyA {
            let t = x[n]!
            note(t.isDomain ? "domain" : "type", n, .add)
            created.types.append(t)
            created.constraints += a.constraints.filter { $0.onDomain && $0.schema == t.schema && $0.table == t.name }
        }
        for n in Self.dependentsFirst(onlyB.map { y[$0]! }, ref: \.ref, dependencies: b.dependencies).map(\.qualified) {
            let t = y[n]!
            note(t.isDomain ? "domain" : "type", n, .drop)
            dropTypes.append(Statement(sql: "DROP \(t.isDomain ? "DOMAIN" : "TYPE") \(n);"))
        }
        for n in both {
            let t = x[n]!, u = y[n]!
            let keyword = t.isDomain ? "DOMAIN" : "TYPE"
            switch (t.kind, u.kind) {
            case (.enumeration(let la), .enumeration(let lb)) where la != lb:
                if recreatedTypes.contains(n) {
                    recreateType(t, removed: lb.filter { !la.contains($0) }, detail: "enum values \(lb) → \(la)")
                    continue
                }
                note("type", n, .alter, "enum values added: " + la.filter { !lb.contains($0) }.joined(separator: ", "))
                var have = lb
                for (i, label) in la.enumerated() where !have.contains(label) {
                    let next = la[(i + 1)...].first { have.contains($0) }
                    let position = next.map { " BEFORE \(SQL.quoteLiteral($0))" } ?? (i > 0 ? " AFTER \(SQL.quoteLiteral(la[i - 1]))" : "")
                    preAlters.append(Statement(sql: "ALTER TYPE \(n) ADD VALUE \(SQL.quoteLiteral(label))\(position);"))
                    have.append(label)
                }
            case (.domain(let base, let coll, let def, let nn), .domain(let base2, let coll2, let def2, let nn2)):
                if recreatedTypes.contains(n) {
                    recreateType(t, removed: [], detail: "base type \(base2) → \(base)")
                    continue
                }
                if def != def2 {
                    note("domain", n, .alter, "default \(def2 ?? "none") → \(def ?? "none")")
                    preAlters.append(Statement(sql: "ALTER DOMAIN \(n) " + (def.map { "SET DEFAULT \($0)" } ?? "DROP DEFAULT") + ";"))
                }
                if nn != nn2 {
                    note("domain", n, .alter, nn ? "NOT NULL added" : "NOT NULL removed")
                    preAlters.append(Statement(sql: "ALTER DOMAIN \(n) \(nn ? "SET" : "DROP") NOT NULL;",
                                               hazard: nn ? "checks every column of the domain for NULLs" : nil))
                }
            case (.composite(let ca), .composite(let cb)) where ca != cb:
                let xa = Self.keyed(ca, \.name), xb = Self.keyed(cb, \.name)
                for col in ca where xb[col.name] == nil {
                    note("type attribute", "\(n).\(SQL.quoteIdent(col.name))", .add)
                    preAlters.append(Statement(sql: "ALTER TYPE \(n) ADD ATTRIBUTE \(SQL.quoteIdent(col.name)) \(col.type)" + (col.collation.map { " COLLATE \($0)" } ?? "") + ";"))
                }
                for col in cb where xa[col.name] == nil {
                    note("type attribute", "\(n).\(SQL.quoteIdent(col.name))", .drop)
                    preAlters.append(Statement(sql: "ALTER TYPE \(n) DROP ATTRIBUTE \(SQL.quoteIdent(col.name));"))
                }
                for col in ca {
                    guard let old = xb[col.name] else { continue }
                    if col.type != old.type || col.collation != old.collation {
                        note("type attribute", "\(n).\(SQL.quoteIdent(col.name))", .alter, "type \(old.type) → \(col.type)")
                        preAlters.append(Statement(sql: "ALTER TYPE \(n) ALTER ATTRIBUTE \(SQL.quoteIdent(col.name)) SET DATA TYPE \(col.type)" + (col.collation.map { " COLLATE \($0)" } ?? "") + ";"))
                    }
                    comment(target: "COLUMN \(n).\(SQL.quoteIdent(col.name))", name: "\(n).\(SQL.quoteIdent(col.name))", col.comment, old.comment)
                }
            case (.enumeration, .enumeration), (.composite, .composite):
                break
            case (.range(let s1, let o1, let c1, let d1, let m1), .range(let s2, let o2, let c2, let d2, let m2))
                where s1 == s2 && o1 == o2 && c1 == c2 && d1 == d2 && m1 == m2:
                break
            case (.range(let s1, _, _, _, _), .range(let s2, _, _, _, _)) where recreatedTypes.contains(n):
                recreateType(t, removed: [], detail: "range subtype \(s2) → \(s1) or options changed")
                continue
            default:
                manual.append("type \(n) changed its definition; re-create it by hand")
                note("type", n, .alter, "definition changed (needs a manual migration)")
            }
            common(kind: keyword.lowercased(), name: n, target: "\(keyword) \(n)", aclKind: "T", ownerA: t.owner, ownerB: u.owner,
                   aclA: t.acl, aclB: u.acl, commentA: t.comment, commentB: u.comment)
        }
    }

    /// Domains whose base type or collation changes, and enums whose change `ALTER TYPE … ADD VALUE` cannot make: values removed or reordered, or
    /// values added that the migration itself uses (a default, a check, a view), which
    /// PostgreSQL refuses in the transaction that added them ("unsafe use of new value").
    func typesToRecreate() -> Set<String> {
        var out = Set<String>()
        let y = Self.keyed(b.types, \.qualified)
        let texts = a.tables.flatMap { $0.columns.compactMap(\.defaultExpr) } + a.constraints.map(\.definition)
            + a.views.map(\.definition) + a.policies.flatMap { [$0.using, $0.withCheck].compactMap { $0 } } + a.indexes.map(\.definition)
        // A domain or range over a collation or operator class made again is made again too.
        let remadeObjects = recreatedObjectRefs
        for t in a.types {
            if let u = y[t.qualified], !(b.dependencies[u.ref] ?? []).isDisjoint(with: remadeObjects) {
                out.insert(t.qualified)
                continue
            }
            if case .domain(let base, let coll, _, _) = t.kind, let u = y[t.qualified], case .domain(let base2, let coll2, _, _) = u.kind,
               base != base2 || coll != coll2 {
                out.insert(t.qualified)
                continue
            }
            // A range's subtype and options cannot change in place.
            if case .range = t.kind, let u = y[t.qualified], case .range = u.kind, t.kind != u.kind {
                out.insert(t.qualified)
                continue
            }
            guard case .enumeration(let la) = t.kind, let u = y[t.qualified], case .enumeration(let lb) = u.kind, la != lb else { continue }
            if la.filter(lb.contains) != lb { out.insert(t.qualified); continue }
            let uses = la.filter { !lb.contains($0) }.map { "\(SQL.quoteLiteral($0))::\(t.qualified)" }
            if texts.contains(where: { text in uses.contains { text.contains($0) } }) { out.insert(t.qualified) }
        }
        return out
    }

    /// Re-creates type `t` (an enum or a domain) as a has it: the old type is renamed, the new
    /// one created, every column moved over (through text for an enum; defaults, which do not
    /// cast, taken off and put back), and the old type dropped. For an enum, rows holding a
    /// removed value make the migration refuse first, with their count, instead of failing halfway.
    mutating func recreateType(_ t: TypeInfo, removed: [String], detail: String) {
        let n = t.qualified, isEnum = !t.isDomain
        note(t.isDomain ? "domain" : "type", n, .alter, detail + " (re-created)")
        let oldName = String((t.name + "__beekrun_old").prefix(63))
        let tablesA = Self.keyed(a.tables, \.qualified)
        // A range cannot be renamed out of the way: its multirange and constructor functions keep
        // their names. Its columns become text, the range goes, and they come back from text.
        var isRange = false
        if case .range = t.kind { isRange = true }
        if isRange {
            for table in b.tables where table.partitionOf == nil && tablesA[table.qualified] != nil {
                for c in table.columns where c.type == n || c.type == n + "[]" {
                    let col = SQL.quoteIdent(c.name), array = c.type.hasSuffix("[]") ? "[]" : ""
                    if c.defaultExpr != nil { preAlters.append(Statement(sql: "ALTER TABLE \(table.qualified) ALTER COLUMN \(col) DROP DEFAULT;")) }
                    preAlters.append(Statement(sql: "ALTER TABLE \(table.qualified) ALTER COLUMN \(col) TYPE text\(array) USING \(col)::text\(array);",
                                               hazard: "rewrites the table (ACCESS EXCLUSIVE lock)"))
                }
            }
            preAlters.append(Statement(sql: "DROP TYPE \(n);", hazard: "re-creates \(n): the columns using it are rewritten (ACCESS EXCLUSIVE lock)"))
        } else {
            preAlters.append(Statement(sql: "ALTER \(t.isDomain ? "DOMAIN" : "TYPE") \(n) RENAME TO \(SQL.quoteIdent(oldName));",
                                       hazard: "re-creates \(n): the columns using it are rewritten (ACCESS EXCLUSIVE lock)"))
        }
        var one = SchemaModel()
        one.serverVersion = a.serverVersion
        one.types = [t]
        one.constraints = a.constraints.filter { $0.onDomain && $0.schema == t.schema && $0.table == t.name }
        // It comes after what it needs that the migration creates (a collation made again).
        one.dependencies[t.ref] = a.dependencies[t.ref]
        let builtin: (String, String) throws -> [ACLItem] = { [a] kind, owner in ACLPlanner.builtinDefault(kind: kind, owner: owner, serverVersion: a.serverVersion) }
        var generator = DDLGenerator(model: one, currentUser: "", initialACL: { kind, owner, _ in try builtin(kind, owner) }, builtinACL: builtin)
        generator.graphKeys = keysA
        try? generator.generate()
        preAlters += generator.pre
        grants += generator.post
        for table in b.tables where table.partitionOf == nil {
            guard let kept = tablesA[table.qualified] else { continue }
            let keptColumns = Self.keyed(kept.columns, \.name)
            for c in table.columns where c.type == n || c.type == n + "[]" {
                guard let ac = keptColumns[c.name], ac.type == c.type else { continue }
                let col = SQL.quoteIdent(c.name), isArray = c.type.hasSuffix("[]")
                if !removed.isEmpty {
                    let list = "ARRAY[" + removed.map(SQL.quoteLiteral).joined(separator: ", ") + "]"
                    let test = isArray ? "\(col)::text[] && \(list)" : "\(col)::text = ANY (\(list))"
                    let message = "enum \(n) loses \(removed.joined(separator: ", ")), still held by % row(s) of \(table.qualified).\(col)"
                    checks.append(Statement(sql: """
                        DO $beekrun$ DECLARE n bigint; BEGIN
                          SELECT count(*) INTO n FROM \(table.qualified) WHERE \(test);
                          IF n > 0 THEN RAISE EXCEPTION \(SQL.quoteLiteral(message)), n; END IF;
                        END $beekrun$;
                        """, hazard: "refuses the migration if rows still hold a removed value of \(n)"))
                }
                if c.defaultExpr != nil {
                    tableAlters.append(Statement(sql: "ALTER TABLE \(table.qualified) ALTER COLUMN \(col) DROP DEFAULT;"))
                }
                let using = isEnum ? "\(col)::text\(isArray ? "[]" : "")::\(c.type)" : "\(col)::\(c.type)"
                tableAlters.append(Statement(sql: "ALTER TABLE \(table.qualified) ALTER COLUMN \(col) TYPE \(c.type) USING \(using);",
                                             hazard: "rewrites the table (ACCESS EXCLUSIVE lock)"))
                if let d = ac.defaultExpr, d == c.defaultExpr {
                    tableAlters.append(Statement(sql: "ALTER TABLE \(table.qualified) ALTER COLUMN \(col) SET DEFAULT \(d);"))
                }
            }
        }
        for c in b.types {
            guard case .composite(let attributes) = c.kind else { continue }
            for attribute in attributes where attribute.type == n || attribute.type == n + "[]" {
                tableAlters.append(Statement(sql: "ALTER TYPE \(c.qualified) ALTER ATTRIBUTE \(SQL.quoteIdent(attribute.name)) SET DATA TYPE \(attribute.type);"))
            }
        }
        // Checks and indexes naming the type (an enum literal in a predicate) would be rebuilt
        // against the renamed old type when the column changes: they go first and come back.
        for k in b.constraints where !k.onDomain && k.definition.contains("::\(n)") && tablesA[k.qualifiedTable] != nil {
            rebuiltParts.insert("constraint \(k.qualifiedTable) \(k.name)")
        }
        for i in b.indexes where i.definition.contains("::\(n)") && tablesA[SQL.qualified(i.schema, i.table)] != nil {
            rebuiltParts.insert("index \(i.qualified)")
        }
        if !isRange { dropTypes.append(Statement(sql: "DROP \(t.isDomain ? "DOMAIN" : "TYPE") \(SQL.qualified(t.schema, oldName));")) }
    }

    /// Whether the column a sequence of b is owned by is still there in a (same table, same name).
    func columnKept(_ o: (schema: String, table: String, column: String)) -> Bool {
        a.tables.contains { $0.schema == o.schema && $0.name == o.table && $0.columns.contains { $0.name == o.column } }
    }

    mutating func compareSequences() {
        let tablesA = Set(a.tables.map(\.qualified)), tablesB = Set(b.tables.map(\.qualified))
        let x = Self.keyed(a.sequences, \.qualified), y = Self.keyed(b.sequences, \.qualified)
        let (onlyA, onlyB, both) = Self.split(x, y)
        for n in onlyA {
            let s = x[n]!
            // Identity sequences come with their column (a new table or a new identity column).
            if s.isIdentity { continue }
            note("sequence", n, .add)
            // Owned by a column of a table b has: the column may be new, so OWNED BY comes
            // after the table changes.
            if let o = s.ownedBy, tablesB.contains(SQL.qualified(o.schema, o.table)), !recreatedTables.contains(SQL.qualified(o.schema, o.table)) {
                var unowned = s
                unowned.ownedBy = nil
                created.sequences.append(unowned)
                sequenceOwners.append(Statement(sql: "ALTER SEQUENCE \(n) OWNED BY \(SQL.qualified(o.schema, o.table)).\(SQL.quoteIdent(o.column));"))
                continue
            }
            created.sequences.append(s)
        }
        for n in onlyB {
            let s = y[n]!
            guard !s.isIdentity else { continue }
            // A sequence owned by a table or column that goes too goes with it.
            if let o = s.ownedBy, !tablesA.contains(SQL.qualified(o.schema, o.table)) || !columnKept(o) { continue }
            // So does one owned by a column of a re-created table: the old copy keeps its default
            // (and the sequence) until that copy is dropped, which drops the sequence along.
            if let o = s.ownedBy, recreatedTables.contains(SQL.qualified(o.schema, o.table)) {
                note("sequence", n, .drop, "goes with the old copy of \(SQL.qualified(o.schema, o.table))")
                continue
            }
            note("sequence", n, .drop)
            dropTypes.append(Statement(sql: "DROP SEQUENCE \(n);"))
        }
        for n in both {
            let s = x[n]!, t = y[n]!
            // serial ↔ identity: the column's change drops one sequence and makes the other.
            if s.isIdentity != t.isIdentity { continue }
            var changed: [String] = []
            if s.dataType != t.dataType { changed.append("AS \(s.dataType)") }
            if s.start != t.start { changed.append("START WITH \(s.start)") }
            if s.increment != t.increment { changed.append("INCREMENT BY \(s.increment)") }
            if s.minValue != t.minValue { changed.append("MINVALUE \(s.minValue)") }
            if s.maxValue != t.maxValue { changed.append("MAXVALUE \(s.maxValue)") }
            if s.cache != t.cache { changed.append("CACHE \(s.cache)") }
            if s.cycle != t.cycle { changed.append(s.cycle ? "CYCLE" : "NO CYCLE") }
            if !changed.isEmpty {
                note("sequence", n, .alter, changed.joined(separator: " "))
                let alter = "ALTER SEQUENCE \(n) " + changed.joined(separator: " ")
                if s.minValue != t.minValue || s.maxValue != t.maxValue {
                    // A current value outside the new bounds makes ALTER fail: restart there.
                    tableAlters.append(Statement(sql: """
                        DO $beekrun$ BEGIN
                          IF (SELECT last_value FROM \(n)) NOT BETWEEN \(s.minValue) AND \(s.maxValue) THEN
                            \(alter) RESTART;
                          ELSE
                            \(alter);
                          END IF;
                        END $beekrun$;
                        """, hazard: "restarts sequence \(n) at its start value if its current value is outside the new bounds"))
                } else {
                    tableAlters.append(Statement(sql: alter + ";"))
                }
            }
            let ownA = s.ownedBy.map { "\(SQL.qualified($0.schema, $0.table)).\(SQL.quoteIdent($0.column))" }
            let ownB = t.ownedBy.map { "\(SQL.qualified($0.schema, $0.table)).\(SQL.quoteIdent($0.column))" }
            if !s.isIdentity && ownA != ownB {
                note("sequence", n, .alter, "owned by \(ownB ?? "none") → \(ownA ?? "none")")
                // Its old column would take it along when it is dropped: let go of it first.
                if let o = t.ownedBy, !columnKept(o) { dropOutside.append(Statement(sql: "ALTER SEQUENCE \(n) OWNED BY NONE;")) }
                sequenceOwners.append(Statement(sql: "ALTER SEQUENCE \(n) OWNED BY \(ownA ?? "NONE");"))
            }
            // A sequence owned by a column changes owner with its table.
            let linked = s.ownedBy != nil && t.ownedBy != nil
            common(kind: "sequence", name: n, target: "SEQUENCE \(n)", aclKind: "s", ownerA: s.owner, ownerB: linked ? s.owner : t.owner,
                   aclA: s.acl, aclB: t.acl, commentA: s.comment, commentB: t.comment)
        }
    }

    /// Views and routines of b to drop and re-create from a: those whose definition changed, those
    /// whose tables change column types, and, transitively, views and routines depending on them.
    func relationsToRecreate() -> Set<String> {
        var out = Set<String>()
        let viewsA = Self.keyed(a.views, \.qualified), routinesA = Self.keyed(a.routines, \.signature)
        for v in b.views {
            if let w = viewsA[v.qualified], w.definition == v.definition, w.options == v.options, w.materialized == v.materialized,
               w.columns.map(\.name) == v.columns.map(\.name) { continue }
            out.insert(v.qualified)
        }
        let remadeRoutines = remadeRoutineRefs
        for r in b.routines where remadeRoutines.contains(r.ref) { out.insert(r.signature) }
        // Tables whose column types change: the views over them cannot stay.
        let retypedByName = retypedColumns()
        var retyped: [ObjectRef: Set<String>] = [:]
        for t in b.tables { if let cols = retypedByName[t.qualified] { retyped[t.ref] = cols } }
        let recreatedTypeRefs = Set(b.types.filter { recreatedTypes.contains($0.qualified) }.map(\.ref))
            .union(b.tables.filter { recreatedTables.contains($0.qualified) }.map(\.ref))
            // What b has and a has not (or has as another kind: a table turned view) is dropped:
            // what depends on it goes first and comes back over a's object of that name.
            .union(b.tables.filter { Set(a.tables.map(\.qualified)).contains($0.qualified) == false }.map(\.ref))
            .union(b.views.filter { viewsA[$0.qualified] == nil }.map(\.ref))
            .union(b.routines.filter { routinesA[$0.signature] == nil }.map(\.ref))
            .union(recreatedObjectRefs)
        func usesRetyped(_ ref: ObjectRef) -> Bool {
            (b.usedColumns[ref] ?? [:]).contains { table, columns in !(retyped[table] ?? []).isDisjoint(with: columns) }
        }
        // Names by b's refs, then the closure over b's dependency edges.
        var nameOf: [ObjectRef: String] = [:]
        for v in b.views { nameOf[v.ref] = v.qualified }
        for r in b.routines { nameOf[r.ref] = r.signature }
        var changed = true
        while changed {
            changed = false
            for (ref, name) in nameOf where !out.contains(name) {
                let deps = b.dependencies[ref] ?? []
                if usesRetyped(ref) || deps.contains(where: { nameOf[$0].map(out.contains) == true || recreatedTypeRefs.contains($0) }) {
                    out.insert(name); changed = true
                }
            }
        }
        return out
    }

    /// The part of a function definition that `CREATE OR REPLACE` cannot change: the name and
    /// arguments line and the RETURNS line.
    static func header(_ definition: String) -> String {
        let lines = definition.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.prefix(1).joined() + "\n" + (lines.first { $0.hasPrefix(" RETURNS ") }.map(String.init) ?? "")
    }

    mutating func compareRoutines(recreated: Set<String>) {
        let x = Self.keyed(a.routines, \.signature), y = Self.keyed(b.routines, \.signature)
        let (onlyA, onlyB, both) = Self.split(x, y)
        for n in onlyA { note(x[n]!.keyword.lowercased(), n, .add); created.routines.append(x[n]!) }
        // A routine that goes is dropped once the table changes that stop using it are done (a
        // default dropped, a column dropped); the statement sort moves it before the drops of
        // what it depended on (a table or type of its arguments or result, a routine its body
        // calls, an aggregate's state function), as pg_depend recorded them.
        for n in onlyB {
            note(y[n]!.keyword.lowercased(), n, .drop)
            dropRoutinesLate.append(Statement(.drop, y[n]!.kind == "a" ? "aggregate" : "routine", n, "DROP \(y[n]!.keyword) \(n);", phase: .drop))
        }
        for n in both {
            let r = x[n]!, s = y[n]!
            if recreated.contains(n) {
                note(r.keyword.lowercased(), n, .alter, r.definition == s.definition ? "re-created (depends on a changed object)" : "definition changed (drop and create)")
                dropRoutines.append(Statement(.drop, "routine", n, "DROP \(s.keyword) \(n);", phase: .drop, hazard: "objects using the routine must be re-created"))
                rebuildUsers(of: s)
                created.routines.append(r)
                continue
            }
            if r.definition != s.definition {
                note(r.keyword.lowercased(), n, .alter, "definition changed")
                replacedRoutines.append(Statement(sql: r.definition))
            }
            common(kind: r.keyword.lowercased(), name: n, target: "\(r.keyword) \(n)", aclKind: "f", ownerA: r.owner, ownerB: s.owner,
                   aclA: r.acl, aclB: s.acl, commentA: r.comment, commentB: s.comment,
                   grantTarget: (r.kind == "a" ? "ROUTINE " : r.keyword + " ") + n)
        }
    }

    mutating func compareViews(recreated: Set<String>) {
        let x = Self.keyed(a.views, \.qualified), y = Self.keyed(b.views, \.qualified)
        let (onlyA, onlyB, both) = Self.split(x, y)
        var drops = Set<String>()
        for n in onlyA { note(x[n]!.materialized ? "materialized view" : "view", n, .add); addCreatedView(x[n]!) }
        for n in onlyB { note(y[n]!.materialized ? "materialized view" : "view", n, .drop); drops.insert(n) }
        for n in both {
            let v = x[n]!, w = y[n]!
            let kind = v.materialized ? "materialized view" : "view"
            if recreated.contains(n) {
                note(kind, n, .alter, v.definition == w.definition && v.options == w.options
                     ? "re-created (depends on a changed object)" : "definition changed (drop and create)")
                drops.insert(n)
                addCreatedView(v)
                continue
            }
            let keyword = v.materialized ? "MATERIALIZED VIEW" : "VIEW"
            common(kind: kind, name: n, target: "\(keyword) \(n)", aclKind: "r", ownerA: v.owner, ownerB: w.owner,
                   aclA: v.acl, aclB: w.acl, commentA: v.comment, commentB: w.comment, grantTarget: "TABLE \(n)")
            let cb = Self.keyed(w.columns, \.name)
            for c in v.columns where c.defaultExpr != cb[c.name]?.defaultExpr {
                note("view", n, .alter, "default of \(SQL.quoteIdent(c.name))")
                tableAlters.append(Statement(sql: "ALTER VIEW \(n) ALTER COLUMN \(SQL.quoteIdent(c.name)) " + (c.defaultExpr.map { "SET DEFAULT \($0)" } ?? "DROP DEFAULT") + ";"))
            }
            for c in v.columns {
                comment(target: "COLUMN \(n).\(SQL.quoteIdent(c.name))", name: "\(n).\(SQL.quoteIdent(c.name))", c.comment, cb[c.name]?.comment)
                columnPrivileges(n, c.name, c.acl, cb[c.name]?.acl)
            }
        }
        // Views are dropped dependents first: the reverse of b's creation order.
        let order = DDLGenerator(model: b, currentUser: "", initialACL: { _, _, _ in [] }, builtinACL: { _, _ in [] }).orderedNodes()
        for case .view(let v) in order.reversed() where drops.contains(v.qualified) {
            dropViews.append(Statement(.drop, "view", v.qualified, "DROP \(v.materialized ? "MATERIALIZED VIEW" : "VIEW") \(v.qualified);", phase: .drop,
                                       hazard: v.materialized ? "the materialized view is created empty: REFRESH it" : nil))
        }
    }

    /// Column defaults, checks and indexes of kept tables that call routine `r` (dropped to be
    /// re-created) are taken off before it goes and put back after the new one exists.
    mutating func rebuildUsers(of r: RoutineInfo) {
        let call = SQL.qualified(r.schema, r.name) + "("
        let tablesA = Self.keyed(a.tables, \.qualified)
        for t in b.tables {
            guard let kept = tablesA[t.qualified], !recreatedTables.contains(t.qualified) else { continue }
            for c in t.columns where c.defaultExpr?.contains(call) == true { rebuildDefault(t, c.name, kept: kept) }
        }
        for k in b.constraints where !k.onDomain && k.definition.contains(call) { rebuiltParts.insert("constraint \(k.qualifiedTable) \(k.name)") }
        for i in b.indexes where i.definition.contains(call) { rebuiltParts.insert("index \(i.qualified)") }
    }

    mutating func addCreatedView(_ v: ViewInfo) {
        created.views.append(v)
        created.indexes += a.indexes.filter { $0.schema == v.schema && $0.table == v.name }
        created.triggers += a.triggers.filter { $0.schema == v.schema && $0.table == v.name }
        created.rules += a.rules.filter { $0.schema == v.schema && $0.table == v.name }
    }
}
