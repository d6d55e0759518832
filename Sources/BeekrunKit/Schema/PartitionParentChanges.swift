/// Keys and indexes of a kept partition whose parent changes: it leaves its parent for good
/// (`DETACH PARTITION`), or moves to a parent the migration creates.
///
/// Why it needs care: DETACH leaves the partition its copies of the parent's keys and indexes,
/// now as its own (`conparentid` and pg_inherits cleared), under the names they had. So:
/// - a partition that a has on its own keeps them: those a has (same name and definition) are
///   kept, the others dropped once detached (an inherited copy cannot be dropped before);
/// - a partition attached to a new parent gets that parent's keys and indexes only once they
///   exist, late in the migration (keys, then indexes, then foreign keys that need them valid).
///   Its leftover copies are dropped once detached, and a's copies are made and attached with the
///   new parent's, in the generator's order, as a clone makes them.
extension DiffBuilder {
    /// Whether a's table `qualified` is kept in place and was a partition in b, but stands alone
    /// (or is an inheritance child) in a.
    func leavesItsParent(_ qualified: String) -> Bool {
        guard !recreatedTables.contains(qualified), let t = a.tables.first(where: { $0.qualified == qualified }),
              let u = b.tables.first(where: { $0.qualified == qualified }) else { return false }
        return t.partitionOf == nil && u.partitionOf != nil
    }

    /// b's copy `l` of a parent's key, on a partition that leaves its parent: it stays, as the
    /// partition's own key, and compares with a's keys as one.
    func keptAfterDetach(_ l: ConstraintInfo) -> Bool {
        !l.onDomain && l.parentIndex != nil && ["p", "u", "x"].contains(l.type) && leavesItsParent(l.qualifiedTable)
    }

    /// Whether a's table `qualified` is kept in place and is, in a, a partition of a table b does
    /// not have (created by the migration).
    func movesToNewParent(_ qualified: String) -> Bool {
        guard !recreatedTables.contains(qualified), b.tables.contains(where: { $0.qualified == qualified }),
              let p = a.tables.first(where: { $0.qualified == qualified })?.partitionOf else { return false }
        return !b.tables.contains { $0.schema == p.schema && $0.name == p.name }
    }

    /// A partition attached to a new parent: b's copies of its old parent's keys and indexes go
    /// once it is detached (ATTACH runs before the new parent has keys, so nothing takes them);
    /// a's copies are made with the new parent's keys and indexes by the generator.
    mutating func adoptPartitionsOfNewParents() {
        for t in a.tables where movesToNewParent(t.qualified) {
            let onTable = { (i: IndexInfo) in SQL.qualified(i.schema, i.table) == t.qualified }
            for l in b.constraints where !l.onDomain && l.parentIndex != nil && ["p", "u", "x"].contains(l.type) && l.qualifiedTable == t.qualified {
                note("constraint", "\(SQL.quoteIdent(l.name)) on \(t.qualified)", .drop, "left by the old parent")
                tableAlters.append(Statement(sql: "ALTER TABLE \(t.qualified) DROP CONSTRAINT \(SQL.quoteIdent(l.name));"))
            }
            for j in b.indexes where onTable(j) && j.parentIndex != nil {
                note("index", j.qualified, .drop, "left by the old parent")
                tableAlters.append(Statement(sql: "DROP INDEX \(j.qualified);"))
            }
            created.constraints += a.constraints.filter { !$0.onDomain && $0.parentIndex != nil && $0.qualifiedTable == t.qualified }
            created.indexes += a.indexes.filter { onTable($0) && $0.parentIndex != nil }
        }
    }
}
