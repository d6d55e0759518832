/// Tables, their columns, constraints and indexes.
extension DiffBuilder {
    mutating func compareTables(recreated: Set<String>) {
        let x = Self.keyed(a.tables, \.qualified), y = Self.keyed(b.tables, \.qualified)
        let (onlyA, onlyB, both) = Self.split(x, y)
        let formatter = DDLGenerator(model: a, currentUser: "", initialACL: { _, _, _ in [] }, builtinACL: { _, _ in [] })
        for n in onlyA {
            note("table", n, .add)
            addCreatedTable(x[n]!)
        }
        // Partitions go with their partitioned parent (dropped, or re-created and copied).
        let dropped = onlyB.filter { n in
            y[n]!.partitionOf.map { p in
                let parent = SQL.qualified(p.schema, p.name)
                return !onlyB.contains(parent) && !recreatedTables.contains(parent)
            } ?? true
        }
        for n in onlyB { note("table", n, .drop) }
        detachDroppedPartitions(dropped)
        splitCyclicParts(ofDropped: dropped)
        // DROP TABLE does not take a foreign table: those are dropped on their own.
        for f in dropped where y[f]!.kind == "f" { dropTables.append(Statement(sql: "DROP FOREIGN TABLE \(f);")) }
        let plain = dropped.filter { y[$0]!.kind != "f" }
        if !plain.isEmpty {
            dropTables.append(Statement(sql: "DROP TABLE \(plain.joined(separator: ", "));",
                                        hazard: "drops \(plain.count == 1 ? "a table" : "tables") with \(plain.count == 1 ? "its" : "their") rows"))
        }
        for n in both where !recreatedTables.contains(n) {
            compareTable(x[n]!, y[n]!, formatter: formatter)
            if let order = columnOrderAfterMigration(x[n]!, y[n]!) {
                note("column order", n, .alter, "the columns end up as (\(order.map(SQL.quoteIdent).joined(separator: ", "))), not (\(x[n]!.columns.map { SQL.quoteIdent($0.name) }.joined(separator: ", "))); reorder_columns re-creates the table")
            }
        }
        // After the other tables' changes: the rows copied into a re-created table may fill a
        // column its inheritance parent gains above.
        // The old copies go in one statement: foreign keys between them hold none back.
        let oldCopies = both.filter(recreatedTables.contains).compactMap { recreateTable(x[$0]!, y[$0]!) }
        if !oldCopies.isEmpty {
            dropTypes.append(Statement(sql: "DROP TABLE \(oldCopies.joined(separator: ", "));",
                                       hazard: "drops the old \(oldCopies.count == 1 ? "copy" : "copies") of the re-created \(oldCopies.count == 1 ? "table" : "tables")"))
        }
    }

    /// Whether an inheritance child's column would end up its own (`attislocal`) when a has it
    /// inherited only, or the other way round, once migrated in place. Adding a column to a parent
    /// whose child already has it keeps the child's column local, and no ALTER turns a local
    /// column inherited-only (or an inherited one local, short of dropping it from the parent):
    /// only a re-created child matches a.
    func inheritedColumnsDiffer(_ t: TableInfo, _ u: TableInfo) -> Bool {
        // DETACH PARTITION leaves every column local: a partition of b that a has as an
        // inheritance child with inherited-only columns cannot be made so in place.
        if u.partitionOf != nil && t.partitionOf == nil && t.kind != "f" { return t.columns.contains { !$0.isLocal } }
        guard t.partitionOf == nil && u.partitionOf == nil && t.kind != "f" && !(t.inherits.isEmpty && u.inherits.isEmpty) else { return false }
        let parentsA = Self.keyed(a.tables, \.qualified)
        let keptParents = t.inherits.filter(u.inherits.contains).compactMap { parentsA[$0] }
        let cols = Self.keyed(u.columns, \.name)
        return t.columns.contains { c in
            guard let d = cols[c.name] else { return false }
            // A column stays local when it was, and becomes local when no parent kept passes it on.
            let localInPlace = d.isLocal || !keptParents.contains { $0.columns.contains { $0.name == c.name } }
            return localInPlace != c.isLocal
        }
    }

    /// Tables whose partitioning changes (key, or plain ↔ partitioned), and their partitions
    /// present on both sides: PostgreSQL cannot change that in place.
    func tablesToRecreate() -> Set<String> {
        let y = Self.keyed(b.tables, \.qualified)
        var out = Set(a.tables.filter { t in y[t.qualified].map { $0.partitionKey != t.partitionKey || $0.kind != t.kind || inheritedColumnsDiffer(t, $0) } ?? false }.map(\.qualified))
        if options.reorderColumns {
            out.formUnion(a.tables.filter { t in y[t.qualified].map { columnOrderAfterMigration(t, $0) != nil } ?? false }.map(\.qualified))
        }
        var grew = true
        while grew {
            grew = false
            for t in a.tables where !out.contains(t.qualified) && y[t.qualified] != nil {
                if let p = t.partitionOf, out.contains(SQL.qualified(p.schema, p.name)) { out.insert(t.qualified); grew = true }
            }
        }
        return out
    }

    /// The column order b's table `u` ends up with once migrated in place, when it is not a's
    /// (PostgreSQL adds columns at the end); nil when it is.
    func columnOrderAfterMigration(_ t: TableInfo, _ u: TableInfo) -> [String]? {
        // A partition made with PARTITION OF has its parent's order.
        if t.partitionOf != nil && t.columns.allSatisfy({ !$0.isLocal }) { return nil }
        let readded = readdedColumns[t.qualified] ?? []
        let namesA = t.columns.map(\.name), namesB = Set(u.columns.map(\.name))
        let kept = u.columns.map(\.name).filter { namesA.contains($0) && !readded.contains($0) }
        let result = kept + namesA.filter { !namesB.contains($0) || readded.contains($0) }
        return result == namesA ? nil : result
    }

