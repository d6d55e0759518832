/// nuke, clone_schema and diff: the schema engine behind the runbook API.
enum SchemaPrimitives {
    static var all: [Primitive] { [nuke, cloneSchema, diff] }

    static let schemasOption = Primitive.Option("schemas", "string[]", "the schemas (default {\"public\"}); platform schemas are refused")
    static let allowProductionOption = Primitive.Option(
        "allow_production", "boolean", "allow a database marked production as the target (it still asks to confirm)")

    static func schemas(_ options: Options) throws -> [String] { try options.strings("schemas") ?? ["public"] }

    /// Writes into production only when the runbook says so explicitly, and then still
    /// confirmed: the rule a step carries to `Runtime.perform`, which enforces it.
    static func productionRule(_ options: Options) throws -> ProductionRule {
        .allowedIf(try options.bool("allow_production", default: false))
    }

    // MARK: nuke

    static let nuke = Primitive(
        "nuke",
        summary: "Empties the schemas: drops every object in them (and the objects elsewhere that hang off them, "
            + "such as a trigger on auth.users), keeping each schema itself with exactly the owner, grants, default "
            + "privileges and comment it had. With public, the team's policies, triggers, grants and comments on auth/storage tables go too "
            + "(never the platform's own). Refuses a production database outright; never touches a platform schema.",
        parameters: [.init("db", "database", "the database to empty")],
        options: [schemasOption],
        returns: "NukeResult"
    ) { call, runtime in
        let db = try call.handle(1, DatabaseHandle.self, "db")
        let options = try call.options(2)
        let schemas = try schemas(options)
        let connection = try db.connectionOrThrow()
        let plan = try Nuke.plan(connection, schemas: schemas)
        let drops = plan.statements.filter { $0.action == .drop }.count
        let rows = plan.droppedTables.reduce(0) { $0 + $1.rows }
        var step = Step(.destroy, "nuke \(db.name)",
                        detail: "\(schemas.joined(separator: ", ")): \(Format.plural(plan.droppedTables.count, "table")) "
                            + "(\(Format.plural(rows, "row"))), \(Format.plural(drops, "object")) dropped",
                        target: db, destructive: true, planLines: plan.summary.split(separator: "\n").dropLast().map(String.init),
                        counts: PlanCounts(destroy: drops), production: .refuse)
        // The team's policies and triggers on auth/storage tables go with public (Supabase/).
        let team = try SupabaseCloneExtras.nukeStatements(connection, schemas, excluding: plan.savedDependents)
        step.planLines += team.planLines
        step.counts.destroy += team.statements.count
        try runtime.perform(step, predicted: { runtime.notePlannedNuke(db, schemas) },
                            apply: { try runtime.inTransaction(db) { try plan.apply(on: connection); try team.statements.forEach { try connection.execute($0) } } })
        return [.record([
            ("schemas", .list(schemas.map(LuaValue.string))), ("tables", LuaValue(plan.droppedTables.count)),
            ("rows", LuaValue(rows)), ("objects", LuaValue(drops)),
        ])]
    }

    // MARK: clone_schema

