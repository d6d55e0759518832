/// The one dependency sort behind `clone_schema` and `diff`.
///
/// Why it exists: both turn a model into `[SchemaStatement]`, and both fail the same way when a
/// statement runs before what it needs (a view before the column it reads, a function before
/// the type it returns) or a drop runs before what depends on it. Ordering them by hand, once
/// in the clone and once more in buckets of the diff, let a fix made in one place miss the
/// other. Here every statement says which objects it `provides` (creates, changes, or, for a
/// drop, makes go away) and which it `requires` (for a drop: what the dropped object depended
/// on, which must outlive it), and one topological sort orders them:
///
/// - creates and alters come after the creates and alters of what they require (a statement
///   of the post-data phase never holds up a pre-data one);
/// - drops come before the drops of what they required: reverse `pg_depend` order of the old side;
/// - a relation's columns change in place after the drops of what required them (`columns t`);
/// - an object dropped and created again is dropped before it is created;
/// - otherwise the statements keep the order they came in (their phase, then the order each
///   kind's generator wrote them), so an edge only moves what it must.
///
/// A cycle (which PostgreSQL itself can only build with later ALTERs) does not stop the sort:
/// `breakCycle` chooses the waiting entry to release, by default the first one, so what is
/// left keeps its incoming order. `order` says so in a hazard line on the statement it releases,
/// naming the statements of the cycle: that part of the migration may fail as written.
enum StatementGraph {
    /// Graph keys: `class public.t` for anything named in pg_class or pg_type (tables, views,
    /// sequences, indexes, types, domains: one namespace), `routine public.f(integer)`,
    /// `columns public.t` for what changes a relation's columns in place, and the kind and
    /// identity of a `SchemaObject` (`collation public.c`).
    static func classKey(_ qualified: String) -> String { "class " + qualified }
    static func columnsKey(_ qualified: String) -> String { "columns " + qualified }
    /// What sets or drops a table's column defaults or drops a check: a routine they stop
    /// calling goes after it. Kept apart from `columns`, which waits for the views over the table to go.
    static func partsKey(_ qualified: String) -> String { "parts " + qualified }
    static func routineKey(_ signature: String) -> String { "routine " + signature }
    /// `collation public.c`, `operator class public.o USING btree`, `statistics public.s`, …
    static func objectKey(_ o: SchemaObject) -> String { o.kind + " " + o.identity }

    /// The key of each object of `model` that statements can name, by its catalog reference.
    static func keys(_ model: SchemaModel) -> [ObjectRef: String] {
        var out: [ObjectRef: String] = [:]
        for t in model.types { out[t.ref] = classKey(t.qualified) }
        for s in model.sequences { out[s.ref] = classKey(s.qualified) }
        for t in model.tables { out[t.ref] = classKey(t.qualified) }
        for v in model.views { out[v.ref] = classKey(v.qualified) }
        for r in model.routines { out[r.ref] = routineKey(r.signature) }
        for o in model.objects { out[o.ref] = objectKey(o) }
        for i in model.indexes { out[i.ref] = classKey(i.qualified) }
        return out
    }

    /// Tables and views: what a view reads columns of.
    static func relationRefs(_ model: SchemaModel) -> Set<ObjectRef> {
        Set(model.tables.map(\.ref) + model.views.map(\.ref))
    }

    /// The key a statement's `kind` and `name` stand for, when the kind is one the graph orders.
    static func key(kind: String, name: String) -> String? {
        guard !name.isEmpty else { return nil }
        switch kind {
        case "table", "foreign table", "view", "materialized view", "sequence", "type", "domain", "index": return classKey(name)
        case "function", "procedure", "aggregate", "routine": return routineKey(name)
        default: return nil
        }
    }

    // MARK: The sort

    /// Indices `0..<count` in an order where each comes after its `predecessors`; among the
    /// ready ones the lowest `rank`, then the lowest index, goes first (Kahn's algorithm). When
    /// nothing is ready (a cycle), `breakCycle` gets the waiting indices, in index order, and
    /// whether an index is already placed, and names the one to take next; nil takes the
    /// lowest-ranked.
    static func sort(count: Int, predecessors: [Set<Int>], rank: (Int) -> Int = { _ in 0 },
                     breakCycle: (_ waiting: [Int], _ placed: (Int) -> Bool) -> Int? = { _, _ in nil }) -> [Int] {
        var successors = Array(repeating: [Int](), count: count)
        var waitingOn = Array(repeating: 0, count: count)
        for (j, preds) in predecessors.enumerated() {
            for i in preds where i != j && i >= 0 && i < count {
                successors[i].append(j)
                waitingOn[j] += 1
            }
        }
        let ranks = (0..<count).map(rank)
        var ready = MinHeap()
        for i in 0..<count where waitingOn[i] == 0 { ready.push(ranks[i], i) }
        var placed = Array(repeating: false, count: count)
        var out: [Int] = []
        out.reserveCapacity(count)
        while out.count < count {
            let next: Int
            if let i = ready.pop() {
                guard !placed[i] else { continue }
                next = i
            } else {
                let waiting = (0..<count).filter { !placed[$0] }
                next = breakCycle(waiting, { placed[$0] }) ?? waiting.min { (ranks[$0], $0) < (ranks[$1], $1) }!
            }
            placed[next] = true
            out.append(next)
            for j in successors[next] {
                waitingOn[j] -= 1
                if waitingOn[j] == 0 && !placed[j] { ready.push(ranks[j], j) }
            }
        }
        return out
    }

