/// SQL quoting by PostgreSQL's own rules, for the identifiers and literals that cannot be
/// passed as parameters (DDL). Every generated identifier goes through `quoteIdent`.
public enum SQL {
    /// Keywords that force quoting even when the name is otherwise plain lower-case.
    /// (Reserved and type-function-name keywords from PostgreSQL's kwlist.)
    static let reserved: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
        "binary", "both", "case", "cast", "check", "collate", "collation", "column", "concurrently",
        "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
        "current_schema", "current_time", "current_timestamp", "current_user", "default", "deferrable",
        "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "freeze",
        "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect",
        "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
        "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order",
        "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select",
        "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to",
        "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where",
        "window", "with",
        // column-name keywords that cannot be bare identifiers in every position
        "between", "bigint", "bit", "boolean", "char", "character", "coalesce", "dec", "decimal",
        "exists", "extract", "float", "greatest", "grouping", "inout", "int", "integer", "interval",
        "least", "national", "nchar", "none", "normalize", "nullif", "numeric", "out", "overlay",
        "position", "precision", "real", "row", "setof", "smallint", "substring", "time", "timestamp",
        "treat", "trim", "values", "varchar", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
        "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
    ]

    /// `quote_ident`: bare when it is lower-case letters, digits and underscores and not a
    /// keyword; otherwise in double quotes with inner quotes doubled.
    public static func quoteIdent(_ name: String) -> String {
        var plain = !name.isEmpty
        for (i, ch) in name.unicodeScalars.enumerated() {
            let ok = (ch >= "a" && ch <= "z") || ch == "_" || (i > 0 && ((ch >= "0" && ch <= "9") || ch == "$"))
            if !ok { plain = false; break }
        }
        if plain && !reserved.contains(name) { return name }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `schema.name`, both parts quoted.
    public static func qualified(_ schema: String, _ name: String) -> String {
        quoteIdent(schema) + "." + quoteIdent(name)
    }

    /// `quote_literal`: single quotes doubled; an `E''` string when backslashes occur.
    public static func quoteLiteral(_ value: String) -> String {
        let doubled = value.replacingOccurrences(of: "'", with: "''")
        if value.contains("\\") {
            return "E'" + doubled.replacingOccurrences(of: "\\", with: "\\\\") + "'"
        }
        return "'" + doubled + "'"
    }
}
