import Foundation

/// The Supabase-specific parts of `nuke`, `clone_schema` and `diff`, kept out of the schema
/// engine: the team's objects on auth/storage tables (TeamPlatformObjects), outbound-call
/// triggers (webhooks) and cron-job notes.
enum SupabaseCloneExtras {
    static let webhooksOption = Primitive.Option(
        "webhooks", "string",
        "what to do with cloned triggers that call out of the database (database webhooks, net.http_post …): "
            + "\"keep\" (default: an exact clone, with a warning), \"disable\" (created, then ALTER TABLE … DISABLE TRIGGER, "
            + "so dev never calls prod's endpoints; enable one again once it points at dev's), or {from = URL, to = URL}: "
            + "webhook URLs starting with from are rewritten to start with to (the others are disabled)")

    /// The team's objects on platform tables go with `public`: a nuke, clone or diff of other
    /// schemas alone leaves them be.
    static func coversPlatformTables(_ schemas: [String]) -> Bool { schemas.contains("public") }

    /// Identities of the schema engine's dependents, which it handles itself.
    static func identities(_ dependents: [DependentObject]) -> Set<String> {
        Set(dependents.map { "\($0.kind) \($0.identity)" })
    }

    /// What a clone carries besides the engine's plan, and what it does once the triggers exist:
    /// make the team's objects on platform tables equal the source's, then disable webhooks.
    struct Outbound {
        var triggers: [OutboundTrigger]
        var disable: Bool
        /// Webhook URL prefix to rewrite (from, to): matching webhooks are re-created pointing at dev.
        var rewrite: (from: String, to: String)? = nil
        /// The source's team objects on platform tables (nil: not covered by these schemas).
        var team: [TeamPlatformObject]?
        var excluded: Set<String>
        /// Plan lines for the team objects, as the dry run shows them.
        var teamLines: [String] = []

        func afterTriggers(_ connection: PGConnection) throws {
            if let team {
                let now = try TeamPlatformObjects.read(connection, excluding: excluded)
                try TeamPlatformObjects.compare(a: team, b: now).statements.forEach { try connection.execute($0) }
            }
            guard disable else { return }
            var rest = triggers
            if let rewrite {
                let moved = triggers.filter { $0.url.hasPrefix(rewrite.from) }
                try OutboundCalls.rewrite(moved, from: rewrite.from, to: rewrite.to, on: connection)
                rest.removeAll { moved.contains($0) }
            }
            try OutboundCalls.disable(rest, on: connection)
        }

        var luaValue: LuaValue {
            .record([
                ("triggers", .list(triggers.map { .string($0.description) })), ("disabled", .bool(disable && !triggers.isEmpty)),
                // As diff() names a trigger change, so a runbook can tell this intended difference apart.
                ("diff_names", .list(triggers.map { .string("\(SQL.quoteIdent($0.name)) on \(SQL.qualified($0.schema, $0.table))") })),
            ])
        }
    }

