/// Diff of what a table is made from besides its own columns: its inheritance parents, the type
/// of a typed table, a foreign table's server and options.
extension DiffBuilder {
    mutating func compareTableLineage(_ t: TableInfo, _ u: TableInfo) {
        let n = t.qualified
        if t.inherits != u.inherits {
            note("table", n, .alter, "inherits (\(u.inherits.joined(separator: ", "))) → (\(t.inherits.joined(separator: ", ")))")
            for p in u.inherits where !t.inherits.contains(p) {
                leaveParent(p, "ALTER TABLE \(n) NO INHERIT \(p);")
            }
            // INHERIT appends: the parents come out in a's order only if those kept are first.
            for p in t.inherits where !u.inherits.contains(p) {
                tableAlters.append(Statement(sql: "ALTER TABLE \(n) INHERIT \(p);",
                                             hazard: "the child must already have the parent's columns and checks"))
            }
        }
        if t.ofType != u.ofType {
            note("table", n, .alter, "typed table of \(u.ofType ?? "none") → \(t.ofType ?? "none")")
            if u.ofType != nil { tableAlters.append(Statement(sql: "ALTER TABLE \(n) NOT OF;")) }
            if let type = t.ofType { tableAlters.append(Statement(sql: "ALTER TABLE \(n) OF \(type);")) }
        }
        if t.foreignServer != u.foreignServer || t.foreignOptions != u.foreignOptions {
            note("foreign table", n, .alter, "server or options changed")
            if t.foreignServer != u.foreignServer, let server = t.foreignServer {
                manual.append("foreign table \(n) moves to server \(SQL.quoteIdent(server)); PostgreSQL 15 cannot change a foreign table's server: re-create it")
            }
            let keysA = Set(t.foreignOptions.map { String($0.prefix { $0 != "=" }) })
            let keysB = Set(u.foreignOptions.map { String($0.prefix { $0 != "=" }) })
            var clauses = u.foreignOptions.map { String($0.prefix { $0 != "=" }) }.filter { !keysA.contains($0) }.map { "DROP \(SQL.quoteIdent($0))" }
            for option in t.foreignOptions where !u.foreignOptions.contains(option) {
                let key = String(option.prefix { $0 != "=" }), value = String(option.dropFirst(key.count + 1))
                clauses.append("\(keysB.contains(key) ? "SET" : "ADD") \(SQL.quoteIdent(key)) \(SQL.quoteLiteral(value))")
            }
            if !clauses.isEmpty { tableAlters.append(Statement(sql: "ALTER FOREIGN TABLE \(n) OPTIONS (\(clauses.joined(separator: ", ")));")) }
        }
    }
}
