/// Collations, operators, operator classes and families, conversions and text-search objects
/// that PostgreSQL cannot change in place: a migration drops them and creates them again. What
/// of b uses one (pg_depend) would keep the drop from running, so it is taken off first and
/// made again after, as around a re-created routine:
///
/// - another such object over it (a configuration over a dictionary, a class over an
///   operator) is made again too;
/// - indexes, checks and defaults of kept tables are dropped and made again;
/// - views and routines over it are re-created (`relationsToRecreate`);
/// - a collation is renamed aside instead of dropped: the columns that use it cannot be
///   dropped, so they move to the new one (`ALTER COLUMN … TYPE … COLLATE`, no rewrite) and
///   the old one goes at the end.
extension DiffBuilder {
    /// Keys (`StatementGraph.objectKey`) of b's objects made again.
    func objectsToRecreate() -> Set<String> {
        let x = Self.keyed(a.objects, StatementGraph.objectKey), y = Self.keyed(b.objects, StatementGraph.objectKey)
        var out = Set(y.keys.filter { k in x[k].map { $0.create != y[k]!.create && !Self.changesInPlace($0, y[k]!) } ?? false })
        let keyOfRef = Dictionary(b.objects.map { ($0.ref, StatementGraph.objectKey($0)) }, uniquingKeysWith: { x, _ in x })
        // An operator or statistics object over a routine dropped and created again goes with it.
        let routines = remadeRoutineRefs
        var changed = true
        while changed {
            changed = false
            for (k, o) in y where x[k] != nil && !out.contains(k) {
                if (b.dependencies[o.ref] ?? []).contains(where: { keyOfRef[$0].map(out.contains) == true || routines.contains($0) }) {
                    out.insert(k); changed = true
                }
            }
        }
        return out
    }

    /// b's routines that `CREATE OR REPLACE` cannot turn into a's (another result type or
    /// arguments line, an aggregate changed): dropped and created again.
    var remadeRoutineRefs: Set<ObjectRef> {
        let routinesA = Self.keyed(a.routines, \.signature)
        return Set(b.routines.filter { r in
            guard let s = routinesA[r.signature], s.definition != r.definition else { return false }
            return r.kind == "a" || Self.header(s.definition) != Self.header(r.definition)
        }.map(\.ref))
    }

    /// A text-search configuration over the same parser changes its token mappings in place.
    static func changesInPlace(_ o: SchemaObject, _ p: SchemaObject) -> Bool {
        o.kind == "text search configuration" && o.create.first == p.create.first
    }

    /// b's refs of the objects made again.
    var recreatedObjectRefs: Set<ObjectRef> {
        Set(b.objects.filter { recreatedObjects.contains(StatementGraph.objectKey($0)) }.map(\.ref))
    }

    /// Collations made again, by the name columns carry (`public.c`).
    var recreatedCollations: Set<String> {
        Set(b.objects.filter { $0.kind == "collation" && recreatedObjects.contains(StatementGraph.objectKey($0)) }.map(\.identity))
    }

    /// Where a collation made again waits while its columns move over.
    static func asideIdentity(_ p: SchemaObject) -> (name: String, qualified: String) {
        let name = "beekrun_old_collation_\(p.ref.objid)"
        return (name, SQL.qualified(p.schema, name))
    }

    /// Indexes, checks and defaults of kept tables that use an object made again.
    mutating func rebuildObjectUsers() {
        let refs = recreatedObjectRefs
        guard !refs.isEmpty else { return }
        for i in b.indexes where !(b.dependencies[i.ref] ?? []).isDisjoint(with: refs) { rebuiltParts.insert("index \(i.qualified)") }
        // A key or exclusion constraint whose index uses it goes with its index.
        for k in b.constraints where !k.onDomain && k.indexRef.map({ !(b.dependencies[$0] ?? []).isDisjoint(with: refs) }) == true {
            rebuiltParts.insert("constraint \(k.qualifiedTable) \(k.name)")
        }
        let tablesA = Self.keyed(a.tables, \.qualified)
        for t in b.tables {
            guard let kept = tablesA[t.qualified], !recreatedTables.contains(t.qualified) else { continue }
            for part in b.partDependencies[t.ref] ?? [] where refs.contains(part.on) {
                if part.part.hasPrefix("check ") {
                    rebuiltParts.insert("constraint \(t.qualified) \(part.part.dropFirst("check ".count))")
                } else if part.part.hasPrefix("default ") {
                    let column = String(part.part.dropFirst("default ".count))
                    rebuildDefault(t, column, kept: kept)
                }
            }
        }
    }

    /// A kept table's default that calls what is made again: dropped first, set again after
    /// (when a keeps it as it is; otherwise the column comparison sets a's).
    mutating func rebuildDefault(_ t: TableInfo, _ column: String, kept: TableInfo) {
        guard let c = t.columns.first(where: { $0.name == column }) else { return }
        let col = SQL.quoteIdent(column)
        dropTableParts.append(Statement(sql: "ALTER TABLE \(t.qualified) ALTER COLUMN \(col) DROP DEFAULT;"))
        if let d = kept.columns.first(where: { $0.name == column })?.defaultExpr, d == c.defaultExpr {
            tableAlters.append(Statement(sql: "ALTER TABLE \(t.qualified) ALTER COLUMN \(col) SET DEFAULT \(d);"))
        }
    }
}
