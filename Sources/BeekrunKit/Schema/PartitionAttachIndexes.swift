/// Indexes of a table that becomes a partition of a kept parent (`ATTACH PARTITION`), or stops
/// being one (`DETACH PARTITION`).
///
/// On ATTACH, PostgreSQL gives each of the parent's partitioned indexes an index of the table:
/// the first matching one it finds, else a new one. An index a keeps on its own that matches
/// would be taken: it is dropped before the ATTACH and built again after, so PostgreSQL makes
/// the attached one (named as a names it). On DETACH, the table keeps the indexes that were
/// attached, now on their own: those a does not have are dropped.
extension DiffBuilder {
    /// `USING …` of an index definition, with whether it is unique: what PostgreSQL compares
    /// when it looks for a matching index.
    static func indexShape(_ definition: String) -> String? {
        guard let r = definition.range(of: " USING ") else { return nil }
        return (definition.hasPrefix("CREATE UNIQUE") ? "unique" : "") + definition[r.lowerBound...]
    }

    mutating func prepareAttachedIndexes() {
        let tablesB = Self.keyed(b.tables, \.qualified)
        for t in a.tables where !recreatedTables.contains(t.qualified) {
            guard let u = tablesB[t.qualified] else { continue }
            let parentA = t.partitionOf.map { SQL.qualified($0.schema, $0.name) }, parentB = u.partitionOf.map { SQL.qualified($0.schema, $0.name) }
            guard parentA != parentB else { continue }
            let onTable = { (i: IndexInfo) in SQL.qualified(i.schema, i.table) == t.qualified }
            // Attached now: a's own indexes matching a kept partitioned index of the new parent.
            if let parent = parentA, partitionOfKeptParent(t) {
                let parentIndexes = b.indexes.filter { j in
                    SQL.qualified(j.schema, j.table) == parent && a.indexes.contains { $0.qualified == j.qualified && $0.definition == j.definition }
                }
                let shapes = Set(parentIndexes.compactMap { Self.indexShape($0.definition) })
                for i in a.indexes where onTable(i) && i.parentIndex == nil {
                    guard let j = b.indexes.first(where: { $0.qualified == i.qualified && onTable($0) }), j.definition == i.definition,
                          let shape = Self.indexShape(i.definition), shapes.contains(shape) else { continue }
                    rebuiltParts.insert("index \(i.qualified)")
                }
                for i in a.indexes where onTable(i) {
                    guard let p = i.parentIndex, b.indexes.contains(where: { $0.qualified == p }) else { continue }
                    postKeys.append(Statement(sql: Self.renameAttachedIndex(parent: p, table: t.qualified, schema: i.schema, name: i.name)))
                }
            }
            // Detached: the indexes that were attached stay, on their own.
            // (A partition moving to a new parent loses them all: see PartitionParentChanges.)
            if parentB != nil && !movesToNewParent(t.qualified) {
                // (An index of a's by that name on another table does not keep it: the name is taken.)
                for j in b.indexes where onTable(j) && j.parentIndex != nil && !a.indexes.contains(where: { $0.qualified == j.qualified && onTable($0) }) {
                    note("index", j.qualified, .drop, "left by the detached partition")
                    tableAlters.append(Statement(sql: "DROP INDEX \(j.qualified);"))
                }
            }
        }
    }
}
