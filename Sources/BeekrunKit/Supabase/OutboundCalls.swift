import Foundation

/// Triggers that call out of the database: Supabase database webhooks
/// (`supabase_functions.http_request`, whose first trigger argument is the URL) and trigger
/// functions that call pg_net (`net.http_post` …) or the http extension. Cloned as they
/// are, they make dev post its rows to prod's endpoints (prod's Edge Functions, prod's
/// Slack channel), so `clone_schema` lists them with a warning and can disable them.
public struct OutboundTrigger: Sendable, Equatable {
    public var schema: String
    public var table: String
    public var name: String
    /// The function the trigger executes, as `schema.name`.
    public var function: String
    /// The first trigger argument when it looks like a URL (database webhooks), else "".
    public var url: String

    /// `"notify new hive" on public.hives → supabase_functions.http_request (https://…)`
    public var description: String {
        "\(SQL.quoteIdent(name)) on \(SQL.qualified(schema, table)) → \(function)" + (url.isEmpty ? "" : " (\(url))")
    }
}

public enum OutboundCalls {
    /// Functions that leave the database, matched in trigger function bodies.
    static let callPattern = #"(supabase_functions\.http_request|\mnet\.http_(get|post|delete|put|patch)|\mextensions\.http(_get|_post|_put|_patch|_delete)?\s*\(|\mhttp_(get|post|put|patch|delete)\s*\()"#

    /// Triggers that call out among those a clone of `schemas` carries: on tables of
    /// `schemas`, calling a function of `schemas`, or (with `public`) the team's on `auth` and
    /// `storage` tables (the platform's own never call out).
    public static func find(_ connection: PGConnection, schemas: [String]) throws -> [OutboundTrigger] {
        let r = try connection.query("""
            select tn.nspname, c.relname, t.tgname, fn.nspname || '.' || p.proname,
                   coalesce(split_part(encode(t.tgargs, 'escape'), '\\000', 1), '')
            from pg_trigger t
            join pg_class c on c.oid = t.tgrelid join pg_namespace tn on tn.oid = c.relnamespace
            join pg_proc p on p.oid = t.tgfoid join pg_namespace fn on fn.oid = p.pronamespace
            where not t.tgisinternal
              and (tn.nspname = any($1::text[]) or fn.nspname = any($1::text[])
                   or (tn.nspname in ('auth', 'storage') and 'public' = any($1::text[])))
              and (fn.nspname in ('supabase_functions', 'net') or p.prosrc ~* $2)
            order by 1, 2, 3
            """, [StorageBuckets.arrayLiteral(schemas), callPattern])
        return (0..<r.rowCount).map { i in
            let argument = r.value(i, 4) ?? ""
            return OutboundTrigger(schema: r.value(i, 0)!, table: r.value(i, 1)!, name: r.value(i, 2)!,
                                   function: r.value(i, 3)!, url: argument.range(of: "://") != nil ? argument : "")
        }
    }

    /// Re-creates webhooks with their URL argument's `from` prefix replaced by `to` (dev's
    /// project URL instead of prod's): the trigger stays enabled and calls dev's endpoint.
    public static func rewrite(_ triggers: [OutboundTrigger], from: String, to: String, on connection: PGConnection) throws {
        for t in triggers {
            let table = SQL.qualified(t.schema, t.table)
            let definition = try connection.scalar("""
                select pg_get_triggerdef(t.oid) from pg_trigger t
                where t.tgrelid = $1::regclass and t.tgname = $2
                """, [table, t.name]) ?? ""
            let old = SQL.quoteLiteral(t.url), new = SQL.quoteLiteral(to + t.url.dropFirst(from.count))
            guard definition.contains(old) else { throw BeekError.failed("webhook \(t.description): its URL argument was not found to rewrite") }
            try connection.execute("DROP TRIGGER \(SQL.quoteIdent(t.name)) ON \(table); "
                                   + definition.replacingOccurrences(of: old, with: new) + ";")
        }
    }

    /// Disables the triggers in the target (they stay, with their definition, so
    /// `ALTER TABLE … ENABLE TRIGGER` brings one back when dev has its own endpoint).
    public static func disable(_ triggers: [OutboundTrigger], on connection: PGConnection) throws {
        for t in triggers {
            try connection.execute("ALTER TABLE \(SQL.qualified(t.schema, t.table)) DISABLE TRIGGER \(SQL.quoteIdent(t.name))")
        }
    }
}
