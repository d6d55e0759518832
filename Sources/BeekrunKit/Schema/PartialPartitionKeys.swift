/// A partitioned table's primary key or unique constraint that not every partition carries.
///
/// `ALTER TABLE ONLY parent ADD CONSTRAINT …` makes the key on the parent alone (its index is
/// invalid until every partition's own key is attached to it, as pg_dump writes them); a plain
/// `ALTER TABLE parent ADD CONSTRAINT …` makes it on every partition. So where a wants the key
/// on some partitions only, it is added with `ONLY` and each partition's copy one by one, then
/// attached. PostgreSQL cannot detach a partition's copy: where b has a copy a does not want,
/// the parent's key is dropped (taking every copy along) and added again that way.
extension DiffBuilder {
    /// The copies of parent key `k` on partitions in `model`, by qualified partition.
    static func keyCopies(_ k: ConstraintInfo, in model: SchemaModel) -> [String: ConstraintInfo] {
        guard let index = k.indexName else { return [:] }
        let parentIndex = SQL.qualified(k.schema, index)
        return keyed(model.constraints.filter { !$0.onDomain && $0.parentIndex == parentIndex }, \.qualifiedTable)
    }

    /// The partitions of table `qualified` in `model`, by qualified name.
    static func partitions(of qualified: String, in model: SchemaModel) -> Set<String> {
        Set(model.tables.filter { t in t.partitionOf.map { SQL.qualified($0.schema, $0.name) == qualified } ?? false }.map(\.qualified))
    }

    /// Whether `k` is a key of a partitioned table that some partition of it lacks.
    static func isPartialKey(_ k: ConstraintInfo, in model: SchemaModel) -> Bool {
        guard !k.onDomain, k.parentIndex == nil, ["p", "u", "x"].contains(k.type) else { return false }
        let copies = keyCopies(k, in: model)
        return partitions(of: k.qualifiedTable, in: model).contains { copies[$0] == nil }
    }

    /// Adds a's copies of its partial key `k` on partitions (those in `tables`, or all), each
    /// attached to the parent's index.
    mutating func addKeyCopies(_ k: ConstraintInfo, on tables: Set<String>? = nil) {
        for (table, c) in Self.keyCopies(k, in: a).sorted(by: { $0.key < $1.key }) where tables?.contains(table) ?? true {
            guard let index = c.indexName, let parentIndex = c.parentIndex else { continue }
            note("constraint", "\(SQL.quoteIdent(c.name)) on \(table)", .add, "copy of \(k.name), attached to \(parentIndex)")
            postKeys.append(Statement(sql: "ALTER TABLE ONLY \(table) ADD CONSTRAINT \(SQL.quoteIdent(c.name)) \(c.definition);",
                                      hazard: "builds an index, blocking writes meanwhile"))
            postKeys.append(Statement(sql: "ALTER INDEX \(parentIndex) ATTACH PARTITION \(SQL.qualified(c.schema, index));"))
        }
    }

    /// For a key `k` of a's partitioned table that b has as `l`, with the same definition: adds
    /// the copies a's kept partitions have and b's lack. Returns true when b has a copy a does
    /// not want: `l` is then dropped here, and the caller adds `k` again.
    mutating func comparePartialKey(_ k: ConstraintInfo, _ l: ConstraintInfo) -> Bool {
        guard !k.onDomain, ["p", "u", "x"].contains(k.type), k.indexName != nil, l.indexName != nil else { return false }
        let table = k.qualifiedTable
        let both = Self.partitions(of: table, in: a).intersection(Self.partitions(of: table, in: b)).filter { !recreatedTables.contains($0) }
        guard !both.isEmpty else { return false }
        let copiesA = Set(Self.keyCopies(k, in: a).keys).intersection(both), copiesB = Set(Self.keyCopies(l, in: b).keys).intersection(both)
        if !copiesB.isSubset(of: copiesA) {
            let lost = copiesB.subtracting(copiesA).sorted()
            note("constraint", "\(SQL.quoteIdent(k.name)) on \(table)", .alter,
                 "added again without the copies on \(lost.joined(separator: ", ")) (PostgreSQL cannot detach a partition's key)")
            dropConstraints.append(Statement(sql: "ALTER TABLE \(table) DROP CONSTRAINT \(SQL.quoteIdent(l.name));",
                                             hazard: "drops key \(l.name) of \(table) and its copies on every partition, to add it again without those on \(lost.joined(separator: ", ")); fails if a foreign key references it"))
            return true
        }
        let missing = copiesA.subtracting(copiesB)
        if !missing.isEmpty { addKeyCopies(k, on: missing) }
        return false
    }
}