    /// Re-creates table `t` as a has it: b's table is renamed out of the way, the new one created
    /// (with its partitions, keys, triggers, policies), the rows copied. Returns the old copy to
    /// drop at the end (nil for a partition, which goes with its old parent).
    mutating func recreateTable(_ t: TableInfo, _ u: TableInfo) -> String? {
        let n = t.qualified
        let old = SQL.qualified(u.schema, String((u.name + "__beekrun_old").prefix(63)))
        let parentRecreated = u.partitionOf.map { recreatedTables.contains(SQL.qualified($0.schema, $0.name)) } ?? false
        let why = t.partitionKey != u.partitionKey || t.kind != u.kind ? "partitioning \(u.partitionKey ?? "none") → \(t.partitionKey ?? "none")"
            : inheritedColumnsDiffer(t, u) ? "inherited columns marked as its own or not" : "column order"
        note("table", n, .alter, why + " (re-created, rows copied)")
        addCreatedTable(t)
        preAlters.append(Statement(sql: "ALTER TABLE \(n) RENAME TO \(SQL.quoteIdent(String((u.name + "__beekrun_old").prefix(63))));",
                                   hazard: parentRecreated ? nil : "re-creates table \(n) and copies its rows (ACCESS EXCLUSIVE lock for the whole migration)"))
        // A partition re-created alone: the old one leaves its parent, to be dropped. So does an
        // inheritance child: a column its parent gains must not reach the old copy. Before the
        // parent's drop it still has its own name; after the renames, the old copy's.
        if let p = u.partitionOf, !parentRecreated {
            let parent = SQL.qualified(p.schema, p.name)
            leaveParent(parent, "ALTER TABLE \(parent) DETACH PARTITION \(parentGoes(parent) ? n : old);")
        }
        for p in u.inherits where u.partitionOf == nil {
            leaveParent(p, "ALTER TABLE \(parentGoes(p) ? n : old) NO INHERIT \(p);")
        }
        // Sequences owned by the old table's columns would go with it: they move to the new one.
        for s in a.sequences where !s.isIdentity && s.ownedBy.map({ SQL.qualified($0.schema, $0.table) == n }) == true {
            if let o = s.ownedBy, b.sequences.contains(where: { $0.qualified == s.qualified }) {
                sequenceOwners.append(Statement(sql: "ALTER SEQUENCE \(s.qualified) OWNED BY \(n).\(SQL.quoteIdent(o.column));"))
            }
        }
        // The old copy's identity sequences make way for the new table's, which may take their
        // names; the new ones go on from where the old ones were.
        var identityMoves: [(old: String, new: String)] = []
        for s in b.sequences where s.isIdentity && s.ownedBy.map({ SQL.qualified($0.schema, $0.table) == n }) == true {
            let aside = String((s.name + "__beekrun_old").prefix(63))
            preAlters.append(Statement(sql: "ALTER SEQUENCE \(s.qualified) RENAME TO \(SQL.quoteIdent(aside));"))
            if let o = s.ownedBy, let fresh = a.sequences.first(where: { $0.isIdentity && $0.ownedBy.map { SQL.qualified($0.schema, $0.table) == n && $0.column == o.column } == true }) {
                identityMoves.append((SQL.qualified(s.schema, aside), fresh.qualified))
            }
        }
        // Foreign keys of kept tables that reference the old copy would keep it from being
        // dropped: they come off first and are made again against the new one.
        for k in b.constraints where k.type == "f" && !k.onDomain && k.qualifiedTable != n && Self.references(k.definition, n)
            && a.tables.contains(where: { $0.qualified == k.qualifiedTable }) && !recreatedTables.contains(k.qualifiedTable) {
            rebuiltParts.insert("constraint \(k.qualifiedTable) \(k.name)")
        }
        guard !parentRecreated else { return nil }
        let kept = Set(u.columns.filter { $0.generatedExpr == nil }.map(\.name))
        let columns = t.columns.filter { $0.generatedExpr == nil && kept.contains($0.name) }.map { SQL.quoteIdent($0.name) }.joined(separator: ", ")
        if !columns.isEmpty {
            tableAlters.append(Statement(sql: "INSERT INTO \(n) (\(columns)) OVERRIDING SYSTEM VALUE SELECT \(columns) FROM \(old);",
                                         hazard: "copies every row of \(n) into the re-created table"))
        }
        for m in identityMoves {
            tableAlters.append(Statement(sql: "SELECT pg_catalog.setval(\(SQL.quoteLiteral(m.new)), last_value, is_called) FROM \(m.old);"))
        }
        return old
    }

    /// Whether `t` is a partition of a's whose parent b has and keeps (not re-created).
    func partitionOfKeptParent(_ t: TableInfo) -> Bool {
        guard let p = t.partitionOf else { return false }
        let parent = SQL.qualified(p.schema, p.name)
        return b.tables.contains { $0.qualified == parent } && !parentGoes(parent)
    }

    /// Whether the table named `qualified` is a new partition of a kept parent (see above).
    func isNewPartitionOfKeptParent(_ qualified: String) -> Bool {
        !b.tables.contains { $0.qualified == qualified } && (a.tables.first { $0.qualified == qualified }.map(partitionOfKeptParent) ?? false)
    }

    /// Renames the index PostgreSQL made on `table` for partitioned index `parent` to `name`,
    /// when it picked another name.
    static func renameAttachedIndex(parent: String, table: String, schema: String, name: String) -> String {
        """
        DO $beekrun$ DECLARE current name; BEGIN
          SELECT c.relname INTO current FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_index i ON i.indexrelid = h.inhrelid
            JOIN pg_catalog.pg_class c ON c.oid = h.inhrelid
            WHERE h.inhparent = \(SQL.quoteLiteral(parent))::pg_catalog.regclass AND i.indrelid = \(SQL.quoteLiteral(table))::pg_catalog.regclass;
          IF current <> \(SQL.quoteLiteral(name)) THEN
            EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', \(SQL.quoteLiteral(schema)), current, \(SQL.quoteLiteral(name)));
          END IF;
        END $beekrun$;
        """
    }

    /// Renames the key PostgreSQL made on partition `table` for the parent key whose index is
    /// `parentIndex` to `name`, when it picked another name.
    static func renameAttachedKey(parentIndex: String, table: String, name: String) -> String {
        """
        DO $beekrun$ DECLARE current name; BEGIN
          SELECT c.conname INTO current FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_constraint p ON p.oid = c.conparentid
            WHERE c.conrelid = \(SQL.quoteLiteral(table))::pg_catalog.regclass AND p.conindid = \(SQL.quoteLiteral(parentIndex))::pg_catalog.regclass;
          IF current <> \(SQL.quoteLiteral(name)) THEN
            EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', \(SQL.quoteLiteral(table)), current, \(SQL.quoteLiteral(name)));
          END IF;
        END $beekrun$;
        """
    }

