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

/// A foreign server that foreign tables of the compared schemas use, with its wrapper: both are
/// database-wide, but a foreign table cannot exist without them, so `diff` creates them when the
/// target lacks them, and drops them when they go with the last foreign tables that used them
/// and nothing else holds them (no user mapping, no foreign table in another schema).
/// A server or wrapper both sides have is left as it is: other schemas may rely on it.
public struct ForeignServerInfo: Sendable, Equatable {
    public var name: String
    public var type: String?
    public var version: String?
    public var options: [String]
    public var owner: String
    public var wrapper: String
    /// The wrapper's handler and validator, qualified; nil when it has none.
    public var wrapperHandler: String?
    public var wrapperValidator: String?
    public var wrapperOptions: [String]
    public var wrapperOwner: String
    /// The wrapper is made by an extension (`postgres_fdw`): creating the extension makes it.
    public var wrapperFromExtension: Bool
    /// User mappings or foreign tables outside the compared schemas use the server.
    public var usedElsewhere: Bool
    /// Other servers use the wrapper.
    public var wrapperUsedElsewhere: Bool
}

extension ForeignTables {
    /// `OPTIONS (key 'value', …)` on one line, or "".
    static func inlineOptions(_ options: [String]) -> String {
        options.isEmpty ? "" : " " + ForeignTables.options(options).replacingOccurrences(of: "\n    ", with: " ")
            .replacingOccurrences(of: "\n)", with: ")").replacingOccurrences(of: "\n", with: "")
    }
}

extension CatalogReader {
    static func readForeignServers(_ c: Context, into model: inout SchemaModel) throws {
        model.serverNames = Set(try c.db.query("select srvname from pg_foreign_server").rows.map { $0[0]! })
        model.wrapperNames = Set(try c.db.query("select fdwname from pg_foreign_data_wrapper").rows.map { $0[0]! })
        guard model.tables.contains(where: { $0.foreignServer != nil }) else { return }
        model.foreignServers = try c.query("""
            select s.srvname, s.srvtype, s.srvversion, array_to_string(s.srvoptions, E'\\n'), pg_get_userbyid(s.srvowner),
              w.fdwname, nullif(w.fdwhandler, 0)::regproc::text, nullif(w.fdwvalidator, 0)::regproc::text,
              array_to_string(w.fdwoptions, E'\\n'), pg_get_userbyid(w.fdwowner),
              exists (select from pg_depend d where d.classid = 'pg_foreign_data_wrapper'::regclass and d.objid = w.oid and d.deptype = 'e'),
              exists (select from pg_user_mapping m where m.umserver = s.oid)
                or exists (select from pg_foreign_table f join pg_class k on k.oid = f.ftrelid
                           join pg_namespace n on n.oid = k.relnamespace where f.ftserver = s.oid and n.nspname <> all($1)),
              exists (select from pg_foreign_server o where o.srvfdw = w.oid and o.oid <> s.oid)
            from pg_foreign_server s join pg_foreign_data_wrapper w on w.oid = s.srvfdw
            where exists (select from pg_foreign_table f join pg_class k on k.oid = f.ftrelid
                          join pg_namespace n on n.oid = k.relnamespace where f.ftserver = s.oid and n.nspname = any($1))
            order by 1
            """).rows.map {
            ForeignServerInfo(name: $0[0]!, type: $0[1], version: $0[2], options: lines($0[3]), owner: $0[4]!,
                              wrapper: $0[5]!, wrapperHandler: $0[6], wrapperValidator: $0[7], wrapperOptions: lines($0[8]),
                              wrapperOwner: $0[9]!, wrapperFromExtension: $0[10] == "t", usedElsewhere: $0[11] == "t",
                              wrapperUsedElsewhere: $0[12] == "t")
        }
    }
}

extension DiffBuilder {
    /// Servers (and wrappers) a's foreign tables need that b's database lacks are created before
    /// the tables; b's that a's database lacks go after the tables when nothing else uses them.
    mutating func compareForeignServers() {
        for s in a.foreignServers where !b.serverNames.contains(s.name) {
            let w = SQL.quoteIdent(s.wrapper)
            if !b.wrapperNames.contains(s.wrapper) && !s.wrapperFromExtension
                && !preAlters.contains(where: { $0.sql.hasPrefix("CREATE FOREIGN DATA WRAPPER \(w)") }) {
                note("foreign data wrapper", w, .add)
                preAlters.append(Statement(sql: "CREATE FOREIGN DATA WRAPPER \(w)"
                    + (s.wrapperHandler.map { " HANDLER \($0)" } ?? " NO HANDLER")
                    + (s.wrapperValidator.map { " VALIDATOR \($0)" } ?? " NO VALIDATOR")
                    + ForeignTables.inlineOptions(s.wrapperOptions) + ";"))
                preAlters.append(Statement(sql: "ALTER FOREIGN DATA WRAPPER \(w) OWNER TO \(SQL.quoteIdent(s.wrapperOwner));"))
            }
            let q = SQL.quoteIdent(s.name)
            note("foreign server", q, .add, "for the foreign tables that use it")
            preAlters.append(Statement(sql: "CREATE SERVER \(q)" + (s.type.map { " TYPE \(SQL.quoteLiteral($0))" } ?? "")
                + (s.version.map { " VERSION \(SQL.quoteLiteral($0))" } ?? "") + " FOREIGN DATA WRAPPER \(w)"
                + ForeignTables.inlineOptions(s.options) + ";"))
            preAlters.append(Statement(sql: "ALTER SERVER \(q) OWNER TO \(SQL.quoteIdent(s.owner));"))
        }
        for s in b.foreignServers where !a.serverNames.contains(s.name) && !s.usedElsewhere {
            let q = SQL.quoteIdent(s.name)
            note("foreign server", q, .drop, "no foreign table uses it any more")
            dropTypes.append(Statement(sql: "DROP SERVER \(q);"))
            if !a.wrapperNames.contains(s.wrapper) && !s.wrapperFromExtension && !s.wrapperUsedElsewhere {
                note("foreign data wrapper", SQL.quoteIdent(s.wrapper), .drop)
                dropTypes.append(Statement(sql: "DROP FOREIGN DATA WRAPPER \(SQL.quoteIdent(s.wrapper));"))
            }
        }
    }
}
