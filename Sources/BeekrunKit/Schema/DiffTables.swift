/// Tables, their columns, constraints and indexes.
extension DiffBuilder {
    mutating func compareTables(recreated: Set<String>) {
        let x = Self.keyed(a.tables, \.qualified), y = Self.keyed(b.tables, \.qualified)
        let (onlyA, onlyB, both) = Self.split(x, y)
        let formatter = DDLGenerator(model: a, currentUser: "", initialACL: { _, _, _ in [] }, builtinACL: { _, _ in [] })
        for n in onlyA {
            let t = x[n]!
            note("table", n, .add)
            created.tables.append(t)
            created.sequences += a.sequences.filter { $0.isIdentity && $0.ownedBy.map { SQL.qualified($0.schema, $0.table) } == n }
            created.constraints += a.constraints.filter { !$0.onDomain && $0.qualifiedTable == n }
            created.indexes += a.indexes.filter { SQL.qualified($0.schema, $0.table) == n }
            created.triggers += a.triggers.filter { $0.qualifiedTable == n }
            created.rules += a.rules.filter { SQL.qualified($0.schema, $0.table) == n }
            created.policies += a.policies.filter { $0.qualifiedTable == n }
        }
        // Partitions go with their partitioned parent.
        let dropped = onlyB.filter { n in y[n]!.partitionOf.map { !onlyB.contains(SQL.qualified($0.schema, $0.name)) } ?? true }
        for n in onlyB { note("table", n, .drop) }
        if !dropped.isEmpty {
            // DROP TABLE does not take a foreign table: those are dropped on their own.
            for f in dropped where y[f]!.kind == "f" { dropTables.append(Statement(sql: "DROP FOREIGN TABLE \(f);")) }
            let dropped = dropped.filter { y[$0]!.kind != "f" }
            if !dropped.isEmpty { dropTables.append(Statement(sql: "DROP TABLE \(dropped.joined(separator: ", "));",
                                        hazard: "drops \(dropped.count == 1 ? "a table" : "tables") with \(dropped.count == 1 ? "its" : "their") rows")) }
        }
        for n in both { compareTable(x[n]!, y[n]!, formatter: formatter) }
    }

