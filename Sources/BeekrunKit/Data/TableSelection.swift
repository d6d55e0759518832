import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A table as the data engine sees it: where it is, and the columns that hold stored data.
struct DataTable: Sendable, Equatable {
    var schema: String
    var name: String
    var oid: String
    /// Columns in table order, generated columns left out (they are computed, never stored).
    var columns: [BackupManifest.Column]
    /// The table's size on disk (heap + TOAST), an estimate for plans and scheduling.
    var diskBytes: Int
    /// The planner's row estimate (`reltuples`), 0 when never analyzed: for a real run's
    /// step line, which must not scan the table to count it.
    var estimatedRows: Int = 0
    /// The backup's `where` filter for this table (a subset), nil for all rows.
    var filter: String?

    var qualified: String { SQL.qualified(schema, name) }
    var displayName: String { schema + "." + name }
}

/// Picks the tables of `backup(db, {schemas, tables, exclude})` from the catalogs.
enum TableSelection {
    /// - Parameters:
    ///   - schemas: schemas whose tables are taken.
    ///   - tables: when given, only these; each is `name` or `schema.name`, `*` and `?`
    ///     allowed. A qualified name may point outside `schemas`. A name that matches
    ///     nothing is an error (a typo must not silently skip a table).
    ///   - exclude: the same patterns, taken out.
    ///   - filters: `where` filters keyed by the same patterns: each key must name a table
    ///     chosen here (a filter on a partitioned table applies to each of its partitions),
    ///     and no table may match two keys.
    /// Partitioned tables are read through their leaf partitions (as pg_dump does), so
    /// naming a partitioned table selects its partitions.
    static func select(_ conn: PGConnection, schemas: [String], tables: [String]?, exclude: [String],
                       filters: [String: String] = [:]) throws -> [DataTable] {
        var searchSchemas = Set(schemas)
        for entry in tables ?? [] where entry.contains(".") {
            searchSchemas.insert(String(entry[..<entry.firstIndex(of: ".")!]))
        }
        let schemaList = textArray(searchSchemas.sorted())
        // Leaf tables and partitioned parents; a parent maps to its leaf partitions.
        let result = try conn.query("""
            select n.nspname, c.relname, c.oid::text, c.relkind::text,
                   coalesce((select array_to_string(array_agg(t.relid::oid::text), ',')
                             from pg_partition_tree(c.oid) t where t.isleaf and c.relkind = 'p'), '')
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'p') and n.nspname = any($1::text[])
            order by n.nspname, c.relname
            """, [schemaList])
        struct Candidate { var schema: String; var name: String; var oid: String; var isParent: Bool; var leaves: [String] }
        let candidates = result.rows.map { r in
            Candidate(schema: r[0]!, name: r[1]!, oid: r[2]!, isParent: r[3] == "p",
                      leaves: r[4]!.split(separator: ",").map(String.init))
        }
        func matches(_ pattern: String, _ c: Candidate) -> Bool {
            glob(pattern, c.schema + "." + c.name) || (!pattern.contains(".") && glob(pattern, c.name))
        }
        var chosen: [String] = [] // oids of leaf tables, in order
        var seen = Set<String>()
        func take(_ c: Candidate) {
            for oid in c.isParent ? c.leaves : [c.oid] where seen.insert(oid).inserted { chosen.append(oid) }
        }
        if let tables {
            for entry in tables {
                let hits = candidates.filter { matches(entry, $0) }
                guard !hits.isEmpty else {
                    throw BeekError.badArgument(function: "backup", message: "no table matches \"\(entry)\" in schemas \(searchSchemas.sorted().joined(separator: ", "))")
                }
                hits.forEach(take)
            }
        } else {
            // By default the schemas' leaf tables; partitions are listed as tables themselves.
            candidates.filter { !$0.isParent && schemas.contains($0.schema) }.forEach(take)
        }
        var excluded = Set<String>()
        for entry in exclude {
            for c in candidates where matches(entry, c) { (c.isParent ? c.leaves : [c.oid]).forEach { excluded.insert($0) } }
        }
        let kept = chosen.filter { !excluded.contains($0) }
        var filterOf: [String: (key: String, filter: String)] = [:]
        for key in filters.keys.sorted() {
            let hits = candidates.filter { matches(key, $0) }
            let leaves = hits.flatMap { $0.isParent ? $0.leaves : [$0.oid] }.filter { kept.contains($0) }
            guard !leaves.isEmpty else {
                let names = candidates.filter { c in (c.isParent ? c.leaves : [c.oid]).contains { kept.contains($0) } }
                    .map { $0.schema + "." + $0.name }
                let guess = Spelling.closest(to: key, among: names)
                    ?? Spelling.closest(to: key, among: candidates.filter { kept.contains($0.oid) }.map(\.name))
                let suggestion = guess.map { " (did you mean '\($0)'?)" } ?? ""
                let why = hits.isEmpty ? "names no table of schemas \(searchSchemas.sorted().joined(separator: ", "))" : "names a table that is not in this backup (see tables= and exclude=)"
                throw BeekError.badArgument(function: "backup", message: "where key \"\(key)\" \(why)\(suggestion); "
                    + "the keys are tables of the backup, as tables= names them")
            }
            for leaf in leaves {
                if let other = filterOf[leaf], other.key != key {
                    throw BeekError.badArgument(function: "backup", message: "where keys \"\(other.key)\" and \"\(key)\" both match one table: give each table one filter")
                }
                filterOf[leaf] = (key, filters[key]!)
            }
        }
        return try kept.map { oid in
            var table = try describe(conn, oid: oid)
            table.filter = filterOf[oid]?.filter
            return table
        }.sorted { ($0.schema, $0.name) < ($1.schema, $1.name) }
    }

