/// A new partition of a kept parent whose own primary key or unique constraint backs a
/// partitioned index the parent already has (`attachedTo`, see AttachedKeys).
///
/// Why it needs care: `CREATE TABLE … PARTITION OF` gives the partition an index for each of
/// the parent's partitioned indexes at once, under a name PostgreSQL picks. Adding the key
/// afterwards would build a second index, which cannot be attached (the partition has one
/// attached already). So the key is made over the index PostgreSQL made:
/// `ADD CONSTRAINT … USING INDEX`, which also renames that index to the key's name, leaving the
/// partition as a has it (one index, backing the key, attached to the parent's).
extension DiffBuilder {
    /// Whether key `k` of a new partition is made over the index PostgreSQL attaches to its
    /// parent's partitioned index when the partition is created: that index exists in b and
    /// stays for the whole migration.
    func takesOverAttachedIndex(_ k: ConstraintInfo) -> Bool {
        guard !k.onDomain, ["p", "u"].contains(k.type), let parent = k.attachedTo, k.indexName != nil,
              isNewPartitionOfKeptParent(k.qualifiedTable) else { return false }
        return b.indexes.contains { $0.qualified == parent } && !indexGoes(parent)
    }

    /// `ADD CONSTRAINT … USING INDEX` over the index PostgreSQL made on the new partition for
    /// the parent's partitioned index (found in pg_inherits: its name is PostgreSQL's choice).
    static func keyUsingAttachedIndex(_ k: ConstraintInfo, parent: String) -> String {
        let kind = k.type == "p" ? "PRIMARY KEY" : "UNIQUE"
        let deferrable = k.definition.range(of: " DEFERRABLE").map { String(k.definition[$0.lowerBound...]) } ?? ""
        return """
            DO $beekrun$ DECLARE current name; BEGIN
              SELECT c.relname INTO current FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_index i ON i.indexrelid = h.inhrelid
                JOIN pg_catalog.pg_class c ON c.oid = h.inhrelid
                WHERE h.inhparent = \(SQL.quoteLiteral(parent))::pg_catalog.regclass AND i.indrelid = \(SQL.quoteLiteral(k.qualifiedTable))::pg_catalog.regclass;
              EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I \(kind) USING INDEX %I\(deferrable)', \(SQL.quoteLiteral(k.qualifiedTable)), \(SQL.quoteLiteral(k.name)), current);
            END $beekrun$;
            """
    }

    /// The keys of new partitions that take over their attached index (left out of `created`
    /// by `addCreatedTable`), once the partitions exist.
    mutating func addKeysOverAttachedIndexes() {
        for k in a.constraints where takesOverAttachedIndex(k) {
            guard let parent = k.attachedTo else { continue }
            note("constraint", "\(SQL.quoteIdent(k.name)) on \(k.qualifiedTable)", .add, "\(k.definition), over the index attached to \(parent)")
            postKeys.append(Statement(sql: Self.keyUsingAttachedIndex(k, parent: parent)))
            if let c = k.comment {
                grants.append(Statement(sql: "COMMENT ON CONSTRAINT \(SQL.quoteIdent(k.name)) ON \(k.qualifiedTable) IS \(SQL.quoteLiteral(c));"))
            }
        }
    }
}
