import Foundation

/// The check a restore makes after loading, made before loading, from the backup's files:
/// rows of a restored table must not reference rows missing from a table the restore leaves
/// alone (a public-only backup whose `profiles` reference `auth.users` rows the target lacks).
/// The real run refuses that after loading (and rolls back); a dry run must refuse it too,
/// so the plan never promises what the run will not do. Reads only.
enum RestorePreflight {
    /// - Parameter filledByEarlierSteps: schemas whose tables earlier steps of this dry run
    ///   will have filled (a planned clone_auth fills `auth`): not checked.
    static func checkReferences(_ db: PGConnection, path: String, _ options: RestoreOptions,
                                filledByEarlierSteps: Set<String> = []) throws {
        let reader = try Restorer.open(db, path, options)
        guard case .manifest(_, let tables) = reader.content else { return }
        let targets = try Restorer.prepareTargets(db, reader)
        try check(db, restored: targets.map { ($0.oid, $0.display) }, filledByEarlierSteps: filledByEarlierSteps) { oid, columns in
            guard let index = targets.firstIndex(where: { $0.oid == oid }) else { return [] }
            let positions = columns.compactMap { tables[index].columns.map(\.name).firstIndex(of: $0) }
            guard positions.count == columns.count, !positions.isEmpty else { return [] }
            return try keyValues(folder: reader.path, table: tables[index], positions: positions)
        }
    }

    /// The same check for a backup a dry run only planned (nothing on disk yet): the key values
    /// are read from the source database, where the backup will read them. Tables that do not
    /// exist in the target yet (an earlier planned step creates them) cannot be checked.
    static func checkReferences(_ db: PGConnection, plannedFrom source: PGConnection, backup: BackupPlan,
                                _ options: RestoreOptions, filledByEarlierSteps: Set<String> = []) throws {
        let chosen = try BackupReader.choose(backup.tables, by: options.tables, name: { ($0.schema, $0.table) })
        var restored: [(oid: String, display: String, table: BackupPlan.Table)] = []
        for t in chosen {
            if let found = try TableSelection.tableOID(db, schema: t.schema, name: t.table) { restored.append((found.oid, t.name, t)) }
        }
        try check(db, restored: restored.map { ($0.oid, $0.display) }, filledByEarlierSteps: filledByEarlierSteps) { oid, columns in
            guard let t = restored.first(where: { $0.oid == oid })?.table, !columns.isEmpty else { return [] }
            let text = columns.map { SQL.quoteIdent($0) + "::text" }
            // A subset: only the rows its filter keeps will be in the backup.
            let from = t.filter.map { "(SELECT * FROM ONLY \(SQL.qualified(t.schema, t.table)) WHERE (\($0)\n)) s" }
                ?? SQL.qualified(t.schema, t.table)
            let json = try source.scalar("""
                SELECT coalesce(json_agg(json_build_array(\(text.joined(separator: ", ")))), '[]')
                FROM (SELECT DISTINCT \(columns.map(SQL.quoteIdent).joined(separator: ", ")) FROM \(from)
                      WHERE \(columns.map { SQL.quoteIdent($0) + " IS NOT NULL" }.joined(separator: " AND "))) k
                """) ?? "[]"
            let rows = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String]]) ?? []
            return rows
        }
    }

    /// Checks every foreign key from a restored table to a table left alone: the key values the
    /// restore would load (`values(childOID, childColumns)`) must exist in the parent.
    static func check(_ db: PGConnection, restored: [(oid: String, display: String)], filledByEarlierSteps: Set<String>,
                      values: (String, [String]) throws -> [[String]]) throws {
        guard !restored.isEmpty else { return }
        let keys = try db.query("""
            select k.conname, k.conrelid::oid::text, k.confrelid::regclass::text, pn.nspname,
                   (select array_to_json(array_agg(attname order by ord)) from unnest(k.conkey) with ordinality u(n, ord)
                    join pg_attribute on attrelid = k.conrelid and attnum = u.n),
                   (select string_agg(quote_ident(attname), ',' order by ord) from unnest(k.confkey) with ordinality u(n, ord)
                    join pg_attribute on attrelid = k.confrelid and attnum = u.n)
            from pg_constraint k join pg_class pc on pc.oid = k.confrelid join pg_namespace pn on pn.oid = pc.relnamespace
            where k.contype = 'f' and k.convalidated and k.conrelid = any($1::oid[]) and not k.confrelid = any($1::oid[])
              and not \(Restorer.partitionClone("k"))
              -- a partitioned table whose partitions are all restored is restored
              and not coalesce((select bool_and(t.relid = any($1::oid[])) from pg_partition_tree(k.confrelid) t
                                where t.isleaf and t.relid <> k.confrelid), false)
            """, [TableSelection.textArray(restored.map(\.oid))]).rows
        for k in keys where !filledByEarlierSteps.contains(k[3]!) {
            guard let display = restored.first(where: { $0.oid == k[1]! })?.display else { continue }
            let childColumns = (try? JSONSerialization.jsonObject(with: Data(k[4]!.utf8)) as? [String]) ?? []
            let tuples = try values(k[1]!, childColumns)
            guard !tuples.isEmpty else { continue }
            let parent = k[5]!.split(separator: ",").map(String.init)
            // Compared as text: the backup holds each value in PostgreSQL's own text form.
            let join = parent.enumerated().map { "p.\($1)::text = v.value->>\($0)" }.joined(separator: " AND ")
            let json = "[" + tuples.map { "[" + $0.map(jsonString).joined(separator: ",") + "]" }.joined(separator: ",") + "]"
            let missing = try db.scalar("""
                SELECT count(*) FROM json_array_elements($1::json) v
                WHERE NOT EXISTS (SELECT 1 FROM \(k[2]!) p WHERE \(join))
                """, [json]) ?? "0"
            if missing != "0" {
                throw BeekError.refused("rows of \(display) in the backup reference \(missing) row(s) missing from \(k[2]!) "
                    + "(foreign key \(k[0]!)); restore \(k[2]!) too (back it up with its schema, e.g. schemas = {\"public\", \"auth\"}, "
                    + "or clone_auth first); nothing was restored")
            }
        }
    }

    /// The distinct non-null key tuples of one table file.
    static func keyValues(folder: String, table: BackupManifest.Table, positions: [Int]) throws -> [[String]] {
        var seen = Set<[String]>()
        var line = 0
        try LineReader(path: folder + "/" + table.file).forEachLine { bytes in
            line += 1
            guard line > 1, bytes.count > 2 else { return }
            var data = Data(bytes)
            if data.last == UInt8(ascii: ",") { data.removeLast() }
            guard data.first == UInt8(ascii: "["), let row = try? JSONSerialization.jsonObject(with: data) as? [Any] else { return }
            let tuple = positions.map { $0 < row.count ? row[$0] as? String : nil }
            if tuple.allSatisfy({ $0 != nil }) { seen.insert(tuple.map { $0! }) } // MATCH SIMPLE: a NULL references nothing
        }
        return Array(seen)
    }

    static func jsonString(_ s: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}
