/// A table whose column default or check calls a routine that reads the table back (through a
/// view, or in its body) is a cycle PostgreSQL only builds with a later `ALTER`: clone holds
/// the default or check back (`DDLGenerator.order`). Dropping such a table with the routine
/// needs the same split the other way round: the default or check comes off first, then the
/// routine and what it reads, then the table. `DROP TABLE` alone cannot go first (the view
/// over it holds it) and the routine cannot either (the default holds it).
extension DiffBuilder {
    /// For each table of b that goes, the defaults and checks whose routine leads back to it
    /// through b's dependencies: taken off first (keyed drops, before the routine's drop), and
    /// left out of what the table's own drop waits for (`splitParts`).
    mutating func splitCyclicParts(ofDropped dropped: [String]) {
        let tables = Self.keyed(b.tables, \.qualified)
        for n in dropped {
            guard let t = tables[n], t.kind != "f" else { continue }
            let inherited = t.partitionOf != nil || !t.inherits.isEmpty
            var split = Set<ObjectRef>()
            for part in b.partDependencies[t.ref] ?? [] where reaches(from: part.on, to: t.ref) {
                guard let routine = keysB[part.on] else { continue }
                var s: Statement
                if part.part.hasPrefix("default ") {
                    let column = String(part.part.dropFirst("default ".count))
                    s = Statement(.drop, "default", "\(n).\(SQL.quoteIdent(column))",
                                  "ALTER TABLE \(n) ALTER COLUMN \(SQL.quoteIdent(column)) DROP DEFAULT;", phase: .drop)
                } else if part.part.hasPrefix("check "), !inherited {
                    let name = String(part.part.dropFirst("check ".count))
                    s = Statement(.drop, "constraint", "\(SQL.quoteIdent(name)) on \(n)",
                                  "ALTER TABLE \(n) DROP CONSTRAINT \(SQL.quoteIdent(name));", phase: .drop)
                } else { continue }
                s.provides = ["\(part.part) of \(n)"]
                s.requires = [routine]
                dropTableParts.append(s)
                split.insert(part.on)
            }
            // What another part of the table still calls keeps the table waiting for it.
            let stillUsed = Set((b.partDependencies[t.ref] ?? []).filter { !split.contains($0.on) }.map(\.on))
            if !split.isEmpty { splitParts[t.ref] = split.subtracting(stillUsed) }
        }
    }

    /// Whether `to` is reachable from `from` over b's dependency edges.
    func reaches(from: ObjectRef, to: ObjectRef) -> Bool {
        var seen: Set<ObjectRef> = [from], stack = [from]
        while let next = stack.popLast() {
            for d in b.dependencies[next] ?? [] {
                if d == to { return true }
                if seen.insert(d).inserted { stack.append(d) }
            }
        }
        return false
    }
}
