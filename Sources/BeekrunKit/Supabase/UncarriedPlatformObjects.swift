/// What a team may have put into `auth` and `storage` that beekrun does not carry: objects it
/// created in those schemas itself (a function `auth.custom_claims()`, a table
/// `storage.upload_log`, owned by `postgres` or another non-platform role) and columns,
/// constraints and indexes added to the platform's tables. beekrun never creates or drops anything in a platform schema (on a
/// hosted project `postgres` may not, and one platform version's table is not another's), so
/// these are named, never silently lost: `clone_schema` warns about each one the target lacks,
/// `diff` notes each one only one side has.
enum UncarriedPlatformObjects {
    /// One object, as shown: `function auth.custom_claims(jsonb) (owned by postgres)`.
    struct Object: Hashable, Comparable {
        var description: String
        /// Its definition, so an index with the same name but other columns is a difference.
        var definition: String
        static func < (a: Object, b: Object) -> Bool { a.description < b.description }
    }

    /// The team's own objects in the platform schemas, and every column, constraint and index of
    /// the platform's tables there (those the two sides share are the platform's and never
    /// shown; a team table is named as a whole).
    static func read(_ c: PGConnection) throws -> Set<Object> {
        let schemas = StorageBuckets.arrayLiteral(TeamPlatformObjects.schemas)
        let platform = StorageBuckets.arrayLiteral(TeamPlatformObjects.platformRoles)
        let r = try c.query("""
            select case k.relkind when 'r' then 'table' when 'p' then 'table' when 'v' then 'view' when 'm' then 'materialized view'
                                  when 'S' then 'sequence' when 'f' then 'foreign table' else 'relation' end
                   || ' ' || k.oid::regclass::text || ' (owned by ' || pg_get_userbyid(k.relowner) || ')', ''
            from pg_class k join pg_namespace n on n.oid = k.relnamespace
            where n.nspname = any($1::text[]) and k.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
              and pg_get_userbyid(k.relowner) <> all($2::text[])
              and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = k.oid and d.deptype in ('a', 'i')
                              and d.refclassid = 'pg_class'::regclass)
            union all
            select 'function ' || p.oid::regprocedure::text || ' (owned by ' || pg_get_userbyid(p.proowner) || ')', md5(p.prosrc)
            from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = any($1::text[]) and pg_get_userbyid(p.proowner) <> all($2::text[])
            union all
            select 'type ' || t.oid::regtype::text || ' (owned by ' || pg_get_userbyid(t.typowner) || ')', ''
            from pg_type t join pg_namespace n on n.oid = t.typnamespace
            where n.nspname = any($1::text[]) and pg_get_userbyid(t.typowner) <> all($2::text[])
              and t.typtype in ('e', 'd', 'c', 'r', 'm') and (t.typrelid = 0 or (select relkind from pg_class where oid = t.typrelid) = 'c')
            union all
            select 'column ' || k.oid::regclass::text || '.' || quote_ident(a.attname), format_type(a.atttypid, a.atttypmod)
            from pg_attribute a join pg_class k on k.oid = a.attrelid join pg_namespace n on n.oid = k.relnamespace
            where n.nspname = any($1::text[]) and k.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
              and pg_get_userbyid(k.relowner) = any($2::text[])
            union all
            select 'constraint ' || quote_ident(x.conname) || ' on ' || k.oid::regclass::text, pg_get_constraintdef(x.oid)
            from pg_constraint x join pg_class k on k.oid = x.conrelid join pg_namespace n on n.oid = k.relnamespace
            where n.nspname = any($1::text[]) and x.contype <> 'n' and pg_get_userbyid(k.relowner) = any($2::text[])
            union all
            select 'index ' || quote_ident(i.relname) || ' on ' || k.oid::regclass::text,
                   regexp_replace(pg_get_indexdef(i.oid), '^CREATE (UNIQUE )?INDEX \\S+ ', '')
            from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class k on k.oid = x.indrelid
            join pg_namespace n on n.oid = k.relnamespace
            where n.nspname = any($1::text[]) and pg_get_userbyid(k.relowner) = any($2::text[])
            """, [schemas, platform])
        return Set((0..<r.rowCount).map { Object(description: r.value($0, 0)!, definition: r.value($0, 1) ?? "") })
    }

    /// Objects `a` has and `b` lacks (or has with another definition), in order.
    static func missing(in b: Set<Object>, from a: Set<Object>) -> [Object] {
        a.subtracting(b).sorted()
    }

    /// clone_schema's warning lines: what src has in its platform schemas that dst lacks.
    static func warnings(src: Set<Object>, dst: Set<Object>, srcName: String, dstName: String) -> [String] {
        missing(in: dst, from: src).map {
            "\($0.description) is in \(srcName)'s platform schema, not in \(dstName)'s: not carried "
                + "(beekrun never creates objects in auth or storage; add it to \(dstName) by hand or move it to public)"
        }
    }

    /// diff's notes: what only one side has in its platform schemas (never part of the diff's SQL).
    static func notes(a: Set<Object>, b: Set<Object>, aName: String, bName: String) -> [String] {
        missing(in: b, from: a).map { "\($0.description) only in \(aName) (platform schema, not compared)" }
            + missing(in: a, from: b).map { "\($0.description) only in \(bName) (platform schema, not compared)" }
    }
}
