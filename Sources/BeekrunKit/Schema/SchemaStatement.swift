/// One DDL statement of a plan, with what a dry run prints about it. `clone_schema` and `diff`
/// both produce these: the clone plan as its statement list, a diff as `SchemaDiff.statements`
/// (rendered to `SchemaDiff.sql` with each hazard as a `-- HAZARD:` line before its statement).
public struct SchemaStatement: Sendable, Equatable, CustomStringConvertible {
    public enum Action: String, Sendable { case create, drop, alter, grant, comment }
    /// `drop` statements empty the target; `preData` builds what rows are loaded into; `postData`
    /// adds indexes, keys, triggers, policies and privileges once the rows are in.
    public enum Phase: String, Sendable { case drop, preData, postData }

    public var action: Action
    /// table, view, function, index, constraint, trigger, policy, grant, …
    public var kind: String
    /// The object, schema-qualified and quoted as in SQL.
    public var name: String
    public var sql: String
    public var phase: Phase
    /// Why running it needs care (data loss, a table rewrite, a long lock), or nil.
    public var hazard: String?
    /// `StatementGraph` keys of the objects it creates or changes (for a drop: the object that
    /// goes), and of those it needs first (for a drop: those its object depended on, which go
    /// after it). Empty where its kind, name or SQL say it, or its place alone orders it.
    public var provides: Set<String> = []
    public var requires: Set<String> = []

    public init(_ action: Action, _ kind: String, _ name: String, _ sql: String, phase: Phase, hazard: String? = nil) {
        self.action = action; self.kind = kind; self.name = name; self.sql = sql; self.phase = phase; self.hazard = hazard
    }

    /// A migration statement whose object is named in its SQL only.
    public init(sql: String, hazard: String? = nil) {
        self.init(.alter, "", "", sql, phase: .preData, hazard: hazard)
    }

    /// The statement as a migration file shows it: its hazard as a comment line, then the SQL.
    public var rendered: String { (hazard.map { "-- HAZARD: \($0)\n" } ?? "") + sql }

    /// `create table public.t`, one line for a plan.
    public var description: String { "\(action.rawValue) \(kind) \(name)" }
}

/// DDL fragments shared by the generator and the readers of dependent objects.
enum DDL {
    static func trigger(_ t: TriggerInfo) -> [String] {
        var out = [t.definition + ";"]
        let name = SQL.quoteIdent(t.name)
        switch t.enabled {
        case "D": out.append("ALTER TABLE \(t.qualifiedTable) DISABLE TRIGGER \(name);")
        case "R": out.append("ALTER TABLE \(t.qualifiedTable) ENABLE REPLICA TRIGGER \(name);")
        case "A": out.append("ALTER TABLE \(t.qualifiedTable) ENABLE ALWAYS TRIGGER \(name);")
        default: break
        }
        if let c = t.comment { out.append("COMMENT ON TRIGGER \(name) ON \(t.qualifiedTable) IS \(SQL.quoteLiteral(c));") }
        return out
    }

    static func policy(_ p: PolicyInfo) -> [String] {
        let command = ["r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"][p.command] ?? "ALL"
        let roles = p.roles.map { $0.isEmpty ? "PUBLIC" : SQL.quoteIdent($0) }.joined(separator: ", ")
        var sql = "CREATE POLICY \(SQL.quoteIdent(p.name)) ON \(p.qualifiedTable) AS "
            + (p.permissive ? "PERMISSIVE" : "RESTRICTIVE") + " FOR \(command) TO \(roles)"
        if let u = p.using { sql += " USING (\(u))" }
        if let w = p.withCheck { sql += " WITH CHECK (\(w))" }
        var out = [sql + ";"]
        if let c = p.comment {
            out.append("COMMENT ON POLICY \(SQL.quoteIdent(p.name)) ON \(p.qualifiedTable) IS \(SQL.quoteLiteral(c));")
        }
        return out
    }

    /// `WITH (key='value', …)` from reloptions, or "".
    static func withOptions(_ options: [String]) -> String {
        guard !options.isEmpty else { return "" }
        let parts = options.map { option -> String in
            guard let eq = option.firstIndex(of: "=") else { return option }
            return String(option[..<eq]) + "=" + SQL.quoteLiteral(String(option[option.index(after: eq)...]))
        }
        return " WITH (" + parts.joined(separator: ", ") + ")"
    }

    static func comment(_ target: String, _ text: String?) -> String? {
        text.map { "COMMENT ON \(target) IS \(SQL.quoteLiteral($0));" }
    }
}
