import Foundation

/// Holds off foreign-key checks and ordinary triggers while rows load, so tables load in
/// any order (FK cycles and self-references included) and no user trigger sees restored
/// rows as new inserts.
///
/// First choice is `session_replication_role = replica`, allowed for superusers and for
/// Supabase's `postgres` role. Where it is refused, the foreign keys touching the tables
/// are dropped and re-added after the load (re-adding validates every row, as a restore
/// must) and their enabled user triggers are disabled and re-enabled; that needs
/// ownership of the tables. Either way it happens inside the restore's transaction.
struct TriggerGuard {
    var mode: LoadMode
    private var previousRole: String?
    private var droppedKeys: [(table: String, name: String, definition: String)] = []
    private var disabledTriggers: [(table: String, name: String)] = []

    static func holdOff(_ db: PGConnection, tables oids: [String]) throws -> TriggerGuard {
        let previous = try db.scalar("select current_setting('session_replication_role')") ?? "origin"
        // A savepoint keeps a refused SET from aborting the transaction.
        try db.execute("SAVEPOINT beekrun_replica")
        do {
            try db.execute("SET LOCAL session_replication_role = replica")
            try db.execute("RELEASE SAVEPOINT beekrun_replica")
            return TriggerGuard(mode: .replica, previousRole: previous)
        } catch let error as BeekError where error.sqlstate == "42501" {
            try db.execute("ROLLBACK TO SAVEPOINT beekrun_replica; RELEASE SAVEPOINT beekrun_replica")
        }
        var guardState = TriggerGuard(mode: .constraintsDropped, previousRole: nil)
        let list = TableSelection.textArray(oids)
        // A partition's keys are clones of its partitioned parent's (conparentid <> 0) and
        // can only be dropped there: take the keys of the tables and of their ancestors.
        let keys = try db.query("""
            with rels as (
                select unnest($1::oid[]) as relid
                union select a.relid from unnest($1::oid[]) t(oid), pg_partition_ancestors(t.oid) a
            )
            select distinct k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid)
            from pg_constraint k
            where k.contype = 'f' and k.conparentid = 0
              and (k.conrelid in (select relid from rels) or k.confrelid in (select relid from rels))
            """, [list]).rows
        for k in keys {
            try db.execute("ALTER TABLE \(k[0]!) DROP CONSTRAINT \(SQL.quoteIdent(k[1]!))")
            guardState.droppedKeys.append((k[0]!, k[1]!, k[2]!))
        }
        // 'O' = enabled in origin mode: exactly the triggers replica mode would silence.
        let triggers = try db.query("""
            select t.tgrelid::regclass::text, t.tgname from pg_trigger t
            where t.tgrelid = any($1::oid[]) and not t.tgisinternal and t.tgenabled = 'O'
            """, [list]).rows
        for t in triggers {
            try db.execute("ALTER TABLE \(t[0]!) DISABLE TRIGGER \(SQL.quoteIdent(t[1]!))")
            guardState.disabledTriggers.append((t[0]!, t[1]!))
        }
        return guardState
    }

    /// Puts everything back: the previous replication role, or the triggers and keys.
    func release(_ db: PGConnection) throws {
        if let previousRole {
            try db.query("select set_config('session_replication_role', $1, true)", [previousRole])
            return
        }
        for t in disabledTriggers {
            try db.execute("ALTER TABLE \(t.table) ENABLE TRIGGER \(SQL.quoteIdent(t.name))")
        }
        for k in droppedKeys {
            try db.execute("ALTER TABLE \(k.table) ADD CONSTRAINT \(SQL.quoteIdent(k.name)) \(k.definition)")
        }
    }
}
