import Foundation

/// What `clone_auth` did, or would do in a dry run.
public struct AuthCloneCounts: Sendable, Equatable {
    /// Target users deleted (with what hangs off them) because they conflicted with a source user.
    public var deletedUsers: Int
    public var users: Int
    public var identities: Int
    /// MFA factors copied (0 when either side has no `auth.mfa_factors`).
    public var factors: Int

    public init(deletedUsers: Int, users: Int, identities: Int, factors: Int) {
        self.deletedUsers = deletedUsers
        self.users = users
        self.identities = identities
        self.factors = factors
    }
}

/// Copies Supabase auth users from one database to another: `auth.users` and what a login
/// needs (`auth.identities`, `auth.mfa_factors` where both sides have it). Sessions and
/// refresh tokens are not copied: they are signed with each project's own JWT secret.
///
/// - Target users that conflict with a source user are deleted first, in normal mode so
///   that `ON DELETE CASCADE` removes what hangs off them. A conflict mirrors the unique
///   constraints of `auth.users`/`auth.identities`: the same id, the same email among
///   non-SSO users (the email key is partial: `WHERE is_sso_user = false`), the same phone,
///   or an identity with the same `(provider_id, provider)` or id. Target-only users stay.
/// - The copy then runs in replica mode, so no trigger on the auth tables fires (a
///   `handle_new_user` trigger would otherwise create profile rows for copied users).
/// - Columns are matched by name (the two GoTrue versions may differ); generated columns
///   (`confirmed_at`, `identities.email`) are never written. Values go through COPY text,
///   so NULL and '' in token columns stay apart.
/// - All or nothing on the target: its own transaction, or the caller's when one is open.
///   The source is read in one snapshot.
public enum AuthCloner {
    /// Plans and copies in one go (the source read in one snapshot).
    public static func run(from src: PGConnection, to dst: PGConnection) throws -> AuthCloneCounts {
        let plan = try self.plan(from: src, to: dst, exactCounts: false)
        defer { plan.close() }
        return try plan.run()
    }

    /// Reads what a copy needs, once: the shape of both sides and the conflicting target
    /// users, in a snapshot of the source that stays open until the plan is run or closed,
    /// so `run` copies exactly the users whose conflicts were found.
    /// - Parameter exactCounts: count the rows to copy (a dry run shows them); a real run
    ///   reports the rows it copied instead.
    public static func plan(from src: PGConnection, to dst: PGConnection, exactCounts: Bool = true) throws -> AuthClonePlan {
        let srcOwn = !src.inTransaction
        if srcOwn {
            try src.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            // The snapshot may wait for a confirmation; a pooler's idle timeout must not end it.
            try src.query("select set_config('idle_in_transaction_session_timeout', '0', true)")
        }
        do {
            let shape = try Shape.read(src: src, dst: dst)
            let keys = try SourceKeys.read(src, shape)
            let conflicting = try conflictingUsers(dst, shape, keys)
            var counts = AuthCloneCounts(deletedUsers: conflicting.count, users: keys.ids.count, identities: 0, factors: 0)
            if exactCounts {
                for table in shape.tables where table.name != "users" {
                    let n = Int(try src.scalar("SELECT count(*) FROM (\(table.sourceSelect)) s") ?? "0") ?? 0
                    if table.name == "identities" { counts.identities = n } else { counts.factors = n }
                }
            }
            return AuthClonePlan(src: src, dst: dst, srcOwn: srcOwn, shape: shape, conflicting: conflicting, counts: counts)
        } catch {
            if srcOwn { _ = try? src.execute("ROLLBACK") }
            throw error
        }
    }

    // MARK: Shape of both sides

    struct Table {
        var name: String
        /// Stored columns present on both sides.
        var columns: [String]
        var qualified: String { SQL.qualified("auth", name) }
        var columnList: String { columns.map(SQL.quoteIdent).joined(separator: ", ") }
        /// Identities and factors only of copied users, so no orphan row is written while
        /// FK checks are off.
        var sourceSelect: String {
            let filter = name == "users" ? "" : " WHERE user_id IN (SELECT id FROM auth.users)"
            return "SELECT \(columnList) FROM \(qualified)\(filter)"
        }
    }

