import Foundation

/// What a Supabase app needs beyond its schema: storage buckets, and the state a project
/// keeps to itself (secrets, jobs, files), reported so a plan can say what is not copied.
enum SupabasePrimitives {
    static var all: [Primitive] { [cloneBuckets, platformState] }

    static let cloneBuckets = Primitive(
        "clone_buckets",
        summary: "Makes dst's storage.buckets rows equal src's (id, name, public, file_size_limit, allowed_mime_types, "
            + "owner … every column both Storage versions have). A dst-only bucket is deleted when empty and kept (and "
            + "reported) while storage.objects rows still point into it. Files are not copied (they live in object "
            + "storage) and storage.objects is never written: the step says how many objects src has. "
            + "Returns {created, updated, removed, kept, src_objects, src_bytes}.",
        parameters: [.init("src", "database", "the source (e.g. prod)"), .init("dst", "database", "the target (e.g. dev)")],
        options: [SchemaPrimitives.allowProductionOption],
        returns: "BucketsResult"
    ) { call, runtime in
        let src = try call.handle(1, DatabaseHandle.self, "src")
        let dst = try call.handle(2, DatabaseHandle.self, "dst")
        let options = try call.options(3)
        let plan = try runtime.snapshot(src) {
            try StorageBuckets.plan(from: try src.connectionOrThrow(), to: try dst.connectionOrThrow())
        }
        let files = "files are not copied (they live in object storage): \(src.name) has "
            + "\(Format.plural(plan.sourceObjects, "object")) (\(Format.bytes(Int(plan.sourceBytes))))"
        var lines = ["  " + plan.summary]
        if !plan.kept.isEmpty {
            lines.append("  kept in \(dst.name): \(plan.kept.joined(separator: ", ")) (storage.objects rows still point into them)")
        }
        let step = Step(.change, "clone_buckets \(src.name) → \(dst.name)",
                        detail: "\(Format.plural(plan.created.count + plan.updated.count + plan.removed.count, "bucket")) to change; " + files,
                        target: dst, planLines: lines,
                        counts: PlanCounts(add: plan.created.count, change: plan.updated.count, destroy: plan.removed.count),
                        production: try SchemaPrimitives.productionRule(options))
        if !plan.kept.isEmpty {
            runtime.reporter.warning("clone_buckets: \(plan.kept.joined(separator: ", ")) exist only in \(dst.name) and still hold objects: kept")
        }
        if plan.isEmpty {
            runtime.reporter.done(step.title, "buckets already equal; " + files)
        } else {
            try runtime.perform(step, predicted: {}, apply: {
                try runtime.inTransaction(dst) { try StorageBuckets.apply(plan, to: try dst.connectionKeepingDeferred()) }
            })
        }
        func names(_ ids: [String]) -> LuaValue { .list(ids.map(LuaValue.string)) }
        return [.record([
            ("created", names(plan.created)), ("updated", names(plan.updated)), ("removed", names(plan.removed)),
            ("kept", names(plan.kept)), ("src_objects", LuaValue(plan.sourceObjects)), ("src_bytes", LuaValue(Int(plan.sourceBytes))),
        ])]
    }

    static let platformState = Primitive(
        "platform_state",
        summary: "Reads what a Supabase project keeps to itself and beekrun never copies (reads only; runs in a dry run): "
            + "Vault secrets and pg_cron jobs (counted, never read), storage buckets and objects, and the triggers of the "
            + "schemas that call out of the database (webhooks, net.http_post). Returns "
            + "{vault_secrets, cron_jobs = {{name, schedule, active}}, buckets, storage_objects, storage_bytes, outbound = {string}}.",
        parameters: [.init("db", "database", "the database")],
        options: [SchemaPrimitives.schemasOption],
        returns: "PlatformState"
    ) { call, runtime in
        let db = try call.handle(1, DatabaseHandle.self, "db")
        let schemas = try SchemaPrimitives.schemas(try call.options(2))
        let (state, outbound) = try runtime.snapshot(db) {
            let connection = try db.connectionOrThrow()
            return (try PlatformState.read(connection), try OutboundCalls.find(connection, schemas: schemas))
        }
        let jobs = state.cronJobs.map { LuaValue.record([("name", .string($0.name)), ("schedule", .string($0.schedule)), ("active", .bool($0.active))]) }
        return [.record([
            ("vault_secrets", LuaValue(state.vaultSecrets)), ("cron_jobs", .list(jobs)), ("buckets", LuaValue(state.buckets)),
            ("storage_objects", LuaValue(state.storageObjects)), ("storage_bytes", LuaValue(Int(state.storageBytes))),
            ("outbound", .list(outbound.map { .string($0.description) })),
        ])]
    }
}
