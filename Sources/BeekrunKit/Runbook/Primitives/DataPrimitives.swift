import Foundation

/// backup, restore, clone_auth and verify: the data engine behind the runbook API.
enum DataPrimitives {
    static var all: [Primitive] { [backup, restore, cloneAuth, verify] + BackupPrimitives.all }

    /// Progress of a long data step, drawn by the reporter on a terminal.
    static func progress(_ runtime: Runtime) -> DataProgressHandler {
        let reporter = runtime.reporter
        let watch = Stopwatch()
        return { table, rows, bytes in reporter.progress(table, rows: rows, bytes: bytes, seconds: watch.seconds) }
    }

    // MARK: backup

    static let backup = Primitive(
        "backup",
        summary: "One consistent snapshot of the schemas into DIR/LABEL_YYYY-MM-DDTHH-MM-SSZ/: manifest.json plus one "
            + "JSON file per table. Any schema may be backed up, auth too (schemas = {\"public\", \"auth\"}). "
            + "where = {[\"public.events\"] = \"created_at > now() - interval '30 days'\"} backs up only the matching rows of "
            + "a table (a subset, recorded in the manifest); a filter that would leave kept rows referencing rows it drops "
            + "(a foreign key between backed-up tables) is refused before anything is written. "
            + "Returns a Backup table (path, label, time, tables, rows, bytes, planned, table_rows, where).",
        parameters: [.init("db", "database", "the database to back up")],
        options: [
            .init("dir", "string", "the folder receiving backups (default BEEK_BACKUP_DIR, else backups/)"),
            .init("label", "string", "the backup folder's prefix (default: the database name)"),
            .init("schemas", "string[]", "the schemas (default {\"public\"})"),
            .init("tables", "string[]", "only these tables (name or schema.name, * and ? allowed)"),
            .init("exclude", "string[]", "tables left out (same patterns)"),
            .init("where", "table<string, string>", "per-table row filters: {[\"schema.table\"] = \"SQL expression\"}; the key names a "
                + "table of the backup as tables= does (a partitioned table: all its partitions), the filter is one SQL expression "
                + "run read only in the backup's snapshot with search_path = pg_catalog (qualify other tables: public.orders)"),
        ],
        returns: "Backup"
    ) { call, runtime in
        let db = try call.handle(1, DatabaseHandle.self, "db")
        let options = try call.options(2)
        var filters: [String: String] = [:]
        switch options.value("where") {
        case nil, .nil?: break
        case .table(let t)? where t.array.isEmpty:
            for (key, value) in t.fields {
                guard case .string(let filter) = value else {
                    throw call.fail("where[\"\(key)\"] must be a string (an SQL expression), got \(value.typeName)")
                }
                filters[key] = filter
            }
        case let other?:
            throw call.fail("option 'where' must be a table like {[\"public.events\"] = \"created_at > now() - interval '30 days'\"}, got \(other.typeName)")
        }
        let backupOptions = BackupOptions(
            directory: try options.string("dir") ?? runtime.options.backupDirectory,
            label: try options.string("label") ?? db.name,
            schemas: try options.strings("schemas") ?? ["public"],
            tables: try options.strings("tables"),
            exclude: try options.strings("exclude") ?? [],
            filters: filters,
            progress: progress(runtime))
        let connection = try db.connectionOrThrow()
        // The plan is the work: one snapshot, the tables read once; rows are counted only in
        // a dry run, where the user reads them (a real run reports the rows it wrote).
        let prepared = try BackupWriter.prepare(connection, backupOptions, exactCounts: runtime.dryRun)
        defer { prepared.close() }
        let plan = prepared.plan
        let subsets = plan.tables.filter { $0.filter != nil }.count
        let step = Step(.create, "backup \(db.name)",
                        detail: Format.plural(plan.tables.count, "table") + (subsets > 0 ? " (\(Format.plural(subsets, "subset")))" : "")
                            + (runtime.dryRun ? ", \(Format.plural(plan.rows, "row"))" : ""),
                        planLines: ["→ \(plan.path)"] + plan.tables.map {
                            "  \($0.name): \(Format.plural($0.rows, "row"))" + ($0.filter.map { " (subset: where \($0))" } ?? "")
                        })
        let handle = try runtime.perform(step, predicted: {
            runtime.plannedBackups[plan.path] = plan // restore and prune_backups later in the dry run see it
            runtime.plannedBackupSources[plan.path] = db
            return BackupHandle(.planned(plan))
        }, apply: {
            // The files are written in the background, by connections of their own sharing the
            // backup's snapshot, while the runbook goes on (BackgroundBackups.swift says who
            // waits for them). The snapshot stays open for a restore of this backup later in
            // the run, which then streams from it (see HeldSnapshot) while the files are written.
            if let running = try prepared.start() {
                db.hold(prepared.heldSnapshot)
                runtime.writtenBackupSources[running.path] = db
                runtime.backgroundBackups.add(running, source: db, title: step.title)
                return BackupHandle(.running(running, plan))
            }
            let result = try prepared.write(holdingSnapshot: true)
            db.hold(prepared.heldSnapshot)
            runtime.writtenBackupSources[result.path] = db
            return BackupHandle(.written(result))
        }, outcome: { h in
            switch h.state {
            case .written(let r): return "\(Format.plural(r.rows, "row")), \(Format.bytes(r.bytes)) → \(r.path)"
            case .running(let r, _): return "writing in the background → \(r.path)"
            case .planned: return ""
            }
        })
        return [handle.luaRecord]
    }

