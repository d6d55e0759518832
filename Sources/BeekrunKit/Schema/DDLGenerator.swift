/// Turns a `SchemaModel` into the statements that build it in an empty schema, in pg_dump's
/// order: pre-data (extensions, types, sequences, tables, routines, views, ordered by their
/// `pg_depend` edges) then post-data (keys, indexes, foreign keys, triggers, policies,
/// publications, dependent objects, privileges).
struct DDLGenerator {
    let model: SchemaModel
    /// The role that runs the statements: objects it will own need no `OWNER TO`.
    let currentUser: String
    /// Where a new object's ACL starts from on the target, by `acldefault` kind, owner and schema.
    let initialACL: (String, String, String) throws -> [ACLItem]
    /// `acldefault(kind, owner)`: what a NULL ACL in the source stands for.
    let builtinACL: (String, String) throws -> [ACLItem]

    /// Graph keys of the objects the model's dependencies name (`StatementGraph.keys`): for a
    /// diff, those of the whole new side, of which `model` holds only what is (re)created.
    var graphKeys: [ObjectRef: String]
    /// Refs of the tables and views among them: a view needs their columns as well.
    var relationRefs: Set<ObjectRef>

    /// Objects whose owner is set even when it is `currentUser` (re-created by a migration that
    /// may run as another role), by the name the statements carry.
    var alwaysSetOwner: Set<String> = []

    private(set) var pre: [SchemaStatement] = []
    private(set) var post: [SchemaStatement] = []

    init(model: SchemaModel, currentUser: String,
         initialACL: @escaping (String, String, String) throws -> [ACLItem],
         builtinACL: @escaping (String, String) throws -> [ACLItem]) {
        self.model = model; self.currentUser = currentUser; self.initialACL = initialACL; self.builtinACL = builtinACL
        graphKeys = StatementGraph.keys(model)
        relationRefs = StatementGraph.relationRefs(model)
    }

    /// Every statement a node wrote provides the node's object and requires what it depends
    /// on (a view: also the columns of its tables and views), so that the statement sort keeps
    /// them together after what they need. What only a table's held-back defaults and checks
    /// call is required by the `ALTER`s that add them, not by the table.
    mutating func markGraphEdges(_ range: Range<Int>, of node: Node, deferring parts: Set<String> = []) {
        guard let key = graphKeys[node.ref] else { return }
        var provides: Set<String> = [key]
        var requires = Set<String>()
        let heldBack = deferredNeeds(node.ref, parts)
        for d in model.dependencies[node.ref] ?? [] where !heldBack.contains(d) {
            guard let k = graphKeys[d], k != key else { continue }
            requires.insert(k)
            if case .view = node, relationRefs.contains(d) { requires.insert(StatementGraph.columnsKey(String(k.dropFirst("class ".count)))) }
        }
        switch node {
        case .table(let t): provides.insert(StatementGraph.columnsKey(t.qualified))
        case .view(let v): provides.insert(StatementGraph.columnsKey(v.qualified))
        default: break
        }
        for i in range { pre[i].provides = provides; pre[i].requires = requires }
    }