    /// Reads src's outbound triggers and warns about them (also in a dry run).
    static func outbound(_ options: Options, _ src: DatabaseHandle, _ dst: DatabaseHandle, _ schemas: [String],
                         _ runtime: Runtime, plan: ClonePlan, targetNuked: Bool) throws -> Outbound {
        var mode = "keep"
        var rewrite: (from: String, to: String)?
        let bad = BeekError.badArgument(function: "clone_schema",
                                        message: "option 'webhooks' must be \"keep\", \"disable\" or {from = URL, to = URL}")
        switch options.table["webhooks"] {
        case nil, .nil?: break
        case .string(let s)?:
            guard s == "keep" || s == "disable" else { throw bad }
            mode = s
        case .table(let t)?:
            guard case .string(let from)? = t["from"], case .string(let to)? = t["to"], !from.isEmpty, t.fields.count == 2 else { throw bad }
            mode = "rewrite"
            rewrite = (from, to)
        default: throw bad
        }
        let triggers = try runtime.snapshot(src) { try OutboundCalls.find(try src.connectionOrThrow(), schemas: schemas) }
        if !triggers.isEmpty {
            let what = mode == "disable" ? "they are created disabled in \(dst.name)"
                : mode == "rewrite" ? "webhooks to \(rewrite!.from)… now call \(rewrite!.to)…, the others are created disabled"
                : "kept enabled: \(dst.name) will call \(src.name)'s endpoints (pass webhooks = \"disable\" to prevent it)"
            runtime.reporter.warning("clone_schema: \(Format.plural(triggers.count, "trigger")) \(triggers.count == 1 ? "calls" : "call") out of the database; \(what)")
            triggers.forEach { runtime.reporter.detail("  ! " + $0.description) }
        }
        var outbound = Outbound(triggers: triggers, disable: mode != "keep", rewrite: rewrite, team: nil,
                                excluded: identities(plan.recreatedDependents + plan.droppedDependents))
        if coversPlatformTables(schemas) {
            let team = try runtime.snapshot(src) { try TeamPlatformObjects.read(try src.connectionOrThrow(), excluding: outbound.excluded) }
            var there = try TeamPlatformObjects.read(try dst.connectionKeepingDeferred(), excluding: outbound.excluded)
            if targetNuked { there = there.filter { $0.dropSQL.isEmpty } } // a planned nuke drops them first
            outbound.team = team
            // Never silently lost: what the team created in auth/storage itself is named.
            let theirs = try runtime.snapshot(src) { try UncarriedPlatformObjects.read(try src.connectionOrThrow()) }
            let ours = try UncarriedPlatformObjects.read(try dst.connectionKeepingDeferred())
            for line in UncarriedPlatformObjects.warnings(src: theirs, dst: ours, srcName: src.name, dstName: dst.name) {
                runtime.reporter.warning("clone_schema: " + line)
            }
            outbound.teamLines = TeamPlatformObjects.compare(a: team, b: there).changes.map {
                ($0.change == .drop ? "- " : $0.change == .add ? "+ " : "~ ") + "\($0.kind) \($0.name) (the team's, on a platform table)"
            }
        }
        return outbound
    }

    /// What `nuke` adds: drop the team's policies and triggers on platform tables, revoke its
    /// grants there and put the platform's comments back.
    static func nukeStatements(_ connection: PGConnection, _ schemas: [String], excluding dependents: [DependentObject]) throws
        -> (statements: [String], planLines: [String]) {
        guard coversPlatformTables(schemas) else { return ([], []) }
        let objects = try TeamPlatformObjects.read(connection, excluding: identities(dependents)).filter { !$0.dropSQL.isEmpty }
        return (objects.map(\.dropSQL), objects.map { o in
            let verb = o.kind == "grant" ? "revoke" : o.kind == "comment" ? "reset" : "drop"
            return "- \(verb) \(o.kind) \(o.identity) (the team's, on a platform table)"
        })
    }

    /// diff's result with the team's objects on platform tables compared too; their SQL comes
    /// last (a policy may use anything the rest creates).
    static func withTeamObjects(_ diff: SchemaDiff, _ a: DatabaseHandle, _ b: DatabaseHandle, _ left: SchemaModel,
                                _ right: SchemaModel, _ schemas: [String], _ runtime: Runtime) throws -> SchemaDiff {
        guard coversPlatformTables(schemas) else { return diff }
        let excluded = identities(left.dependents + right.dependents)
        let x = try runtime.snapshot(a) { try TeamPlatformObjects.read(try a.connectionOrThrow(), excluding: excluded) }
        let y = try runtime.snapshot(b) { try TeamPlatformObjects.read(try b.connectionOrThrow(), excluding: excluded) }
        let extra = TeamPlatformObjects.compare(a: x, b: y)
        guard !extra.changes.isEmpty else { return diff }
        var result = diff
        result.changes += extra.changes
        result.statements += extra.statements.map { SchemaStatement(sql: $0) }
        return result
    }

    /// Cron-job drift between the two databases, and (with public) the objects in their
    /// platform schemas that only one has, as notes for diff's summary.
    static func diffNotes(_ a: DatabaseHandle, _ b: DatabaseHandle, _ schemas: [String], _ runtime: Runtime) throws -> [String] {
        let left = try runtime.snapshot(a) { try PlatformState.read(try a.connectionOrThrow()) }
        let right = try runtime.snapshot(b) { try PlatformState.read(try b.connectionOrThrow()) }
        var notes = PlatformState.cronNotes(a: left, b: right, aName: a.name, bName: b.name)
        if coversPlatformTables(schemas) {
            let x = try runtime.snapshot(a) { try UncarriedPlatformObjects.read(try a.connectionOrThrow()) }
            let y = try runtime.snapshot(b) { try UncarriedPlatformObjects.read(try b.connectionOrThrow()) }
            notes += UncarriedPlatformObjects.notes(a: x, b: y, aName: a.name, bName: b.name)
        }
        return notes
    }
}
