import Foundation

/// `backup(db, {where = {["public.events"] = "created_at > now() - interval '30 days'"}})`:
/// a backup of only the rows of a table that match a filter (a subset).
///
/// A filter is SQL text the runbook author writes, as with `query`. It is placed, in
/// parentheses, after `WHERE` in `SELECT … FROM ONLY table`, and runs in the backup's read-only
/// snapshot with `search_path = pg_catalog` (name other tables with their schema). Before
/// anything runs, the one SQL lexer checks that it is one expression that cannot leave its
/// parentheses (no `;`, no transaction control, nothing left open); then the server checks it
/// against the table (`LIMIT 0`: nothing is read), so a typo fails the backup naming the table,
/// with the server's SQLSTATE, in a dry run as in the real run.
///
/// Foreign keys: kept rows of a backed-up table must not reference rows of another backed-up
/// table that its filter leaves out, or the restored slice would break the key. `checkOrphans`
/// counts them in the snapshot and refuses, naming the key and suggesting a filter.
enum TableFilter {
    /// Refuses a filter that is not one expression kept inside its parentheses.
    static func checkText(_ filter: String, table key: String) throws {
        if let problem = SQLStatements.expressionProblem(filter) {
            throw BeekError.badArgument(function: "backup", message: "where[\"\(key)\"]: \(problem); a filter is one SQL expression, "
                + "e.g. \"created_at > now() - interval '30 days'\"")
        }
    }

    /// The rows of `table` the backup keeps: `SELECT columns FROM ONLY table WHERE (filter)`.
    /// ONLY: the backup copies each table of an inheritance tree or partition tree by itself.
    /// The filter ends on its own line, so a trailing `--` comment cannot swallow the `)`.
    static func source(_ table: DataTable, columns: [String]) -> String {
        let list = columns.map(SQL.quoteIdent).joined(separator: ", ")
        guard let filter = table.filter else { return "SELECT \(list) FROM ONLY \(table.qualified)" }
        return "SELECT \(list) FROM ONLY \(table.qualified) WHERE (\(filter)\n)"
    }

    /// The server's verdict on every filter, reading no row. An error keeps its SQLSTATE and
    /// names the table and the filter.
    static func checkOnServer(_ db: PGConnection, _ tables: [DataTable]) throws {
        for t in tables where t.filter != nil {
            do { try db.query(source(t, columns: []) + " LIMIT 0") } catch { throw failed(error, t) }
        }
    }

    /// A server error about a table's filter, with the table and filter named and SQLSTATE kept.
    static func failed(_ error: Error, _ table: DataTable) -> Error {
        guard case .postgres(var e)? = error as? BeekError, let filter = table.filter else { return error }
        var hint = ""
        if e.sqlstate == "42P01" || e.sqlstate == "42883" {
            hint = " (filters run with search_path = pg_catalog: name tables and functions with their schema, e.g. public.orders)"
        }
        e.message = "backup: where filter of \(table.displayName) (\(filter)): \(e.message)\(hint)"
        e.statement = nil
        return BeekError.postgres(e)
    }

    // MARK: Foreign keys

    /// One foreign key whose parent side a filter narrows, between tables of the backup.
    struct Key {
        var name: String
        var child: (display: String, qualified: String)
        var parent: (display: String, qualified: String)
        var childColumns: [String]
        var parentColumns: [String]
        var childLeaves: [DataTable]
        var parentLeaves: [DataTable]
    }

    /// Refuses the backup when a kept row of a backed-up table references a row of another
    /// backed-up table that a filter leaves out. Only keys whose referenced table (or one of
    /// its partitions) is filtered can lose a parent row; a key to a table outside the backup
    /// is restore's concern (it checks those references against the target). Runs in the
    /// backup's snapshot, one anti-join count per child table.
    static func checkOrphans(_ db: PGConnection, _ tables: [DataTable]) throws {
        for key in try keys(db, tables) {
            var orphans = 0
            for leaf in key.childLeaves {
                orphans += try count(db, key, child: leaf)
            }
            guard orphans > 0 else { continue }
            throw BeekError.refused(
                "backup where= would break foreign key \(key.name): \(Format.plural(orphans, "kept row")) of \(key.child.display) "
                + "reference rows of \(key.parent.display) that its filter leaves out. Filter \(key.child.display) too, e.g. "
                + "where = {[\"\(key.child.display)\"] = \(luaString(suggestion(key)))}; nothing was written")
        }
    }