    mutating func generate() throws {
        for e in model.extensions {
            addPre(.create, "extension", SQL.quoteIdent(e.name),
                   "CREATE EXTENSION IF NOT EXISTS \(SQL.quoteIdent(e.name)) WITH SCHEMA \(SQL.quoteIdent(e.schema)) VERSION \(SQL.quoteLiteral(e.version));")
            if let c = DDL.comment("EXTENSION \(SQL.quoteIdent(e.name))", e.comment) { addPre(.comment, "extension", SQL.quoteIdent(e.name), c) }
        }
        let (nodes, deferred) = order()
        for node in nodes {
            let first = pre.count
            try emit(node, deferring: deferred[node.ref] ?? [])
            markGraphEdges(first..<pre.count, of: node, deferring: deferred[node.ref] ?? [])
        }
        for o in model.objects.filter(\.afterPreData).sorted(by: { $0.priority < $1.priority }) { emitObject(o, post: false) }
        // Defaults and checks held back to break a cycle, now that what they call exists.
        for case .table(let t) in nodes {
            guard let parts = deferred[t.ref] else { continue }
            let only = t.partitionKey == nil ? "ONLY " : ""
            let first = pre.count
            for col in t.columns where parts.contains("default \(col.name)") {
                if let d = col.defaultExpr {
                    addPre(.alter, "table", t.qualified, "ALTER TABLE \(only)\(t.qualified) ALTER COLUMN \(SQL.quoteIdent(col.name)) SET DEFAULT \(d);")
                }
            }
            for k in model.constraints where k.type == "c" && k.validated && !k.onDomain && k.schema == t.schema && k.table == t.name
                && parts.contains("check \(k.name)") {
                addPre(.create, "constraint", "\(SQL.quoteIdent(k.name)) on \(t.qualified)",
                       "ALTER TABLE \(only)\(t.qualified) ADD CONSTRAINT \(SQL.quoteIdent(k.name)) \(k.definition);")
            }
            // After the table and what the held-back parts call.
            let needs = Set(deferredNeeds(t.ref, parts).compactMap { graphKeys[$0] } + [graphKeys[t.ref]].compactMap { $0 })
            for i in first..<pre.count { pre[i].requires = needs }
        }
        for s in model.sequences where !s.isIdentity {
            if let o = s.ownedBy {
                addPre(.alter, "sequence", s.qualified,
                       "ALTER SEQUENCE \(s.qualified) OWNED BY \(SQL.qualified(o.schema, o.table)).\(SQL.quoteIdent(o.column));")
            }
        }
        try postData()
    }

    /// What a table's defaults and checks held back to break a cycle call, and nothing else of
    /// the table needs.
    func deferredNeeds(_ ref: ObjectRef, _ parts: Set<String>) -> Set<ObjectRef> {
        guard !parts.isEmpty else { return [] }
        let all = model.partDependencies[ref] ?? []
        let kept = Set(all.filter { !parts.contains($0.part) }.map(\.on))
        return Set(all.filter { parts.contains($0.part) }.map(\.on)).subtracting(kept)
    }

    // MARK: Ordering

    enum Node {
        case type(TypeInfo), sequence(SequenceInfo), table(TableInfo), routine(RoutineInfo), view(ViewInfo)
        case object(SchemaObject)
        var ref: ObjectRef {
            switch self {
            case .object(let x): return x.ref
            case .type(let x): return x.ref
            case .sequence(let x): return x.ref
            case .table(let x): return x.ref
            case .routine(let x): return x.ref
            case .view(let x): return x.ref
            }
        }
        /// Tie-break between independent objects, as pg_dump's type priorities do.
        var priority: Int {
            switch self {
            case .type: return 0
            case .object(let x): return x.priority
            case .routine: return 1
            case .sequence: return 2
            case .table: return 3
            case .view: return 4
            }
        }
    }

    /// Pre-data objects in dependency order (`StatementGraph.sort`: among the ready ones the
    /// lowest priority, then catalog-sorted name, goes first, so the order is stable). A
    /// dependency cycle, which PostgreSQL itself cannot create without later ALTERs, falls back
    /// to priority.
    func orderedNodes() -> [Node] { order().nodes }

    /// The creation order, and for tables created before something their defaults or checks
    /// call (a cycle), which parts (`default c`, `check k`) are added after everything else.
    func order() -> (nodes: [Node], deferred: [ObjectRef: Set<String>]) {
        var nodes: [Node] = model.types.map { .type($0) }
        nodes += model.sequences.filter { !$0.isIdentity }.map { .sequence($0) }
        nodes += model.tables.map { .table($0) } + model.routines.map { .routine($0) } + model.views.map { .view($0) }
        nodes += model.objects.filter { !$0.postData && !$0.afterPreData }.map { .object($0) }
        let index = Dictionary(nodes.enumerated().map { ($1.ref, $0) }, uniquingKeysWith: { x, _ in x })
        let predecessors = nodes.map { node in Set((model.dependencies[node.ref] ?? []).compactMap { index[$0] }) }
        var deferred: [ObjectRef: Set<String>] = [:]
        let sorted = StatementGraph.sort(count: nodes.count, predecessors: predecessors, rank: { nodes[$0].priority }) { waiting, placed in
            // A cycle: take the first table that only waits through defaults or checks.
            for i in waiting {
                guard case .table = nodes[i] else { continue }
                let ref = nodes[i].ref
                let unmet = (model.dependencies[ref] ?? []).filter { d in index[d].map { !placed($0) } ?? false }
                let parts = (model.partDependencies[ref] ?? []).filter { unmet.contains($0.on) }
                let covered = Set(parts.map(\.on))
                // Only if no other kind of dependency (a column type) waits too.
                if unmet.allSatisfy(covered.contains) {
                    deferred[ref] = Set(parts.map(\.part))
                    return i
                }
            }
            return nil
        }
        return (sorted.map { nodes[$0] }, deferred)
    }