    /// A binary heap of (rank, index), smallest first.
    private struct MinHeap {
        private var items: [(Int, Int)] = []
        mutating func push(_ rank: Int, _ index: Int) {
            items.append((rank, index))
            var c = items.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                guard items[c] < items[p] else { break }
                items.swapAt(c, p); c = p
            }
        }
        mutating func pop() -> Int? {
            guard let top = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var p = 0
                while true {
                    let l = 2 * p + 1, r = l + 1
                    var m = p
                    if l < items.count && items[l] < items[m] { m = l }
                    if r < items.count && items[r] < items[m] { m = r }
                    if m == p { break }
                    items.swapAt(p, m); p = m
                }
            }
            return top.1
        }
    }

    // MARK: Statements

    /// `statements` in dependency order by the rules above, otherwise as given.
    static func order(_ statements: [SchemaStatement]) -> [SchemaStatement] {
        let provides = statements.map(effectiveProvides)
        let drops = statements.indices.map { isDrop(statements[$0]) }
        var creators: [String: [Int]] = [:], droppers: [String: [Int]] = [:]
        for (i, keys) in provides.enumerated() {
            for k in keys {
                if drops[i] { droppers[k, default: []].append(i) } else { creators[k, default: []].append(i) }
            }
        }
        // Drops by the keys they require: what their objects used.
        var users: [String: [Int]] = [:]
        for (i, s) in statements.enumerated() where drops[i] { for k in s.requires { users[k, default: []].append(i) } }
        func late(_ i: Int) -> Bool { statements[i].phase == .postData }
        var predecessors = Array(repeating: Set<Int>(), count: statements.count)
        for (j, s) in statements.enumerated() {
            if drops[j] {
                // A drop goes before the drops of what its object needed.
                for k in s.requires { for p in droppers[k] ?? [] { predecessors[p].insert(j) } }
                // A routine goes after the defaults that called it are set or dropped.
                for k in s.requires where k.hasPrefix("parts ") { for p in creators[k] ?? [] { predecessors[j].insert(p) } }
            } else {
                for k in s.requires {
                    for p in creators[k] ?? [] where !late(p) || late(j) { predecessors[j].insert(p) }
                }
                // An object made again is dropped first (its create, and its owner and comment).
                for k in provides[j] { for p in droppers[k] ?? [] { predecessors[j].insert(p) } }
                // Columns changed in place (retyped, dropped) once what read them is gone: a view
                // over them, a routine whose body reads them.
                for k in provides[j] where k.hasPrefix("columns ") { for p in users[k] ?? [] { predecessors[j].insert(p) } }
            }
        }
        var released: [(Int, [Int])] = []
        let sorted = sort(count: statements.count, predecessors: predecessors, breakCycle: { waiting, placed in
            // The default choice (all ranks are equal): the first waiting statement.
            let first = waiting[0]
            released.append((first, cycle(from: first, predecessors: predecessors, placed: placed)))
            return first
        })
        var out = statements
        for (i, members) in released {
            let names = members.map { describe(statements[$0]) }.joined(separator: " → ")
            let line = "dependency cycle (\(names) → \(describe(statements[members[0]]))): kept in the order written, which may fail"
            out[i].hazard = out[i].hazard.map { $0 + "; " + line } ?? line
        }
        return sorted.map { out[$0] }
    }

    /// The statements of a cycle among the unplaced ones, found by following unplaced
    /// predecessors from `start` until one repeats (`start` itself may only wait on the cycle).
    static func cycle(from start: Int, predecessors: [Set<Int>], placed: (Int) -> Bool) -> [Int] {
        var path = [start], seen = [start: 0], current = start
        while let next = predecessors[current].filter({ $0 != current && !placed($0) }).min() {
            if let at = seen[next] { return Array(path[at...]) }
            seen[next] = path.count
            path.append(next)
            current = next
        }
        return [start]
    }

    /// A statement as a hazard line names it: its kind and object, else its first SQL line.
    static func describe(_ s: SchemaStatement) -> String {
        if !s.kind.isEmpty && !s.name.isEmpty { return "\(s.action.rawValue) \(s.kind) \(s.name)" }
        let line = s.sql.split(separator: "\n").first.map(String.init) ?? s.sql
        return line.count > 80 ? String(line.prefix(77)) + "…" : line
    }

    static func isDrop(_ s: SchemaStatement) -> Bool {
        s.action == .drop || s.sql.hasPrefix("DROP ")
    }

    /// What a statement provides: its own `provides`, else what its SQL (`DROP VIEW v;`,
    /// `DROP FUNCTION f(integer);`, `ALTER TABLE ONLY t …`) or, for a drop, its kind and name
    /// say it touches.
    static func effectiveProvides(_ s: SchemaStatement) -> Set<String> {
        if !s.provides.isEmpty { return s.provides }
        if s.kind.isEmpty { return target(ofSQL: s.sql) }
        // A named drop (a view, a routine); other named statements carry their keys.
        if isDrop(s), let k = key(kind: s.kind, name: s.name) { return [k] }
        return []
    }

    /// The objects a migration statement written as bare SQL drops or changes.
    static func target(ofSQL sql: String) -> Set<String> {
        let relationDrops = ["DROP TABLE ", "DROP FOREIGN TABLE ", "DROP VIEW ", "DROP MATERIALIZED VIEW ", "DROP SEQUENCE ",
                             "DROP TYPE ", "DROP DOMAIN ", "DROP INDEX "]
        for prefix in relationDrops where sql.hasPrefix(prefix) {
            var rest = sql.dropFirst(prefix.count)
            if rest.hasPrefix("IF EXISTS ") { rest = rest.dropFirst("IF EXISTS ".count) }
            return Set(QualifiedNames.list(rest).map(classKey))
        }
        for prefix in ["DROP FUNCTION ", "DROP PROCEDURE ", "DROP AGGREGATE ", "DROP ROUTINE "] where sql.hasPrefix(prefix) {
            var signature = String(sql.dropFirst(prefix.count))
            if signature.hasSuffix(";") { signature.removeLast() }
            if signature.hasSuffix(" CASCADE") { signature.removeLast(" CASCADE".count) }
            return [routineKey(signature)]
        }
        if sql.hasPrefix("ALTER TABLE ") {
            var rest = sql.dropFirst("ALTER TABLE ".count)
            if rest.hasPrefix("IF EXISTS ") { rest = rest.dropFirst("IF EXISTS ".count) }
            if rest.hasPrefix("ONLY ") { rest = rest.dropFirst("ONLY ".count) }
            if let found = QualifiedNames.qualified(rest) {
                // `… ALTER COLUMN c SET DEFAULT …`, `… DROP DEFAULT`: the table's columns stay as they are.
                if found.1.hasPrefix(" ALTER COLUMN "), let column = QualifiedNames.identifier(found.1.dropFirst(" ALTER COLUMN ".count)),
                   column.rest.hasPrefix(" SET DEFAULT ") || column.rest.hasPrefix(" DROP DEFAULT;") {
                    return [partsKey(found.0)]
                }
                return [columnsKey(found.0)]
            }
        }
        return []
    }
}