    // MARK: restore

    static let restore = Primitive(
        "restore",
        summary: "Loads a backup into db, table by table, after verifying every file's checksum; foreign-key order is "
            + "never needed (loads with triggers and FK checks held off); sequences end where the source's were. "
            + "The restored tables are emptied first.",
        parameters: [
            .init("db", "database", "the target"),
            .init("backup", "Backup|string", "what backup() returned, or the path of a backup folder"),
        ],
        options: [
            .init("tables", "string[]", "only these tables of the backup"),
            SchemaPrimitives.allowProductionOption,
        ],
        returns: "RestoreResult"
    ) { call, runtime in
        let db = try call.handle(1, DatabaseHandle.self, "db")
        let options = try call.options(3)
        let production = try SchemaPrimitives.productionRule(options)
        try runtime.enforce(production, on: db, verb: "restore") // before the files are read and verified
        let restoreOptions = RestoreOptions(tables: try options.strings("tables"), progress: progress(runtime))
        let connection = try db.connectionKeepingDeferred()
        // The plan is the work: the backup is verified and the targets checked once; a real
        // run loads what was checked (and counts the target's rows only in a dry run).
        let plan: RestorePlan
        var prepared: PreparedRestore?
        var streamedFrom: DatabaseHandle?
        defer { streamedFrom?.hold(nil) }
        let path: String
        switch call.argument(2) {
        case .string(let p): path = p
        case .table(let t):
            guard case .string(let p)? = t["path"] else {
                throw call.fail("argument #2 (backup) must be what backup() or list_backups{} returned (a table with a path), or a path")
            }
            path = p
        case let other:
            throw call.fail("argument #2 (backup) must be what backup() returned or a path, got \(other.typeName)")
        }
        if let backupPlan = runtime.plannedBackups[path] {
            plan = try Restorer.plan(connection, backup: backupPlan, restoreOptions)
            if let source = runtime.plannedBackupSources[path] {
                try RestorePreflight.checkReferences(connection, plannedFrom: try source.connectionOrThrow(), backup: backupPlan,
                                                     restoreOptions, filledByEarlierSteps: runtime.plannedFills[db.identity] ?? [])
            }
        } else if !runtime.dryRun, let source = runtime.writtenBackupSources[path], source.identity != db.identity,
                  let held = source.heldSnapshot(of: path), Restorer.canStream(from: held, into: connection) {
            // Written by this run from a connection still open: the rows stream from the
            // backup's snapshot (never into the database it was read from, whose emptied tables
            // the snapshot's COPY would wait on). Used once, then let go.
            streamedFrom = source
            prepared = try Restorer.prepare(connection, streamingFrom: held, restoreOptions, exactCounts: false)
            plan = prepared!.plan
        } else {
            try runtime.awaitBackup(path: path) // its files, when this run is still writing them
            prepared = try Restorer.prepare(connection, from: path, restoreOptions, exactCounts: runtime.dryRun)
            plan = prepared!.plan
            // What the real run checks after loading, a dry run checks from the files.
            if runtime.dryRun {
                try RestorePreflight.checkReferences(connection, path: path, restoreOptions,
                                                     filledByEarlierSteps: runtime.plannedFills[db.identity] ?? [])
            }
        }
        if runtime.dryRun {
            runtime.plannedFills[db.identity, default: []].formUnion(plan.tables.compactMap { $0.name.split(separator: ".").first.map(String.init) })
        }
        let subsets = plan.tables.filter { $0.filter != nil }.count
        // Streamed while the backup's files are still being written: the rows are the planner's
        // estimate until the load counts them.
        let estimated = prepared?.source?.running != nil
        let step = Step(.change, "restore \(db.name)",
                        detail: "\(Format.plural(plan.tables.count, "table"))" + (subsets > 0 ? " (\(Format.plural(subsets, "subset")))" : "")
                            + ", \(estimated ? "about " : "")\(Format.plural(plan.rows, "row"))"
                            + (plan.existingRows > 0 ? " (replacing \(Format.plural(plan.existingRows, "row")))" : "")
                            + " from \(URL(fileURLWithPath: path).lastPathComponent)"
                            + (streamedFrom.map { " (streamed from \($0.name)'s snapshot)" } ?? ""),
                        target: db, destructive: true,
                        planLines: plan.tables.map {
                            "  \($0.name): \(Format.plural($0.rows, "row"))" + ($0.filter.map { " (subset: where \($0))" } ?? "")
                                + ($0.existingRows > 0 ? ", replacing \($0.existingRows)" : "")
                        },
                        counts: PlanCounts(change: plan.tables.count), production: production)
        let result: (tables: Int, rows: Int, bytes: Int) = try runtime.perform(step, predicted: {
            (plan.tables.count, plan.rows, plan.tables.reduce(0) { $0 + $1.bytes })
        }, apply: {
            guard let prepared else { throw BeekError.failed("restore: a backup planned by a dry run cannot be loaded") }
            let r = try prepared.run()
            runtime.reportFinishedBackups()
            return (r.tables.count, r.rows, r.bytes)
        }, outcome: { estimated ? "\(Format.plural($0.rows, "row")), \(Format.bytes($0.bytes)) loaded" : "\(Format.bytes($0.bytes)) loaded" })
        return [.record([("tables", LuaValue(result.tables)), ("rows", LuaValue(result.rows)), ("bytes", LuaValue(result.bytes))])]
    }