    /// The foreign keys between backed-up tables whose parent side is filtered. Keys are read
    /// at the top of a partition tree (`conparentid = 0`) and mapped to the leaf tables the
    /// backup holds; a parent that is only partly in the backup is left to restore.
    static func keys(_ db: PGConnection, _ tables: [DataTable]) throws -> [Key] {
        guard tables.contains(where: { $0.filter != nil }) else { return [] }
        let byOID = Dictionary(tables.map { ($0.oid, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = try db.query("""
            with b as (select t.oid as relid from unnest($1::oid[]) t(oid)
                       union select a.relid from unnest($1::oid[]) t(oid), pg_partition_ancestors(t.oid) a)
            select k.conname, k.conrelid::oid::text, k.confrelid::oid::text, cn.nspname, c.relname, pn.nspname, p.relname,
                   (select array_to_json(array_agg(attname order by ord)) from unnest(k.conkey) with ordinality u(n, ord)
                    join pg_attribute on attrelid = k.conrelid and attnum = u.n)::text,
                   (select array_to_json(array_agg(attname order by ord)) from unnest(k.confkey) with ordinality u(n, ord)
                    join pg_attribute on attrelid = k.confrelid and attnum = u.n)::text,
                   (select array_to_string(array_agg(t.relid::oid::text), ',') from pg_partition_tree(k.conrelid) t where t.isleaf),
                   (select array_to_string(array_agg(t.relid::oid::text), ',') from pg_partition_tree(k.confrelid) t where t.isleaf)
            from pg_constraint k
            join pg_class c on c.oid = k.conrelid join pg_namespace cn on cn.oid = c.relnamespace
            join pg_class p on p.oid = k.confrelid join pg_namespace pn on pn.oid = p.relnamespace
            where k.contype = 'f' and k.conparentid = 0
              and k.conrelid in (select relid from b) and k.confrelid in (select relid from b)
            order by cn.nspname, c.relname, k.conname
            """, [TableSelection.textArray(tables.map(\.oid))]).rows
        func names(_ json: String?) -> [String] {
            (try? JSONSerialization.jsonObject(with: Data((json ?? "[]").utf8)) as? [String]) ?? []
        }
        // A table outside any partition tree is its own (only) leaf.
        func leaves(_ list: String?, _ own: String) -> [String] {
            let l = (list ?? "").split(separator: ",").map(String.init)
            return l.isEmpty ? [own] : l
        }
        var out: [Key] = []
        for r in rows {
            let parentOIDs = leaves(r[10], r[2]!)
            let parentLeaves = parentOIDs.compactMap { byOID[$0] }
            // A parent partly (or not) in the backup: the references are restore's to check.
            guard !parentLeaves.isEmpty, parentLeaves.count == parentOIDs.count,
                  parentLeaves.contains(where: { $0.filter != nil }) else { continue }
            let childLeaves = leaves(r[9], r[1]!).compactMap { byOID[$0] }
            guard !childLeaves.isEmpty else { continue }
            out.append(Key(name: r[0]!, child: (r[3]! + "." + r[4]!, SQL.qualified(r[3]!, r[4]!)),
                           parent: (r[5]! + "." + r[6]!, SQL.qualified(r[5]!, r[6]!)),
                           childColumns: names(r[7]), parentColumns: names(r[8]),
                           childLeaves: childLeaves, parentLeaves: parentLeaves))
        }
        return out
    }

    /// Kept rows of one child table whose key (no column NULL: MATCH SIMPLE and FULL alike
    /// reference nothing then) matches no kept row of any of the parent's tables.
    static func count(_ db: PGConnection, _ key: Key, child: DataTable) throws -> Int {
        let notNull = key.childColumns.map { "beekrun_child.\(SQL.quoteIdent($0)) IS NOT NULL" }.joined(separator: " AND ")
        let match = zip(key.childColumns, key.parentColumns)
            .map { "beekrun_parent.\(SQL.quoteIdent($1)) = beekrun_child.\(SQL.quoteIdent($0))" }.joined(separator: " AND ")
        let missing = key.parentLeaves.map {
            "NOT EXISTS (SELECT 1 FROM (\(source($0, columns: key.parentColumns))) beekrun_parent WHERE \(match))"
        }
        let sql = "SELECT count(*) FROM (\(source(child, columns: key.childColumns))) beekrun_child WHERE "
            + ([notNull] + missing).joined(separator: " AND ")
        do { return Int(try db.scalar(sql) ?? "0") ?? 0 } catch { throw failed(error, child.filter != nil ? child : key.parentLeaves[0]) }
    }

    /// A filter for the child that keeps only rows whose parent row is kept:
    /// `(child filter) AND order_id IN (SELECT id FROM public.orders WHERE (parent filter))`.
    static func suggestion(_ key: Key) -> String {
        let childColumns = key.childColumns.map(SQL.quoteIdent), parentColumns = key.parentColumns.map(SQL.quoteIdent)
        let left = childColumns.count == 1 ? childColumns[0] : "(" + childColumns.joined(separator: ", ") + ")"
        let list = parentColumns.joined(separator: ", ")
        let filters = Set(key.parentLeaves.map { $0.filter ?? "" })
        let parents: String
        if filters.count == 1, let only = key.parentLeaves.first?.filter {
            // A plain table, or a partitioned one filtered as a whole (the where key named it).
            parents = "SELECT \(list) FROM \(key.parent.qualified) WHERE \(only)"
        } else {
            parents = key.parentLeaves.map { leaf in
                "SELECT \(list) FROM ONLY \(leaf.qualified)" + (leaf.filter.map { " WHERE (\($0))" } ?? "")
            }.joined(separator: " UNION ALL ")
        }
        let kept = "\(left) IN (\(parents))"
        let childFilters = Set(key.childLeaves.compactMap(\.filter))
        if childFilters.count == 1, let own = childFilters.first { return "(\(own)) AND \(kept)" }
        return kept
    }

    /// `text` as a Lua long string, which needs no escaping: [[…]] or [=[…]=] ….
    static func luaString(_ text: String) -> String {
        var level = ""
        while text.contains("]" + level + "]") || text.hasSuffix("]" + level) { level += "=" }
        return "[" + level + "[" + text + "]" + level + "]"
    }
}