    /// Partitions' keys (made by PostgreSQL from their parent's key) get a's names: a plain
    /// rename where both sides have them, a guarded one where PostgreSQL makes them during the
    /// migration (a new partition of a kept parent, or a key added to a partitioned parent).
    mutating func namePartitionKeys(unchangedParentKeys: Set<String>) {
        let tablesB = Set(b.tables.map(\.qualified))
        for k in a.constraints where !k.onDomain {
            guard let parentIndex = k.parentIndex else { continue }
            let table = k.qualifiedTable
            guard let parentKey = a.constraints.first(where: { c in c.indexName.map { SQL.qualified(c.schema, $0) } == parentIndex }),
                  !parentGoes(parentKey.qualifiedTable) else { continue }
            // A partition moving to a new parent gets its copies made under a's names.
            if movesToNewParent(table) { continue }
            if tablesB.contains(table) && !recreatedTables.contains(table) {
                if unchangedParentKeys.contains(parentIndex) && !retypedParents.contains(parentKey.qualifiedTable) {
                    guard let old = b.constraints.first(where: { $0.parentIndex == parentIndex && $0.qualifiedTable == table }), old.name != k.name else { continue }
                    note("constraint", "\(SQL.quoteIdent(k.name)) on \(table)", .alter, "renamed from \(SQL.quoteIdent(old.name))")
                    tableAlters.append(Statement(sql: "ALTER TABLE \(table) RENAME CONSTRAINT \(SQL.quoteIdent(old.name)) TO \(SQL.quoteIdent(k.name));"))
                } else {
                    postKeys.append(Statement(sql: Self.renameAttachedKey(parentIndex: parentIndex, table: table, name: k.name)))
                }
            } else if isNewPartitionOfKeptParent(table) {
                postKeys.append(Statement(sql: Self.renameAttachedKey(parentIndex: parentIndex, table: table, name: k.name)))
            }
        }
    }

    /// A table leaves its partition or inheritance parent `parent`: before the parent's
    /// `DROP TABLE` when the parent goes (it would take a partition along, and refuses a parent
    /// with children), else before any column change (a column the parent gains must not reach it).
    /// A detached partition loses the copies of its parent's foreign keys (see PartitionForeignKeys).
    mutating func leaveParent(_ parent: String, _ sql: String) {
        var statements = [Statement(sql: sql)]
        let detach = "ALTER TABLE \(parent) DETACH PARTITION "
        if sql.hasPrefix(detach) && sql.hasSuffix(";") {
            statements += foreignKeyCopiesDropped(parent: parent, partition: String(sql.dropFirst(detach.count).dropLast()))
        }
        if parentGoes(parent) { dropTableParts += statements } else { preAlters += statements }
    }

    /// Whether b's table `qualified` is dropped or re-created by the migration.
    func parentGoes(_ qualified: String) -> Bool {
        recreatedTables.contains(qualified) || !a.tables.contains { $0.qualified == qualified }
    }

    /// Whether a foreign key definition references table `qualified` (as `pg_get_constraintdef`
    /// prints it, with an empty search_path: `REFERENCES public.items(id)`).
    static func references(_ definition: String, _ qualified: String) -> Bool {
        definition.contains(" REFERENCES \(qualified)(")
    }

    mutating func addCreatedTable(_ t: TableInfo) {
        let n = t.qualified
        do {
            created.tables.append(t)
            created.sequences += a.sequences.filter { $0.isIdentity && $0.ownedBy.map { SQL.qualified($0.schema, $0.table) } == n }
            // A new partition of a kept parent gets the parent's keys and indexes from PostgreSQL,
            // under names it picks: compareConstraints and compareIndexes name them as a does.
            let attachedByParent = partitionOfKeptParent(t)
            // Its own key over such an index is made over it (NewPartitionKeysOverParentIndexes).
            created.constraints += a.constraints.filter { !$0.onDomain && $0.qualifiedTable == n && !(attachedByParent && $0.parentIndex != nil)
                && !(attachedByParent && takesOverAttachedIndex($0)) }
            created.indexes += a.indexes.filter { SQL.qualified($0.schema, $0.table) == n && !(attachedByParent && $0.parentIndex != nil) }
            created.triggers += a.triggers.filter { $0.qualifiedTable == n }
            created.rules += a.rules.filter { SQL.qualified($0.schema, $0.table) == n }
            created.policies += a.policies.filter { $0.qualifiedTable == n }
        }
    }

    mutating func compareTable(_ t: TableInfo, _ u: TableInfo, formatter: DDLGenerator) {
        let n = t.qualified
        let boundA = t.partitionOf.map { "\(SQL.qualified($0.schema, $0.name)) \($0.bound)" }
        let boundB = u.partitionOf.map { "\(SQL.qualified($0.schema, $0.name)) \($0.bound)" }
        if boundA != boundB {
            note("table", n, .alter, "partition of \(boundB ?? "none") → \(boundA ?? "none")")
            if let p = u.partitionOf {
                let parent = SQL.qualified(p.schema, p.name)
                leaveParent(parent, "ALTER TABLE \(parent) DETACH PARTITION \(n);")
            }
            if let p = t.partitionOf {
                tableAlters.append(Statement(sql: "ALTER TABLE \(SQL.qualified(p.schema, p.name)) ATTACH PARTITION \(n) \(p.bound);",
                                             hazard: "scans the partition to check the bound"))
            }
        }
        compareTableLineage(t, u)
        if t.unlogged != u.unlogged {
            note("table", n, .alter, t.unlogged ? "becomes unlogged" : "becomes logged")
            tableAlters.append(Statement(sql: "ALTER TABLE \(n) SET \(t.unlogged ? "UNLOGGED" : "LOGGED");", hazard: "rewrites the table"))
        }
        if t.options != u.options {
            note("table", n, .alter, "options \(u.options) → \(t.options)")
            let keysA = Set(t.options.map { String($0.prefix { $0 != "=" }) })
            let reset = u.options.map { String($0.prefix { $0 != "=" }) }.filter { !keysA.contains($0) }
            if !reset.isEmpty { tableAlters.append(Statement(sql: "ALTER TABLE \(n) RESET (\(reset.joined(separator: ", ")));")) }
            if !t.options.isEmpty { tableAlters.append(Statement(sql: "ALTER TABLE \(n) SET" + DDL.withOptions(t.options).dropFirst(5) + ";")) }
        }
        // Table privileges first: a table-wide REVOKE also takes the column privileges.
        common(kind: "table", name: n, target: "\(t.keyword) \(n)", aclKind: "r", ownerA: t.owner, ownerB: u.owner,
               aclA: t.acl, aclB: u.acl, commentA: t.comment, commentB: u.comment, grantTarget: "TABLE \(n)")
        compareColumns(t, u, formatter: formatter)
        if t.replicaIdentity != u.replicaIdentity || t.replicaIdentityIndex != u.replicaIdentityIndex {
            let what = ["d": "DEFAULT", "f": "FULL", "n": "NOTHING"][t.replicaIdentity] ?? "USING INDEX \(SQL.quoteIdent(t.replicaIdentityIndex ?? ""))"
            note("table", n, .alter, "replica identity \(what.lowercased())")
            postOther.append(Statement(sql: "ALTER TABLE ONLY \(n) REPLICA IDENTITY \(what);"))
        }
        if t.rlsEnabled != u.rlsEnabled {
            note("table", n, .alter, t.rlsEnabled ? "row level security enabled" : "row level security disabled")
            postOther.append(Statement(sql: "ALTER TABLE \(n) \(t.rlsEnabled ? "ENABLE" : "DISABLE") ROW LEVEL SECURITY;",
                                       hazard: t.rlsEnabled ? nil : "turns off the table's policies"))
        }
        if t.rlsForced != u.rlsForced {
            note("table", n, .alter, t.rlsForced ? "row level security forced" : "row level security no longer forced")
            postOther.append(Statement(sql: "ALTER TABLE \(n) \(t.rlsForced ? "" : "NO ")FORCE ROW LEVEL SECURITY;"))
        }
    }