    // MARK: Pre-data

    mutating func emit(_ node: Node, deferring parts: Set<String> = []) throws {
        switch node {
        case .type(let t): emitType(t)
        case .object(let o): emitObject(o, post: false)
        case .sequence(let s): emitSequence(s)
        case .table(let t): emitTable(t, deferring: parts)
        case .routine(let r):
            addPre(.create, r.keyword.lowercased(), r.signature, r.definition)
            owner(r.keyword + " " + r.signature, r.owner, kind: r.keyword.lowercased(), name: r.signature)
            if let c = DDL.comment(r.keyword + " " + r.signature, r.comment) { addPre(.comment, r.keyword.lowercased(), r.signature, c) }
        case .view(let v):
            let keyword = v.materialized ? "MATERIALIZED VIEW" : "VIEW"
            let kind = keyword.lowercased()
            if model.keyDependentViews.contains(v.ref) {
                // Its query needs a key that post-data adds: a placeholder with the same columns
                // now, the real query (`placeholderReplacement`) once the keys exist.
                if v.materialized { return }
                addPre(.create, kind, v.qualified, KeyDependentViews.placeholder(v))
            } else {
                addPre(.create, kind, v.qualified,
                       "CREATE \(keyword) \(v.qualified)\(DDL.withOptions(v.options)) AS\n\(v.definition)"
                       + (v.materialized ? "\n  WITH NO DATA;" : ";"))
            }
            // Column defaults of a view apply to INSERTs through it.
            for col in v.columns {
                if let d = col.defaultExpr {
                    addPre(.alter, kind, v.qualified, "ALTER VIEW \(v.qualified) ALTER COLUMN \(SQL.quoteIdent(col.name)) SET DEFAULT \(d);")
                }
            }
            owner(keyword + " " + v.qualified, v.owner, kind: kind, name: v.qualified)
            if let c = DDL.comment("\(keyword) \(v.qualified)", v.comment) { addPre(.comment, kind, v.qualified, c) }
            columnComments(v.qualified, v.columns, kind: kind)
        }
    }

    mutating func emitType(_ t: TypeInfo) {
        var keyword = "TYPE", kind = "type"
        let sql: String
        switch t.kind {
        case .enumeration(let labels):
            sql = "CREATE TYPE \(t.qualified) AS ENUM (" + labels.map(SQL.quoteLiteral).joined(separator: ", ") + ");"
        case .domain(let base, let collation, let def, let notNull):
            keyword = "DOMAIN"; kind = "domain"
            var s = "CREATE DOMAIN \(t.qualified) AS \(base)"
            if let collation { s += " COLLATE \(collation)" }
            if let def { s += " DEFAULT \(def)" }
            if notNull { s += " NOT NULL" }
            for k in model.constraints where k.onDomain && k.validated && k.schema == t.schema && k.table == t.name {
                s += "\n    CONSTRAINT \(SQL.quoteIdent(k.name)) \(k.definition)"
            }
            sql = s + ";"
        case .composite(let attributes):
            sql = "CREATE TYPE \(t.qualified) AS (\n" + attributes.map { a in
                "    \(SQL.quoteIdent(a.name)) \(a.type)" + (a.collation.map { " COLLATE \($0)" } ?? "")
            }.joined(separator: ",\n") + "\n);"
        case .range(let subtype, let opclass, let collation, let diff, let multirange):
            var parts = ["subtype = \(subtype)"]
            if let multirange { parts.append("multirange_type_name = \(multirange)") }
            if let opclass { parts.append("subtype_opclass = \(opclass)") }
            if let collation { parts.append("collation = \(collation)") }
            if let diff { parts.append("subtype_diff = \(diff)") }
            sql = "CREATE TYPE \(t.qualified) AS RANGE (\n    " + parts.joined(separator: ",\n    ") + "\n);"
        }
        addPre(.create, kind, t.qualified, sql)
        owner("\(keyword) \(t.qualified)", t.owner, kind: kind, name: t.qualified)
        if let c = DDL.comment("\(keyword) \(t.qualified)", t.comment) { addPre(.comment, kind, t.qualified, c) }
        if case .composite(let attributes) = t.kind { columnComments(t.qualified, attributes, kind: "type") }
        for k in model.constraints where k.onDomain && k.schema == t.schema && k.table == t.name {
            if let c = DDL.comment("CONSTRAINT \(SQL.quoteIdent(k.name)) ON DOMAIN \(t.qualified)", k.comment) {
                addPre(.comment, "constraint", "\(SQL.quoteIdent(k.name)) on \(t.qualified)", c)
            }
        }
    }

