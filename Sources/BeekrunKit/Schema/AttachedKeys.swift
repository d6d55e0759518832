/// A partition's own primary key or unique constraint whose index is attached to a partitioned
/// index of its parent that backs no constraint (`ALTER INDEX parent ATTACH PARTITION key_index`,
/// as pg_dump writes it: `ConstraintInfo.attachedTo`).
///
/// Why it needs care: PostgreSQL has no `DETACH` for an index. While attached, neither the key
/// (`cannot drop index … because index … requires it`) nor the parent index (`other objects
/// depend on it`) can be dropped alone; only `DROP INDEX parent CASCADE` takes both. So a parent
/// index that goes takes its attached keys along, and a key kept by the migration is added again
/// afterwards; an attachment the target wants is made once both the key and the index exist.
extension DiffBuilder {
    /// Whether b's index `qualified` is dropped (or dropped and built again) by the migration.
    func indexGoes(_ qualified: String) -> Bool {
        guard let j = b.indexes.first(where: { $0.qualified == qualified }) else { return false }
        let table = SQL.qualified(j.schema, j.table)
        guard let i = a.indexes.first(where: { $0.qualified == qualified }), i.table == j.table else { return true }
        return i.definition != j.definition || rebuiltParts.contains("index \(qualified)") || isReadded(table, j.definition)
            || recreatedTables.contains(table) || !a.tables.contains { $0.qualified == table }
    }

    /// Whether b's key `k` is taken along by the `DROP INDEX … CASCADE` of the parent index it
    /// is attached to.
    func goesWithParentIndex(_ k: ConstraintInfo) -> Bool {
        guard !k.onDomain, let p = k.attachedTo else { return false }
        return indexGoes(p)
    }

    /// `DROP INDEX`, with `CASCADE` when partitions' own keys are attached to it (they go too;
    /// `compareConstraints` adds back those the target keeps).
    /// The CASCADE carries a hazard line: it would also drop a foreign key that references one
    /// of those keys, which the migration does not add back.
    func dropIndexStatement(_ qualified: String) -> Statement {
        let keys = b.constraints.filter { !$0.onDomain && $0.attachedTo == qualified }
        guard !keys.isEmpty else { return Statement(sql: "DROP INDEX \(qualified);") }
        return Statement(sql: "DROP INDEX \(qualified) CASCADE;",
                         hazard: "CASCADE also drops the partitions' keys attached to it ("
                            + keys.map { "\($0.name) on \($0.qualifiedTable)" }.joined(separator: ", ")
                            + ") and any foreign key referencing them; the keys the target keeps are added back, such foreign keys are not")
    }

    /// Attaches a's partition keys to their partitioned index where b does not have that
    /// attachment already (a new key, a key or index made again, or a key attached now). Runs
    /// after the keys and indexes are made. Keys of new tables come attached with their table.
    mutating func attachPartitionKeys() {
        let fresh = Set(created.tables.map(\.qualified))
        for k in a.constraints where !k.onDomain {
            guard let parent = k.attachedTo, let index = k.indexName, !fresh.contains(k.qualifiedTable) else { continue }
            let old = b.constraints.first { !$0.onDomain && $0.qualifiedTable == k.qualifiedTable && $0.name == k.name }
            let kept = old.map { $0.attachedTo == parent && $0.definition == k.definition && !goesWithParentIndex($0) } ?? false
            if kept && !indexGoes(parent) && !isReadded(k.qualifiedTable, k.definition)
                && !rebuiltParts.contains("constraint \(k.qualifiedTable) \(k.name)") { continue }
            note("index", SQL.qualified(k.schema, index), .alter, "attached to \(parent)")
            postKeys.append(Statement(sql: "ALTER INDEX \(parent) ATTACH PARTITION \(SQL.qualified(k.schema, index));"))
        }
    }
}