    static let integerTypes: Set<String> = ["smallint", "integer", "bigint"]

    /// An integer column becoming a timestamp, or back: PostgreSQL has no cast either way. The
    /// integer is read as seconds since 1970-01-01 UTC, PostgreSQL's own epoch convention
    /// (`to_timestamp`, `extract(epoch …)`); the statement's hazard says so.
    static func epochConversion(_ col: String, from old: String, to new: String) -> String? {
        let toStamp = new.hasPrefix("timestamp"), fromStamp = old.hasPrefix("timestamp")
        let zoned = { (t: String) in t.hasSuffix("with time zone") && !t.hasSuffix("without time zone") }
        if integerTypes.contains(old) && toStamp {
            return zoned(new) ? "to_timestamp(\(col))" : "to_timestamp(\(col)) AT TIME ZONE 'UTC'"
        }
        if fromStamp && integerTypes.contains(new) {
            return "extract(epoch FROM \(col)\(zoned(old) ? "" : " AT TIME ZONE 'UTC'"))::\(new)"
        }
        return nil
    }

    /// Whether `type` (or its element type) is an enum of `model`.
    static func isEnum(_ type: String, in model: SchemaModel) -> Bool {
        let base = type.hasSuffix("[]") ? String(type.dropLast(2)) : type
        return model.types.contains { t in
            if case .enumeration = t.kind { return t.qualified == base }
            return false
        }
    }

    /// The USING expression of a column type change. Enums cast to and from text only: an enum
    /// to another enum (or to a domain or text-like type) goes through text.
    func castUsing(_ col: String, from old: String, to new: String) -> String {
        if let epoch = Self.epochConversion(col, from: old, to: new) { return epoch }
        guard Self.isEnum(old, in: b) || Self.isEnum(new, in: a) else { return "\(col)::\(new)" }
        let array = old.hasSuffix("[]") && new.hasSuffix("[]")
        return "\(col)::text\(array ? "[]" : "")::\(new)"
    }