/// Reads the schema-qualified names SQL.qualified writes, as a statement's SQL carries them.
enum QualifiedNames {
    /// `a, "b c".d …` up to the first thing that is not a name list; each name as written.
    static func list(_ text: Substring) -> [String] {
        var out: [String] = []
        var rest = text
        while let found = qualified(rest) {
            out.append(found.0)
            guard found.1.hasPrefix(", ") else { break }
            rest = found.1.dropFirst(2)
        }
        return out
    }

    /// One `ident` or `ident.ident` at the start of `text`, and what follows it.
    static func qualified(_ text: Substring) -> (String, Substring)? {
        guard let first = identifier(text) else { return nil }
        var rest = first.rest
        if rest.hasPrefix("."), let second = identifier(rest.dropFirst()) { rest = second.rest }
        return (String(text[text.startIndex..<rest.startIndex]), rest)
    }

    static func identifier(_ text: Substring) -> (name: Substring, rest: Substring)? {
        guard let c = text.first else { return nil }
        if c == "\"" {
            var i = text.index(after: text.startIndex)
            while i < text.endIndex {
                if text[i] == "\"" {
                    let n = text.index(after: i)
                    if n < text.endIndex && text[n] == "\"" { i = text.index(after: n); continue }
                    return (text[text.startIndex..<n], text[n...])
                }
                i = text.index(after: i)
            }
            return nil
        }
        let end = text.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "$") } ?? text.endIndex
        return end == text.startIndex ? nil : (text[text.startIndex..<end], text[end...])
    }
}
