/// Foreign tables. The table (columns, options, constraints, privileges) is cloned; its server
/// and user mappings are database-wide objects, outside any schema, and are not: the target
/// must have a server of the same name (a clone refuses otherwise), and the user mappings,
/// which hold remote passwords, stay as they are on each side.
enum ForeignTables {
    /// ` OPTIONS (key 'value', …)` from `key=value` options, or "".
    static func options(_ options: [String]) -> String {
        guard !options.isEmpty else { return "" }
        return "\nOPTIONS (\n    " + options.map { option -> String in
            guard let eq = option.firstIndex(of: "=") else { return SQL.quoteIdent(option) }
            return SQL.quoteIdent(String(option[..<eq])) + " " + SQL.quoteLiteral(String(option[option.index(after: eq)...]))
        }.joined(separator: ",\n    ") + "\n)"
    }

    /// Servers the source's foreign tables use that `dst` lacks.
    static func missingServers(_ model: SchemaModel, on dst: PGConnection) throws -> [String] {
        let names = Array(Set(model.tables.compactMap(\.foreignServer))).sorted()
        guard !names.isEmpty else { return [] }
        let existing = Set(try dst.query("select srvname from pg_foreign_server where srvname = any($1)",
                                         [SQL.textArray(names)]).rows.map { $0[0]! })
        return names.filter { !existing.contains($0) }
    }
}