    mutating func compareColumns(_ t: TableInfo, _ u: TableInfo, formatter: DDLGenerator) {
        let n = t.qualified
        // ALTER TABLE refuses column changes of a foreign table.
        let alterTable = t.foreignServer != nil ? "ALTER FOREIGN TABLE" : "ALTER TABLE"
        let x = Self.keyed(t.columns, \.name), y = Self.keyed(u.columns, \.name)
        // A partition's inherited columns follow its parent.
        // So do the columns a child inherits (INHERITS), and a typed table's, which its type makes.
        let isPartition = (t.partitionOf != nil && u.partitionOf != nil) || (!t.inherits.isEmpty && !u.inherits.isEmpty)
            || (t.ofType != nil && t.ofType == u.ofType)
        let typed = t.ofType != nil && t.ofType == u.ofType
        for c in t.columns where y[c.name] == nil && !(isPartition && !c.isLocal) && !typed {
            let q = "\(n).\(SQL.quoteIdent(c.name))"
            note("column", q, .add, c.type)
            let rewrites = c.generatedExpr != nil || c.identity != nil
            tableAlters.append(Statement(sql: "\(alterTable) \(n) ADD COLUMN " + formatter.columnDefinition(c, table: t).dropFirst(4) + ";",
                                         hazard: rewrites ? "rewrites the table (ACCESS EXCLUSIVE lock)" : nil))
            if let cm = c.comment { grants.append(Statement(sql: "COMMENT ON COLUMN \(q) IS \(SQL.quoteLiteral(cm));")) }
            columnPrivileges(n, c.name, c.acl, nil)
        }
        for c in u.columns where x[c.name] == nil && !(isPartition && !c.isLocal) && !typed {
            note("column", "\(n).\(SQL.quoteIdent(c.name))", .drop)
            // A child (INHERITS) that keeps the column keeps it as its own: ONLY leaves it there.
            let childKeeps = u.partitionKey == nil && a.tables.contains { $0.inherits.contains(n) && $0.columns.contains { $0.name == c.name } }
            tableAlters.append(Statement(sql: "\(alterTable) \(childKeeps ? "ONLY " : "")\(n) DROP COLUMN \(SQL.quoteIdent(c.name));",
                                         hazard: "drops column \(c.name) with its data"))
        }
        let readded = readdedColumns[n] ?? []
        let remadeCollations = recreatedCollations
        var readdLater: [(TableInfo, Column)] = []
        // Dropped first: a generated column over a column whose type changes blocks the change,
        // and one calling a routine made again blocks the routine's drop.
        for c in t.columns where readded.contains(c.name) && y[c.name] != nil {
            dropTableParts.append(Statement(sql: "\(alterTable) \(n) DROP COLUMN \(SQL.quoteIdent(c.name));",
                                         hazard: "drops generated column \(c.name) to add it again with its new definition (PostgreSQL 15 cannot change it in place); it moves to the end of the table"))
        }
        for c in t.columns {
            guard let d = y[c.name] else { continue }
            let q = "\(n).\(SQL.quoteIdent(c.name))", col = SQL.quoteIdent(c.name)
            let inherited = isPartition && !c.isLocal
            if readded.contains(c.name) {
                note("column", q, .alter, "generated expression \(d.generatedExpr ?? "none") → \(c.generatedExpr ?? "none") (dropped and added)")
                readdLater.append((t, c))
                continue
            }
            let collationRemade = c.collation == d.collation && c.collation.map(remadeCollations.contains) == true
            if !inherited && (c.type != d.type || c.collation != d.collation || collationRemade) {
                note("column", q, .alter, collationRemade ? "moves to collation \(c.collation ?? "") made again" : "type \(d.type) → \(c.type)")
                if t.partitionKey != nil { retypedParents.insert(n) }
                // A default does not cast to or from an enum, and an old default that changes with
                // the type may not cast to the new one ('none' → int): it comes off first; the
                // new one (or the same one, through an enum) goes on after.
                let throughText = Self.isEnum(d.type, in: b) || Self.isEnum(c.type, in: a)
                let resetDefault = (throughText || c.defaultExpr != d.defaultExpr) && d.defaultExpr != nil && c.generatedExpr == nil
                if resetDefault { tableAlters.append(Statement(sql: "\(alterTable) \(n) ALTER COLUMN \(col) DROP DEFAULT;")) }
                defer {
                    if resetDefault, let e = c.defaultExpr, e == d.defaultExpr {
                        tableAlters.append(Statement(sql: "\(alterTable) \(n) ALTER COLUMN \(col) SET DEFAULT \(e);"))
                    }
                }
                if collationRemade {
                    // Same type, so no USING and no rewrite: the column's indexes are built again.
                    tableAlters.append(Statement(sql: "\(alterTable) \(n) ALTER COLUMN \(col) TYPE \(c.type) COLLATE \(c.collation ?? "");",
                                                 hazard: "builds the column's indexes again (ACCESS EXCLUSIVE lock)"))
                } else {
                    // A generated column takes no USING: it is computed again; a foreign table none either.
                    let epoch = Self.epochConversion(col, from: d.type, to: c.type) != nil
                    tableAlters.append(Statement(sql: "\(alterTable) \(n) ALTER COLUMN \(col) TYPE \(c.type)"
                                                 + (c.collation.map { " COLLATE \($0)" } ?? "") + (c.generatedExpr == nil && t.foreignServer == nil ? " USING " + castUsing(col, from: d.type, to: c.type) : "") + ";",
                                                 hazard: "rewrites the table (ACCESS EXCLUSIVE lock); fails if a value does not convert"
                                                    + (epoch ? "; \(d.type) has no cast to \(c.type): values are taken as seconds since 1970-01-01 UTC (edit the USING clause if they are milliseconds)" : "")))
                }
            }
            // An identity column has no default: take the identity away before setting one, and
            // drop the default before adding an identity.
            let identityFirst = c.identity == nil && d.identity != nil
            var identityStatements: [Statement] = []
            if c.identity != d.identity {
                note("column", q, .alter, "identity \(d.identity ?? "none") → \(c.identity ?? "none")")
                if let kind = c.identity {
                    if d.identity == nil {
                        let seq = a.sequences.first { $0.isIdentity && $0.ownedBy?.schema == t.schema && $0.ownedBy?.table == t.name && $0.ownedBy?.column == c.name }
                        // serial → identity: the serial's sequence makes way for the identity's.
                        if let seq, b.sequences.contains(where: { !$0.isIdentity && $0.qualified == seq.qualified }) {
                            identityStatements.append(Statement(sql: "DROP SEQUENCE \(seq.qualified);", hazard: "the identity restarts at its start value"))
                        }
                        var sql = "\(alterTable) \(n) ALTER COLUMN \(col) ADD GENERATED \(kind == "a" ? "ALWAYS" : "BY DEFAULT") AS IDENTITY"
                        if let seq { sql += " (SEQUENCE NAME \(seq.qualified)" + formatter.sequenceOptions(seq).replacingOccurrences(of: "\n   ", with: "") + ")" }
                        identityStatements.append(Statement(sql: sql + ";"))
                    } else {
                        identityStatements.append(Statement(sql: "\(alterTable) \(n) ALTER COLUMN \(col) SET GENERATED \(kind == "a" ? "ALWAYS" : "BY DEFAULT");"))
                    }
                } else {
                    identityStatements.append(Statement(sql: "\(alterTable) \(n) ALTER COLUMN \(col) DROP IDENTITY;"))
                    // identity → serial: the identity's sequence went with it; make a's.
                    let old = b.sequences.first { $0.isIdentity && $0.ownedBy?.schema == u.schema && $0.ownedBy?.table == u.name && $0.ownedBy?.column == c.name }
                    if let old, let seq = a.sequences.first(where: { !$0.isIdentity && $0.qualified == old.qualified }) {
                        identityStatements.append(Statement(sql: "CREATE SEQUENCE \(seq.qualified) AS \(seq.dataType)" + formatter.sequenceOptions(seq) + ";",
                                                            hazard: "the sequence restarts at its start value"))
                        if seq.owner != t.owner { identityStatements.append(Statement(sql: "ALTER SEQUENCE \(seq.qualified) OWNER TO \(SQL.quoteIdent(seq.owner));")) }
                        if let o = seq.ownedBy {
                            sequenceOwners.append(Statement(sql: "ALTER SEQUENCE \(seq.qualified) OWNED BY \(SQL.qualified(o.schema, o.table)).\(SQL.quoteIdent(o.column));"))
                        }
                    }
                }
            }
            if identityFirst { tableAlters += identityStatements }
            if c.generatedExpr != d.generatedExpr {
                note("column", q, .alter, "generated expression \(d.generatedExpr ?? "none") → \(c.generatedExpr ?? "none")")
                if c.generatedExpr == nil {
                    tableAlters.append(Statement(sql: "\(alterTable) \(n) ALTER COLUMN \(col) DROP EXPRESSION;"))
                } else {
                    tableAlters.append(Statement(sql: "\(alterTable) \(n) ALTER COLUMN \(col) SET EXPRESSION AS (\(c.generatedExpr!));",
                                                 hazard: "rewrites the table (ACCESS EXCLUSIVE lock)"))
                }
            }
            if c.generatedExpr == nil && c.defaultExpr != d.defaultExpr {
                note("column", q, .alter, "default \(d.defaultExpr ?? "none") → \(c.defaultExpr ?? "none")")
                tableAlters.append(Statement(sql: "\(alterTable) \(n) ALTER COLUMN \(col) " + (c.defaultExpr.map { "SET DEFAULT \($0)" } ?? "DROP DEFAULT") + ";"))
            }
            let parentNotNull: (SchemaModel, TableInfo) -> Bool? = { model, table in
                table.partitionOf.flatMap { p in model.tables.first { $0.schema == p.schema && $0.name == p.name } }?
                    .columns.first { $0.name == c.name }?.notNull
            }
            // On a partition, a NOT NULL that follows the parent's change comes with it.
            let followsParent = inherited && parentNotNull(a, t) == c.notNull && parentNotNull(b, u) == d.notNull && c.notNull != d.notNull
            if c.notNull != d.notNull && !followsParent {
                note("column", q, .alter, c.notNull ? "NOT NULL added" : "NOT NULL removed")
                tableAlters.append(Statement(sql: "\(alterTable) \(n) ALTER COLUMN \(col) \(c.notNull ? "SET" : "DROP") NOT NULL;",
                                             hazard: c.notNull ? "scans the table under an ACCESS EXCLUSIVE lock; fails if NULLs exist" : nil))
            }
            if !identityFirst { tableAlters += identityStatements }
            if c.settings != d.settings {
                note("column", q, .alter, "settings \(d.settings) → \(c.settings)")
                // Settings b has and a does not go back to their defaults where PostgreSQL has a
                // way to say so; storage and compression need the type's default, named by hand.
                for setting in d.settings where !c.settings.contains(setting) {
                    if setting.hasPrefix("SET STATISTICS") {
                        tableAlters.append(Statement(sql: "ALTER TABLE ONLY \(n) ALTER COLUMN \(col) SET STATISTICS -1;"))
                    } else if setting.hasPrefix("SET (") {
                        let keys = setting.dropFirst(5).dropLast().split(separator: ",").map { $0.split(separator: "=")[0].trimmingCharacters(in: .whitespaces) }
                        tableAlters.append(Statement(sql: "ALTER TABLE ONLY \(n) ALTER COLUMN \(col) RESET (\(keys.joined(separator: ", ")));"))
                    } else if setting.hasPrefix("SET COMPRESSION") && !c.settings.contains(where: { $0.hasPrefix("SET COMPRESSION") }) {
                        tableAlters.append(Statement(sql: "ALTER TABLE ONLY \(n) ALTER COLUMN \(col) SET COMPRESSION DEFAULT;"))
                    } else if setting.hasPrefix("SET STORAGE") && !c.settings.contains(where: { $0.hasPrefix("SET STORAGE") }) {
                        // Back to the type's own storage, which only the catalog knows.
                        tableAlters.append(Statement(sql: """
                            DO $beekrun$ BEGIN
                              EXECUTE format('ALTER TABLE ONLY %s ALTER COLUMN %s SET STORAGE %s', \(SQL.quoteLiteral(n)), \(SQL.quoteLiteral(col)),
                                (SELECT CASE t.typstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END
                                 FROM pg_catalog.pg_type t WHERE t.oid = \(SQL.quoteLiteral(c.type))::pg_catalog.regtype));
                            END $beekrun$;
                            """))
                    } else if !c.settings.contains(where: { $0.hasPrefix(String(setting.prefix(11))) }) {
                        manual.append("column \(q): undo \(setting) (back to the type's default)")
                    }
                }
                for setting in c.settings where !d.settings.contains(setting) {
                    tableAlters.append(Statement(sql: "ALTER TABLE ONLY \(n) ALTER COLUMN \(col) \(setting);"))
                }
            }
            comment(target: "COLUMN \(q)", name: q, c.comment, d.comment)
            columnPrivileges(n, c.name, c.acl, d.acl)
        }
        for (t, c) in readdLater {
            let q = "\(n).\(SQL.quoteIdent(c.name))"
            tableAlters.append(Statement(sql: "\(alterTable) \(n) ADD COLUMN " + formatter.columnDefinition(c, table: t).dropFirst(4) + ";",
                                         hazard: "rewrites the table (ACCESS EXCLUSIVE lock)"))
            for setting in c.settings {
                tableAlters.append(Statement(sql: "ALTER TABLE ONLY \(n) ALTER COLUMN \(SQL.quoteIdent(c.name)) \(setting);"))
            }
            if let cm = c.comment { grants.append(Statement(sql: "COMMENT ON COLUMN \(q) IS \(SQL.quoteLiteral(cm));")) }
            columnPrivileges(n, c.name, c.acl, nil)
        }
    }