    struct Shape {
        var tables: [Table]
        var srcColumns: [String: Set<String>]
        var dstColumns: [String: Set<String>]

        static func read(src: PGConnection, dst: PGConnection) throws -> Shape {
            var tables: [Table] = []
            var srcAll: [String: Set<String>] = [:], dstAll: [String: Set<String>] = [:]
            for name in ["users", "identities", "mfa_factors"] {
                let s = try columns(src, name), d = try columns(dst, name)
                guard let s, let d else {
                    if name == "users" {
                        throw BeekError.failed("clone_auth: auth.users is missing in the \(s == nil ? "source" : "target") database (not a Supabase database?)")
                    }
                    continue
                }
                srcAll[name] = Set(s.all); dstAll[name] = Set(d.all)
                let dstStored = Set(d.stored)
                tables.append(Table(name: name, columns: s.stored.filter { dstStored.contains($0) }))
            }
            return Shape(tables: tables, srcColumns: srcAll, dstColumns: dstAll)
        }

        /// Columns of `auth.NAME` in table order (stored ones, and all), or nil when it does not exist.
        static func columns(_ db: PGConnection, _ name: String) throws -> (stored: [String], all: [String])? {
            let rows = try db.query("""
                select a.attname, a.attgenerated <> '' from pg_attribute a
                where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped order by a.attnum
                """, [SQL.qualified("auth", name)]).rows
            guard !rows.isEmpty else { return nil }
            return (rows.filter { $0[1] == "f" }.map { $0[0]! }, rows.map { $0[0]! })
        }

        func has(_ table: String, _ column: String, onBoth: Bool = true) -> Bool {
            (srcColumns[table]?.contains(column) ?? false) && (!onBoth || (dstColumns[table]?.contains(column) ?? false))
        }
    }

    /// The source's values of every unique key a target user could collide with.
    struct SourceKeys {
        var ids: [String] = []
        var emails: [String] = []
        var phones: [String] = []
        var identityProviderIDs: [String] = []
        var identityProviders: [String] = []
        var identityIDs: [String] = []
        var factorIDs: [String] = []

        static func read(_ src: PGConnection, _ shape: Shape) throws -> SourceKeys {
            var keys = SourceKeys()
            let sso = shape.has("users", "is_sso_user", onBoth: false) ? "coalesce(is_sso_user, false)" : "false"
            let phone = shape.has("users", "phone", onBoth: false) ? "phone" : "null::text"
            for r in try src.query("SELECT id::text, email::text, \(phone)::text, \(sso) FROM auth.users").rows {
                keys.ids.append(r[0]!)
                if let email = r[1], r[3] == "f" { keys.emails.append(email) }
                if let p = r[2] { keys.phones.append(p) }
            }
            if shape.tables.contains(where: { $0.name == "identities" }) {
                // GoTrue before 2023 keyed identities by (id, provider), id being the provider's user id.
                let providerID = shape.has("identities", "provider_id", onBoth: false) ? "provider_id" : "id"
                for r in try src.query("SELECT \(providerID)::text, provider::text, id::text FROM auth.identities WHERE user_id IN (SELECT id FROM auth.users)").rows {
                    keys.identityProviderIDs.append(r[0] ?? "")
                    keys.identityProviders.append(r[1] ?? "")
                    keys.identityIDs.append(r[2] ?? "")
                }
            }
            if shape.tables.contains(where: { $0.name == "mfa_factors" }) {
                keys.factorIDs = try src.query("SELECT id::text FROM auth.mfa_factors WHERE user_id IN (SELECT id FROM auth.users)").rows.map { $0[0]! }
            }
            return keys
        }
    }