    /// Name, stored columns and size of one table.
    static func describe(_ conn: PGConnection, oid: String) throws -> DataTable {
        let head = try conn.query("""
            select n.nspname, c.relname, pg_table_size(c.oid)::text, greatest(c.reltuples, 0)::bigint::text
            from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = $1::oid
            """, [oid])
        guard head.rowCount == 1 else { throw BeekError.failed("table with oid \(oid) disappeared") }
        return DataTable(schema: head.value(0, 0)!, name: head.value(0, 1)!, oid: oid,
                         columns: try storedColumns(conn, oid: oid), diskBytes: Int(head.value(0, 2) ?? "0") ?? 0,
                         estimatedRows: Int(head.value(0, 3) ?? "0") ?? 0)
    }

    static func storedColumns(_ conn: PGConnection, oid: String) throws -> [BackupManifest.Column] {
        try conn.query("""
            select attname, format_type(atttypid, atttypmod) from pg_attribute
            where attrelid = $1::oid and attnum > 0 and not attisdropped and attgenerated = ''
            order by attnum
            """, [oid]).rows.map { BackupManifest.Column(name: $0[0]!, type: $0[1]!) }
    }

    /// The oid of `schema.name` when it is a table (or partitioned table), else nil.
    static func tableOID(_ conn: PGConnection, schema: String, name: String) throws -> (oid: String, kind: String)? {
        let r = try conn.query("""
            select c.oid::text, c.relkind::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')
            """, [schema, name])
        return r.rowCount == 1 ? (r.value(0, 0)!, r.value(0, 1)!) : nil
    }

    /// Sequences of the schemas with their values and owning column. Sequences the role
    /// may not read are left out rather than failing the backup.
    static func sequences(_ conn: PGConnection, schemas: [String]) throws -> [BackupManifest.Sequence] {
        let schemaList = textArray(schemas)
        let list = try conn.query("""
            select n.nspname, c.relname, tn.nspname, t.relname, a.attname
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            left join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = c.oid
                 and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
            left join pg_class t on t.oid = d.refobjid
            left join pg_namespace tn on tn.oid = t.relnamespace
            left join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
            where c.relkind = 'S' and n.nspname = any($1::text[])
              and case when c.relkind = 'S' then has_sequence_privilege(c.oid, 'SELECT') else false end
            order by n.nspname, c.relname
            """, [schemaList]).rows
        var out: [BackupManifest.Sequence] = []
        for r in list {
            let values = try conn.query("select last_value::text, is_called from \(SQL.qualified(r[0]!, r[1]!))")
            let owner = r[2].map { BackupManifest.Sequence.Owner(schema: $0, table: r[3]!, column: r[4] ?? "") }
            out.append(.init(schema: r[0]!, name: r[1]!, lastValue: values.value(0, 0)!,
                             isCalled: values.value(0, 1) == "t", ownedBy: owner))
        }
        return out
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }

    /// A PostgreSQL array literal of text values, for `$1::text[]` parameters.
    static func textArray(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
    }
}
