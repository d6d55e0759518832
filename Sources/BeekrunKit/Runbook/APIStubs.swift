/// The LuaLS definition file (`---@meta`) for runbook authors' editors, generated from the
/// same registry that installs the primitives, so the two cannot drift.
/// `beekrun --api` prints it; `runbooks/beekrun.meta.lua` is a copy that a test keeps equal.
public enum APIStubs {
    /// The shapes of values primitives return, for `---@class` blocks.
    public struct LuaClass: Sendable {
        public let name: String
        public let doc: String
        public let fields: [(name: String, type: String, doc: String)]
    }

    public static let classes: [LuaClass] = [
        LuaClass(name: "database", doc: "A connection from connect{...}; use with <close>.", fields: [
            ("name", "string", "the runbook's name for it"), ("url", "string", "the connection string, password masked"),
            ("database", "string", "the database name"), ("host", "string?", "the host"),
            ("production", "boolean", "marked production"), ("readonly", "boolean", "read-only session"),
            ("closed", "boolean", "closed already"), ("server_version", "integer?", "e.g. 150018"),
        ]),
        LuaClass(name: "Backup", doc: "backup() result, a plain table (in a dry run: the backup that would be written).", fields: [
            ("path", "string", "the backup folder"), ("label", "string", "the label in the folder name"),
            ("time", "string", "UTC time in the folder name, YYYY-MM-DDTHH:MM:SSZ"), ("tables", "integer", "tables backed up"),
            ("rows", "integer", "rows backed up"), ("bytes", "integer", "bytes of table files (an estimate in a dry run)"),
            ("planned", "boolean", "true in a dry run: nothing was written"),
            ("table_rows", "table<string, integer>", "rows per table, keyed by schema.name"),
            ("where", "table<string, string>?", "a subset: the where filter of each filtered table, keyed by schema.name (nil: whole tables)"),
        ]),
        LuaClass(name: "BackupEntry", doc: "One list_backups{} entry, a plain table; restore() accepts it.", fields: [
            ("path", "string", "the backup folder"), ("label", "string", "the label in the folder name"),
            ("time", "string", "UTC time in the folder name, YYYY-MM-DDTHH:MM:SSZ"), ("tables", "integer", "tables in the manifest"),
            ("rows", "integer", "rows in the manifest"), ("bytes", "integer", "bytes of table files"),
            ("verified", "boolean?", "every file matches its SHA-256 (nil unless verify = true)"),
            ("where", "table<string, string>?", "a subset: the where filter of each filtered table, keyed by schema.name (nil: whole tables)"),
        ]),
        LuaClass(name: "WriteFileResult", doc: "write_file() result.", fields: [
            ("path", "string", "the file, relative to the project"), ("bytes", "integer", "bytes written (to be, in a dry run)"),
        ]),
        LuaClass(name: "RestoreResult", doc: "restore() result.", fields: [
            ("tables", "integer", "tables loaded"), ("rows", "integer", "rows loaded"), ("bytes", "integer", "bytes read"),
        ]),
        LuaClass(name: "AuthCloneResult", doc: "clone_auth() result.", fields: [
            ("deleted_users", "integer", "conflicting target users deleted first"), ("users", "integer", "users copied"),
            ("identities", "integer", "identities copied"), ("factors", "integer", "MFA factors copied"),
        ]),
        LuaClass(name: "VerifyResult", doc: "verify(a, b) result.", fields: [
            ("equal", "boolean", "every table holds the same rows on both sides"),
            ("tables", "VerifiedTable[]", "every table of the schemas on either side, by name"),
        ]),
        LuaClass(name: "VerifiedTable", doc: "One table compared by verify().", fields: [
            ("name", "string", "schema.name"), ("rows_a", "integer?", "rows in a (nil: no such table in a)"),
            ("rows_b", "integer?", "rows in b (nil: no such table in b)"), ("equal", "boolean", "same rows (count and checksum)"),
            ("reason", "string?", "why it differs: missing table, columns, rows fewer or more, different rows"),
        ]),
        LuaClass(name: "PruneResult", doc: "prune_backups{} result.", fields: [
            ("kept", "string[]", "backup folders kept, newest first"), ("removed", "string[]", "backup folders removed (or to be, in a dry run)"),
        ]),
        LuaClass(name: "NukeResult", doc: "nuke() result.", fields: [
            ("schemas", "string[]", "the schemas emptied"), ("tables", "integer", "tables dropped"),
            ("rows", "integer", "rows they held"), ("objects", "integer", "objects dropped"),
        ]),
        LuaClass(name: "CloneResult", doc: "clone_schema() result.", fields: [
            ("tables", "integer", "tables in the source schemas"), ("created", "integer", "objects created"),
            ("dropped", "integer", "objects dropped from the target first"),
            ("outbound", "CloneOutbound", "triggers that call out of the database (webhooks)"),
        ]),
        LuaClass(name: "CloneOutbound", doc: "clone_schema()'s outbound-call triggers.", fields: [
            ("triggers", "string[]", "`name on schema.table → function (url)`"), ("disabled", "boolean", "whether they were disabled (or rewritten) in dst"),
            ("diff_names", "string[]", "the same triggers as diff() names them"),
        ]),
        LuaClass(name: "Diff", doc: "diff(a, b) result.", fields: [
            ("empty", "boolean", "the schemas are the same"), ("changes", "DiffChange[]", "every difference"),
            ("summary", "string", "+ / - / ~ lines and a closing \"Differences: X to add, Y to change, Z to destroy.\" line"),
            ("sql", "string", "the migration that brings b to a; hazards flagged in -- comments"),
            ("notes", "string[]", "drift that is not schema and never copied (pg_cron jobs by name and schedule); does not affect empty"),
        ]),
        LuaClass(name: "DiffChange", doc: "One difference found by diff().", fields: [
            ("kind", "string", "table, column, view, function, index, constraint, trigger, policy, privileges, comment …"),
            ("name", "string", "the object, qualified and quoted as in SQL"),
            ("change", "\"add\"|\"drop\"|\"alter\"", "seen from the migration that brings b to a"),
            ("detail", "string", "what differs"),
        ]),
        LuaClass(name: "GitStatus", doc: "git.status() result.", fields: [
            ("branch", "string", "checked-out branch"), ("clean", "boolean", "no uncommitted changes, tracked or untracked"),
            ("ahead", "integer?", "commits the remote lacks (nil without a remote branch)"),
            ("behind", "integer?", "commits the remote has that HEAD lacks"),
            ("remote", "string?", "the remote compared with"), ("fetched", "boolean", "false in a dry run (no fetch)"),
            ("changes", "string[]", "git status --porcelain lines"),
        ]),
        LuaClass(name: "GitMergeResult", doc: "git_merge{...} result.", fields: [
            ("commit", "string?", "the merged commit (nil in a dry run)"), ("pushed", "boolean", "pushed to the remote"),
            ("commits", "integer", "commits merged"),
        ]),
        LuaClass(name: "MigrationResult", doc: "migrate(db, file) result.", fields: [
            ("applied", "boolean", "false when it was applied before"), ("file", "string", "the file name"),
            ("sha256", "string", "the file's checksum"),
        ]),
        LuaClass(name: "BucketsResult", doc: "clone_buckets(src, dst) result: bucket ids.", fields: [
            ("created", "string[]", "buckets added to dst"), ("updated", "string[]", "buckets whose settings changed"),
            ("removed", "string[]", "empty dst-only buckets deleted"), ("kept", "string[]", "dst-only buckets kept: objects point into them"),
            ("src_objects", "integer", "objects (files) src has: not copied"), ("src_bytes", "integer", "their total size"),
        ]),
        LuaClass(name: "CronJob", doc: "A pg_cron job.", fields: [
            ("name", "string", "jobname (or the job id)"), ("schedule", "string", "cron schedule"), ("active", "boolean", "whether it runs"),
        ]),
        LuaClass(name: "PlatformState", doc: "platform_state(db) result: what stays in a project, never copied.", fields: [
            ("vault_secrets", "integer", "rows of vault.secrets"), ("cron_jobs", "CronJob[]", "rows of cron.job"),
            ("buckets", "integer", "rows of storage.buckets"), ("storage_objects", "integer", "rows of storage.objects"),
            ("storage_bytes", "integer", "their total size"),
            ("outbound", "string[]", "triggers that call out of the database (webhooks, net.http_post …)"),
        ]),
        LuaClass(name: "MigrateAllResult", doc: "migrate_all(db, dir) result.", fields: [
            ("applied", "string[]", "the files applied now, in order"), ("skipped", "integer", "files already applied before"),
        ]),
    ]

