/// Compares two models and writes the migration from b to a, statement by statement, into
/// buckets by phase; `migration()` joins them and orders the result with `StatementGraph`, the
/// dependency sort `clone_schema` uses too.
struct DiffBuilder {
    let a: SchemaModel, b: SchemaModel
    /// Each side's graph keys by catalog reference (`StatementGraph.keys`), read once.
    let keysA: [ObjectRef: String], keysB: [ObjectRef: String]
    var options = DiffOptions()
    private(set) var changes: [SchemaChange] = []

    /// Diff and clone speak the same statement type.
    typealias Statement = SchemaStatement
    // Buckets, in the order `migration()` joins them.
    var dropOutside: [Statement] = []      // dependent objects, publication membership
    var dropTableParts: [Statement] = []   // policies, triggers, rules
    var dropForeignKeys: [Statement] = []
    var dropConstraints: [Statement] = []  // other constraints, indexes
    var dropViews: [Statement] = []        // dependents first
    var dropRoutines: [Statement] = []     // routines re-created: before their new version
    var dropRoutinesLate: [Statement] = [] // routines gone: after the table changes that stop using them
    var dropTables: [Statement] = []
    var dropTypes: [Statement] = []        // sequences, types, extensions: after the table changes
    var dropSchemas: [Statement] = []      // last: what they still hold goes first
    var preAlters: [Statement] = []        // schemas, extensions, types in place
    var tableAlters: [Statement] = []      // tables, columns, sequences in place
    var sequenceOwners: [Statement] = []   // after the columns they name exist
    var replacedRoutines: [Statement] = []
    var postKeys: [Statement] = []         // constraints and indexes on existing tables
    var postForeignKeys: [Statement] = []
    var postOther: [Statement] = []        // triggers, rules, RLS, policies, publications, dependents
    var grants: [Statement] = []           // owners, privileges, comments of existing objects
    var manual: [String] = []
    /// Guards that refuse the migration before it changes anything (an enum value still in use).
    var checks: [Statement] = []
    /// Enums and domains re-created under their name (enum values removed, reordered, or added
    /// and used in the same migration; a domain's base type changed), by qualified name.
    var recreatedTypes: Set<String> = []
    /// Columns dropped and added again (a generation expression PostgreSQL cannot change in
    /// place), by qualified table: their views, indexes and constraints come back with them.
    var readdedColumns: [String: Set<String>] = [:]
    /// Tables re-created with their rows copied (partitioning changed), by qualified name.
    var recreatedTables: Set<String> = []
    /// Partitioned tables with a column whose type changes in place, by qualified name: PostgreSQL
    /// builds their partitions' indexes and keys again under names it chooses itself.
    var retypedParents: Set<String> = []
    /// Constraints and indexes of kept tables dropped and made again around a routine they call
    /// ("constraint <table> <name>", "index <qualified>").
    var rebuiltParts: Set<String> = []
    /// Collations, operators, classes, text-search objects … made again, by graph key
    /// (`objectsToRecreate`).
    var recreatedObjects: Set<String> = []
    /// Routines (by ref) that a dropped table's defaults or checks call and that come off before
    /// the table goes (`splitCyclicParts`): its drop does not wait for theirs.
    var splitParts: [ObjectRef: Set<ObjectRef>] = [:]
    /// Policies of tables that go, dropped by name before what they read (`userKey`): their
    /// reads no longer hold the table's drop.
    var policiesDroppedFirst: Set<String> = []
    /// Objects (re)created from a: generated like a clone.
    var created = SchemaModel()

    init(a: SchemaModel, b: SchemaModel) {
        self.a = a; self.b = b
        keysA = StatementGraph.keys(a); keysB = StatementGraph.keys(b)
        created.serverVersion = a.serverVersion
        created.dependencies = a.dependencies
        created.partDependencies = a.partDependencies
        created.keyDependentViews = a.keyDependentViews
    }

    // MARK: Helpers

    mutating func note(_ kind: String, _ name: String, _ change: SchemaChange.Change, _ detail: String = "") {
        changes.append(SchemaChange(kind: kind, name: name, change: change, detail: detail))
    }

    static func keyed<T>(_ list: [T], _ key: (T) -> String) -> [String: T] {
        Dictionary(list.map { (key($0), $0) }, uniquingKeysWith: { x, _ in x })
    }

