/// A partition's (or inheritance child's) copy of a parent CHECK that the parent holds
/// `NOT VALID` but the child holds validated.
///
/// Why it exists: PostgreSQL validates the copy on a child created after the parent's `NOT VALID`
/// check (its rows are none), or on `ALTER TABLE ONLY child VALIDATE CONSTRAINT`. pg_dump shows
/// such a copy in the child's CREATE TABLE, while an inherited copy otherwise goes unsaid. The
/// constraint reader leaves inherited checks out (they come with the parent's), so the child's
/// validated state is read here, as a list on its table. Adding the parent's check `NOT VALID`
/// (as a clone, or as a migration that makes the check again, does) leaves every copy not valid:
/// the validated ones are validated again, child by child, afterwards. No ALTER makes a copy
/// not valid again: where b holds a copy validated that a does not, the parent's check is
/// dropped and added again.
extension CatalogReader {
    static func readValidatedInheritedChecks(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            select n.nspname, t.relname, k.conname
            from pg_constraint k join pg_class t on t.oid = k.conrelid join pg_namespace n on n.oid = t.relnamespace
            where n.nspname = any($1) and k.contype = 'c' and not k.conislocal and k.convalidated
              and exists (select from pg_inherits h join pg_constraint pk on pk.conrelid = h.inhparent
                          where h.inhrelid = k.conrelid and pk.contype = 'c' and pk.conname = k.conname and not pk.convalidated)
            order by 1, 2, 3
            """)
        var byTable: [String: [String]] = [:]
        for row in r.rows { byTable[SQL.qualified(row[0]!, row[1]!), default: []].append(row[2]!) }
        for i in model.tables.indices {
            if let names = byTable[model.tables[i].qualified] { model.tables[i].validatedInheritedChecks = names }
        }
    }
}

extension DiffBuilder {
    /// The tables of `model` that inherit from table `parent` (partitions and INHERITS children).
    static func children(of parent: String, in model: SchemaModel) -> [TableInfo] {
        model.tables.filter { t in t.inherits.contains(parent) || t.partitionOf.map { SQL.qualified($0.schema, $0.name) == parent } == true }
    }

    /// Whether a's check `k` (on a parent) must be dropped and added again because a kept child
    /// holds b's copy validated and a wants it not valid.
    func losesValidatedCopies(_ k: ConstraintInfo) -> Bool {
        guard !k.onDomain, k.type == "c", !k.validated else { return false }
        let childrenB = Self.keyed(Self.children(of: k.qualifiedTable, in: b), \.qualified)
        return Self.children(of: k.qualifiedTable, in: a).contains { t in
            guard !recreatedTables.contains(t.qualified), let u = childrenB[t.qualified] else { return false }
            return u.validatedInheritedChecks.contains(k.name) && !t.validatedInheritedChecks.contains(k.name)
        }
    }

    /// Validates again, on each kept child, the copies a holds validated that the migration
    /// leaves not valid: b's copy is not validated, or the parent's check is made again.
    /// (New and re-created children get theirs from the generator.)
    mutating func compareValidatedInheritedChecks() {
        let tablesB = Self.keyed(b.tables, \.qualified)
        for t in a.tables where !t.validatedInheritedChecks.isEmpty && !recreatedTables.contains(t.qualified) {
            guard let u = tablesB[t.qualified] else { continue }
            let parents = t.inherits + (t.partitionOf.map { [SQL.qualified($0.schema, $0.name)] } ?? [])
            for name in t.validatedInheritedChecks {
                let remade = parents.contains { p in
                    guard let k = a.constraints.first(where: { !$0.onDomain && $0.qualifiedTable == p && $0.name == name }) else { return false }
                    guard let l = b.constraints.first(where: { !$0.onDomain && $0.qualifiedTable == p && $0.name == name }) else { return true }
                    return recreatedTables.contains(p) || l.definition != k.definition || l.validated != k.validated || losesValidatedCopies(k)
                        || rebuiltParts.contains("constraint \(p) \(name)") || isReadded(p, l.definition)
                }
                guard remade || !u.validatedInheritedChecks.contains(name) else { continue }
                note("constraint", "\(SQL.quoteIdent(name)) on \(t.qualified)", .alter, "validated on this table (its parent's is NOT VALID)")
                postOther.append(Statement(sql: "ALTER TABLE ONLY \(t.qualified) VALIDATE CONSTRAINT \(SQL.quoteIdent(name));",
                                           hazard: "scans the table"))
            }
        }
    }
}

extension DDLGenerator {
    /// After the parents' `NOT VALID` checks: the children's validated copies.
    mutating func validateInheritedChecks() {
        for t in model.tables {
            for name in t.validatedInheritedChecks {
                addPost(.alter, "constraint", "\(SQL.quoteIdent(name)) on \(t.qualified)",
                        "ALTER TABLE ONLY \(t.qualified) VALIDATE CONSTRAINT \(SQL.quoteIdent(name));")
            }
        }
    }
}