    mutating func compareTable(_ t: TableInfo, _ u: TableInfo, formatter: DDLGenerator) {
        let n = t.qualified
        if t.partitionKey != u.partitionKey || t.kind != u.kind {
            manual.append("table \(n) changed its partitioning (\(u.partitionKey ?? "none") → \(t.partitionKey ?? "none")); re-create it by hand")
            note("table", n, .alter, "partitioning changed (needs a manual migration)")
        }
        let boundA = t.partitionOf.map { "\(SQL.qualified($0.schema, $0.name)) \($0.bound)" }
        let boundB = u.partitionOf.map { "\(SQL.qualified($0.schema, $0.name)) \($0.bound)" }
        if boundA != boundB {
            note("table", n, .alter, "partition of \(boundB ?? "none") → \(boundA ?? "none")")
            if let p = u.partitionOf {
                tableAlters.append(Statement(sql: "ALTER TABLE \(SQL.qualified(p.schema, p.name)) DETACH PARTITION \(n);"))
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
        common(kind: "table", name: n, target: "\(t.keyword) \(n)", aclKind: "r", ownerA: t.owner, ownerB: u.owner,
               aclA: t.acl, aclB: u.acl, commentA: t.comment, commentB: u.comment, grantTarget: "TABLE \(n)")
    }

    mutating func compareColumns(_ t: TableInfo, _ u: TableInfo, formatter: DDLGenerator) {
        let n = t.qualified
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
            tableAlters.append(Statement(sql: "ALTER TABLE \(n) ADD COLUMN " + formatter.columnDefinition(c, table: t).dropFirst(4) + ";",
                                         hazard: rewrites ? "rewrites the table (ACCESS EXCLUSIVE lock)" : nil))
            if let cm = c.comment { grants.append(Statement(sql: "COMMENT ON COLUMN \(q) IS \(SQL.quoteLiteral(cm));")) }
            columnPrivileges(n, c.name, c.acl, nil)
        }
        for c in u.columns where x[c.name] == nil && !(isPartition && !c.isLocal) && !typed {
            note("column", "\(n).\(SQL.quoteIdent(c.name))", .drop)
            tableAlters.append(Statement(sql: "ALTER TABLE \(n) DROP COLUMN \(SQL.quoteIdent(c.name));",
                                         hazard: "drops column \(c.name) with its data"))
        }
        for c in t.columns {
            guard let d = y[c.name] else { continue }
            let q = "\(n).\(SQL.quoteIdent(c.name))", col = SQL.quoteIdent(c.name)
            let inherited = isPartition && !c.isLocal
            if !inherited && (c.type != d.type || c.collation != d.collation) {
                note("column", q, .alter, "type \(d.type) → \(c.type)")
                tableAlters.append(Statement(sql: "ALTER TABLE \(n) ALTER COLUMN \(col) TYPE \(c.type)"
                                             + (c.collation.map { " COLLATE \($0)" } ?? "") + " USING \(col)::\(c.type);",
                                             hazard: "rewrites the table (ACCESS EXCLUSIVE lock); fails if a value does not convert"))
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
                        var sql = "ALTER TABLE \(n) ALTER COLUMN \(col) ADD GENERATED \(kind == "a" ? "ALWAYS" : "BY DEFAULT") AS IDENTITY"
                        if let seq { sql += " (SEQUENCE NAME \(seq.qualified)" + formatter.sequenceOptions(seq).replacingOccurrences(of: "\n   ", with: "") + ")" }
                        identityStatements.append(Statement(sql: sql + ";"))
                    } else {
                        identityStatements.append(Statement(sql: "ALTER TABLE \(n) ALTER COLUMN \(col) SET GENERATED \(kind == "a" ? "ALWAYS" : "BY DEFAULT");"))
                    }
                } else {
                    identityStatements.append(Statement(sql: "ALTER TABLE \(n) ALTER COLUMN \(col) DROP IDENTITY;"))
                }
            }
            if identityFirst { tableAlters += identityStatements }
            if c.generatedExpr != d.generatedExpr {
                note("column", q, .alter, "generated expression \(d.generatedExpr ?? "none") → \(c.generatedExpr ?? "none")")
                if c.generatedExpr == nil {
                    tableAlters.append(Statement(sql: "ALTER TABLE \(n) ALTER COLUMN \(col) DROP EXPRESSION;"))
                } else {
                    manual.append("column \(q) needs a new generation expression: drop and re-add it by hand (it moves to the end)")
                }
            }
            if c.generatedExpr == nil && c.defaultExpr != d.defaultExpr {
                note("column", q, .alter, "default \(d.defaultExpr ?? "none") → \(c.defaultExpr ?? "none")")
                tableAlters.append(Statement(sql: "ALTER TABLE \(n) ALTER COLUMN \(col) " + (c.defaultExpr.map { "SET DEFAULT \($0)" } ?? "DROP DEFAULT") + ";"))
            }
            if c.notNull != d.notNull && !(inherited && c.notNull) {
                note("column", q, .alter, c.notNull ? "NOT NULL added" : "NOT NULL removed")
                tableAlters.append(Statement(sql: "ALTER TABLE \(n) ALTER COLUMN \(col) \(c.notNull ? "SET" : "DROP") NOT NULL;",
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
    }

    /// Constraints on tables (and domains) that exist on both sides.
    mutating func compareConstraints() {
        let tablesA = Set(a.tables.map(\.qualified)), tablesB = Set(b.tables.map(\.qualified))
        let typesA = Set(a.types.map(\.qualified)), typesB = Set(b.types.map(\.qualified))
        let partitioned = Set(a.tables.filter { $0.partitionKey != nil }.map(\.qualified))
        func kept(_ k: ConstraintInfo) -> Bool {
            k.parentIndex == nil && (k.onDomain ? typesA.contains(k.qualifiedTable) && typesB.contains(k.qualifiedTable)
                                                : tablesA.contains(k.qualifiedTable) && tablesB.contains(k.qualifiedTable))
        }
        func key(_ k: ConstraintInfo) -> String { "\(k.onDomain ? "domain" : "table") \(k.qualifiedTable) \(k.name)" }
        let x = Self.keyed(a.constraints.filter(kept), key), y = Self.keyed(b.constraints.filter(kept), key)
        let (onlyA, onlyB, both) = Self.split(x, y)
        func drop(_ k: ConstraintInfo) {
            let sql = k.onDomain ? "ALTER DOMAIN \(k.qualifiedTable) DROP CONSTRAINT \(SQL.quoteIdent(k.name));"
                                 : "ALTER TABLE \(k.qualifiedTable) DROP CONSTRAINT \(SQL.quoteIdent(k.name));"
            if k.type == "f" { dropForeignKeys.append(Statement(sql: sql)) } else { dropConstraints.append(Statement(sql: sql)) }
        }
        func add(_ k: ConstraintInfo) {
            let name = SQL.quoteIdent(k.name)
            if k.onDomain {
                preAlters.append(Statement(sql: "ALTER DOMAIN \(k.qualifiedTable) ADD CONSTRAINT \(name) \(k.definition);",
                                           hazard: k.validated ? "checks every column of the domain" : nil))
            } else {
                let only = partitioned.contains(k.qualifiedTable) ? "" : "ONLY "
                let sql = "ALTER TABLE \(only)\(k.qualifiedTable) ADD CONSTRAINT \(name) \(k.definition);"
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
        for n in both {
            let k = x[n]!, l = y[n]!
            let name = "\(SQL.quoteIdent(k.name)) on \(k.qualifiedTable)"
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
            comment(target: "CONSTRAINT \(SQL.quoteIdent(k.name)) ON \(k.onDomain ? "DOMAIN " : "")\(k.qualifiedTable)", name: name, k.comment, l.comment)
        }
    }

    /// Indexes on tables and materialized views that exist (and stay) on both sides.
    mutating func compareIndexes() {
        let relationsA = Set(a.tables.map(\.qualified) + a.views.map(\.qualified))
        let relationsB = Set(b.tables.map(\.qualified) + b.views.map(\.qualified))
        let fresh = Set(created.views.map(\.qualified) + created.tables.map(\.qualified))
        func kept(_ i: IndexInfo) -> Bool {
            let t = SQL.qualified(i.schema, i.table)
            return i.parentIndex == nil && relationsA.contains(t) && relationsB.contains(t) && !fresh.contains(t)
        }
        let x = Self.keyed(a.indexes.filter(kept), \.qualified), y = Self.keyed(b.indexes.filter(kept), \.qualified)
        let (onlyA, onlyB, both) = Self.split(x, y)
        func add(_ i: IndexInfo) {
            // On a partitioned table the index is built on every partition too.
            postKeys.append(Statement(sql: i.definition.replacingOccurrences(of: " ON ONLY ", with: " ON ") + ";",
                                      hazard: "builds an index, blocking writes meanwhile (CREATE INDEX CONCURRENTLY avoids it, outside a transaction)"))
            if i.clustered {
                postKeys.append(Statement(sql: "ALTER TABLE \(SQL.qualified(i.schema, i.table)) CLUSTER ON \(SQL.quoteIdent(i.name));"))
            }
            if let c = i.comment { grants.append(Statement(sql: "COMMENT ON INDEX \(i.qualified) IS \(SQL.quoteLiteral(c));")) }
        }
        for n in onlyA { note("index", n, .add, x[n]!.definition); add(x[n]!) }
        for n in onlyB { note("index", n, .drop); dropConstraints.append(Statement(sql: "DROP INDEX \(n);")) }
        for n in both {
            let i = x[n]!, j = y[n]!
            if i.definition != j.definition {
                note("index", n, .alter, "\(j.definition) → \(i.definition)")
                dropConstraints.append(Statement(sql: "DROP INDEX \(n);"))
                add(i)
                continue
            }
            if i.clustered != j.clustered {
                note("index", n, .alter, i.clustered ? "clustered" : "not clustered")
                postKeys.append(Statement(sql: i.clustered ? "ALTER TABLE \(SQL.qualified(i.schema, i.table)) CLUSTER ON \(SQL.quoteIdent(i.name));"
                                                          : "ALTER TABLE \(SQL.qualified(i.schema, i.table)) SET WITHOUT CLUSTER;"))
            }
            comment(target: "INDEX \(n)", name: n, i.comment, j.comment)
        }
    }
}