    /// Keys present in a only, in b only, and in both, each sorted.
    static func split<T>(_ x: [String: T], _ y: [String: T]) -> (onlyA: [String], onlyB: [String], both: [String]) {
        (x.keys.filter { y[$0] == nil }.sorted(), y.keys.filter { x[$0] == nil }.sorted(), x.keys.filter { y[$0] != nil }.sorted())
    }

    func effective(_ acl: [ACLItem]?, _ kind: String, _ owner: String, _ model: SchemaModel) -> [ACLItem] {
        acl ?? ACLPlanner.builtinDefault(kind: kind, owner: owner, serverVersion: model.serverVersion)
    }

    /// Owner, privileges and comment of an object present on both sides.
    mutating func common(kind: String, name: String, target: String, aclKind: String,
                         ownerA: String, ownerB: String, aclA: [ACLItem]?, aclB: [ACLItem]?,
                         commentA: String?, commentB: String?, grantTarget: String? = nil) {
        if ownerA != ownerB {
            note("owner", name, .alter, "\(kind) owner \(ownerB) → \(ownerA)")
            grants.append(Statement(sql: "ALTER \(target) OWNER TO \(SQL.quoteIdent(ownerA));"))
        }
        // ALTER … OWNER TO renames the old owner in the ACL; compare with that done.
        let from = effective(aclB, aclKind, ownerB, b).map { item -> ACLItem in
            var item = item
            if item.grantee == ownerB && ownerA != ownerB { item.grantee = ownerA }
            if item.grantor == ownerB && ownerA != ownerB { item.grantor = ownerA }
            return item
        }
        let to = effective(aclA, aclKind, ownerA, a)
        // Both at the built-in default: equal, even across server versions whose defaults differ.
        let bothDefault = aclA == nil && aclB == nil
        if !bothDefault && Set(from) != Set(to) {
            let statements = ACLPlanner.statements(from: from, to: to, object: grantTarget ?? target)
            note("privileges", name, .alter, statements.map { $0.replacingOccurrences(of: ";", with: "") }.joined(separator: "; "))
            grants += statements.map { Statement(sql: $0) }
        }
        comment(target: target, name: name, commentA, commentB)
    }

    mutating func comment(target: String, name: String, _ x: String?, _ y: String?) {
        guard x != y else { return }
        note("comment", name, .alter, x == nil ? "removed" : y == nil ? "added" : "changed")
        grants.append(Statement(sql: "COMMENT ON \(target) IS \(x.map(SQL.quoteLiteral) ?? "NULL");"))
    }

    mutating func columnPrivileges(_ relation: String, _ column: String, _ x: [ACLItem]?, _ y: [ACLItem]?) {
        let to = x ?? [], from = y ?? []
        guard Set(to) != Set(from) else { return }
        let statements = ACLPlanner.statements(from: from, to: to, object: "TABLE \(relation)", column: SQL.quoteIdent(column))
        note("privileges", "\(relation).\(SQL.quoteIdent(column))", .alter, "column privileges")
        grants += statements.map { Statement(sql: $0) }
    }

    /// The role most of b's objects belong to: new objects owned by it need no OWNER TO.
    var usualOwner: String {
        var counts: [String: Int] = [:]
        for o in b.tables.map(\.owner) + b.routines.map(\.owner) + b.views.map(\.owner) { counts[o, default: 0] += 1 }
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? ""
    }