    /// Constraints on tables (and domains) that exist on both sides.
    mutating func compareConstraints() {
        let tablesA = Set(a.tables.map(\.qualified)), tablesB = Set(b.tables.map(\.qualified))
        let typesA = Set(a.types.map(\.qualified)), typesB = Set(b.types.map(\.qualified))
        let partitioned = Set(a.tables.filter { $0.partitionKey != nil }.map(\.qualified))
        func kept(_ k: ConstraintInfo) -> Bool {
            (k.onDomain || !recreatedTables.contains(k.qualifiedTable)) && k.parentIndex == nil && (k.onDomain ? typesA.contains(k.qualifiedTable) && typesB.contains(k.qualifiedTable) && !recreatedTypes.contains(k.qualifiedTable)
                                                : tablesA.contains(k.qualifiedTable) && tablesB.contains(k.qualifiedTable))
        }
        func key(_ k: ConstraintInfo) -> String { "\(k.onDomain ? "domain" : "table") \(k.qualifiedTable) \(k.name)" }
        // A partition that leaves its parent keeps the copies of its keys as its own (PartitionParentChanges).
        let x = Self.keyed(a.constraints.filter(kept), key), y = Self.keyed(b.constraints.filter { kept($0) || keptAfterDetach($0) }, key)
        let (onlyA, onlyB, both) = Self.split(x, y)
        // Domain checks calling a routine of b that is dropped or re-created go before it and
        // come back after the new one.
        let remade = Set(created.routines.map(\.signature)), routinesA = Set(a.routines.map(\.signature))
        var domainUsers = Set<String>()
        for r in b.routines where remade.contains(r.signature) || !routinesA.contains(r.signature) {
            domainUsers.formUnion(b.routineUsers[r.ref] ?? [])
        }
        func drop(_ k: ConstraintInfo) {
            // A key attached to a partitioned index that goes is dropped by its `DROP INDEX … CASCADE`.
            if goesWithParentIndex(k) { return }
            // A copy of a parent's key can go only once its partition is detached.
            if k.parentIndex != nil {
                tableAlters.append(Statement(sql: "ALTER TABLE \(k.qualifiedTable) DROP CONSTRAINT \(SQL.quoteIdent(k.name));"))
                return
            }
            let sql = k.onDomain ? "ALTER DOMAIN \(k.qualifiedTable) DROP CONSTRAINT \(SQL.quoteIdent(k.name));"
                                 : "ALTER TABLE \(k.qualifiedTable) DROP CONSTRAINT \(SQL.quoteIdent(k.name));"
            var s = Statement(sql: sql)
            // A check's drop changes no column: a routine it called goes after it (`partsKey`).
            if k.type == "c" && !k.onDomain { s.provides = [StatementGraph.partsKey(k.qualifiedTable)] }
            if k.type == "f" { dropForeignKeys.append(s) } else { dropConstraints.append(s) }
        }
        func add(_ k: ConstraintInfo) {
            let name = SQL.quoteIdent(k.name)
            if k.onDomain {
                preAlters.append(Statement(sql: "ALTER DOMAIN \(k.qualifiedTable) ADD CONSTRAINT \(name) \(k.definition);",
                                           hazard: k.validated ? "checks every column of the domain" : nil))
            } else {
                // A key some partitions lack is made on the parent alone, then on those that have it.
                let partial = Self.isPartialKey(k, in: a)
                let only = partitioned.contains(k.qualifiedTable) && !partial ? "" : "ONLY "
                let sql = "ALTER TABLE \(only)\(k.qualifiedTable) ADD CONSTRAINT \(name) \(k.definition);"
                defer { if partial { addKeyCopies(k) } }
                switch k.type {
                case "f": postForeignKeys.append(Statement(sql: sql, hazard: k.validated ? "scans both tables under SHARE ROW EXCLUSIVE locks" : nil))
                case "c": postKeys.append(Statement(sql: sql, hazard: k.validated ? "scans the table under an ACCESS EXCLUSIVE lock" : nil))
                default: postKeys.append(Statement(sql: sql, hazard: "builds an index, blocking writes meanwhile"))
                }
            }
            if let c = k.comment {
                grants.append(Statement(sql: "COMMENT ON CONSTRAINT \(name) ON \(k.onDomain ? "DOMAIN " : "")\(k.qualifiedTable) IS \(SQL.quoteLiteral(c));"))
            }
        }
        for n in onlyA { note("constraint", "\(SQL.quoteIdent(x[n]!.name)) on \(x[n]!.qualifiedTable)", .add, x[n]!.definition); add(x[n]!) }
        for n in onlyB { note("constraint", "\(SQL.quoteIdent(y[n]!.name)) on \(y[n]!.qualifiedTable)", .drop); drop(y[n]!) }
        var unchangedKeys = Set<String>()
        for n in both {
            let k = x[n]!, l = y[n]!
            let name = "\(SQL.quoteIdent(k.name)) on \(k.qualifiedTable)"
            if goesWithParentIndex(l) {
                note("constraint", name, .alter, "added again: it goes with partitioned index \(l.attachedTo ?? "")")
                add(k)
                continue
            }
            if !k.onDomain && l.attachedTo != nil && k.attachedTo != l.attachedTo {
                note("constraint", name, .alter, "attached to \(l.attachedTo ?? "") → \(k.attachedTo ?? "none")")
                manual.append("constraint \(name): PostgreSQL cannot detach its index from \(l.attachedTo ?? ""); drop that index (CASCADE) and add the key again")
            }
            if k.onDomain && domainUsers.contains(Self.userKey("domain constraint", l.schema, l.table, l.name)) {
                note("constraint", name, .alter, "re-created with the function it calls")
                dropTableParts.append(Statement(sql: "ALTER DOMAIN \(l.qualifiedTable) DROP CONSTRAINT \(SQL.quoteIdent(l.name));"))
                postKeys.append(Statement(sql: "ALTER DOMAIN \(k.qualifiedTable) ADD CONSTRAINT \(SQL.quoteIdent(k.name)) \(k.definition);",
                                          hazard: k.validated ? "checks every column of the domain" : nil))
                continue
            }
            if !k.onDomain && rebuiltParts.contains("constraint \(k.qualifiedTable) \(k.name)") {
                note("constraint", name, .alter, "re-created with the function it calls")
                dropTableParts.append(Statement(sql: "ALTER TABLE \(l.qualifiedTable) DROP CONSTRAINT \(SQL.quoteIdent(l.name));"))
                add(k)
                continue
            }
            if losesValidatedCopies(k) {
                note("constraint", name, .alter, "added again: a child holds its copy validated, which no ALTER undoes")
                drop(l); add(k)
                continue
            }
            if !k.onDomain && isReadded(k.qualifiedTable, l.definition) {
                note("constraint", name, .alter, "added again with its column")
                add(k)
                continue
            }
            if k.definition != l.definition || k.validated != l.validated {
                if k.validated && !l.validated && l.definition == k.definition + " NOT VALID" {
                    note("constraint", name, .alter, "validated")
                    postKeys.append(Statement(sql: "ALTER \(k.onDomain ? "DOMAIN" : "TABLE") \(k.qualifiedTable) VALIDATE CONSTRAINT \(SQL.quoteIdent(k.name));",
                                              hazard: "scans the table"))
                } else {
                    note("constraint", name, .alter, "\(l.definition) → \(k.definition)")
                    drop(l); add(k)
                    continue
                }
            }
            if comparePartialKey(k, l) { add(k); continue }
            if let index = k.indexName { unchangedKeys.insert(SQL.qualified(k.schema, index)) }
            comment(target: "CONSTRAINT \(SQL.quoteIdent(k.name)) ON \(k.onDomain ? "DOMAIN " : "")\(k.qualifiedTable)", name: name, k.comment, l.comment)
        }
        namePartitionKeys(unchangedParentKeys: unchangedKeys)
    }