    /// Ids of target users that share a unique key with a source user.
    static func conflictingUsers(_ dst: PGConnection, _ shape: Shape, _ keys: SourceKeys) throws -> [String] {
        // IN (SELECT unnest(…)) plans as a hashed semi-join: linear even for many users.
        var conditions = ["u.id::text IN (SELECT unnest($1::text[]))"]
        let dstSSO = shape.dstColumns["users"]?.contains("is_sso_user") ?? false
        conditions.append("(u.email::text IN (SELECT unnest($2::text[]))" + (dstSSO ? " AND NOT coalesce(u.is_sso_user, false))" : ")"))
        if shape.dstColumns["users"]?.contains("phone") ?? false {
            conditions.append("u.phone::text IN (SELECT unnest($3::text[]))")
        } else {
            conditions.append("$3::text[] IS NULL")
        }
        let hasIdentities = shape.tables.contains { $0.name == "identities" }
        if hasIdentities {
            let providerID = (shape.dstColumns["identities"]?.contains("provider_id") ?? false) ? "provider_id" : "id"
            conditions.append("""
                u.id IN (SELECT i.user_id FROM auth.identities i
                         JOIN unnest($4::text[], $5::text[]) k(pid, prov) ON i.\(providerID)::text = k.pid AND i.provider::text = k.prov
                         UNION ALL SELECT i.user_id FROM auth.identities i WHERE i.id::text IN (SELECT unnest($6::text[])))
                """)
        } else {
            conditions.append("($4::text[], $5::text[], $6::text[]) IS NULL")
        }
        if shape.tables.contains(where: { $0.name == "mfa_factors" }) {
            conditions.append("u.id IN (SELECT f.user_id FROM auth.mfa_factors f WHERE f.id::text IN (SELECT unnest($7::text[])))")
        } else {
            conditions.append("$7::text[] IS NULL")
        }
        let sql = "SELECT u.id::text FROM auth.users u WHERE " + conditions.joined(separator: "\n   OR ") + " ORDER BY 1"
        return try dst.query(sql, [
            TableSelection.textArray(keys.ids), TableSelection.textArray(keys.emails), TableSelection.textArray(keys.phones),
            TableSelection.textArray(keys.identityProviderIDs), TableSelection.textArray(keys.identityProviders),
            TableSelection.textArray(keys.identityIDs), TableSelection.textArray(keys.factorIDs),
        ]).rows.map { $0[0]! }
    }

    /// Streams one table from the source's COPY straight into the target's COPY.
    static func copy(_ table: Table, from src: PGConnection, to dst: PGConnection) throws -> Int {
        try dst.copyIn("COPY \(table.qualified) (\(table.columnList)) FROM STDIN") { writer in
            try src.copyOut("COPY (\(table.sourceSelect)) TO STDOUT") { chunk in try writer.write(chunk) }
        }
    }
}

/// Keeps triggers on the auth tables from firing during the copy: replica mode where
/// allowed (Supabase's `postgres` may), else disabling the enabled user triggers on those
/// tables (needs ownership). With neither possible and a trigger in the way, it refuses.
struct AuthTriggerGuard {
    private var previousRole: String?
    private var disabled: [(table: String, name: String, enabled: String)] = []

    static func holdOff(_ db: PGConnection, tables: [String]) throws -> AuthTriggerGuard {
        let previous = try db.scalar("select current_setting('session_replication_role')") ?? "origin"
        var state = AuthTriggerGuard(previousRole: nil)
        try db.execute("SAVEPOINT beekrun_replica")
        do {
            try db.execute("SET LOCAL session_replication_role = replica")
            try db.execute("RELEASE SAVEPOINT beekrun_replica")
            state.previousRole = previous
        } catch let error as BeekError where error.sqlstate == "42501" {
            try db.execute("ROLLBACK TO SAVEPOINT beekrun_replica; RELEASE SAVEPOINT beekrun_replica")
        }
        // In replica mode only ALWAYS and REPLICA triggers still fire; otherwise every enabled one.
        let firing = state.previousRole != nil ? "t.tgenabled in ('A', 'R')" : "t.tgenabled <> 'D'"
        let triggers = try db.query("""
            select c.relname, t.tgname, t.tgenabled::text from pg_trigger t join pg_class c on c.oid = t.tgrelid
            join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'auth' and c.relname = any($1::text[]) and not t.tgisinternal and \(firing)
            """, [TableSelection.textArray(tables)]).rows
        for t in triggers {
            do {
                try db.execute("SAVEPOINT beekrun_trigger; ALTER TABLE \(SQL.qualified("auth", t[0]!)) DISABLE TRIGGER \(SQL.quoteIdent(t[1]!)); RELEASE SAVEPOINT beekrun_trigger")
            } catch {
                throw BeekError.refused("clone_auth: trigger \(t[1]!) on auth.\(t[0]!) would fire for every copied user, and this role may neither use replica mode nor disable it: \(error.userMessage)")
            }
            state.disabled.append((t[0]!, t[1]!, t[2]!))
        }
        return state
    }

