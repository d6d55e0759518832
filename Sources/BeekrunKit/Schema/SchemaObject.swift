/// An object of one of the kinds whose whole definition beekrun writes out as statements read
/// from the catalogs: collations, conversions, operators, text-search dictionaries and
/// configurations, statistics objects. Each kind's reader (one file per kind) builds these;
/// clone creates them, in dependency order with the other pre-data objects (or in post-data
/// for statistics objects), and diff compares them by their statements: a change is a drop and
/// a create.
public struct SchemaObject: Sendable, Equatable {
    public var ref: ObjectRef
    /// collation, conversion, operator, text search dictionary, text search configuration,
    /// statistics.
    public var kind: String
    public var schema: String
    /// As DROP, ALTER … OWNER TO and COMMENT ON name it after the kind word: `public.c`,
    /// `public.===(integer,integer)`.
    public var identity: String
    /// The statements that create it (without owner and comment).
    public var create: [String]
    public var owner: String
    public var comment: String?
    /// Created after the rows are loaded, with the indexes (statistics objects).
    public var postData: Bool = false
    /// Created at the end of pre-data, after every other pre-data object (operator families
    /// and classes, whose members' dependencies pg_depend keeps on the member rows).
    public var afterPreData: Bool = false

    /// `COLLATION`, `TEXT SEARCH CONFIGURATION`, …
    public var keyword: String { kind.uppercased() }
    /// Tie-break among independent pre-data objects (as `DDLGenerator.Node.priority`).
    var priority: Int {
        switch kind {
        case "collation", "conversion", "text search dictionary", "text search configuration": return 0
        case "operator family": return 2
        case "operator class": return 3
        default: return 1
        }
    }

    /// Everything that creates it on an empty schema, as owned by `owner` when `currentUser`
    /// is someone else.
    func statements(currentUser: String) -> [String] {
        var out = create
        if owner != currentUser { out.append("ALTER \(keyword) \(identity) OWNER TO \(SQL.quoteIdent(owner));") }
        if let c = DDL.comment("\(keyword) \(identity)", comment) { out.append(c) }
        return out
    }

    var dropSQL: String { "DROP \(keyword) \(identity);" }
}

extension DiffBuilder {
    /// Objects of the kinds `SchemaObject` holds: created, dropped, or (on any change of their
    /// statements) dropped and created again; owner and comment change in place.
    mutating func compareSchemaObjects() {
        rebuildObjectUsers()
        func key(_ o: SchemaObject) -> String { o.kind + " " + o.identity }
        let x = Self.keyed(a.objects, key), y = Self.keyed(b.objects, key)
        let (onlyA, onlyB, both) = Self.split(x, y)
        for n in onlyA { note(x[n]!.kind, x[n]!.identity, .add); created.objects.append(x[n]!) }
        // Keyed drops: the statement sort puts them after the drops of what uses them (an index
        // of an operator class, a column of a collation, a configuration of a dictionary) and
        // before the drops of what they use (an operator's function), as pg_depend records it.
        func drop(_ o: SchemaObject, hazard: String? = nil) -> Statement {
            var s = Statement(.drop, o.kind, o.identity, o.dropSQL, phase: .drop, hazard: hazard)
            s.provides = [StatementGraph.objectKey(o)]
            return s
        }
        // Statistics objects go before a column they cover is dropped (which would take them
        // along); the rest once the table changes that stop using them are done.
        for n in onlyB {
            note(y[n]!.kind, y[n]!.identity, .drop)
            if y[n]!.kind == "statistics" { dropTableParts.append(drop(y[n]!)) } else { dropTypes.append(drop(y[n]!)) }
        }
        for n in both {
            let o = x[n]!, p = y[n]!
            if recreatedObjects.contains(n) && o.kind == "collation" {
                // Renamed aside: its columns move to the new one, then it goes.
                note(o.kind, o.identity, .alter, o.create == p.create ? "made again with what it uses" : "definition changed (made again; its columns move over)")
                let aside = Self.asideIdentity(p)
                preAlters.append(Statement(sql: "ALTER COLLATION \(p.identity) RENAME TO \(SQL.quoteIdent(aside.name));"))
                dropTypes.append(Statement(sql: "DROP COLLATION \(aside.qualified);"))
                created.objects.append(o)
                continue
            } else if o.create != p.create, Self.changesInPlace(o, p) {
                // Same parser: the token mappings change in place, so the columns and indexes
                // using the configuration stay.
                note(o.kind, o.identity, .alter, "mappings changed")
                preAlters += TextSearchMappings.statements(o.identity, from: p.create.dropFirst(), to: o.create.dropFirst()).map { Statement(sql: $0) }
            } else if recreatedObjects.contains(n) {
                // Changed, or over something made again (`objectsToRecreate`). What uses it is
                // dropped before and made again after (`rebuildObjectUsers`).
                note(o.kind, o.identity, .alter, o.create == p.create ? "made again with what it uses (drop and create)" : "definition changed (drop and create)")
                if o.kind == "statistics" && o.create != p.create { dropTableParts.append(drop(p)) } else { dropRoutines.append(drop(p)) }
                created.objects.append(o)
                continue
            }
            if o.owner != p.owner {
                note("owner", o.identity, .alter, "\(o.kind) owner \(p.owner) → \(o.owner)")
                grants.append(Statement(sql: "ALTER \(o.keyword) \(o.identity) OWNER TO \(SQL.quoteIdent(o.owner));"))
            }
            comment(target: "\(o.keyword) \(o.identity)", name: o.identity, o.comment, p.comment)
        }
    }
}