    mutating func emitObject(_ o: SchemaObject, post: Bool) {
        for (i, sql) in o.statements(currentUser: currentUser).enumerated() {
            let action: SchemaStatement.Action = i == 0 ? .create : sql.hasPrefix("COMMENT ") ? .comment : .alter
            if post { addPost(action, o.kind, o.identity, sql) } else { addPre(action, o.kind, o.identity, sql) }
        }
    }

    mutating func emitSequence(_ s: SequenceInfo) {
        addPre(.create, "sequence", s.qualified,
               "CREATE SEQUENCE \(s.qualified) AS \(s.dataType)" + sequenceOptions(s) + ";")
        owner("SEQUENCE \(s.qualified)", s.owner, kind: "sequence", name: s.qualified)
        if let c = DDL.comment("SEQUENCE \(s.qualified)", s.comment) { addPre(.comment, "sequence", s.qualified, c) }
    }

    func sequenceOptions(_ s: SequenceInfo) -> String {
        "\n    START WITH \(s.start)\n    INCREMENT BY \(s.increment)\n    MINVALUE \(s.minValue)\n    MAXVALUE \(s.maxValue)\n    CACHE \(s.cache)"
            + (s.cycle ? "\n    CYCLE" : "")
    }

    mutating func emitTable(_ t: TableInfo, deferring parts: Set<String> = []) {
        let parent = t.partitionOf.flatMap { p in model.tables.first { $0.schema == p.schema && $0.name == p.name } }
        var sql = "CREATE " + (t.unlogged ? "UNLOGGED " : "") + (t.kind == "f" ? "FOREIGN " : "") + "TABLE \(t.qualified)"
        // A partition whose columns all come from its parent is written as PARTITION OF, which
        // is what leaves them marked inherited (attislocal = false) as in the source.
        let asPartitionOf = t.partitionOf != nil && !t.columns.isEmpty && t.columns.allSatisfy { !$0.isLocal }
        var afterCreate: [String] = []
        if asPartitionOf, let p = t.partitionOf {
            sql += " PARTITION OF \(SQL.qualified(p.schema, p.name))\n\(p.bound)"
            for col in t.columns {
                afterCreate += inheritedColumnAdjustments(t, col, inherited: parent?.columns.first { $0.name == col.name }, parts: parts)
            }
        } else if let type = t.ofType {
            // A typed table's columns come from its type; what the table adds is set after.
            sql += " OF \(type)"
            for col in t.columns {
                let name = SQL.quoteIdent(col.name)
                if let d = col.defaultExpr, !parts.contains("default \(col.name)") {
                    afterCreate.append("ALTER TABLE ONLY \(t.qualified) ALTER COLUMN \(name) SET DEFAULT \(d);")
                }
                if col.notNull { afterCreate.append("ALTER TABLE ONLY \(t.qualified) ALTER COLUMN \(name) SET NOT NULL;") }
            }
        } else if !t.inherits.isEmpty {
            // Only the child's own columns are written; the inherited ones come with INHERITS,
            // and where the child's default or NOT NULL differs from its parent's it is set after.
            let parents = t.inherits.compactMap { p in model.tables.first { $0.qualified == p } }
            sql += " (\n" + t.columns.filter(\.isLocal).map { col in
                var col = col
                if parts.contains("default \(col.name)") { col.defaultExpr = nil }
                return columnDefinition(col, table: t)
            }.joined(separator: ",\n") + "\n)\nINHERITS (" + t.inherits.joined(separator: ", ") + ")"
            for col in t.columns where !col.isLocal {
                let inherited = parents.lazy.compactMap { p in p.columns.first { $0.name == col.name } }.first
                afterCreate += inheritedColumnAdjustments(t, col, inherited: inherited, parts: parts)
            }
        } else {
            sql += " (\n" + t.columns.map { col in
                var col = col
                if parts.contains("default \(col.name)") { col.defaultExpr = nil }
                return columnDefinition(col, table: t)
            }.joined(separator: ",\n") + "\n)"

        }
        if let key = t.partitionKey { sql += "\nPARTITION BY \(key)" }
        if let server = t.foreignServer {
            sql += "\nSERVER \(SQL.quoteIdent(server))" + ForeignTables.options(t.foreignOptions)
        }
        sql += DDL.withOptions(t.options) + ";"
        addPre(.create, "table", t.qualified, sql)
        for s in afterCreate { addPre(.alter, "table", t.qualified, s) }
        // Valid checks go with the table (the rows loaded satisfy them); NOT VALID ones wait for
        // post-data, as in pg_dump.
        for k in model.constraints where !k.onDomain && k.type == "c" && k.validated && k.schema == t.schema && k.table == t.name
            && !parts.contains("check \(k.name)") {
            addPre(.create, "constraint", "\(SQL.quoteIdent(k.name)) on \(t.qualified)",
                   "ALTER TABLE \(t.partitionKey == nil ? "ONLY " : "")\(t.qualified) ADD CONSTRAINT \(SQL.quoteIdent(k.name)) \(k.definition);")
        }
        // ATTACH PARTITION wants the parent's checks on the partition already.
        if !asPartitionOf, let p = t.partitionOf {
            addPre(.alter, "table", SQL.qualified(p.schema, p.name),
                   "ALTER TABLE ONLY \(SQL.qualified(p.schema, p.name)) ATTACH PARTITION \(t.qualified) \(p.bound);")
        }
        for col in t.columns {
            for setting in col.settings {
                addPre(.alter, "column", "\(t.qualified).\(SQL.quoteIdent(col.name))",
                       "ALTER TABLE ONLY \(t.qualified) ALTER COLUMN \(SQL.quoteIdent(col.name)) \(setting);")
            }
        }
        owner("\(t.keyword) \(t.qualified)", t.owner, kind: "table", name: t.qualified)
        if let c = DDL.comment("\(t.keyword) \(t.qualified)", t.comment) { addPre(.comment, "table", t.qualified, c) }
        columnComments(t.qualified, t.columns, kind: "table")
    }