    func release(_ db: PGConnection) throws {
        if let previousRole {
            try db.query("select set_config('session_replication_role', $1, true)", [previousRole])
        }
        for t in disabled {
            // Back to the trigger's own firing mode (ALWAYS and REPLICA are kept).
            let how = t.enabled == "A" ? "ENABLE ALWAYS" : t.enabled == "R" ? "ENABLE REPLICA" : "ENABLE"
            try db.execute("ALTER TABLE \(SQL.qualified("auth", t.table)) \(how) TRIGGER \(SQL.quoteIdent(t.name))")
        }
    }
}

/// A planned `clone_auth`: the counts for the plan line, and what `run` needs, read once.
public final class AuthClonePlan {
    /// Users to copy and conflicting users to delete; identities and factors are counted
    /// only when the plan was made with exact counts.
    public let counts: AuthCloneCounts
    let src: PGConnection
    let dst: PGConnection
    private var srcOwn: Bool
    let shape: AuthCloner.Shape
    let conflicting: [String]

    init(src: PGConnection, dst: PGConnection, srcOwn: Bool, shape: AuthCloner.Shape, conflicting: [String], counts: AuthCloneCounts) {
        self.src = src
        self.dst = dst
        self.srcOwn = srcOwn
        self.shape = shape
        self.conflicting = conflicting
        self.counts = counts
    }

    deinit { close() }

    /// Ends the source snapshot the plan opened (after `run`, or instead of it).
    public func close() {
        if srcOwn { _ = try? src.execute("COMMIT") }
        srcOwn = false
    }

    /// Deletes the conflicting target users and copies the source's, with no auth trigger firing.
    public func run() throws -> AuthCloneCounts {
        let srcPrevious = try SessionSettings.apply(src)
        let dstOwn = !dst.inTransaction
        if dstOwn { try dst.execute("BEGIN") }
        var committed = false
        defer { if dstOwn && !committed { _ = try? dst.execute("ROLLBACK") } }
        let dstPrevious = try SessionSettings.apply(dst)

        var counts = AuthCloneCounts(deletedUsers: 0, users: 0, identities: 0, factors: 0)
        if !conflicting.isEmpty {
            // Before replica mode: the cascades to identities, sessions, factors … must run.
            let r = try dst.query("DELETE FROM auth.users WHERE id::text IN (SELECT unnest($1::text[]))",
                                  [TableSelection.textArray(conflicting)])
            counts.deletedUsers = r.affectedRows ?? conflicting.count
        }
        let quiet = try AuthTriggerGuard.holdOff(dst, tables: shape.tables.map(\.name))
        for table in shape.tables {
            let n = try AuthCloner.copy(table, from: src, to: dst)
            switch table.name {
            case "users": counts.users = n
            case "identities": counts.identities = n
            default: counts.factors = n
            }
        }
        try quiet.release(dst)
        if dstOwn {
            try dst.execute("COMMIT")
            committed = true
        } else {
            try SessionSettings.restore(dst, dstPrevious)
        }
        try SessionSettings.restore(src, srcPrevious)
        return counts
    }
}