    // MARK: clone_auth

    static let cloneAuth = Primitive(
        "clone_auth",
        summary: "Copies Supabase auth users (auth.users, identities, MFA factors) from src into dst; dst users that "
            + "conflict on id, email, phone or identity are deleted first; dst-only users stay; no auth trigger fires. "
            + "Returns counts.",
        parameters: [.init("src", "database", "the source"), .init("dst", "database", "the target")],
        options: [SchemaPrimitives.allowProductionOption],
        returns: "AuthCloneResult"
    ) { call, runtime in
        let src = try call.handle(1, DatabaseHandle.self, "src")
        let dst = try call.handle(2, DatabaseHandle.self, "dst")
        let options = try call.options(3)
        let source = try src.connectionOrThrow()
        let target = try dst.connectionKeepingDeferred()
        // Read once: the plan holds the source snapshot and the conflicts that `run` acts on.
        let plan = try AuthCloner.plan(from: source, to: target, exactCounts: runtime.dryRun)
        defer { plan.close() }
        func describe(_ c: AuthCloneCounts) -> String {
            "\(Format.plural(c.users, "user")), \(Format.plural(c.identities, "identity", "identities")), "
                + "\(Format.plural(c.factors, "MFA factor")); \(c.deletedUsers) conflicting dev user(s) replaced"
        }
        let step = Step(.change, "clone_auth \(src.name) → \(dst.name)",
                        detail: runtime.dryRun ? describe(plan.counts) : "",
                        target: dst, destructive: true,
                        counts: PlanCounts(add: plan.counts.users, destroy: plan.counts.deletedUsers),
                        production: try SchemaPrimitives.productionRule(options))
        let counts = try runtime.perform(step, predicted: {
            runtime.plannedFills[dst.identity, default: []].insert("auth") // a later restore's dry run counts on these users
            return plan.counts
        }, apply: {
            try runtime.inTransaction(dst) { try plan.run() }
        }, outcome: describe)
        return [.record([
            ("deleted_users", LuaValue(counts.deletedUsers)), ("users", LuaValue(counts.users)),
            ("identities", LuaValue(counts.identities)), ("factors", LuaValue(counts.factors)),
        ])]
    }

    // MARK: verify

    static let verify = Primitive(
        "verify",
        summary: "Compares every table's rows on the two servers: row count and an order-independent checksum "
            + "(the sum of a 64-bit hash of each row), computed by each server in one snapshot, both servers and tables in parallel. "
            + "Reads only (runs in a dry run). Returns {equal, tables = {{name, rows_a, rows_b, equal, reason}, ...}}.",
        parameters: [.init("a", "database", "one side (e.g. prod)"), .init("b", "database", "the other (e.g. dev)")],
        options: [SchemaPrimitives.schemasOption],
        returns: "VerifyResult"
    ) { call, runtime in
        let a = try call.handle(1, DatabaseHandle.self, "a")
        let b = try call.handle(2, DatabaseHandle.self, "b")
        let schemas = try SchemaPrimitives.schemas(try call.options(3))
        let result = try runtime.read("verify \(a.name) ↔ \(b.name)", schemas.joined(separator: ", ")) {
            try Verifier.run(try a.connectionOrThrow(), try b.connectionOrThrow(), VerifyOptions(schemas: schemas))
        } outcome: { r in
            let rows = r.tables.reduce(0) { $0 + ($1.rowsA ?? 0) }
            if r.equal { return "\(Format.plural(r.tables.count, "table")), \(Format.plural(rows, "row")): identical" }
            return "\(r.differing.count) of \(Format.plural(r.tables.count, "table")) differ: "
                + r.differing.prefix(5).map { "\($0.name) (\($0.reason ?? "differs"))" }.joined(separator: ", ")
                + (r.differing.count > 5 ? ", …" : "")
        }
        let tables = result.tables.map { t -> LuaValue in
            .record([("name", .string(t.name)), ("rows_a", t.rowsA.map(LuaValue.init) ?? .nil),
                     ("rows_b", t.rowsB.map(LuaValue.init) ?? .nil), ("equal", .bool(t.equal)),
                     ("reason", LuaValue(t.reason))])
        }
        return [.record([("equal", .bool(result.equal)), ("tables", .list(tables))])]
    }
}