    /// A partition's or inheriting child's column whose default or NOT NULL differs from its
    /// parent's: set after the table exists (unless that default waits for a later part).
    func inheritedColumnAdjustments(_ t: TableInfo, _ col: Column, inherited: Column?, parts: Set<String>) -> [String] {
        let name = SQL.quoteIdent(col.name)
        var statements: [String] = []
        if col.defaultExpr != inherited?.defaultExpr && !parts.contains("default \(col.name)") {
            statements.append(col.defaultExpr.map { "ALTER TABLE ONLY \(t.qualified) ALTER COLUMN \(name) SET DEFAULT \($0);" }
                              ?? "ALTER TABLE ONLY \(t.qualified) ALTER COLUMN \(name) DROP DEFAULT;")
        }
        if col.notNull && inherited?.notNull != true {
            statements.append("ALTER TABLE ONLY \(t.qualified) ALTER COLUMN \(name) SET NOT NULL;")
        }
        return statements
    }

    func columnDefinition(_ col: Column, table: TableInfo) -> String {
        var s = "    \(SQL.quoteIdent(col.name)) \(col.type)"
        if let c = col.collation { s += " COLLATE \(c)" }
        if let g = col.generatedExpr { s += " GENERATED ALWAYS AS (\(g)) STORED" }
        if let d = col.defaultExpr { s += " DEFAULT \(d)" }
        if let identity = col.identity {
            s += identity == "a" ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY"
            if let seq = model.sequences.first(where: {
                $0.isIdentity && $0.ownedBy?.schema == table.schema && $0.ownedBy?.table == table.name && $0.ownedBy?.column == col.name
            }) {
                s += " (\n    SEQUENCE NAME \(seq.qualified)" + sequenceOptions(seq).replacingOccurrences(of: "\n    ", with: "\n        ") + "\n    )"
            }
        }
        if col.notNull { s += " NOT NULL" }
        return s
    }

