import Foundation

/// Makes one database's `storage.buckets` rows equal another's, for `clone_buckets`.
///
/// Buckets are rows, not schema: the Storage API reads them (public flag, size limit, MIME
/// types) to decide what an upload may do, so a dev without prod's buckets behaves
/// differently. Files are not rows: they live in the project's object storage, and
/// `storage.objects` only holds their metadata. So:
/// - every source bucket is inserted or updated in the target, all columns the two sides
///   share (the Storage API versions may differ);
/// - a target-only bucket is deleted when it holds no object rows; one that still holds
///   rows is kept (its rows point at files that exist in the target's storage, and the
///   `objects_bucketId_fkey` key forbids the delete anyway) and reported;
/// - `storage.objects` is never written: the source's object count and size are reported,
///   so the user knows which files the target lacks.
public struct StorageBuckets {
    public struct Plan: Sendable {
        public var created: [String] = []
        public var updated: [String] = []
        public var removed: [String] = []
        /// Target-only buckets kept because object rows still point into them.
        public var kept: [String] = []
        public var sourceObjects = 0
        public var sourceBytes: Int64 = 0
        /// The source's rows as one JSON array, restricted to the shared columns.
        var rows = "[]"
        var columns: [String] = []

        public var isEmpty: Bool { created.isEmpty && updated.isEmpty && removed.isEmpty }

        public var summary: String {
            var parts = [String]()
            if !created.isEmpty { parts.append("+ " + created.joined(separator: ", ")) }
            if !updated.isEmpty { parts.append("~ " + updated.joined(separator: ", ")) }
            if !removed.isEmpty { parts.append("- " + removed.joined(separator: ", ")) }
            if parts.isEmpty { parts.append("buckets already equal") }
            return parts.joined(separator: "; ")
        }
    }

    /// Whether a database has Supabase Storage's bucket table.
    public static func exists(_ connection: PGConnection) throws -> Bool {
        try connection.scalar("select to_regclass('storage.buckets') is not null and to_regclass('storage.objects') is not null") == "t"
    }

    /// Compares the two bucket tables (reads only).
    public static func plan(from src: PGConnection, to dst: PGConnection) throws -> Plan {
        var plan = Plan()
        guard try exists(src) else { return plan }
        guard try exists(dst) else {
            throw BeekError.refused("clone_buckets: the target has no storage.buckets (Supabase Storage is not installed there)")
        }
        let columnsSQL = """
            select string_agg(quote_ident(attname), ',' order by attnum) from pg_attribute
            where attrelid = 'storage.buckets'::regclass and attnum > 0 and not attisdropped and attgenerated = ''
            """
        let srcColumns = Set((try src.scalar(columnsSQL) ?? "").split(separator: ",").map(String.init))
        let dstColumns = (try dst.scalar(columnsSQL) ?? "").split(separator: ",").map(String.init)
        plan.columns = dstColumns.filter { srcColumns.contains($0) }
        let list = plan.columns.joined(separator: ", ")
        // One JSON object per bucket, keyed by id, over the shared columns only.
        let rowsSQL = "select coalesce(jsonb_object_agg(b.id, to_jsonb(b)), '{}') from (select \(list) from storage.buckets) b"
        let srcRows = try decode(try src.scalar(rowsSQL) ?? "{}")
        let dstRows = try decode(try dst.scalar(rowsSQL) ?? "{}")
        for id in srcRows.keys.sorted() {
            if let mine = dstRows[id] {
                if mine != srcRows[id]! { plan.updated.append(id) }
            } else {
                plan.created.append(id)
            }
        }
        let dstOnly = dstRows.keys.filter { srcRows[$0] == nil }.sorted()
        if !dstOnly.isEmpty {
            let used = try dst.query("select distinct bucket_id from storage.objects where bucket_id = any($1::text[])",
                                     [arrayLiteral(dstOnly)])
            let inUse = Set((0..<used.rowCount).compactMap { used.value($0, 0) })
            plan.kept = dstOnly.filter { inUse.contains($0) }
            plan.removed = dstOnly.filter { !inUse.contains($0) }
        }
        plan.rows = try src.scalar("select coalesce(jsonb_agg(to_jsonb(b)), '[]') from (select \(list) from storage.buckets) b") ?? "[]"
        let objects = try src.query("select count(*), coalesce(sum((metadata ->> 'size')::bigint), 0) from storage.objects")
        plan.sourceObjects = Int(objects.value(0, 0) ?? "0") ?? 0
        plan.sourceBytes = Int64(objects.value(0, 1) ?? "0") ?? 0
        return plan
    }

    /// Applies a plan to the target (inside the caller's transaction).
    public static func apply(_ plan: Plan, to dst: PGConnection) throws {
        if !plan.removed.isEmpty {
            try dst.query("delete from storage.buckets where id = any($1::text[])", [arrayLiteral(plan.removed)])
        }
        guard !plan.created.isEmpty || !plan.updated.isEmpty else { return }
        let list = plan.columns.joined(separator: ", ")
        let updates = plan.columns.filter { $0 != "id" }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try dst.query("""
            insert into storage.buckets (\(list))
            select \(list) from jsonb_populate_recordset(null::storage.buckets, $1::jsonb)
            on conflict (id) do update set \(updates)
            """, [plan.rows])
    }

    private static func decode(_ json: String) throws -> [String: NSDictionary] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        return (object as? [String: Any] ?? [:]).compactMapValues { $0 as? NSDictionary }
    }

    /// A text[] literal for ids passed as one parameter.
    static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