    /// Whether an expression or definition names `column` (quoted as SQL prints it).
    static func mentions(_ text: String, _ column: String) -> Bool {
        let q = SQL.quoteIdent(column)
        var search = text[...]
        while let r = search.range(of: q) {
            let before = r.lowerBound == text.startIndex ? nil : text[text.index(before: r.lowerBound)]
            let after = r.upperBound == text.endIndex ? nil : text[r.upperBound]
            func word(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "\"" || $0 == "$" } ?? false }
            if !word(before) && !word(after) { return true }
            search = text[r.upperBound...]
        }
        return false
    }

    func isReadded(_ table: String, _ definition: String) -> Bool {
        (readdedColumns[table] ?? []).contains { Self.mentions(definition, $0) }
    }

    /// Generated columns whose expression changes, columns turned generated, and generated
    /// columns over a column whose type changes: PostgreSQL 15 can only drop and add them.
    func columnsToReadd() -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        let y = Self.keyed(b.tables, \.qualified)
        let remade = remadeRoutineRefs
        for t in a.tables {
            guard let u = y[t.qualified] else { continue }
            let cols = Self.keyed(u.columns, \.name)
            // A generated column calling a routine that is dropped and created again goes with it.
            for part in b.partDependencies[u.ref] ?? [] where part.part.hasPrefix("default ") && remade.contains(part.on) {
                let name = String(part.part.dropFirst("default ".count))
                if cols[name]?.generatedExpr != nil && t.columns.contains(where: { $0.name == name && $0.generatedExpr != nil }) {
                    out[t.qualified, default: []].insert(name)
                }
            }
            let retyped = t.columns.filter { c in cols[c.name].map { $0.type != c.type && $0.generatedExpr == nil } ?? false }.map(\.name)
            for c in t.columns {
                guard let g = c.generatedExpr, let d = cols[c.name] else { continue }
                if d.generatedExpr != g && !(d.generatedExpr != nil && a.serverVersion >= 170000)
                    || retyped.contains(where: { Self.mentions(g, $0) }) {
                    out[t.qualified, default: []].insert(c.name)
                }
            }
        }
        return out
    }

    /// Columns of tables on both sides whose type changes (or whose type is re-created), by
    /// qualified table: views, policies and rules over them are dropped and made again.
    func retypedColumns() -> [String: Set<String>] {
        let tablesA = Self.keyed(a.tables, \.qualified)
        let remadeCollations = recreatedCollations
        var out: [String: Set<String>] = [:]
        for t in b.tables {
            guard let s = tablesA[t.qualified] else { continue }
            let cols = Self.keyed(s.columns, \.name)
            for c in t.columns where cols[c.name].map({ $0.type != c.type || $0.collation != c.collation }) ?? false
                || c.collation.map(remadeCollations.contains) == true
                || recreatedTypes.contains(c.type) || (c.type.hasSuffix("[]") && recreatedTypes.contains(String(c.type.dropLast(2))))
                || (readdedColumns[t.qualified] ?? []).contains(c.name) {
                out[t.qualified, default: []].insert(c.name)
            }
        }
        return out
    }

    // MARK: Run

    mutating func run() {
        compareSchemas()
        compareExtensions()
        compareForeignServers()
        recreatedObjects = objectsToRecreate()
        recreatedTypes = typesToRecreate()
        readdedColumns = columnsToReadd()
        recreatedTables = tablesToRecreate()
        compareTypes()
        compareSchemaObjects()
        compareSequences()
        let recreated = relationsToRecreate()
        compareTables(recreated: recreated)
        compareRoutines(recreated: recreated)
        compareViews(recreated: recreated)
        compareConstraints()
        compareValidatedInheritedChecks()
        compareIndexes()
        compareTriggersRulesPolicies()
        comparePublications()
        compareDependents()
        compareDefaultPrivileges()
        compareExtensionMembers()
        compareIndexSettings()
        compareMaterializedViewState()
        compareGlobalDefaultPrivileges()
    }

    /// Joins the buckets: drops (outermost first), in-place changes of types, then new objects
    /// and in-place table changes, the remaining drops, post-data, privileges and comments; then
    /// `StatementGraph.order` moves what the edges say must come first (a dependent's drop
    /// before its object's, a new view after the table changes that add the columns it reads,
    /// a routine over a view after the view).
    func migration() -> [SchemaStatement] {
        var out: [SchemaStatement] = []
        let refsB = Dictionary(keysB.map { ($1, $0) }, uniquingKeysWith: { x, _ in x })
        // A table's triggers, rules and policies go with it, and pg_depend records what they use
        // (a trigger's function, a view a policy reads) on them: the table is dropped before those.
        var partUses: [ObjectRef: Set<ObjectRef>] = [:]
        let readersB = Set(b.views.map(\.ref) + b.routines.map(\.ref))
        let columnsKeysB = Dictionary(b.tables.map { ($0.ref, StatementGraph.columnsKey($0.qualified)) } + b.views.map { ($0.ref, StatementGraph.columnsKey($0.qualified)) },
                                      uniquingKeysWith: { x, _ in x })
        let relationRefs = Dictionary((b.tables.map { ($0.qualified, $0.ref) } + b.views.map { ($0.qualified, $0.ref) }),
                                      uniquingKeysWith: { x, _ in x })
        var partOf: [String: ObjectRef] = [:]
        for p in b.policies where !policiesDroppedFirst.contains(Self.userKey("policy", p.schema, p.table, p.name)) {
            partOf[Self.userKey("policy", p.schema, p.table, p.name)] = relationRefs[p.qualifiedTable]
        }
        for t in b.triggers { partOf[Self.userKey("trigger", t.schema, t.table, t.name)] = relationRefs[t.qualifiedTable] }
        for r in b.rules { partOf[Self.userKey("rule", r.schema, r.table, r.name)] = relationRefs[SQL.qualified(r.schema, r.table)] }
        for (used, users) in b.routineUsers {
            for u in users { if let relation = partOf[u] { partUses[relation, default: []].insert(used) } }
        }
        // So do its indexes, with the operator classes, collations and functions they use.
        for i in b.indexes {
            if let relation = relationRefs[SQL.qualified(i.schema, i.table)] { partUses[relation, default: []].formUnion(b.dependencies[i.ref] ?? []) }
        }
        // Routines gone for good, by key: the kept tables whose defaults or checks call them in b.
        let routinesA = Set(a.routines.map(\.signature)), tablesKeptA = Set(a.tables.map(\.qualified)).subtracting(recreatedTables)
        let routineRefsB = Dictionary(b.routines.map { ($0.ref, $0) }, uniquingKeysWith: { x, _ in x })
        var partCallers: [String: Set<String>] = [:]
        for t in b.tables where tablesKeptA.contains(t.qualified) {
            for part in b.partDependencies[t.ref] ?? [] {
                guard let r = routineRefsB[part.on], !routinesA.contains(r.signature) else { continue }
                partCallers[StatementGraph.routineKey(r.signature), default: []].insert(StatementGraph.partsKey(t.qualified))
            }
        }
        /// A bucket's statements in its phase; a drop requires what its object depended on in b
        /// (which is dropped after it), and a routine gone for good the default and check changes
        /// of the kept tables that called it.
        func add(_ list: [Statement], _ phase: SchemaStatement.Phase) {
            for var s in list {
                s.phase = phase
                if StatementGraph.isDrop(s) && s.requires.isEmpty {
                    let provides = StatementGraph.effectiveProvides(s)
                    // A view or routine reads the columns of the relations it depends on: they
                    // change in place only once it is gone.
                    s.requires = Set(provides.flatMap { k in
                        refsB[k].map { ref in (b.dependencies[ref] ?? []).subtracting(splitParts[ref] ?? []).union(partUses[ref] ?? []).flatMap { d -> [String] in
                            guard let key = keysB[d] else { return [] }
                            guard readersB.contains(ref), let columns = columnsKeysB[d] else { return [key] }
                            return [key, columns]
                        } } ?? []
                    }).subtracting(provides)
                    for k in provides { s.requires.formUnion(partCallers[k] ?? []) }
                }
                out.append(s)
            }
        }
        /// In-place changes of a kept table's columns and keys, which come after the creates of
        /// what the table needs in a (a column's type or collation, a function or sequence its
        /// defaults and checks call, its parent), as pg_depend records them on the table: the
        /// statement sort places them after those and before what reads the new columns.
        let tablesA = Dictionary(a.tables.flatMap { [(StatementGraph.columnsKey($0.qualified), $0.ref), (StatementGraph.partsKey($0.qualified), $0.ref)] },
                                 uniquingKeysWith: { x, _ in x })
        func addInPlace(_ list: [Statement], _ phase: SchemaStatement.Phase) {
            add(list.map { s in
                var s = s
                guard !StatementGraph.isDrop(s) && s.requires.isEmpty else { return s }
                let provides = StatementGraph.effectiveProvides(s)
                s.requires = Set(provides.compactMap { tablesA[$0] }.flatMap { (a.dependencies[$0] ?? []).compactMap { keysA[$0] } })
                    .subtracting(provides)
                // A default is set once the column has its new type.
                if s.sql.contains(" SET DEFAULT ") {
                    for k in provides where k.hasPrefix("parts ") { s.requires.insert(StatementGraph.columnsKey(String(k.dropFirst("parts ".count)))) }
                }
                return s
            }, phase)
        }
        /// Generated like a clone: statements keep the phase and keys the generator gave them.
        func addGenerated(_ list: [Statement]) { out += list }
        // A dropped table may reference a key that goes too: tables before keys.
        add(checks, .preData)
        add(dropOutside, .drop); add(dropTableParts, .drop); add(dropForeignKeys, .drop); add(dropViews + dropRoutines, .drop)
        add(dropTables, .drop); add(dropConstraints, .drop)
        add(preAlters, .preData)
        let owner = usualOwner
        let builtin: (String, String) throws -> [ACLItem] = { [a] kind, owner in
            ACLPlanner.builtinDefault(kind: kind, owner: owner, serverVersion: a.serverVersion)
        }
        // What b gives an object its owner creates there: the built-in ACL, or what the database-wide
        // default privileges of the role running the migration give instead (taken over by the
        // owner by ALTER … OWNER TO), plus b's default privileges for that role and schema (the
        // migration changes both only at its end).
        let objectTypes = ["r": "r", "s": "S", "f": "f", "T": "T"]
        let acl: (String, String, String) throws -> [ACLItem] = { [a, b] kind, owner, schema in
            var items = ACLPlanner.builtinDefault(kind: kind, owner: owner, serverVersion: a.serverVersion)
            if let global = b.globalDefaultPrivileges.first(where: { $0.role == b.reader && $0.objectType == objectTypes[kind] }) {
                items = global.acl.map { item in
                    var item = item
                    if item.grantee == b.reader { item.grantee = owner }
                    if item.grantor == b.reader { item.grantor = owner }
                    return item
                }
            }
            for d in b.defaultPrivileges where d.role == owner && d.schema == schema && d.objectType == objectTypes[kind] {
                for item in d.acl {
                    if let i = items.firstIndex(where: { $0.grantee == item.grantee }) {
                        items[i].privileges += item.privileges.filter { !items[i].privileges.contains($0) }
                        items[i].grantable.formUnion(item.grantable)
                    } else {
                        items.append(item)
                    }
                }
            }
            return items
        }
        // One generator for everything (re)created, as a clone writes it. A new view over new
        // columns of an existing table is not split off by hand: it requires those columns, and
        // the statement sort puts it after the table changes that add them.
        var generator = DDLGenerator(model: created, currentUser: owner, initialACL: acl, builtinACL: builtin)
        // Objects b has that are made again keep their owner, whoever runs the migration.
        generator.alwaysSetOwner = Set(b.routines.map(\.signature) + b.views.map(\.qualified) + b.tables.map(\.qualified) + b.types.map(\.qualified))
        // The dependencies of what is created are a's: its keys name them.
        generator.graphKeys = keysA
        generator.relationRefs = StatementGraph.relationRefs(a)
        try? generator.generate()
        addGenerated(generator.pre)
        addInPlace(tableAlters, .preData)
        add(sequenceOwners, .preData)
        add(replacedRoutines, .preData)
        // What is gone for good goes once nothing uses it any more (a column dropped above, a
        // default changed above).
        add(dropRoutinesLate, .drop)
        add(dropTypes, .drop); add(dropSchemas, .drop)
        // Keys of existing tables first: a new table's foreign key may reference one.
        addInPlace(postKeys, .postData)
        addGenerated(generator.post)
        addInPlace(postForeignKeys, .postData); add(postOther, .postData); add(grants, .postData)
        // The buckets give the order of phases and of independent statements; the graph moves
        // what an edge says must come first.
        out = StatementGraph.order(out)
        if out.contains(where: { Self.checksBodyAtCreate($0.sql) }) {
            out.insert(Statement(sql: "SET check_function_bodies = false;"), at: 0)
            out.append(Statement(sql: "RESET check_function_bodies;"))
        }
        return out
    }

    /// A SQL-language function with a string body is parsed and checked when created: a table
    /// or view its body names must exist already, and pg_depend records no such use to order
    /// by. As pg_dump does, the migration turns that check off (for its session) while it runs.
    static func checksBodyAtCreate(_ sql: String) -> Bool {
        guard sql.hasPrefix("CREATE OR REPLACE FUNCTION") || sql.hasPrefix("CREATE FUNCTION")
                || sql.hasPrefix("CREATE OR REPLACE PROCEDURE") || sql.hasPrefix("CREATE PROCEDURE") else { return false }
        return sql.contains("\n LANGUAGE sql\n") && !sql.contains("BEGIN ATOMIC")
    }
}