    mutating func columnComments(_ relation: String, _ columns: [Column], kind: String) {
        for col in columns {
            if let c = DDL.comment("COLUMN \(relation).\(SQL.quoteIdent(col.name))", col.comment) {
                addPre(.comment, "column", "\(relation).\(SQL.quoteIdent(col.name))", c)
            }
        }
    }

    mutating func owner(_ target: String, _ owner: String, kind: String, name: String) {
        guard owner != currentUser || alwaysSetOwner.contains(name) else { return }
        addPre(.alter, kind, name, "ALTER \(target) OWNER TO \(SQL.quoteIdent(owner));")
    }

    // MARK: Post-data

    mutating func postData() throws {
        let tables = Dictionary(model.tables.map { ($0.schema + "." + $0.name, $0) }, uniquingKeysWith: { a, _ in a })
        // A constraint on a partitioned table or an inheritance parent goes to its children too.
        let parents = Set(model.tables.flatMap(\.inherits))
        func isPartitioned(_ k: ConstraintInfo) -> Bool {
            tables[k.schema + "." + k.table]?.partitionKey != nil || parents.contains(k.qualifiedTable)
        }
        // Keys: parents before partitions, then each partition's key index is attached to its parent's.
        let keys = model.constraints.filter { !$0.onDomain && ["p", "u", "x"].contains($0.type) }
        for k in keys.filter({ $0.parentIndex == nil }) + keys.filter({ $0.parentIndex != nil }) {
            addPost(.create, "constraint", "\(SQL.quoteIdent(k.name)) on \(k.qualifiedTable)",
                    "ALTER TABLE ONLY \(k.qualifiedTable) ADD CONSTRAINT \(SQL.quoteIdent(k.name)) \(k.definition);")
        }
        for k in keys {
            if let parent = k.parentIndex, let index = k.indexName {
                addPost(.alter, "index", SQL.qualified(k.schema, index),
                        "ALTER INDEX \(parent) ATTACH PARTITION \(SQL.qualified(k.schema, index));")
            }
        }
        keyDependentViewsAfterKeys()
        for ix in model.indexes.filter({ $0.parentIndex == nil }) + model.indexes.filter({ $0.parentIndex != nil }) {
            addPost(.create, "index", ix.qualified, ix.definition + ";")
        }
        for ix in model.indexes {
            if let parent = ix.parentIndex {
                addPost(.alter, "index", ix.qualified, "ALTER INDEX \(parent) ATTACH PARTITION \(ix.qualified);")
            }
            if ix.clustered {
                addPost(.alter, "table", SQL.qualified(ix.schema, ix.table),
                        "ALTER TABLE \(SQL.qualified(ix.schema, ix.table)) CLUSTER ON \(SQL.quoteIdent(ix.name));")
            }
            if let c = DDL.comment("INDEX \(ix.qualified)", ix.comment) { addPost(.comment, "index", ix.qualified, c) }
        }
        // A partition's own key attached to a partitioned index, once that index exists.
        for k in keys {
            if let parent = k.attachedTo, let index = k.indexName {
                addPost(.alter, "index", SQL.qualified(k.schema, index), "ALTER INDEX \(parent) ATTACH PARTITION \(SQL.qualified(k.schema, index));")
            }
        }
        for o in model.objects where o.postData { emitObject(o, post: true) }
        for setting in model.indexSettings {
            for sql in setting.statements { addPost(.alter, "index", setting.index, sql) }
        }
        for k in model.constraints where !k.validated && k.type == "c" {
            addPost(.create, "constraint", "\(SQL.quoteIdent(k.name)) on \(k.qualifiedTable)", k.onDomain
                    ? "ALTER DOMAIN \(k.qualifiedTable) ADD CONSTRAINT \(SQL.quoteIdent(k.name)) \(k.definition);"
                    : "ALTER TABLE \(isPartitioned(k) ? "" : "ONLY ")\(k.qualifiedTable) ADD CONSTRAINT \(SQL.quoteIdent(k.name)) \(k.definition);")
        }
        validateInheritedChecks()
        // A foreign table has no replica identity to set (its relreplident reads 'n').
        for t in model.tables where t.replicaIdentity != "d" && t.kind != "f" {
            let what: String
            switch t.replicaIdentity {
            case "f": what = "FULL"
            case "n": what = "NOTHING"
            default: what = "USING INDEX " + SQL.quoteIdent(t.replicaIdentityIndex ?? "")
            }
            addPost(.alter, "table", t.qualified, "ALTER TABLE ONLY \(t.qualified) REPLICA IDENTITY \(what);")
        }
        for k in model.constraints where k.type == "f" {
            addPost(.create, "constraint", "\(SQL.quoteIdent(k.name)) on \(k.qualifiedTable)",
                    "ALTER TABLE \(isPartitioned(k) ? "" : "ONLY ")\(k.qualifiedTable) ADD CONSTRAINT \(SQL.quoteIdent(k.name)) \(k.definition);")
        }
        for k in model.constraints where !k.onDomain {
            if let c = DDL.comment("CONSTRAINT \(SQL.quoteIdent(k.name)) ON \(k.qualifiedTable)", k.comment) {
                addPost(.comment, "constraint", "\(SQL.quoteIdent(k.name)) on \(k.qualifiedTable)", c)
            }
        }
        for t in model.triggers {
            for s in DDL.trigger(t) { addPost(.create, "trigger", "\(SQL.quoteIdent(t.name)) on \(t.qualifiedTable)", s) }
        }
        for r in model.rules {
            let table = SQL.qualified(r.schema, r.table)
            var s = r.definition.trimmingCharacters(in: .whitespacesAndNewlines)
            if !s.hasSuffix(";") { s += ";" }
            addPost(.create, "rule", "\(SQL.quoteIdent(r.name)) on \(table)", s)
            let state = ["D": "DISABLE RULE", "R": "ENABLE REPLICA RULE", "A": "ENABLE ALWAYS RULE"][r.enabled]
            if let state { addPost(.alter, "rule", "\(SQL.quoteIdent(r.name)) on \(table)", "ALTER TABLE \(table) \(state) \(SQL.quoteIdent(r.name));") }
            if let c = DDL.comment("RULE \(SQL.quoteIdent(r.name)) ON \(table)", r.comment) { addPost(.comment, "rule", "\(SQL.quoteIdent(r.name)) on \(table)", c) }
        }
        for t in model.tables {
            if t.rlsEnabled { addPost(.alter, "table", t.qualified, "ALTER TABLE \(t.qualified) ENABLE ROW LEVEL SECURITY;") }
            if t.rlsForced { addPost(.alter, "table", t.qualified, "ALTER TABLE \(t.qualified) FORCE ROW LEVEL SECURITY;") }
        }
        for p in model.policies {
            for s in DDL.policy(p) { addPost(.create, "policy", "\(SQL.quoteIdent(p.name)) on \(p.qualifiedTable)", s) }
        }
        // Materialized views are filled once the rows are in, in dependency order; those whose
        // query calls a routine last (`refreshOrder`). The tables they read are analyzed first:
        // a table created in this transaction has no statistics, and on the planner's default
        // guesses (200 groups) a view's GROUP BY spills to disk (measured: 2.4 s instead of
        // 1.0 s for 330,000 rows; the ANALYZE costs 0.4 s).
        let filled = orderedNodes().compactMap { node -> ViewInfo? in
            guard case .view(let v) = node, v.materialized, v.populated else { return nil }
            return v
        }
        // What they read, directly or through plain views.
        let plainViews = Set(model.views.filter { !$0.materialized }.map(\.ref))
        var read = Set<ObjectRef>(), pending = filled.map(\.ref)
        while let ref = pending.popLast() {
            for d in model.dependencies[ref] ?? [] where read.insert(d).inserted && plainViews.contains(d) { pending.append(d) }
        }
        let inputs = model.tables.filter { read.contains($0.ref) && $0.kind != "f" }.map(\.qualified)
        if !inputs.isEmpty {
            addPost(.alter, "table", inputs.joined(separator: ", "), "ANALYZE \(inputs.joined(separator: ", "));")
        }
        for v in refreshOrder(filled) {
            addPost(.alter, "materialized view", v.qualified, "REFRESH MATERIALIZED VIEW \(v.qualified);")
        }
        for p in model.publicationTables {
            var s = "ALTER PUBLICATION \(SQL.quoteIdent(p.publication)) ADD TABLE ONLY \(SQL.qualified(p.schema, p.table))"
            if let cols = p.columns { s += " (" + cols.map(SQL.quoteIdent).joined(separator: ", ") + ")" }
            if let f = p.rowFilter { s += " WHERE (\(f))" }
            addPost(.alter, "publication", SQL.quoteIdent(p.publication), s + ";")
        }
        for d in model.dependents {
            for s in d.createSQL { addPost(.create, d.kind, d.identity, s) }
        }
        try privileges()
    }

