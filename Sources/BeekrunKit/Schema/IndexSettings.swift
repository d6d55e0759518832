/// What an index carries besides its definition and pg_dump writes after it: `CLUSTER ON` (for
/// a key's index; other indexes carry it in `IndexInfo.clustered`) and per-column statistics
/// targets (`ALTER INDEX … ALTER COLUMN 2 SET STATISTICS 1000`, for expression columns).
public struct IndexSetting: Sendable, Equatable {
    /// The index and its table, qualified and quoted.
    public var index: String
    public var table: String
    public var indexName: String
    /// `pg_get_indexdef`: an index re-created by a diff starts without settings.
    public var definition: String
    public var clusteredKey: Bool
    /// Column number → statistics target.
    public var statistics: [Int: Int]

    var statements: [String] {
        var out: [String] = []
        if clusteredKey { out.append("ALTER TABLE \(table) CLUSTER ON \(SQL.quoteIdent(indexName));") }
        for (column, target) in statistics.sorted(by: { $0.key < $1.key }) {
            out.append("ALTER INDEX \(index) ALTER COLUMN \(column) SET STATISTICS \(target);")
        }
        return out
    }
}

extension CatalogReader {
    static func readIndexSettings(_ c: Context, into model: inout SchemaModel) throws {
        let r = try c.query("""
            select quote_ident(n.nspname) || '.' || quote_ident(ic.relname), quote_ident(tn.nspname) || '.' || quote_ident(tc.relname),
              ic.relname, pg_get_indexdef(i.indexrelid),
              i.indisclustered and exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid),
              (select string_agg(a.attnum || ' ' || a.attstattarget, E'\\n' order by a.attnum)
                 from pg_attribute a where a.attrelid = i.indexrelid and a.attstattarget >= 0)
            from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_namespace n on n.oid = ic.relnamespace
            join pg_class tc on tc.oid = i.indrelid join pg_namespace tn on tn.oid = tc.relnamespace
            where n.nspname = any($1) and \(notExtensionMember("pg_class", "tc"))
            order by 1
            """)
        for row in r.rows {
            var statistics: [Int: Int] = [:]
            for line in lines(row[5]) {
                let parts = line.split(separator: " ")
                if parts.count == 2, let col = Int(parts[0]), let target = Int(parts[1]) { statistics[col] = target }
            }
            guard row[4] == "t" || !statistics.isEmpty else { continue }
            model.indexSettings.append(IndexSetting(index: row[0]!, table: row[1]!, indexName: row[2]!, definition: row[3]!,
                                                    clusteredKey: row[4] == "t", statistics: statistics))
        }
    }
}

extension DiffBuilder {
    /// Settings of indexes on both sides; an index a diff (re-)creates gets a's settings.
    mutating func compareIndexSettings() {
        let x = Self.keyed(a.indexSettings, \.index), y = Self.keyed(b.indexSettings, \.index)
        // Definitions of every index on each side (keys' indexes included, without settings).
        func definitions(_ m: SchemaModel) -> [String: String] {
            var out = Self.keyed(m.indexes, \.qualified).mapValues(\.definition)
            for k in m.constraints { if let i = k.indexName { out[SQL.qualified(k.schema, i)] = k.definition } }
            return out
        }
        let defA = definitions(a), defB = definitions(b)
        let constraintIndexesA = Set(a.constraints.compactMap { k in k.indexName.map { SQL.qualified(k.schema, $0) } })
        for n in Set(x.keys).union(y.keys).sorted() {
            let fresh = defB[n] == nil || defA[n] != defB[n]
            let want = x[n], have = fresh ? nil : y[n]
            guard defA[n] != nil, want?.clusteredKey != have?.clusteredKey || want?.statistics != have?.statistics else { continue }
            if !fresh { note("index", n, .alter, "settings changed (CLUSTER ON, column statistics)") }
            let table = want?.table ?? have!.table, name = want?.indexName ?? have!.indexName
            if (want?.clusteredKey ?? false) != (have?.clusteredKey ?? false) {
                if want?.clusteredKey == true {
                    postOther.append(Statement(sql: "ALTER TABLE \(table) CLUSTER ON \(SQL.quoteIdent(name));"))
                } else if constraintIndexesA.contains(n) && !fresh {
                    postOther.append(Statement(sql: "ALTER TABLE \(table) SET WITHOUT CLUSTER;"))
                }
            }
            let s1 = want?.statistics ?? [:], s2 = have?.statistics ?? [:]
            for col in Set(s1.keys).union(s2.keys).sorted() where s1[col] != s2[col] {
                postOther.append(Statement(sql: "ALTER INDEX \(n) ALTER COLUMN \(col) SET STATISTICS \(s1[col] ?? -1);"))
            }
        }
    }

    /// A materialized view kept on both sides that is populated on one and not the other
    /// (`WITH NO DATA`).
    mutating func compareMaterializedViewState() {
        let y = Self.keyed(b.views, \.qualified)
        let fresh = Set(created.views.map(\.qualified))
        for v in a.views where v.materialized && !fresh.contains(v.qualified) {
            guard let w = y[v.qualified], w.materialized, w.populated != v.populated else { continue }
            note("materialized view", v.qualified, .alter, v.populated ? "populated" : "not populated (WITH NO DATA)")
            postOther.append(Statement(sql: "REFRESH MATERIALIZED VIEW \(v.qualified)\(v.populated ? "" : " WITH NO DATA");",
                                       hazard: v.populated ? "runs the view's query, locking it against reads" : "empties the materialized view"))
        }
    }
}
