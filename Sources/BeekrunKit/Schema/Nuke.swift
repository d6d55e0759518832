/// What `nuke` would do: empty the schemas, keeping each schema itself (owner, grants, default
/// privileges, comment) as it was.
public struct NukePlan: Sendable {
    public var schemas: [String]
    public var statements: [SchemaStatement]
    public var droppedTables: [DroppedTable]
    /// Objects in other schemas that hang off these schemas (a trigger on `auth.users` calling a
    /// function of `public`) and are dropped along, with the statements that re-create them.
    /// `SchemaCloner` re-creates the source's own; these are here to show and, if wanted, replay
    /// once the objects they need exist again.
    public var savedDependents: [DependentObject]

    public func apply(on db: PGConnection) throws {
        try SchemaApplier.run(statements, on: db)
    }

    public var summary: String {
        let rows = Dictionary(droppedTables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var lines = statements.map { s -> String in
            var line = (s.action == .drop ? "- " : "+ ") + s.description
            if s.action == .drop, let t = rows[s.name] { line += " (\(t.estimated ? "about " : "")\(t.rows) row\(t.rows == 1 ? "" : "s"))" }
            return line
        }
        lines += savedDependents.map { "- \($0.kind) \($0.identity) (outside the schemas, dropped along; saved)" }
        lines.append("Plan: \(statements.filter { $0.action == .drop }.count) to drop, \(droppedTables.reduce(0) { $0 + $1.rows }) rows dropped.")
        return lines.joined(separator: "\n")
    }
}

public enum Nuke {
    /// Plans emptying `schemas` on `db` (a schema that does not exist is created). Refuses
    /// platform schemas, and objects elsewhere depending on the schemas that could not be
    /// re-created.
    public static func plan(_ db: PGConnection, schemas: [String]) throws -> NukePlan {
        try CatalogReader.checkSchemaNames(schemas, action: "nuke")
        let model = try CatalogReader.read(db, schemas: schemas)
        if !model.unsupportedDependents.isEmpty {
            throw BeekError.refused("nuke: objects outside the schemas depend on them and could not be re-created; nothing was changed:\n  - "
                                    + model.unsupportedDependents.joined(separator: "\n  - "))
        }
        let emptied = try SchemaEmptier.plan(db, schemas: schemas)
        var statements = emptied.statements
        for s in schemas where !model.schemaNames.contains(s) {
            statements.append(SchemaStatement(.create, "schema", SQL.quoteIdent(s), "CREATE SCHEMA \(SQL.quoteIdent(s));", phase: .preData))
        }
        return NukePlan(schemas: schemas, statements: statements, droppedTables: emptied.droppedTables,
                        savedDependents: model.dependents)
    }
}