    /// Object and column privileges. (Default privileges depend on what the target has; the
    /// clone plan adds them after these.)
    mutating func privileges() throws {
        func grant(_ kind: String, _ aclKind: String, _ object: String, _ name: String, owner: String, _ acl: [ACLItem]?,
                   schema: String) throws {
            let start = try initialACL(aclKind, owner, schema)
            // No ACL in the source means the built-in default; the target's creator may have
            // global default privileges that gave the new object more, which are taken back.
            let target = try acl ?? builtinACL(aclKind, owner)
            for s in ACLPlanner.statements(from: start, to: target, object: object) {
                addPost(.grant, kind, name, s)
            }
        }
        func columnGrants(_ relation: String, _ columns: [Column]) {
            for col in columns {
                guard let acl = col.acl else { continue }
                for s in ACLPlanner.statements(from: [], to: acl, object: "TABLE \(relation)", column: SQL.quoteIdent(col.name)) {
                    addPost(.grant, "column", "\(relation).\(SQL.quoteIdent(col.name))", s)
                }
            }
        }
        for t in model.types {
            try grant(t.isDomain ? "domain" : "type", "T", (t.isDomain ? "DOMAIN " : "TYPE ") + t.qualified, t.qualified, owner: t.owner, t.acl, schema: t.schema)
        }
        for s in model.sequences { try grant("sequence", "s", "SEQUENCE \(s.qualified)", s.qualified, owner: s.owner, s.acl, schema: s.schema) }
        for t in model.tables {
            try grant("table", "r", "TABLE \(t.qualified)", t.qualified, owner: t.owner, t.acl, schema: t.schema)
            columnGrants(t.qualified, t.columns)
        }
        for r in model.routines {
            try grant(r.keyword.lowercased(), "f", (r.kind == "a" ? "ROUTINE " : r.keyword + " ") + r.signature, r.signature, owner: r.owner, r.acl, schema: r.schema)
        }
        for v in model.views {
            try grant(v.materialized ? "materialized view" : "view", "r", "TABLE \(v.qualified)", v.qualified, owner: v.owner, v.acl, schema: v.schema)
            columnGrants(v.qualified, v.columns)
        }
    }

    mutating func addPre(_ action: SchemaStatement.Action, _ kind: String, _ name: String, _ sql: String) {
        pre.append(SchemaStatement(action, kind, name, sql, phase: .preData))
    }

    mutating func addPost(_ action: SchemaStatement.Action, _ kind: String, _ name: String, _ sql: String) {
        post.append(SchemaStatement(action, kind, name, sql, phase: .postData))
    }
}

/// `ALTER DEFAULT PRIVILEGES` statements.
enum DefaultPrivileges {
    static let objectWords = ["r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS"]

    static func statements(_ d: DefaultPrivilege, from current: [ACLItem], to target: [ACLItem]) -> [String] {
        let prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE \(SQL.quoteIdent(d.role)) IN SCHEMA \(SQL.quoteIdent(d.schema)) "
        let word = objectWords[d.objectType] ?? "TABLES"
        // ACLPlanner writes `GRANT x ON <object> TO g`; default privileges put the object word there.
        return ACLPlanner.statements(from: current, to: target, object: word).map { prefix + $0 }
    }
}