    /// Indexes on tables and materialized views that exist (and stay) on both sides.
    mutating func compareIndexes() {
        prepareAttachedIndexes()
        adoptPartitionsOfNewParents()
        let relationsA = Set(a.tables.map(\.qualified) + a.views.map(\.qualified))
        let relationsB = Set(b.tables.map(\.qualified) + b.views.map(\.qualified))
        let fresh = Set(created.views.map(\.qualified) + created.tables.map(\.qualified))
        func kept(_ i: IndexInfo) -> Bool {
            let t = SQL.qualified(i.schema, i.table)
            return i.parentIndex == nil && relationsA.contains(t) && relationsB.contains(t) && !fresh.contains(t)
        }
        // A partition that a has on its own (DETACH PARTITION, or left for table inheritance)
        // keeps the indexes b attached to its parent's, as indexes of its own.
        let leaving = Set(a.tables.filter { t in t.partitionOf == nil && b.tables.contains { $0.qualified == t.qualified && $0.partitionOf != nil } }
                                  .map(\.qualified))
        let x = Self.keyed(a.indexes.filter(kept), \.qualified)
        let y = Self.keyed(b.indexes.filter { i in
            kept(i) || (i.parentIndex != nil && leaving.contains(SQL.qualified(i.schema, i.table)) && x[i.qualified] != nil && !fresh.contains(SQL.qualified(i.schema, i.table)))
        }, \.qualified)
        let (onlyA, onlyB, both) = Self.split(x, y)
        // Partitions' indexes of a, by the partitioned index they are attached to.
        var children: [String: [IndexInfo]] = [:]
        for i in a.indexes { if let p = i.parentIndex { children[p, default: []].append(i) } }
        // A partition's own index in b that a attaches to a partitioned index, as it is: kept and
        // attached rather than dropped and built again.
        let attachable = Set(a.indexes.filter { i in
            i.parentIndex != nil && y[i.qualified].map { $0.table == i.table && $0.definition == i.definition } == true
                && !movesToNewParent(SQL.qualified(i.schema, i.table))
        }.map(\.qualified))
        var attachedNow = Set<String>()
        func add(_ i: IndexInfo) {
            // A partitioned index is made on the parent only, then each partition's index (made
            // under its own name, or one that is there already) is attached to it, as pg_dump does.
            // Built on the parent alone, PostgreSQL would name the partitions' indexes itself.
            postKeys.append(Statement(sql: i.definition + ";",
                                      hazard: "builds an index, blocking writes meanwhile (CREATE INDEX CONCURRENTLY avoids it, outside a transaction)"))
            if i.clustered {
                postKeys.append(Statement(sql: "ALTER TABLE \(SQL.qualified(i.schema, i.table)) CLUSTER ON \(SQL.quoteIdent(i.name));"))
            }
            if let c = i.comment { grants.append(Statement(sql: "COMMENT ON INDEX \(i.qualified) IS \(SQL.quoteLiteral(c));")) }
            // A new partition's index comes with the partition (made after this one).
            for child in children[i.qualified] ?? [] where !fresh.contains(SQL.qualified(child.schema, child.table))
                || isNewPartitionOfKeptParent(SQL.qualified(child.schema, child.table)) {
                if !attachable.contains(child.qualified) { add(child) }
                attachedNow.insert(child.qualified)
                postKeys.append(Statement(sql: "ALTER INDEX \(i.qualified) ATTACH PARTITION \(child.qualified);"))
            }
        }
        for n in onlyA { note("index", n, .add, x[n]!.definition); add(x[n]!) }
        for n in onlyB where !attachable.contains(n) { note("index", n, .drop); dropConstraints.append(dropIndexStatement(n)) }
        for n in onlyB where attachable.contains(n) { note("index", n, .alter, "attached to \(a.indexes.first { $0.qualified == n }?.parentIndex ?? "")") }
        // A partition's index that a attaches to a kept partitioned index, b not yet.
        func attachKept() {
            for n in onlyB where attachable.contains(n) && !attachedNow.contains(n) {
                if let parent = a.indexes.first(where: { $0.qualified == n })?.parentIndex {
                    postKeys.append(Statement(sql: "ALTER INDEX \(parent) ATTACH PARTITION \(n);"))
                }
            }
        }
        for n in both {
            let i = x[n]!, j = y[n]!
            // PostgreSQL cannot detach an index: a partition's index that b attaches to this one
            // and a keeps on its own goes with this one, which is built again.
            // (A partition that leaves its parent takes its indexes along as its own; one that
            // moves to a new parent has them dropped once detached: PartitionParentChanges.)
            let detached = b.indexes.contains { c in
                c.parentIndex == n && !leaving.contains(SQL.qualified(c.schema, c.table)) && !movesToNewParent(SQL.qualified(c.schema, c.table))
                    && a.indexes.contains { $0.qualified == c.qualified && $0.parentIndex == nil }
            }
            if detached {
                note("index", n, .alter, "built again: a partition's index attached to it stays on its own")
                dropConstraints.append(dropIndexStatement(n))
                add(i)
                continue
            }
            if rebuiltParts.contains("index \(n)") {
                note("index", n, .alter, "built again with the function it calls")
                dropTableParts.append(dropIndexStatement(n))
                add(i)
                continue
            }
            if isReadded(SQL.qualified(i.schema, i.table), j.definition) {
                note("index", n, .alter, "built again with its column")
                add(i)
                continue
            }
            if i.definition != j.definition {
                note("index", n, .alter, "\(j.definition) → \(i.definition)")
                dropConstraints.append(dropIndexStatement(n))
                add(i)
                continue
            }
            // The partitions' indexes attached to it keep their own names: PostgreSQL names those
            // it makes itself, which a may have renamed.
            let retyped = retypedParents.contains(SQL.qualified(i.schema, i.table))
            for child in children[n] ?? [] {
                let table = SQL.qualified(child.schema, child.table)
                if isNewPartitionOfKeptParent(table) || (retyped && !fresh.contains(table)) {
                    postKeys.append(Statement(sql: Self.renameAttachedIndex(parent: n, table: table, schema: child.schema, name: child.name)))
                }
                guard !fresh.contains(table), !retyped, let old = b.indexes.first(where: { $0.parentIndex == n && $0.schema == child.schema && $0.table == child.table }),
                      old.name != child.name else { continue }
                note("index", child.qualified, .alter, "renamed from \(old.qualified)")
                tableAlters.append(Statement(sql: "ALTER INDEX \(old.qualified) RENAME TO \(SQL.quoteIdent(child.name));"))
            }
            if i.clustered != j.clustered {
                note("index", n, .alter, i.clustered ? "clustered" : "not clustered")
                postKeys.append(Statement(sql: i.clustered ? "ALTER TABLE \(SQL.qualified(i.schema, i.table)) CLUSTER ON \(SQL.quoteIdent(i.name));"
                                                          : "ALTER TABLE \(SQL.qualified(i.schema, i.table)) SET WITHOUT CLUSTER;"))
            }
            comment(target: "INDEX \(n)", name: n, i.comment, j.comment)
        }
        attachKept()
        attachPartitionKeys()
        addKeysOverAttachedIndexes()
    }
}