    static let cloneSchema = Primitive(
        "clone_schema",
        summary: "Makes dst's schemas structurally identical to src's (every object kind, grants and comments, and the "
            + "objects in other schemas that depend on them), read from the catalogs; with public, also the team's policies, "
            + "triggers, grants, comments and RLS switches on auth/storage tables (what the team created in those schemas is named, not carried). Triggers that call out (webhooks) are listed with a warning. "
            + "Inside transaction() the indexes, keys and triggers are added after restore() has loaded the rows.",
        parameters: [.init("src", "database", "the source"), .init("dst", "database", "the target")],
        options: [schemasOption, allowProductionOption, SupabaseCloneExtras.webhooksOption],
        returns: "CloneResult"
    ) { call, runtime in
        let src = try call.handle(1, DatabaseHandle.self, "src")
        let dst = try call.handle(2, DatabaseHandle.self, "dst")
        let options = try call.options(3)
        let schemas = try schemas(options)
        let plan = try runtime.snapshot(src) {
            try SchemaCloner.plan(from: try src.connectionOrThrow(), to: try dst.connectionOrThrow(), schemas: schemas)
        }
        // In a dry run after a planned nuke, the target is already empty in the plan: do not
        // list its objects twice.
        let alreadyNuked = runtime.dryRun && runtime.wasPlannedNuked(dst, schemas)
        let shown = plan.statements.filter { !(alreadyNuked && $0.phase == .drop) }
        let creates = Set(shown.filter { $0.action == .create }.map { "\($0.kind) \($0.name)" }).count
        let drops = shown.filter { $0.action == .drop }.count
        let tables = plan.source.tables.count
        // A drop's hazard says why (an extension made again at the source's version).
        let lines = shown.filter { $0.action == .create || $0.action == .drop }.map {
            ($0.action == .drop ? "- " : "+ ") + $0.description + ($0.action == .drop ? $0.hazard.map { " (\($0))" } ?? "" : "")
        }
        var step = Step(.create, "clone_schema \(src.name) → \(dst.name)",
                        detail: "\(schemas.joined(separator: ", ")): \(Format.plural(tables, "table")), "
                            + "\(Format.plural(creates, "object")) created" + (drops > 0 ? ", \(drops) dropped" : ""),
                        target: dst, destructive: true, planLines: lines,
                        counts: PlanCounts(add: creates, destroy: drops), production: try productionRule(options))
        // Webhooks and other outbound calls: listed with a warning, disabled on request (Supabase/).
        let outbound = try SupabaseCloneExtras.outbound(options, src, dst, schemas, runtime,
                                                        plan: plan, targetNuked: alreadyNuked || runtime.wasPlannedNuked(dst, schemas))
        step.planLines += outbound.teamLines
        step.counts.add += outbound.teamLines.filter { $0.hasPrefix("+") }.count
        step.counts.change += outbound.teamLines.filter { $0.hasPrefix("~") }.count
        step.counts.destroy += outbound.teamLines.filter { $0.hasPrefix("-") }.count
        try runtime.perform(step, predicted: {}, apply: {
            let connection = try dst.connectionKeepingDeferred()
            if dst.transactionDepth > 0 {
                // Rows load fastest before indexes and keys: post-data waits for restore().
                try plan.apply(on: connection, phase: .preData)
                runtime.deferStep(dst, title: "clone_schema \(src.name) → \(dst.name): indexes, keys, triggers") {
                    try plan.apply(on: connection, phase: .postData)
                    try outbound.afterTriggers(connection)
                }
            } else {
                try runtime.inTransaction(dst) { try plan.apply(on: connection); try outbound.afterTriggers(connection) }
            }
        })
        return [.record([("tables", LuaValue(tables)), ("created", LuaValue(creates)), ("dropped", LuaValue(drops)),
                         ("outbound", outbound.luaValue)])]
    }

    // MARK: diff

    static let diff = Primitive(
        "diff",
        summary: "Compares two live schemas (reads only; runs in a dry run), with public also the team's policies, triggers, "
            + "grants, comments and RLS switches on auth/storage tables. Returns {empty, changes, summary, sql, notes}: "
            + "sql is the migration that brings b to a, with hazards flagged in comments; notes (pg_cron job drift, objects in auth/storage only one side has) never make it non-empty.",
        parameters: [.init("a", "database", "the reference (e.g. dev)"), .init("b", "database", "the one to bring to a (e.g. prod)")],
        options: [schemasOption],
        returns: "Diff"
    ) { call, runtime in
        let a = try call.handle(1, DatabaseHandle.self, "a")
        let b = try call.handle(2, DatabaseHandle.self, "b")
        let schemas = try schemas(try call.options(3))
        try CatalogReader.checkSchemaNames(schemas, action: "diff")
        let result = try runtime.read("diff \(a.name) ↔ \(b.name)", schemas.joined(separator: ", ")) {
            let left = try runtime.snapshot(a) { try CatalogReader.read(try a.connectionOrThrow(), schemas: schemas) }
            let right = try runtime.snapshot(b) { try CatalogReader.read(try b.connectionOrThrow(), schemas: schemas) }
            // The team's policies, triggers, grants, comments and RLS switches on auth/storage tables (Supabase/).
            return try SupabaseCloneExtras.withTeamObjects(Diff.compare(a: left, b: right), a, b, left, right, schemas, runtime)
        } outcome: { $0.isEmpty ? "identical" : Format.plural($0.changes.count, "difference") }
        // Cron jobs are not schema and never copied, but their drift is worth a note (Supabase/).
        let notes = try SupabaseCloneExtras.diffNotes(a, b, schemas, runtime)
        let changes = result.changes.map { change -> LuaValue in
            .record([("kind", .string(change.kind)), ("name", .string(change.name)),
                     ("change", .string(change.change.rawValue)), ("detail", .string(change.detail))])
        }
        return [.record([
            ("empty", .bool(result.isEmpty)), ("changes", .list(changes)),
            ("summary", .string(([result.summary] + notes.map { "note: " + $0 }).joined(separator: "\n"))), ("sql", .string(result.sql)),
            ("notes", .list(notes.map(LuaValue.string))),
        ])]
    }
}