    /// Globals that are values, not functions.
    static let values: [(name: String, type: String, doc: String)] = [
        ("args", "string[]", "the arguments after the script on the command line"),
        ("dry_run", "boolean", "true in a --dry-run: mutating primitives only plan"),
    ]

    public static func render(_ primitives: [Primitive] = PrimitiveRegistry.all) -> String {
        var out = """
            ---@meta
            -- beekrun runbook API, for editors with the Lua language server (LuaLS).
            -- Generated by `beekrun --api` from the primitive registry; do not edit by hand.

            """
        for luaClass in classes {
            out += "\n---\(luaClass.doc)\n---@class \(luaClass.name)\n"
            for field in luaClass.fields { out += "---@field \(field.name) \(field.type) \(field.doc)\n" }
        }
        for value in values {
            out += "\n---\(value.doc)\n---@type \(value.type)\n\(value.name) = nil\n"
        }
        var tables: Set<String> = []
        for primitive in primitives {
            let parts = primitive.name.split(separator: ".")
            if parts.count == 2, tables.insert(String(parts[0])).inserted {
                out += "\n\(parts[0]) = {}\n"
            }
            out += "\n---\(primitive.summary)\n"
            var names: [String] = []
            for p in primitive.parameters {
                let name = p.name == "..." ? "..." : p.name
                out += "---@param \(name) \(p.type) \(p.doc)\n"
                names.append(name)
            }
            if !primitive.options.isEmpty {
                let fields = primitive.options.map { "\($0.key)\($0.required ? "" : "?"): \($0.type)" }.joined(separator: ", ")
                let optional = primitive.options.contains(where: \.required) ? "" : "?"
                out += "---@param opts\(optional) {\(fields)}\n"
                for o in primitive.options { out += "--- * `\(o.key)`: \(o.doc)\n" }
                names.append("opts")
            }
            if let returns = primitive.returns { out += "---@return \(returns)\n" }
            out += "function \(primitive.name)(\(names.joined(separator: ", "))) end\n"
        }
        return out
    }
}
