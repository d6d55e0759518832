/// Foreign keys of a partitioned table reach its partitions: PostgreSQL copies a referencing
/// key onto each partition, and ties a key referencing the partitioned table to each of its
/// partitions. Neither shows in the model (the copies have a parent constraint), but both
/// block a migration:
/// - a partition detached keeps its copy as a key of its own, which then holds back the drop
///   of the table it references (`constraint … on table <partition> depends on table …`);
/// - a partition referenced through its parent cannot be dropped while attached (`DROP TABLE`
///   refuses: the parent's foreign key depends on it), but can be detached first.
extension DiffBuilder {
    /// b's foreign keys that reach the partitions of its table `parent` (on it, or referencing it).
    func foreignKeysThrough(_ parent: String) -> [ConstraintInfo] {
        b.constraints.filter { !$0.onDomain && $0.type == "f" && ($0.qualifiedTable == parent || Self.references($0.definition, parent)) }
    }

    /// Drops the copies of `parent`'s own foreign keys that a partition keeps once detached; the
    /// keys a wants on it as its own are added later, as any other new key.
    func foreignKeyCopiesDropped(parent: String, partition: String) -> [Statement] {
        b.constraints.filter { !$0.onDomain && $0.type == "f" && $0.qualifiedTable == parent }.map {
            Statement(sql: "ALTER TABLE \(partition) DROP CONSTRAINT IF EXISTS \(SQL.quoteIdent($0.name));")
        }
    }

    /// Partitions dropped while their parent stays: detached first when foreign keys reach them
    /// through the parent, so `DROP TABLE` is not refused.
    mutating func detachDroppedPartitions(_ dropped: [String]) {
        for n in dropped {
            guard let u = b.tables.first(where: { $0.qualified == n }), u.kind != "f", let p = u.partitionOf else { continue }
            let parent = SQL.qualified(p.schema, p.name)
            guard !parentGoes(parent), !foreignKeysThrough(parent).isEmpty else { continue }
            dropTableParts.append(Statement(sql: "ALTER TABLE \(parent) DETACH PARTITION \(n);"))
        }
    }
}
