import Testing

/// Our own corpus of schema transitions: each pair is a `before` and an `after` schema (SQL run
/// on a fresh database made from one template). `TransitionCorpusTests` checks each pair in both
/// directions: the migration `diff` writes, applied to one side, must leave `diff` empty and the
/// `pg_dump --schema-only` text equal to the other side's.
///
/// Pairs are grouped by the cause of failure they cover (dependency order, enums, generated
/// columns, partitioning, publications, sequences, privileges, domains, column order) plus plain
/// changes. Names are what a failing test prints: keep them unique.
struct Transition: Sendable, CustomTestStringConvertible {
    var name: String
    var before: String
    var after: String
    /// The pg_dump texts may differ in column order only (PostgreSQL cannot insert a column in
    /// the middle); the diff must then say so in its summary.
    var columnOrder = false
    var testDescription: String { name }

    init(_ name: String, _ before: String, _ after: String, columnOrder: Bool = false) {
        self.name = name; self.before = before; self.after = after; self.columnOrder = columnOrder
    }
}

enum TransitionCorpus {
    // Shared building blocks.
    static let items = "CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL, qty int DEFAULT 0, note text);"
    static let orders = items + " CREATE TABLE public.orders (id int PRIMARY KEY, item_id int REFERENCES public.items(id), amount numeric(10,2));"
    static let mood = "CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');"
    static let moodTable = mood + " CREATE TABLE public.people (id int PRIMARY KEY, m public.mood DEFAULT 'ok', ms public.mood[]);"
    static let logs = "CREATE TABLE public.logs (at date NOT NULL, msg text, level int DEFAULT 0) PARTITION BY RANGE (at); CREATE TABLE public.logs_2024 PARTITION OF public.logs FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
    static let fn = "CREATE FUNCTION public.f(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';"
    static let trig = items + " CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN new.qty := coalesce(new.qty, 0); RETURN new; END $$;"

    static let plain: [Transition] = [
        Transition("add table", "", items),
        Transition("add table with hostile names", "", #"CREATE TABLE public."Order Lines" ("select" int, "Ünï ""q""" text, "CamelCase" boolean DEFAULT true);"#),
        Transition("add column", items, items + " ALTER TABLE public.items ADD COLUMN price numeric(10,2) NOT NULL DEFAULT 0;"),
        Transition("add several columns", items, items + " ALTER TABLE public.items ADD COLUMN a text, ADD COLUMN b jsonb DEFAULT '{}', ADD COLUMN c timestamptz DEFAULT now();"),
        Transition("column type widened", items, items + " ALTER TABLE public.items ALTER COLUMN qty TYPE bigint;"),
        Transition("column type text to int", "CREATE TABLE public.t (v text);", "CREATE TABLE public.t (v int);"),
        Transition("column type varchar length", "CREATE TABLE public.t (v varchar(10));", "CREATE TABLE public.t (v varchar(200));"),
        Transition("column type numeric precision", "CREATE TABLE public.t (v numeric(8,2));", "CREATE TABLE public.t (v numeric(12,4));"),
        Transition("column default changed", items, items + " ALTER TABLE public.items ALTER COLUMN qty SET DEFAULT 5;"),
        Transition("column default expression", "CREATE TABLE public.t (at timestamptz);", "CREATE TABLE public.t (at timestamptz DEFAULT now());"),
        Transition("column not null", items, items + " ALTER TABLE public.items ALTER COLUMN note SET NOT NULL;"),
        Transition("column collation", "CREATE TABLE public.t (v text);", #"CREATE TABLE public.t (v text COLLATE "C");"#),
        Transition("column storage", "CREATE TABLE public.t (v text);", "CREATE TABLE public.t (v text); ALTER TABLE public.t ALTER COLUMN v SET STORAGE EXTERNAL;"),
        Transition("column statistics", items, items + " ALTER TABLE public.items ALTER COLUMN name SET STATISTICS 500;"),
        Transition("column comment", items, items + " COMMENT ON COLUMN public.items.qty IS 'how many';"),
        Transition("table comment", items, items + " COMMENT ON TABLE public.items IS 'things we sell';"),
        Transition("unlogged table", "CREATE TABLE public.t (v int);", "CREATE UNLOGGED TABLE public.t (v int);"),
        Transition("table options", items, items + " ALTER TABLE public.items SET (fillfactor = 70, autovacuum_enabled = false);"),
        Transition("replica identity full", items, items + " ALTER TABLE public.items REPLICA IDENTITY FULL;"),
        Transition("replica identity index", items + " CREATE UNIQUE INDEX items_name_key ON public.items (name);",
                   items + " CREATE UNIQUE INDEX items_name_key ON public.items (name); ALTER TABLE public.items REPLICA IDENTITY USING INDEX items_name_key;"),
        Transition("row level security", items, items + " ALTER TABLE public.items ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;"),
        Transition("two tables swap a column", "CREATE TABLE public.a (x int, y int); CREATE TABLE public.b (z int);",
                   "CREATE TABLE public.a (x int); CREATE TABLE public.b (z int, y int);"),
        Transition("empty to many", "", orders + " CREATE INDEX orders_item_idx ON public.orders (item_id); CREATE VIEW public.v AS SELECT o.id, i.name FROM public.orders o JOIN public.items i ON i.id = o.item_id;"),
        Transition("table with array and json columns", "", "CREATE TABLE public.t (tags text[] DEFAULT '{}', data jsonb NOT NULL DEFAULT '{}'::jsonb, grid int[][]);"),
        Transition("new schema with a table", "", "CREATE SCHEMA other; CREATE TABLE other.t (id int PRIMARY KEY);"),
        Transition("schema comment and owner", "CREATE SCHEMA other;", #"CREATE SCHEMA other AUTHORIZATION "App Owner"; COMMENT ON SCHEMA other IS 'the other one';"#),
    ]

    static let keys: [Transition] = [
        Transition("add primary key", "CREATE TABLE public.t (id int NOT NULL);", "CREATE TABLE public.t (id int PRIMARY KEY);"),
        Transition("primary key columns", "CREATE TABLE public.t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a));", "CREATE TABLE public.t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b));"),
        Transition("unique constraint", items, items + " ALTER TABLE public.items ADD CONSTRAINT items_name_key UNIQUE (name);"),
        Transition("unique nulls not distinct", items, items + " ALTER TABLE public.items ADD CONSTRAINT items_note_key UNIQUE NULLS NOT DISTINCT (note);"),
        Transition("check constraint", items, items + " ALTER TABLE public.items ADD CONSTRAINT qty_ok CHECK (qty >= 0);"),
        Transition("check constraint changed", items + " ALTER TABLE public.items ADD CONSTRAINT qty_ok CHECK (qty >= 0);", items + " ALTER TABLE public.items ADD CONSTRAINT qty_ok CHECK (qty >= 1);"),
        Transition("check not valid", items, items + " ALTER TABLE public.items ADD CONSTRAINT qty_ok CHECK (qty >= 0) NOT VALID;"),
        Transition("foreign key", orders.replacingOccurrences(of: " REFERENCES public.items(id)", with: ""), orders),
        Transition("foreign key actions", orders, orders.replacingOccurrences(of: "REFERENCES public.items(id)", with: "REFERENCES public.items(id) ON DELETE CASCADE ON UPDATE SET NULL")),
        Transition("foreign key deferrable", orders, orders.replacingOccurrences(of: "REFERENCES public.items(id)", with: "REFERENCES public.items(id) DEFERRABLE INITIALLY DEFERRED")),
        Transition("foreign key to a new unique key", items + " CREATE TABLE public.refs (name text);",
                   items + " ALTER TABLE public.items ADD CONSTRAINT items_name_key UNIQUE (name); CREATE TABLE public.refs (name text REFERENCES public.items(name));"),
        Transition("index added", items, items + " CREATE INDEX items_name_idx ON public.items (name);"),
        Transition("index expression and partial", items, items + " CREATE UNIQUE INDEX items_lname ON public.items (lower(name)) WHERE qty > 0;"),
        Transition("index method changed", items + " CREATE INDEX items_qty_idx ON public.items (qty);", items + " CREATE INDEX items_qty_idx ON public.items USING hash (qty);"),
        Transition("index include and options", items, items + " CREATE INDEX items_qty_idx ON public.items (qty) INCLUDE (name) WITH (fillfactor = 50);"),
        Transition("exclusion constraint", "CREATE TABLE public.r (during tsrange);", "CREATE TABLE public.r (during tsrange, EXCLUDE USING gist (during WITH &&));"),
        Transition("primary key under a foreign key changes", orders,
                   items.replacingOccurrences(of: "id int PRIMARY KEY", with: "id int, code int NOT NULL, PRIMARY KEY (id, code)") + " CREATE TABLE public.orders (id int PRIMARY KEY, item_id int, amount numeric(10,2));", columnOrder: true),
        Transition("constraint comment", items + " ALTER TABLE public.items ADD CONSTRAINT qty_ok CHECK (qty >= 0);",
                   items + " ALTER TABLE public.items ADD CONSTRAINT qty_ok CHECK (qty >= 0); COMMENT ON CONSTRAINT qty_ok ON public.items IS 'never negative';"),
        Transition("index comment", items + " CREATE INDEX items_qty_idx ON public.items (qty);", items + " CREATE INDEX items_qty_idx ON public.items (qty); COMMENT ON INDEX public.items_qty_idx IS 'by qty';"),
    ]

    static let views: [Transition] = [
        Transition("add view", items, items + " CREATE VIEW public.v AS SELECT id, name FROM public.items;"),
        Transition("view definition", items + " CREATE VIEW public.v AS SELECT id, name FROM public.items;", items + " CREATE VIEW public.v AS SELECT id, name FROM public.items WHERE qty > 0;"),
        Transition("view columns added", items + " CREATE VIEW public.v AS SELECT id FROM public.items;", items + " CREATE VIEW public.v AS SELECT id, name, qty FROM public.items;"),
        Transition("view column removed", items + " CREATE VIEW public.v AS SELECT id, name, qty FROM public.items;", items + " CREATE VIEW public.v AS SELECT id, qty FROM public.items;"),
        Transition("view column type changed", items + " CREATE VIEW public.v AS SELECT id, qty FROM public.items;", items + " CREATE VIEW public.v AS SELECT id, qty::bigint AS qty FROM public.items;"),
        Transition("view over view changed at the bottom", items + " CREATE VIEW public.v1 AS SELECT id, name FROM public.items; CREATE VIEW public.v2 AS SELECT * FROM public.v1; CREATE VIEW public.v3 AS SELECT count(*) AS n FROM public.v2;",
                   items + " CREATE VIEW public.v1 AS SELECT id, upper(name) AS name FROM public.items; CREATE VIEW public.v2 AS SELECT * FROM public.v1; CREATE VIEW public.v3 AS SELECT count(*) AS n FROM public.v2;"),
        Transition("view chain dropped", items + " CREATE VIEW public.v1 AS SELECT id, name FROM public.items; CREATE VIEW public.v2 AS SELECT * FROM public.v1;", items),
        Transition("column type under a view chain", items + " CREATE VIEW public.v1 AS SELECT id, qty FROM public.items; CREATE VIEW public.v2 AS SELECT id, qty FROM public.v1 WHERE qty > 1;",
                   items.replacingOccurrences(of: "qty int", with: "qty bigint") + " CREATE VIEW public.v1 AS SELECT id, qty FROM public.items; CREATE VIEW public.v2 AS SELECT id, qty FROM public.v1 WHERE qty > 1;"),
        Transition("dropped column used by a changed view", items + " CREATE VIEW public.v AS SELECT id, note FROM public.items;",
                   items.replacingOccurrences(of: ", note text", with: "") + " CREATE VIEW public.v AS SELECT id FROM public.items;"),
        Transition("table dropped under a view that moves", items + " CREATE TABLE public.old (id int, label text); CREATE VIEW public.v AS SELECT id, label FROM public.old;",
                   items + " CREATE VIEW public.v AS SELECT id, name AS label FROM public.items;"),
        Transition("view options", items + " CREATE VIEW public.v AS SELECT id FROM public.items;", items + " CREATE VIEW public.v WITH (security_invoker = true, security_barrier) AS SELECT id FROM public.items;"),
        Transition("view check option", items + " CREATE VIEW public.v AS SELECT id, qty FROM public.items WHERE qty > 0;", items + " CREATE VIEW public.v AS SELECT id, qty FROM public.items WHERE qty > 0 WITH CASCADED CHECK OPTION;"),
        Transition("view column default and comment", items + " CREATE VIEW public.v AS SELECT id, qty FROM public.items;", items + " CREATE VIEW public.v AS SELECT id, qty FROM public.items; ALTER VIEW public.v ALTER COLUMN qty SET DEFAULT 1; COMMENT ON VIEW public.v IS 'view'; COMMENT ON COLUMN public.v.qty IS 'q';"),
        Transition("add materialized view", items, items + " CREATE MATERIALIZED VIEW public.mv AS SELECT qty, count(*) AS n FROM public.items GROUP BY qty WITH NO DATA;"),
        Transition("materialized view definition", items + " CREATE MATERIALIZED VIEW public.mv AS SELECT qty FROM public.items WITH NO DATA;",
                   items + " CREATE MATERIALIZED VIEW public.mv AS SELECT qty, name FROM public.items WITH NO DATA;"),
        Transition("materialized view index", items + " CREATE MATERIALIZED VIEW public.mv AS SELECT id, qty FROM public.items WITH NO DATA;",
                   items + " CREATE MATERIALIZED VIEW public.mv AS SELECT id, qty FROM public.items WITH NO DATA; CREATE UNIQUE INDEX mv_id ON public.mv (id);"),
        Transition("materialized view over a retyped column", items + " CREATE MATERIALIZED VIEW public.mv AS SELECT id, qty FROM public.items WITH NO DATA; CREATE INDEX mv_qty ON public.mv (qty);",
                   items.replacingOccurrences(of: "qty int", with: "qty numeric") + " CREATE MATERIALIZED VIEW public.mv AS SELECT id, qty FROM public.items WITH NO DATA; CREATE INDEX mv_qty ON public.mv (qty);"),
        Transition("view turned materialized", items + " CREATE VIEW public.v AS SELECT id FROM public.items;", items + " CREATE MATERIALIZED VIEW public.v AS SELECT id FROM public.items WITH NO DATA;"),
        Transition("view using a function that changes signature", items + " CREATE FUNCTION public.g(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x'; CREATE VIEW public.v AS SELECT public.g(qty) AS g FROM public.items;",
                   items + " CREATE FUNCTION public.g(x int) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT x::bigint'; CREATE VIEW public.v AS SELECT public.g(qty) AS g FROM public.items;"),
        Transition("view on a new table in a new schema", "", "CREATE SCHEMA other; CREATE TABLE other.t (id int); CREATE VIEW public.v AS SELECT id FROM other.t;"),
        Transition("view with a trigger", items + " CREATE VIEW public.v AS SELECT id, name FROM public.items;",
                   items + " CREATE VIEW public.v AS SELECT id, name FROM public.items; CREATE FUNCTION public.vins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.items (id, name) VALUES (new.id, new.name); RETURN new; END $$; CREATE TRIGGER v_ins INSTEAD OF INSERT ON public.v FOR EACH ROW EXECUTE FUNCTION public.vins();"),
        Transition("rule added", items + " CREATE TABLE public.audit (id int);", items + " CREATE TABLE public.audit (id int); CREATE RULE items_audit AS ON DELETE TO public.items DO ALSO INSERT INTO public.audit VALUES (old.id);"),
    ]

    static let routines: [Transition] = [
        Transition("add function", "", fn),
        Transition("function body", fn, fn.replacingOccurrences(of: "x + 1", with: "x + 2")),
        Transition("function volatility and strictness", fn, fn.replacingOccurrences(of: "IMMUTABLE", with: "STABLE STRICT PARALLEL SAFE")),
        Transition("function return type", fn, "CREATE FUNCTION public.f(x int) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';"),
        Transition("function argument renamed", fn, "CREATE FUNCTION public.f(y int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT y + 1';"),
        Transition("function argument default", fn, "CREATE FUNCTION public.f(x int DEFAULT 0) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';"),
        Transition("function overload added", fn, fn + " CREATE FUNCTION public.f(x text) RETURNS text LANGUAGE sql AS 'SELECT x';"),
        Transition("function settings", fn, fn + " ALTER FUNCTION public.f(int) SET search_path = '' SECURITY DEFINER;"),
        Transition("function returns table", "CREATE FUNCTION public.t() RETURNS TABLE (a int) LANGUAGE sql AS 'SELECT 1';", "CREATE FUNCTION public.t() RETURNS TABLE (a int, b text) LANGUAGE sql AS 'SELECT 1, ''x''';"),
        Transition("procedure", "", "CREATE PROCEDURE public.p(a int) LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE '%', a; END $$;"),
        Transition("aggregate", "", "CREATE FUNCTION public.add2(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 + $2'; CREATE AGGREGATE public.total(int) (SFUNC = public.add2, STYPE = int, INITCOND = '0');"),
        Transition("function used by a default changes return type", fn + " CREATE TABLE public.t (v int DEFAULT public.f(1));",
                   "CREATE FUNCTION public.f(x int) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT x + 1'; CREATE TABLE public.t (v int DEFAULT public.f(1));"),
        Transition("function used by a check changes return type", "CREATE FUNCTION public.ok(x int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT x > 0'; CREATE TABLE public.t (v int CONSTRAINT v_ok CHECK (public.ok(v)));",
                   "CREATE FUNCTION public.ok(x bigint) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT x > 0'; CREATE TABLE public.t (v int CONSTRAINT v_ok CHECK (public.ok(v)));"),
        Transition("function used by an index changes", "CREATE FUNCTION public.norm(x text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower(x)'; CREATE TABLE public.t (v text); CREATE INDEX t_norm ON public.t (public.norm(v));",
                   "CREATE FUNCTION public.norm(s text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT upper(s)'; CREATE TABLE public.t (v text); CREATE INDEX t_norm ON public.t (public.norm(v));"),
        Transition("function taking a table type", items + " CREATE FUNCTION public.label(i public.items) RETURNS text LANGUAGE sql AS 'SELECT i.name';",
                   items + " CREATE FUNCTION public.label(i public.items) RETURNS text LANGUAGE sql AS 'SELECT i.name || i.qty';"),
        Transition("function dropped with its trigger", trig + " CREATE TRIGGER t BEFORE INSERT ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch();", items),
        Transition("add trigger", trig, trig + " CREATE TRIGGER t BEFORE INSERT OR UPDATE ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch();"),
        Transition("trigger changed", trig + " CREATE TRIGGER t BEFORE INSERT ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch();",
                   trig + " CREATE TRIGGER t BEFORE UPDATE OF qty ON public.items FOR EACH ROW WHEN (new.qty IS NULL) EXECUTE FUNCTION public.touch();"),
        Transition("trigger disabled", trig + " CREATE TRIGGER t BEFORE INSERT ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch();",
                   trig + " CREATE TRIGGER t BEFORE INSERT ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch(); ALTER TABLE public.items DISABLE TRIGGER t;"),
        Transition("trigger function returns another type", trig + " CREATE TRIGGER t BEFORE INSERT ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch();",
                   trig.replacingOccurrences(of: "coalesce(new.qty, 0)", with: "coalesce(new.qty, 1)") + " CREATE TRIGGER t BEFORE INSERT ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch();"),
        Transition("statement trigger with transition table", trig + " CREATE FUNCTION public.st() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;",
                   trig + " CREATE FUNCTION public.st() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$; CREATE TRIGGER s AFTER INSERT ON public.items REFERENCING NEW TABLE AS fresh FOR EACH STATEMENT EXECUTE FUNCTION public.st();"),
        Transition("add policy", items + " ALTER TABLE public.items ENABLE ROW LEVEL SECURITY;", items + " ALTER TABLE public.items ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON public.items FOR SELECT TO anon USING (qty > 0);"),
        Transition("policy changed", items + " CREATE POLICY p ON public.items FOR SELECT TO anon USING (qty > 0);", items + " CREATE POLICY p ON public.items AS RESTRICTIVE FOR UPDATE TO anon, authenticated USING (qty > 1) WITH CHECK (qty < 100);"),
        Transition("policy using a function whose argument is renamed", items + " CREATE FUNCTION public.ok(x int) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT x > 0'; CREATE POLICY p ON public.items USING (public.ok(qty));",
                   items + " CREATE FUNCTION public.ok(n int) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT n > 0'; CREATE POLICY p ON public.items USING (public.ok(qty));"),
        Transition("policy on a column that changes type", items + " CREATE POLICY p ON public.items USING (qty > 0);",
                   items.replacingOccurrences(of: "qty int", with: "qty bigint") + " CREATE POLICY p ON public.items USING (qty > 0);"),
        Transition("function in another schema used by a view", "CREATE SCHEMA other; CREATE FUNCTION other.k() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE VIEW public.v AS SELECT other.k() AS k;",
                   "CREATE SCHEMA other; CREATE FUNCTION other.k() RETURNS text LANGUAGE sql AS 'SELECT ''1'''; CREATE VIEW public.v AS SELECT other.k() AS k;"),
        Transition("sql function body standard", "", "CREATE FUNCTION public.inc(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN x + 1;"),
    ]

    static let enums: [Transition] = [
        Transition("enum added", "", mood),
        Transition("enum value appended", mood, "CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic');"),
        Transition("enum value inserted", mood, "CREATE TYPE public.mood AS ENUM ('sad', 'meh', 'ok', 'happy');"),
        Transition("enum value removed", mood, "CREATE TYPE public.mood AS ENUM ('sad', 'happy');"),
        Transition("enum values reordered", mood, "CREATE TYPE public.mood AS ENUM ('happy', 'ok', 'sad');"),
        Transition("enum value removed under a column with a default", moodTable, moodTable.replacingOccurrences(of: "'sad', 'ok', 'happy'", with: "'ok', 'happy'")),
        Transition("enum value removed, default uses it", "CREATE TYPE public.s AS ENUM ('a', 'b'); CREATE TABLE public.t (v public.s DEFAULT 'b');",
                   "CREATE TYPE public.s AS ENUM ('a', 'c'); CREATE TABLE public.t (v public.s DEFAULT 'c');"),
        Transition("enum value added and used by a default", "CREATE TYPE public.s AS ENUM ('a'); CREATE TABLE public.t (v public.s DEFAULT 'a');",
                   "CREATE TYPE public.s AS ENUM ('a', 'b'); CREATE TABLE public.t (v public.s DEFAULT 'b');"),
        Transition("enum value added and used by a check", "CREATE TYPE public.s AS ENUM ('a'); CREATE TABLE public.t (v public.s);",
                   "CREATE TYPE public.s AS ENUM ('a', 'b'); CREATE TABLE public.t (v public.s CONSTRAINT v_not_b CHECK (v <> 'b'));"),
        Transition("enum reordered under a view and an index", moodTable + " CREATE INDEX people_m ON public.people (m); CREATE VIEW public.happy AS SELECT id FROM public.people WHERE m = 'happy';",
                   moodTable.replacingOccurrences(of: "'sad', 'ok', 'happy'", with: "'happy', 'ok', 'sad'") + " CREATE INDEX people_m ON public.people (m); CREATE VIEW public.happy AS SELECT id FROM public.people WHERE m = 'happy';"),
        Transition("enum removed with a function using it", mood + " CREATE FUNCTION public.cheer(m public.mood) RETURNS public.mood LANGUAGE sql AS 'SELECT m';",
                   "CREATE TYPE public.mood AS ENUM ('ok', 'happy'); CREATE FUNCTION public.cheer(m public.mood) RETURNS public.mood LANGUAGE sql AS 'SELECT m';"),
        Transition("enum dropped with its column", moodTable, "CREATE TABLE public.people (id int PRIMARY KEY);"),
        Transition("enum comment and owner", mood, mood + #" COMMENT ON TYPE public.mood IS 'feelings'; ALTER TYPE public.mood OWNER TO "App Owner";"#),
        Transition("enum used in a composite, value removed", mood + " CREATE TYPE public.pair AS (a public.mood, b int);",
                   "CREATE TYPE public.mood AS ENUM ('sad', 'ok'); CREATE TYPE public.pair AS (a public.mood, b int);"),
    ]

    static let domains: [Transition] = [
        Transition("domain added", "", "CREATE DOMAIN public.pos AS int CHECK (VALUE > 0);"),
        Transition("domain base type", "CREATE DOMAIN public.d AS int; CREATE TABLE public.t (v public.d);", "CREATE DOMAIN public.d AS bigint; CREATE TABLE public.t (v public.d);"),
        Transition("domain base type with a constraint and a view", "CREATE DOMAIN public.d AS int CONSTRAINT d_pos CHECK (VALUE > 0); CREATE TABLE public.t (v public.d); CREATE VIEW public.w AS SELECT v FROM public.t;",
                   "CREATE DOMAIN public.d AS numeric CONSTRAINT d_pos CHECK (VALUE > 0); CREATE TABLE public.t (v public.d); CREATE VIEW public.w AS SELECT v FROM public.t;"),
        Transition("domain constraint added", "CREATE DOMAIN public.d AS int;", "CREATE DOMAIN public.d AS int CONSTRAINT d_pos CHECK (VALUE > 0);"),
        Transition("domain constraint changed", "CREATE DOMAIN public.d AS int CONSTRAINT d_pos CHECK (VALUE > 0);", "CREATE DOMAIN public.d AS int CONSTRAINT d_pos CHECK (VALUE >= 0);"),
        Transition("domain constraint not valid", "CREATE DOMAIN public.d AS int;", "CREATE DOMAIN public.d AS int; ALTER DOMAIN public.d ADD CONSTRAINT d_pos CHECK (VALUE > 0) NOT VALID;"),
        Transition("domain default and not null", "CREATE DOMAIN public.d AS int;", "CREATE DOMAIN public.d AS int DEFAULT 3 NOT NULL;"),
        Transition("domain collation", "CREATE DOMAIN public.d AS text;", #"CREATE DOMAIN public.d AS text COLLATE "C";"#),
        Transition("domain over a domain", "CREATE DOMAIN public.d AS int;", "CREATE DOMAIN public.d AS int; CREATE DOMAIN public.e AS public.d CHECK (VALUE < 10);"),
        Transition("domain constraint comment", "CREATE DOMAIN public.d AS int CONSTRAINT d_pos CHECK (VALUE > 0);",
                   "CREATE DOMAIN public.d AS int CONSTRAINT d_pos CHECK (VALUE > 0); COMMENT ON CONSTRAINT d_pos ON DOMAIN public.d IS 'positive';"),
    ]

    static let types: [Transition] = [
        Transition("composite added", "", "CREATE TYPE public.pair AS (a int, b text);"),
        Transition("composite attribute added", "CREATE TYPE public.pair AS (a int);", "CREATE TYPE public.pair AS (a int, b text);"),
        Transition("composite attribute type", "CREATE TYPE public.pair AS (a int, b text);", "CREATE TYPE public.pair AS (a bigint, b text);"),
        Transition("composite used by a table column", "CREATE TYPE public.pair AS (a int); CREATE TABLE public.t (p public.pair);",
                   "CREATE TYPE public.pair AS (a int, b int); CREATE TABLE public.t (p public.pair);"),
        Transition("range type added", "", "CREATE TYPE public.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);"),
        Transition("range subtype changed", "CREATE TYPE public.r AS RANGE (subtype = int4);", "CREATE TYPE public.r AS RANGE (subtype = int8);"),
        Transition("type renamed", "CREATE TYPE public.a AS (x int);", "CREATE TYPE public.b AS (x int);"),
    ]

    static let generated: [Transition] = [
        Transition("generated column added", items, items + " ALTER TABLE public.items ADD COLUMN double_qty int GENERATED ALWAYS AS (qty * 2) STORED;"),
        Transition("generated expression changed", items + " ALTER TABLE public.items ADD COLUMN d int GENERATED ALWAYS AS (qty * 2) STORED;",
                   items + " ALTER TABLE public.items ADD COLUMN d int GENERATED ALWAYS AS (qty * 3) STORED;"),
        Transition("column turned generated", "CREATE TABLE public.t (a int, b int);", "CREATE TABLE public.t (a int, b int GENERATED ALWAYS AS (a + 1) STORED);"),
        Transition("generated column type changed", "CREATE TABLE public.t (a int, b int GENERATED ALWAYS AS (a + 1) STORED);", "CREATE TABLE public.t (a int, b bigint GENERATED ALWAYS AS (a + 1) STORED);"),
        Transition("base column of a generated column retyped", "CREATE TABLE public.t (a int, b int GENERATED ALWAYS AS (a + 1) STORED);",
                   "CREATE TABLE public.t (a bigint, b bigint GENERATED ALWAYS AS (a + 1) STORED);"),
        Transition("generated column under a view", "CREATE TABLE public.t (a int, b int GENERATED ALWAYS AS (a + 1) STORED); CREATE VIEW public.v AS SELECT b FROM public.t;",
                   "CREATE TABLE public.t (a int, b int GENERATED ALWAYS AS (a + 2) STORED); CREATE VIEW public.v AS SELECT b FROM public.t;"),
        Transition("generated column with an index", "CREATE TABLE public.t (a text, b text GENERATED ALWAYS AS (lower(a)) STORED); CREATE INDEX t_b ON public.t (b);",
                   "CREATE TABLE public.t (a text, b text GENERATED ALWAYS AS (upper(a)) STORED); CREATE INDEX t_b ON public.t (b);"),
        Transition("generated from a function that changes", "CREATE FUNCTION public.g(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x'; CREATE TABLE public.t (a int, b int GENERATED ALWAYS AS (public.g(a)) STORED);",
                   "CREATE FUNCTION public.g(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x'; CREATE FUNCTION public.h(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 2'; CREATE TABLE public.t (a int, b int GENERATED ALWAYS AS (public.h(a)) STORED);"),
    ]

    static let partitions: [Transition] = [
        Transition("partitioned table added", "", logs),
        Transition("partition added", logs, logs + " CREATE TABLE public.logs_2025 PARTITION OF public.logs FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"),
        Transition("partition bound changed", logs, logs.replacingOccurrences(of: "TO ('2025-01-01')", with: "TO ('2024-07-01')")),
        Transition("default partition", logs, logs + " CREATE TABLE public.logs_rest PARTITION OF public.logs DEFAULT;"),
        Transition("partition key changed", logs, logs.replacingOccurrences(of: "PARTITION BY RANGE (at)", with: "PARTITION BY LIST (at)").replacingOccurrences(of: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", with: "FOR VALUES IN ('2024-01-01')")),
        Transition("table turned partitioned", "CREATE TABLE public.logs (at date NOT NULL, msg text, level int DEFAULT 0);", logs),
        Transition("column added to a partitioned table", logs, logs + " ALTER TABLE public.logs ADD COLUMN source text;"),
        Transition("partition's own column default", logs, logs + " ALTER TABLE public.logs_2024 ALTER COLUMN level SET DEFAULT 1;"),
        Transition("partition's own not null", logs, logs + " ALTER TABLE public.logs_2024 ALTER COLUMN msg SET NOT NULL;"),
        Transition("index on a partitioned table", logs, logs + " CREATE INDEX logs_at ON public.logs (at);"),
        Transition("primary key on a partitioned table", logs, logs + " ALTER TABLE public.logs ADD PRIMARY KEY (at);"),
        Transition("sub-partitioned", logs, "CREATE TABLE public.logs (at date NOT NULL, msg text, level int DEFAULT 0) PARTITION BY RANGE (at); CREATE TABLE public.logs_2024 PARTITION OF public.logs FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (level); CREATE TABLE public.logs_2024_0 PARTITION OF public.logs_2024 FOR VALUES IN (0);"),
        Transition("hash partitions", "", "CREATE TABLE public.h (id int) PARTITION BY HASH (id); CREATE TABLE public.h0 PARTITION OF public.h FOR VALUES WITH (MODULUS 2, REMAINDER 0); CREATE TABLE public.h1 PARTITION OF public.h FOR VALUES WITH (MODULUS 2, REMAINDER 1);"),
        Transition("partition detached", logs, "CREATE TABLE public.logs (at date NOT NULL, msg text, level int DEFAULT 0) PARTITION BY RANGE (at); CREATE TABLE public.logs_2024 (at date NOT NULL, msg text, level int DEFAULT 0);"),
        Transition("column type of a partitioned table", logs, logs.replacingOccurrences(of: "level int", with: "level bigint")),
        // A detached partition keeps, as its own, the index it had attached to its parent's.
        Transition("partition detached keeps its index",
                   "CREATE TABLE public.logs (at date NOT NULL, msg text, level int DEFAULT 0) PARTITION BY RANGE (at); CREATE TABLE public.logs_2024 (at date NOT NULL, msg text, level int DEFAULT 0); CREATE INDEX logs_2024_level ON public.logs_2024 (level); CREATE INDEX logs_level ON public.logs (level);",
                   logs + " CREATE INDEX logs_level ON ONLY public.logs (level); CREATE INDEX logs_2024_level ON public.logs_2024 (level); ALTER INDEX public.logs_level ATTACH PARTITION public.logs_2024_level;"),
        // Partitioning by inheritance (CHECK constraints, INHERITS) and declarative partitions,
        // both ways, as a real project's history did (pagila).
        Transition("partitions become inheritance children",
                   "CREATE TABLE public.logs (at date NOT NULL, msg text, level int DEFAULT 0); CREATE TABLE public.logs_2024 (CONSTRAINT logs_2024_at_check CHECK (at >= '2024-01-01' AND at < '2025-01-01')) INHERITS (public.logs); CREATE INDEX logs_2024_level ON public.logs_2024 (level);",
                   logs + " CREATE INDEX logs_level ON ONLY public.logs (level); CREATE INDEX logs_2024_level ON public.logs_2024 (level); ALTER INDEX public.logs_level ATTACH PARTITION public.logs_2024_level;"),
        // PostgreSQL re-creates the partitions' indexes and keys under names of its own choosing
        // when a column they cover changes type (seen in a real project's history: pagila).
        Transition("column type under partition indexes and keys named by hand",
                   logs + " ALTER TABLE public.logs ADD PRIMARY KEY (at, level); CREATE INDEX logs_level ON ONLY public.logs (level); CREATE INDEX logs_2024_by_level ON public.logs_2024 (level); ALTER INDEX public.logs_level ATTACH PARTITION public.logs_2024_by_level; ALTER TABLE public.logs_2024 RENAME CONSTRAINT logs_2024_pkey TO logs_2024_key_by_hand;",
                   logs.replacingOccurrences(of: "level int", with: "level bigint") + " ALTER TABLE public.logs ADD PRIMARY KEY (at, level); CREATE INDEX logs_level ON ONLY public.logs (level); CREATE INDEX logs_2024_by_level ON public.logs_2024 (level); ALTER INDEX public.logs_level ATTACH PARTITION public.logs_2024_by_level; ALTER TABLE public.logs_2024 RENAME CONSTRAINT logs_2024_pkey TO logs_2024_key_by_hand;"),
    ]

    static let publications: [Transition] = [
        Transition("publication created", items, items + " CREATE PUBLICATION pub_items FOR TABLE public.items;"),
        Transition("publication for all tables", items, items + " CREATE PUBLICATION pub_all FOR ALL TABLES;"),
        Transition("publication membership", items + " CREATE TABLE public.b (id int PRIMARY KEY); CREATE PUBLICATION pub FOR TABLE public.items;",
                   items + " CREATE TABLE public.b (id int PRIMARY KEY); CREATE PUBLICATION pub FOR TABLE public.items, public.b;"),
        Transition("publication row filter", items + " CREATE PUBLICATION pub FOR TABLE public.items;", items + " CREATE PUBLICATION pub FOR TABLE public.items WHERE (qty > 0);"),
        Transition("publication column list", items + " CREATE PUBLICATION pub FOR TABLE public.items;", items + " CREATE PUBLICATION pub FOR TABLE public.items (id, name);"),
        Transition("publication operations", items + " CREATE PUBLICATION pub FOR TABLE public.items;", items + " CREATE PUBLICATION pub FOR TABLE public.items WITH (publish = 'insert, update', publish_via_partition_root = true);"),
        Transition("publication for a schema", items, items + " CREATE PUBLICATION pub FOR TABLES IN SCHEMA public;"),
        Transition("publication table dropped", items + " CREATE TABLE public.b (id int PRIMARY KEY); CREATE PUBLICATION pub FOR TABLE public.items, public.b;",
                   items + " CREATE PUBLICATION pub FOR TABLE public.items;"),
        Transition("shared publication gains a table", items, items + " ALTER PUBLICATION corpus_realtime ADD TABLE public.items;"),
    ]

    static let sequences: [Transition] = [
        Transition("sequence added", "", "CREATE SEQUENCE public.s START 100 INCREMENT 5;"),
        Transition("sequence options", "CREATE SEQUENCE public.s;", "CREATE SEQUENCE public.s INCREMENT 10 MINVALUE 5 MAXVALUE 5000 CACHE 3 CYCLE;"),
        Transition("sequence type", "CREATE SEQUENCE public.s AS int;", "CREATE SEQUENCE public.s AS bigint;"),
        Transition("sequence max below its start", "CREATE SEQUENCE public.s START 500;", "CREATE SEQUENCE public.s START 5 MAXVALUE 100;"),
        Transition("sequence min above its start", "CREATE SEQUENCE public.s;", "CREATE SEQUENCE public.s MINVALUE 1000 START 1000;"),
        Transition("sequence owned by", "CREATE TABLE public.t (id int); CREATE SEQUENCE public.s;", "CREATE TABLE public.t (id int); CREATE SEQUENCE public.s OWNED BY public.t.id;"),
        Transition("sequence as a default", "CREATE TABLE public.t (id int); CREATE SEQUENCE public.s;", "CREATE SEQUENCE public.s; CREATE TABLE public.t (id int DEFAULT nextval('public.s'));"),
        Transition("serial column", "CREATE TABLE public.t (id int);", "CREATE TABLE public.t (id serial);"),
        Transition("serial to identity", "CREATE TABLE public.t (id serial PRIMARY KEY);", "CREATE TABLE public.t (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);"),
        Transition("identity always and by default", "CREATE TABLE public.t (id int GENERATED BY DEFAULT AS IDENTITY);", "CREATE TABLE public.t (id int GENERATED ALWAYS AS IDENTITY);"),
        Transition("identity options", "CREATE TABLE public.t (id int GENERATED BY DEFAULT AS IDENTITY);", "CREATE TABLE public.t (id int GENERATED BY DEFAULT AS IDENTITY (START WITH 1000 INCREMENT BY 2));"),
        Transition("identity dropped", "CREATE TABLE public.t (id int GENERATED BY DEFAULT AS IDENTITY);", "CREATE TABLE public.t (id int NOT NULL);"),
        Transition("serial bigint type", "CREATE TABLE public.t (id serial);", "CREATE TABLE public.t (id bigserial);"),
        Transition("sequence privileges and owner", "CREATE SEQUENCE public.s;", #"CREATE SEQUENCE public.s; GRANT USAGE ON SEQUENCE public.s TO anon; ALTER SEQUENCE public.s OWNER TO "App Owner";"#),
    ]

    static let privileges: [Transition] = [
        Transition("table grant", items, items + " GRANT SELECT, INSERT ON public.items TO anon;"),
        Transition("table revoke from public", items + " GRANT SELECT ON public.items TO PUBLIC;", items),
        Transition("grant with grant option", items, items + " GRANT SELECT ON public.items TO authenticated WITH GRANT OPTION;"),
        Transition("column privileges replace table privileges", items + " GRANT SELECT, UPDATE ON public.items TO authenticated;", items + " GRANT SELECT (id, name), UPDATE (qty) ON public.items TO authenticated;"),
        Transition("table owner", items, items + #" ALTER TABLE public.items OWNER TO "App Owner";"#),
        Transition("function execute revoked", fn, fn + " REVOKE EXECUTE ON FUNCTION public.f(int) FROM PUBLIC; GRANT EXECUTE ON FUNCTION public.f(int) TO authenticated;"),
        Transition("function re-created keeps its owner", fn + #" ALTER FUNCTION public.f(int) OWNER TO "App Owner";"#,
                   #"CREATE FUNCTION public.f(x int) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT x + 1'; ALTER FUNCTION public.f(int) OWNER TO "App Owner";"#),
        Transition("function re-created keeps its grants", fn + " REVOKE EXECUTE ON FUNCTION public.f(int) FROM PUBLIC; GRANT EXECUTE ON FUNCTION public.f(int) TO anon;",
                   "CREATE FUNCTION public.f(x int) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT x + 1'; REVOKE EXECUTE ON FUNCTION public.f(int) FROM PUBLIC; GRANT EXECUTE ON FUNCTION public.f(int) TO anon;"),
        Transition("schema privileges", "", "GRANT USAGE ON SCHEMA public TO anon; REVOKE CREATE ON SCHEMA public FROM PUBLIC;"),
        Transition("default privileges", "", "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO anon;"),
        Transition("default privileges then schema revoke", "CREATE SCHEMA other; GRANT USAGE ON SCHEMA other TO anon;",
                   "CREATE SCHEMA other; ALTER DEFAULT PRIVILEGES IN SCHEMA other GRANT SELECT ON TABLES TO anon; CREATE TABLE other.t (x int);"),
        Transition("default privileges for functions", "", "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC; CREATE FUNCTION public.k() RETURNS int LANGUAGE sql AS 'SELECT 1';"),
        Transition("view privileges", items + " CREATE VIEW public.v AS SELECT id FROM public.items;", items + " CREATE VIEW public.v AS SELECT id FROM public.items; GRANT SELECT ON public.v TO anon;"),
        Transition("view re-created keeps its grants", items + " CREATE VIEW public.v AS SELECT id, qty FROM public.items; GRANT SELECT ON public.v TO anon;",
                   items + " CREATE VIEW public.v AS SELECT id, qty::bigint AS qty FROM public.items; GRANT SELECT ON public.v TO anon;"),
        Transition("type privileges", mood, mood + " REVOKE USAGE ON TYPE public.mood FROM PUBLIC;"),
        Transition("owner of many kinds", items + " CREATE VIEW public.v AS SELECT id FROM public.items; " + fn,
                   items + " CREATE VIEW public.v AS SELECT id FROM public.items; " + fn + #" ALTER VIEW public.v OWNER TO "App Owner"; ALTER FUNCTION public.f(int) OWNER TO "App Owner"; ALTER TABLE public.items OWNER TO "App Owner";"#),
        Transition("table re-created keeps its grants", "CREATE TABLE public.logs (at date NOT NULL, msg text); GRANT SELECT ON public.logs TO anon;",
                   "CREATE TABLE public.logs (at date NOT NULL, msg text) PARTITION BY RANGE (at); GRANT SELECT ON public.logs TO anon;"),
        // Database-wide default privileges (no IN SCHEMA) of the role that runs the migration
        // decide what it creates later, even while the schemas hold nothing it owns.
        Transition("database-wide default privileges with nothing owned yet", "",
                   "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC; ALTER DEFAULT PRIVILEGES REVOKE USAGE ON TYPES FROM PUBLIC;"),
        Transition("database-wide default privileges go while a function arrives",
                   "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;",
                   "CREATE FUNCTION public.k() RETURNS int LANGUAGE sql AS 'SELECT 1';"),
        Transition("new schema under database-wide default privileges, one grantee revoked",
                   "ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO anon, authenticated;",
                   "ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO anon, authenticated; CREATE SCHEMA other; REVOKE USAGE ON SCHEMA other FROM anon;"),
    ]

    static let dependencies: [Transition] = [
        Transition("table dropped with its dependents", orders + " CREATE VIEW public.v AS SELECT * FROM public.orders;", items),
        Transition("referenced table dropped", orders, "CREATE TABLE public.orders (id int PRIMARY KEY, item_id int, amount numeric(10,2));"),
        Transition("table renamed", items, items.replacingOccurrences(of: "public.items", with: "public.products")),
        Transition("column renamed under a view", items + " CREATE VIEW public.v AS SELECT id, name FROM public.items;",
                   items.replacingOccurrences(of: "name text", with: "title text") + " CREATE VIEW public.v AS SELECT id, title AS name FROM public.items;", columnOrder: true),
        Transition("type used by a new table in a new schema", "", "CREATE SCHEMA other; CREATE TYPE other.k AS ENUM ('x'); CREATE TABLE public.t (k other.k);"),
        Transition("sequence used by a new table's default", "", "CREATE SEQUENCE public.s; CREATE TABLE public.t (id bigint DEFAULT nextval('public.s'::regclass));"),
        Transition("function used by a new default", "", fn + " CREATE TABLE public.t (v int DEFAULT public.f(0));"),
        Transition("table used as a column type", items, items + " CREATE TABLE public.snapshots (at date, item public.items);"),
        Transition("view over a table in another schema that changes", "CREATE SCHEMA other; CREATE TABLE other.t (id int, v int); CREATE VIEW public.w AS SELECT v FROM other.t;",
                   "CREATE SCHEMA other; CREATE TABLE other.t (id int, v text); CREATE VIEW public.w AS SELECT v FROM other.t;"),
        Transition("function returning a view's rows", items + " CREATE VIEW public.v AS SELECT id FROM public.items; CREATE FUNCTION public.all_v() RETURNS SETOF public.v LANGUAGE sql AS 'SELECT * FROM public.v';",
                   items + " CREATE VIEW public.v AS SELECT id, name FROM public.items; CREATE FUNCTION public.all_v() RETURNS SETOF public.v LANGUAGE sql AS 'SELECT * FROM public.v';"),
        Transition("everything dropped", orders + " CREATE VIEW public.v AS SELECT * FROM public.orders; " + mood + " " + fn, ""),
        Transition("cycle of foreign keys", "", "CREATE TABLE public.a (id int PRIMARY KEY, b_id int); CREATE TABLE public.b (id int PRIMARY KEY, a_id int REFERENCES public.a(id)); ALTER TABLE public.a ADD FOREIGN KEY (b_id) REFERENCES public.b(id);"),
        Transition("self reference", "", "CREATE TABLE public.tree (id int PRIMARY KEY, parent int REFERENCES public.tree(id));"),
        Transition("check using a function defined later", "", "CREATE FUNCTION public.okv(x int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT x > 0'; CREATE TABLE public.t (v int CHECK (public.okv(v)));"),
        Transition("matview over a view over a table column retyped", items + " CREATE VIEW public.v AS SELECT id, qty FROM public.items; CREATE MATERIALIZED VIEW public.mv AS SELECT sum(qty) AS s FROM public.v WITH NO DATA;",
                   items.replacingOccurrences(of: "qty int", with: "qty bigint") + " CREATE VIEW public.v AS SELECT id, qty FROM public.items; CREATE MATERIALIZED VIEW public.mv AS SELECT sum(qty) AS s FROM public.v WITH NO DATA;"),
        Transition("extension added with a column of its type", "", "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public; CREATE TABLE public.t (e public.citext);"),
        Transition("extension comment", "CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public;", "CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public; COMMENT ON EXTENSION hstore IS 'kv';"),
        // The extension comes with the migration: its members' privileges are granted after it.
        Transition("extension created whose member a role may execute", "",
                   "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public; GRANT EXECUTE ON FUNCTION public.citext(boolean) TO \"App Owner\" WITH GRANT OPTION;"),
        Transition("extension member privileges", "CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public;", "CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public; REVOKE EXECUTE ON FUNCTION public.hstore_version_diag(public.hstore) FROM PUBLIC;"),
    ]

    static let columnOrder: [Transition] = [
        Transition("column inserted in the middle", "CREATE TABLE public.t (a int, c int);", "CREATE TABLE public.t (a int, b int, c int);", columnOrder: true),
        Transition("columns reordered", "CREATE TABLE public.t (a int, b text);", "CREATE TABLE public.t (b text, a int);", columnOrder: true),
    ]

    /// Causes found by running public corpora of other diff tools against us (each pair is our
    /// own, written for the cause; each failed before its fix).
    static let outsideLessons: [Transition] = [
        // A SQL function with a string body is checked when created; what it names may come later.
        Transition("sql function body names a view made later", "CREATE TABLE public.base (n text);",
                   "CREATE TABLE public.base (n text); CREATE VIEW public.names AS SELECT n FROM public.base; CREATE FUNCTION public.all_names() RETURNS SETOF text LANGUAGE sql AS 'SELECT n FROM public.names';"),
        // What depends on a dropped object goes first, even when its own text is the same.
        Transition("view kept over a table that becomes a view",
                   "CREATE TABLE public.src (id int, label text); CREATE VIEW public.reader AS SELECT id, label FROM public.src;",
                   "CREATE TABLE public.src_rows (id int, label text); CREATE VIEW public.src AS SELECT id, label FROM public.src_rows; CREATE VIEW public.reader AS SELECT id, label FROM public.src;"),
        Transition("function returning the rows of a table that goes",
                   "CREATE TABLE public.members (id int, name text); CREATE FUNCTION public.every_member() RETURNS SETOF public.members LANGUAGE sql AS 'SELECT * FROM public.members';", ""),
        Transition("composite over a domain, both go",
                   "CREATE DOMAIN public.cents AS bigint CHECK (VALUE >= 0); CREATE TYPE public.line_item AS (sku text, price public.cents);", ""),
        Transition("domain check calling a function whose argument is renamed",
                   "CREATE FUNCTION public.ok_code(v text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT length(v) > 0'; CREATE DOMAIN public.code AS text CONSTRAINT code_ok CHECK (public.ok_code(VALUE));",
                   "CREATE FUNCTION public.ok_code(input text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT length(input) > 0'; CREATE DOMAIN public.code AS text CONSTRAINT code_ok CHECK (public.ok_code(VALUE));"),
        Transition("rule calling a function whose return type changes",
                   "CREATE TABLE public.journal (msg text); CREATE TABLE public.events (name text); CREATE FUNCTION public.tag(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT ''e:'' || $1'; CREATE RULE keep_log AS ON INSERT TO public.events DO ALSO INSERT INTO public.journal (msg) VALUES (public.tag(new.name));",
                   "CREATE TABLE public.journal (msg text); CREATE TABLE public.events (name text); CREATE FUNCTION public.tag(text) RETURNS varchar LANGUAGE sql IMMUTABLE AS 'SELECT ''e:'' || $1'; CREATE RULE keep_log AS ON INSERT TO public.events DO ALSO INSERT INTO public.journal (msg) VALUES (public.tag(new.name));"),
        // pg_depend puts a policy's reads on the policy; the policy goes with its table.
        Transition("table whose policy reads a view: both go",
                   "CREATE TABLE public.ledger_ids (id int); CREATE VIEW public.open_ids AS SELECT id FROM public.ledger_ids; CREATE TABLE public.ledger (id int); ALTER TABLE public.ledger ENABLE ROW LEVEL SECURITY; CREATE POLICY open_only ON public.ledger USING (id IN (SELECT id FROM public.open_ids));",
                   "CREATE TABLE public.ledger_ids (id int);"),
        Transition("policy naming a view that is re-created",
                   "CREATE TABLE public.accounts (id int, live boolean); ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY; CREATE VIEW public.live_ids AS SELECT id FROM public.accounts WHERE live; CREATE POLICY only_live ON public.accounts USING (id IN (SELECT id FROM public.live_ids));",
                   "CREATE TABLE public.accounts (id int, live boolean); ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY; CREATE VIEW public.live_ids AS SELECT id, live FROM public.accounts WHERE live; CREATE POLICY only_live ON public.accounts USING (id IN (SELECT id FROM public.live_ids));"),
        // Enums cast only to and from text.
        Transition("column moves from one enum to another",
                   "CREATE TYPE public.colour AS ENUM ('red', 'blue'); CREATE TYPE public.shade AS ENUM ('red', 'blue'); CREATE TABLE public.paint (c public.colour DEFAULT 'red');",
                   "CREATE TYPE public.colour AS ENUM ('red', 'blue'); CREATE TYPE public.shade AS ENUM ('red', 'blue'); CREATE TABLE public.paint (c public.shade DEFAULT 'red');"),
        Transition("text column with a default becomes an enum",
                   "CREATE TYPE public.level AS ENUM ('low', 'high'); CREATE TABLE public.job (lvl text DEFAULT 'low');",
                   "CREATE TYPE public.level AS ENUM ('low', 'high'); CREATE TABLE public.job (lvl public.level DEFAULT 'low');"),
        Transition("enum re-created under a check and an index predicate naming a value",
                   "CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE public.p (id int, m public.mood, CONSTRAINT not_sad CHECK (m <> 'sad')); CREATE INDEX p_happy ON public.p (id) WHERE m = 'happy';",
                   "CREATE TYPE public.mood AS ENUM ('sad', 'happy'); CREATE TABLE public.p (id int, m public.mood, CONSTRAINT not_sad CHECK (m <> 'sad')); CREATE INDEX p_happy ON public.p (id) WHERE m = 'happy';"),
        Transition("range column whose subtype changes",
                   "CREATE TYPE public.span AS RANGE (subtype = int4); CREATE TABLE public.booking (id int, s public.span);",
                   "CREATE TYPE public.span AS RANGE (subtype = int8); CREATE TABLE public.booking (id int, s public.span);"),
        // Partitions and inheritance children leave before their parent's columns change.
        Transition("partition leaves while its parent gains a column",
                   "CREATE TABLE public.m (at date NOT NULL, v int) PARTITION BY RANGE (at); CREATE TABLE public.m_1 PARTITION OF public.m FOR VALUES FROM ('2024-01-01') TO ('2024-02-01'); CREATE TABLE public.m_2 PARTITION OF public.m FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');",
                   "CREATE TABLE public.m (at date NOT NULL, v int, extra text) PARTITION BY RANGE (at); CREATE TABLE public.m_1 PARTITION OF public.m FOR VALUES FROM ('2024-01-01') TO ('2024-02-01'); CREATE TABLE public.m_2 (at date NOT NULL, v int);"),
        Transition("inherited column kept by the child when the parent drops it",
                   "CREATE TABLE public.stamped (at date, extra int); CREATE TABLE public.kid (k int) INHERITS (public.stamped);",
                   "CREATE TABLE public.stamped (at date); CREATE TABLE public.kid (k int) INHERITS (public.stamped); ALTER TABLE public.kid ADD COLUMN extra int;", columnOrder: true),
        // A child's column its own (declared by it) or inherited only: no ALTER turns one into the
        // other; the child is re-created.
        Transition("child declares a column its parent also has",
                   "CREATE TABLE public.base_row (at date, by text); CREATE TABLE public.sub_row (k int) INHERITS (public.base_row);",
                   "CREATE TABLE public.base_row (at date, by text); CREATE TABLE public.sub_row (at date, k int) INHERITS (public.base_row);"),
        Transition("child that was attached with INHERIT is made with INHERITS",
                   "CREATE TABLE public.base_row (at date); CREATE TABLE public.sub_row (k int) INHERITS (public.base_row); CREATE INDEX sub_row_k ON public.sub_row (k); GRANT SELECT ON public.sub_row TO anon;",
                   "CREATE TABLE public.base_row (at date); CREATE TABLE public.sub_row (at date, k int); ALTER TABLE public.sub_row INHERIT public.base_row; CREATE INDEX sub_row_k ON public.sub_row (k); GRANT SELECT ON public.sub_row TO anon;"),
        // Sequences owned by columns follow those columns.
        Transition("serial column dropped from a kept table", "CREATE TABLE public.w (label text, id serial PRIMARY KEY);", "CREATE TABLE public.w (label text);"),
        Transition("sequence owned by a column added with it", "CREATE TABLE public.u (name text);",
                   "CREATE SEQUENCE public.u_seq; CREATE TABLE public.u (name text, id bigint DEFAULT nextval('public.u_seq')); ALTER SEQUENCE public.u_seq OWNED BY public.u.id;"),
        Transition("sequence moves to a new table's column",
                   "CREATE TABLE public.t1 (id int PRIMARY KEY); CREATE SEQUENCE public.counter OWNED BY public.t1.id;",
                   "CREATE TABLE public.t2 (id int PRIMARY KEY); CREATE SEQUENCE public.counter OWNED BY public.t2.id;"),
        // Default privileges of a schema that goes, go with it.
        Transition("default privileges in a schema that goes", "",
                   "CREATE SCHEMA other; ALTER DEFAULT PRIVILEGES IN SCHEMA other GRANT SELECT ON TABLES TO anon;"),
        Transition("foreign table columns change",
                   "CREATE FOREIGN DATA WRAPPER corpus_w; CREATE SERVER corpus_s FOREIGN DATA WRAPPER corpus_w; CREATE FOREIGN TABLE public.ft (id int, old_col text) SERVER corpus_s;",
                   "CREATE FOREIGN DATA WRAPPER corpus_w; CREATE SERVER corpus_s FOREIGN DATA WRAPPER corpus_w; CREATE FOREIGN TABLE public.ft (id bigint, new_col int DEFAULT 0 NOT NULL) SERVER corpus_s;"),
        Transition("policy stops using a view that goes",
                   "CREATE TABLE public.accounts (id int, live boolean); ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY; CREATE VIEW public.live_ids AS SELECT id FROM public.accounts WHERE live; CREATE POLICY only_live ON public.accounts USING (id IN (SELECT id FROM public.live_ids));",
                   "CREATE TABLE public.accounts (id int, live boolean); ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY; CREATE POLICY only_live ON public.accounts USING (live);"),
        // A function whose SQL-standard body calls another goes first.
        Transition("function calling one in another schema, both go",
                   #"CREATE SCHEMA other; CREATE FUNCTION other."bump it"(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN x + 1; CREATE FUNCTION public.bump_twice(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN other."bump it"(other."bump it"(x));"#,
                   "CREATE SCHEMA other;"),
        // The old default comes off before the type changes: it may not cast to the new type.
        Transition("column type and default change together, the old default does not cast",
                   "CREATE TABLE public.tickets (id int, priority text DEFAULT 'none');",
                   "CREATE TABLE public.tickets (id int, priority int DEFAULT 0);"),
        // A foreign table needs its server (and the server its wrapper), which live outside any
        // schema: made before the table when the target lacks them, gone with the last table.
        Transition("foreign table on a server and wrapper the target lacks", "",
                   "CREATE FOREIGN DATA WRAPPER beek_wrapper OPTIONS (mode 'test'); CREATE SERVER \"Beek Remote\" VERSION '2' FOREIGN DATA WRAPPER beek_wrapper OPTIONS (host 'db.example', port '5433'); CREATE FOREIGN TABLE public.remote_rows (id int, label text) SERVER \"Beek Remote\" OPTIONS (table_name 'rows');"),
    ]

    /// Partitioned indexes and keys: each partition's index has a name of its own, which pg_dump
    /// shows; PostgreSQL names the ones it makes itself.
    static let partitionIndexes: [Transition] = [
        Transition("partitioned index whose partitions' indexes have their own names", logs,
                   logs + " CREATE INDEX logs_at ON ONLY public.logs (at); CREATE INDEX logs_2024_by_day ON public.logs_2024 (at); ALTER INDEX public.logs_at ATTACH PARTITION public.logs_2024_by_day;"),
        Transition("partition's own index attached to a new partitioned index",
                   logs + " CREATE INDEX logs_2024_day_msg ON public.logs_2024 (at, msg);",
                   logs + " CREATE INDEX logs_at_msg ON ONLY public.logs (at, msg); CREATE INDEX logs_2024_day_msg ON public.logs_2024 (at, msg); ALTER INDEX public.logs_at_msg ATTACH PARTITION public.logs_2024_day_msg;"),
        Transition("partition's index renamed under a kept partitioned index",
                   logs + " CREATE INDEX logs_at ON public.logs (at);",
                   logs + " CREATE INDEX logs_at ON public.logs (at); ALTER INDEX public.logs_2024_at_idx RENAME TO logs_2024_day;"),
        Transition("partitioned index turned into partitions' own indexes",
                   logs + " CREATE INDEX logs_lvl ON public.logs (level, at);",
                   logs + " CREATE INDEX logs_2024_lvl ON public.logs_2024 (level, at);"),
        Transition("partition added under a parent with a primary key and an index",
                   logs + " ALTER TABLE public.logs ADD CONSTRAINT logs_pk PRIMARY KEY (at); CREATE INDEX logs_msg ON public.logs (msg);",
                   logs + " ALTER TABLE public.logs ADD CONSTRAINT logs_pk PRIMARY KEY (at); CREATE INDEX logs_msg ON public.logs (msg); CREATE TABLE public.logs_2025 PARTITION OF public.logs FOR VALUES FROM ('2025-01-01') TO ('2026-01-01'); ALTER INDEX public.logs_2025_msg_idx RENAME TO logs_2025_by_msg; ALTER TABLE public.logs_2025 RENAME CONSTRAINT logs_2025_pkey TO \"Logs 2025 key\";"),
        Transition("primary key added to a partitioned table whose partition names its own",
                   logs, logs + " ALTER TABLE public.logs ADD CONSTRAINT logs_pk PRIMARY KEY (at); ALTER TABLE public.logs_2024 RENAME CONSTRAINT logs_2024_pkey TO logs_2024_pk;"),
        Transition("sub-partitioned index with named partition indexes",
                   "CREATE TABLE public.ev (at date NOT NULL, k int NOT NULL) PARTITION BY RANGE (at); CREATE TABLE public.ev_24 PARTITION OF public.ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (k); CREATE TABLE public.ev_24_0 PARTITION OF public.ev_24 FOR VALUES IN (0);",
                   "CREATE TABLE public.ev (at date NOT NULL, k int NOT NULL) PARTITION BY RANGE (at); CREATE TABLE public.ev_24 PARTITION OF public.ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (k); CREATE TABLE public.ev_24_0 PARTITION OF public.ev_24 FOR VALUES IN (0); CREATE INDEX ev_k ON ONLY public.ev (k); CREATE INDEX ev_24_k ON ONLY public.ev_24 (k); CREATE INDEX ev_24_0_k ON public.ev_24_0 (k); ALTER INDEX public.ev_24_k ATTACH PARTITION public.ev_24_0_k; ALTER INDEX public.ev_k ATTACH PARTITION public.ev_24_k;"),
        // A partition's own key can back a partitioned index that has no constraint of its own.
        // PostgreSQL cannot detach it again: key and index go together (DROP INDEX … CASCADE).
        Transition("partition's own key backing a plain partitioned unique index", logs,
                   logs + " CREATE UNIQUE INDEX logs_day_uq ON ONLY public.logs (at); ALTER TABLE public.logs_2024 ADD CONSTRAINT logs_2024_own_key PRIMARY KEY (at); ALTER INDEX public.logs_day_uq ATTACH PARTITION public.logs_2024_own_key;"),
        Transition("partitioned unique index over a partition's own key turned into the parent's key",
                   logs + " CREATE UNIQUE INDEX logs_day_uq ON public.logs (at); ALTER TABLE public.logs_2024 ADD CONSTRAINT logs_2024_own_key PRIMARY KEY USING INDEX logs_2024_at_idx;",
                   logs + " ALTER TABLE public.logs ADD CONSTRAINT logs_day_uq UNIQUE (at);"),
        Transition("new partitioned table whose partition's own key backs its unique index", "",
                   logs + " CREATE UNIQUE INDEX logs_day_uq ON ONLY public.logs (at); ALTER TABLE public.logs_2024 ADD CONSTRAINT logs_2024_own_key UNIQUE (at); ALTER INDEX public.logs_day_uq ATTACH PARTITION public.logs_2024_own_key;"),
        // An index cannot be detached either: the partitioned index is built again without it.
        Transition("partition's own index attached to a kept partitioned index",
                   logs + " CREATE INDEX logs_by_msg ON ONLY public.logs (msg); CREATE INDEX logs_2024_by_msg ON public.logs_2024 (msg);",
                   logs + " CREATE INDEX logs_by_msg ON ONLY public.logs (msg); CREATE INDEX logs_2024_by_msg ON public.logs_2024 (msg); ALTER INDEX public.logs_by_msg ATTACH PARTITION public.logs_2024_by_msg;"),
        // Foreign keys of partitioned tables reach the partitions: a referenced partition is
        // detached before it is dropped, a detached one loses its copy of its parent's key.
        Transition("partitions dropped on both ends of a foreign key between partitioned tables",
                   accounts + " CREATE TABLE public.acct_us PARTITION OF public.acct FOR VALUES IN ('us'); CREATE TABLE public.pay_us PARTITION OF public.pay FOR VALUES IN ('us');",
                   accounts),
        Transition("partition detached from a parent with a foreign key whose referenced table goes",
                   "CREATE TABLE public.pay_eu (acct int, region text);",
                   "CREATE TABLE public.ledger (id int PRIMARY KEY); CREATE TABLE public.pay (acct int REFERENCES public.ledger, region text) PARTITION BY LIST (region); CREATE TABLE public.pay_eu PARTITION OF public.pay FOR VALUES IN ('eu');"),
    ]
    /// A parent's key made with ONLY is on the parent alone until each partition's own key is
    /// attached to it: some partitions may carry it and others not. No copy can be detached.
    static let shipments = "CREATE TABLE public.shipments (region text NOT NULL, ref int NOT NULL, weight numeric) PARTITION BY LIST (region); CREATE TABLE public.shipments_north PARTITION OF public.shipments FOR VALUES IN ('north'); CREATE TABLE public.shipments_south PARTITION OF public.shipments FOR VALUES IN ('south');"
    static let partialKeys: [Transition] = [
        Transition("parent key on the parent alone gains one partition's copy",
                   shipments + " ALTER TABLE ONLY public.shipments ADD CONSTRAINT shipments_ref_key UNIQUE (region, ref); CREATE UNIQUE INDEX north_refs ON public.shipments_north (region, ref);",
                   shipments + " ALTER TABLE ONLY public.shipments ADD CONSTRAINT shipments_ref_key UNIQUE (region, ref); ALTER TABLE ONLY public.shipments_north ADD CONSTRAINT north_refs UNIQUE (region, ref); ALTER INDEX public.shipments_ref_key ATTACH PARTITION public.north_refs;"),
        Transition("parent key on every partition turned into a key on the parent alone",
                   shipments + " ALTER TABLE public.shipments ADD CONSTRAINT shipments_pk PRIMARY KEY (region, ref);",
                   shipments + " ALTER TABLE ONLY public.shipments ADD CONSTRAINT shipments_pk PRIMARY KEY (region, ref); ALTER TABLE ONLY public.shipments_south ADD CONSTRAINT \"South PK\" PRIMARY KEY (region, ref); ALTER INDEX public.shipments_pk ATTACH PARTITION public.\"South PK\";"),
    ]
    /// A matview whose query calls a routine that reads another matview: the routine's body is a
    /// string, so pg_depend shows no edge between the two, yet the one read must be filled first.
    static let stockViews: [Transition] = [
        Transition("matview calling a function that reads another matview",
                   "CREATE TABLE public.stock (sku text, qty int);",
                   "CREATE TABLE public.stock (sku text, qty int); CREATE MATERIALIZED VIEW public.zz_stock_by_sku AS SELECT sku, sum(qty) AS qty FROM public.stock GROUP BY sku; CREATE FUNCTION public.stock_total() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT coalesce(sum(qty), 0)::bigint FROM public.zz_stock_by_sku'; CREATE MATERIALIZED VIEW public.aa_stock_summary AS SELECT public.stock_total() AS total;"),
        // On ATTACH PARTITION PostgreSQL takes any matching index of the table for the parent's
        // index; a DETACH leaves the attached index behind, on its own.
        Transition("table attached as a partition keeps its own index beside the attached one",
                   "CREATE TABLE public.readings (site text, at date) PARTITION BY LIST (site); CREATE INDEX readings_at ON public.readings (at); CREATE TABLE public.readings_east (site text, at date); CREATE INDEX east_by_day ON public.readings_east (at);",
                   "CREATE TABLE public.readings (site text, at date) PARTITION BY LIST (site); CREATE TABLE public.readings_east (site text, at date); ALTER TABLE public.readings ATTACH PARTITION public.readings_east FOR VALUES IN ('east'); CREATE INDEX readings_at ON public.readings (at); CREATE INDEX east_by_day ON public.readings_east (at);"),
    ]
    static let accounts = "CREATE TABLE public.acct (id int NOT NULL, region text NOT NULL, PRIMARY KEY (id, region)) PARTITION BY LIST (region); CREATE TABLE public.acct_eu PARTITION OF public.acct FOR VALUES IN ('eu'); CREATE TABLE public.pay (acct int, region text, FOREIGN KEY (acct, region) REFERENCES public.acct) PARTITION BY LIST (region); CREATE TABLE public.pay_eu PARTITION OF public.pay FOR VALUES IN ('eu');"

    /// Tables re-created (partitioning changed, inherited columns) keep what hangs off them from
    /// outside: foreign keys of other tables, publication membership, triggers.
    static let recreatedTables: [Transition] = [
        Transition("table turned partitioned while a foreign key references it",
                   "CREATE TABLE public.visits (id int NOT NULL, on_day date NOT NULL, PRIMARY KEY (id, on_day)); CREATE TABLE public.notes (visit int, day date, FOREIGN KEY (visit, day) REFERENCES public.visits (id, on_day) ON DELETE CASCADE);",
                   "CREATE TABLE public.visits (id int NOT NULL, on_day date NOT NULL, PRIMARY KEY (id, on_day)) PARTITION BY RANGE (on_day); CREATE TABLE public.visits_2024 PARTITION OF public.visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01'); CREATE TABLE public.notes (visit int, day date, FOREIGN KEY (visit, day) REFERENCES public.visits (id, on_day) ON DELETE CASCADE);"),
        Transition("table re-created under a foreign key from another schema that changes",
                   "CREATE SCHEMA other; CREATE TABLE public.visits (id int NOT NULL, on_day date NOT NULL, PRIMARY KEY (id, on_day)); CREATE TABLE other.notes (visit int, day date, CONSTRAINT notes_visit FOREIGN KEY (visit, day) REFERENCES public.visits (id, on_day));",
                   "CREATE SCHEMA other; CREATE TABLE public.visits (id int NOT NULL, on_day date NOT NULL, PRIMARY KEY (id, on_day)) PARTITION BY LIST (on_day); CREATE TABLE other.notes (visit int, day date, CONSTRAINT notes_visit FOREIGN KEY (visit, day) REFERENCES public.visits (id, on_day) ON UPDATE CASCADE);"),
        Transition("table re-created keeps its publication membership",
                   "CREATE TABLE public.feed (at date NOT NULL, body text); ALTER PUBLICATION corpus_realtime ADD TABLE public.feed; CREATE PUBLICATION feed_pub FOR TABLE public.feed (at) WHERE (body IS NOT NULL) WITH (publish_via_partition_root = true);",
                   "CREATE TABLE public.feed (at date NOT NULL, body text) PARTITION BY RANGE (at); ALTER PUBLICATION corpus_realtime ADD TABLE public.feed; CREATE PUBLICATION feed_pub FOR TABLE public.feed (at) WHERE (body IS NOT NULL) WITH (publish_via_partition_root = true);"),
        Transition("identity column of a table re-created",
                   "CREATE TABLE public.base_row (at date); CREATE TABLE public.tally (id int GENERATED ALWAYS AS IDENTITY, at date) INHERITS (public.base_row);",
                   "CREATE TABLE public.base_row (at date); CREATE TABLE public.tally (id int GENERATED ALWAYS AS IDENTITY) INHERITS (public.base_row);"),
        Transition("integer columns become timestamps",
                   "CREATE TABLE public.stamps (id int, seen bigint, made integer DEFAULT 0);",
                   "CREATE TABLE public.stamps (id int, seen timestamptz NOT NULL DEFAULT now(), made timestamp(3));"),
        // The partition outlives its old parent: it leaves before DROP TABLE would take it along.
        Transition("partition moves to a new parent with a trigger while the old parent goes",
                   trig + " CREATE TABLE public.runs_old (id int, k text NOT NULL) PARTITION BY LIST (k); CREATE TABLE public.\"Run 1\" PARTITION OF public.runs_old FOR VALUES IN ('a'); CREATE TRIGGER \"touch it\" BEFORE UPDATE ON public.runs_old FOR EACH ROW EXECUTE FUNCTION public.touch();",
                   trig + " CREATE TABLE public.runs_new (id int, k text NOT NULL) PARTITION BY LIST (k); CREATE TABLE public.\"Run 1\" PARTITION OF public.runs_new FOR VALUES IN ('b'); CREATE TRIGGER \"touch it\" BEFORE UPDATE ON public.runs_new FOR EACH ROW EXECUTE FUNCTION public.touch();"),
        Transition("inheritance child moves to a new parent while the old parent goes",
                   "CREATE TABLE public.base_old (at date); CREATE TABLE public.leaf (k int) INHERITS (public.base_old);",
                   "CREATE TABLE public.base_new (at date); CREATE TABLE public.leaf (k int) INHERITS (public.base_new);"),
        Transition("trigger on a table re-created",
                   trig.replacingOccurrences(of: "id int PRIMARY KEY", with: "id int") + " CREATE TRIGGER t BEFORE INSERT ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch(); CREATE TRIGGER audit_t AFTER UPDATE ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch();",
                   trig.replacingOccurrences(of: "id int PRIMARY KEY, name text NOT NULL, qty int DEFAULT 0, note text)", with: "id int, name text NOT NULL, qty int DEFAULT 0, note text) PARTITION BY HASH (id); CREATE TABLE public.items_0 PARTITION OF public.items FOR VALUES WITH (MODULUS 1, REMAINDER 0)") + " CREATE TRIGGER t BEFORE INSERT ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch(); CREATE TRIGGER audit_t AFTER UPDATE ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch();"),
    ]

    /// Orders the statement graph alone decides (issue 12): each pair failed on the code that
    /// placed these statements by bucket.
    static let graphEdges: [Transition] = [
        // The function goes after the default that calls it is dropped, and before the table its body reads.
        Transition("routine gone after a kept default stops calling it, before the table its body reads",
                   "CREATE TABLE public.rates (v int); CREATE FUNCTION public.base_rate() RETURNS int LANGUAGE sql STABLE BEGIN ATOMIC SELECT max(v) FROM public.rates; END; CREATE TABLE public.items (id int, rate int DEFAULT public.base_rate());",
                   "CREATE TABLE public.items (id int, rate int);"),
        // A trigger's function outlives the trigger's table; a function over the table goes first.
        Transition("table gone with its trigger function and a function over its rows",
                   "CREATE FUNCTION public.a_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN new; END $$; CREATE TABLE public.runs (id int); CREATE TRIGGER t BEFORE INSERT ON public.runs FOR EACH ROW EXECUTE FUNCTION public.a_touch(); CREATE FUNCTION public.z_all_runs() RETURNS SETOF public.runs LANGUAGE sql BEGIN ATOMIC SELECT * FROM public.runs; END;",
                   ""),
        // An aggregate before its state function, a caller before the function it calls (by name the other way round).
        Transition("aggregate and calling function gone before what they call",
                   "CREATE FUNCTION public.add2(int, int) RETURNS int LANGUAGE sql IMMUTABLE RETURN $1 + $2; CREATE AGGREGATE public.total(int) (SFUNC = public.add2, STYPE = int); CREATE FUNCTION public.b_twice(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN public.add2(x, x); CREATE FUNCTION public.a_caller(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN public.b_twice(x);",
                   ""),
        // In-place table changes after the creates of what they need.
        Transition("column added with a default calling a new function over a new view of a retyped column",
                   "CREATE TABLE public.b_base (n int); CREATE TABLE public.a_items (id int);",
                   "CREATE TABLE public.b_base (n bigint); CREATE VIEW public.v AS SELECT n FROM public.b_base; CREATE FUNCTION public.f() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT max(n) FROM public.v; END; CREATE TABLE public.a_items (id int, k bigint DEFAULT public.f());"),
        Transition("column moves to a new collation and gets a check calling a new function",
                   "CREATE TABLE public.t (n text);",
                   "CREATE COLLATION public.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false); CREATE FUNCTION public.short(s text) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN length(s) < 50; CREATE TABLE public.t (n text COLLATE public.ci CONSTRAINT n_short CHECK (public.short(n)));"),
        // Policies: dropped and made again around a change of a column they read in another table.
        Transition("policy reading another table's column that changes type",
                   "CREATE TABLE public.members (uid int, org int); CREATE TABLE public.docs (org int, body text); ALTER TABLE public.docs ENABLE ROW LEVEL SECURITY; CREATE POLICY by_org ON public.docs USING (EXISTS (SELECT 1 FROM public.members m WHERE m.org = docs.org AND m.uid = 1));",
                   "CREATE TABLE public.members (uid bigint, org int); CREATE TABLE public.docs (org int, body text); ALTER TABLE public.docs ENABLE ROW LEVEL SECURITY; CREATE POLICY by_org ON public.docs USING (EXISTS (SELECT 1 FROM public.members m WHERE m.org = docs.org AND m.uid = 1));"),
        Transition("policy moves to a new view and a new function while the old ones go",
                   "CREATE TABLE public.acl (uid int, ok boolean); CREATE VIEW public.old_ok AS SELECT uid FROM public.acl WHERE ok; CREATE FUNCTION public.old_check(u int) RETURNS boolean LANGUAGE sql STABLE BEGIN ATOMIC SELECT EXISTS (SELECT 1 FROM public.old_ok o WHERE o.uid = u); END; CREATE TABLE public.docs (owner int); ALTER TABLE public.docs ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON public.docs USING (public.old_check(owner));",
                   "CREATE TABLE public.acl (uid int, ok boolean); CREATE VIEW public.new_ok AS SELECT uid FROM public.acl WHERE ok; CREATE FUNCTION public.new_check(u int) RETURNS boolean LANGUAGE sql STABLE BEGIN ATOMIC SELECT EXISTS (SELECT 1 FROM public.new_ok o WHERE o.uid = u); END; CREATE TABLE public.docs (owner int); ALTER TABLE public.docs ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON public.docs USING (public.new_check(owner));"),
        // Keyed drops of operators, classes, text-search objects, collations and statistics objects.
        Transition("operator class gone with the index that uses it",
                   "CREATE OPERATOR CLASS public.int4_alt FOR TYPE int4 USING btree AS OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 btint4cmp(int4, int4); CREATE TABLE public.t (n int); CREATE INDEX t_n ON public.t (n public.int4_alt);",
                   "CREATE TABLE public.t (n int);"),
        Transition("operator class gone with the table whose index uses it",
                   "CREATE OPERATOR CLASS public.int4_alt FOR TYPE int4 USING btree AS OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 btint4cmp(int4, int4); CREATE TABLE public.t (n int); CREATE INDEX t_n ON public.t (n public.int4_alt);",
                   ""),
        Transition("operator and its function gone with the check constraint that uses it",
                   "CREATE FUNCTION public.near(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN abs($1 - $2) < 3; CREATE OPERATOR public.~~~ (FUNCTION = public.near, LEFTARG = int, RIGHTARG = int); CREATE TABLE public.t (n int CONSTRAINT near_zero CHECK (n OPERATOR(public.~~~) 0));",
                   "CREATE TABLE public.t (n int);"),
        Transition("text search dictionary and configuration gone with the index over them",
                   #"CREATE TEXT SEARCH DICTIONARY public.simple_d (TEMPLATE = pg_catalog.simple); CREATE TEXT SEARCH CONFIGURATION public.cfg (PARSER = pg_catalog."default"); ALTER TEXT SEARCH CONFIGURATION public.cfg ADD MAPPING FOR asciiword WITH public.simple_d; CREATE TABLE public.docs (body text); CREATE INDEX docs_fts ON public.docs USING gin (to_tsvector('public.cfg'::regconfig, body));"#,
                   "CREATE TABLE public.docs (body text);"),
        Transition("collation and statistics object gone while columns move off them",
                   "CREATE COLLATION public.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false); CREATE TABLE public.t (n text COLLATE public.ci, m int, k int); CREATE STATISTICS public.t_mk ON m, k FROM public.t;",
                   "CREATE TABLE public.t (n text, m int);"),
        // Objects PostgreSQL cannot change in place, made again under what uses them.
        Transition("collation made again under a column, an index, a view and a check",
                   "CREATE COLLATION public.fold (provider = icu, locale = 'und-u-ks-level2', deterministic = false); CREATE TABLE public.tags (label text COLLATE public.fold, slug text); CREATE INDEX tags_slug ON public.tags (slug COLLATE public.fold); CREATE VIEW public.labels AS SELECT label FROM public.tags; CREATE TABLE public.codes (c text CONSTRAINT not_blank CHECK ((c COLLATE public.fold) <> ''));",
                   "CREATE COLLATION public.fold (provider = icu, locale = 'und-u-ks-level1', deterministic = false); CREATE TABLE public.tags (label text COLLATE public.fold, slug text); CREATE INDEX tags_slug ON public.tags (slug COLLATE public.fold); CREATE VIEW public.labels AS SELECT label FROM public.tags; CREATE TABLE public.codes (c text CONSTRAINT not_blank CHECK ((c COLLATE public.fold) <> ''));"),
        Transition("collation made again under a domain a column uses",
                   "CREATE COLLATION public.fold (provider = icu, locale = 'und-u-ks-level2', deterministic = false); CREATE DOMAIN public.handle AS text COLLATE public.fold; CREATE TABLE public.users (h public.handle);",
                   "CREATE COLLATION public.fold (provider = icu, locale = 'und-u-ks-level1', deterministic = false); CREATE DOMAIN public.handle AS text COLLATE public.fold; CREATE TABLE public.users (h public.handle);"),
        Transition("operator family gains a support function under the class an index uses",
                   "CREATE OPERATOR CLASS public.int4_rev FOR TYPE int4 USING btree AS OPERATOR 1 >, OPERATOR 2 >=, OPERATOR 3 =, OPERATOR 4 <=, OPERATOR 5 <, FUNCTION 1 btint4cmp(int4, int4); CREATE TABLE public.scores (s int); CREATE INDEX scores_s ON public.scores (s public.int4_rev);",
                   "CREATE OPERATOR CLASS public.int4_rev FOR TYPE int4 USING btree AS OPERATOR 1 >, OPERATOR 2 >=, OPERATOR 3 =, OPERATOR 4 <=, OPERATOR 5 <, FUNCTION 1 btint4cmp(int4, int4), FUNCTION 4 btequalimage(oid); CREATE TABLE public.scores (s int); CREATE INDEX scores_s ON public.scores (s public.int4_rev);"),
        Transition("text search dictionary made again under a configuration an index uses",
                   "CREATE TEXT SEARCH DICTIONARY public.plain_d (TEMPLATE = pg_catalog.simple, STOPWORDS = english); CREATE TEXT SEARCH CONFIGURATION public.notes_cfg (PARSER = pg_catalog.default); ALTER TEXT SEARCH CONFIGURATION public.notes_cfg ADD MAPPING FOR asciiword, word WITH public.plain_d; CREATE TABLE public.notes (body text); CREATE INDEX notes_fts ON public.notes USING gin (to_tsvector('public.notes_cfg'::regconfig, body));",
                   "CREATE TEXT SEARCH DICTIONARY public.plain_d (TEMPLATE = pg_catalog.simple); CREATE TEXT SEARCH CONFIGURATION public.notes_cfg (PARSER = pg_catalog.default); ALTER TEXT SEARCH CONFIGURATION public.notes_cfg ADD MAPPING FOR asciiword, word WITH public.plain_d; CREATE TABLE public.notes (body text); CREATE INDEX notes_fts ON public.notes USING gin (to_tsvector('public.notes_cfg'::regconfig, body));"),
        Transition("operator switches to another function under a check that uses it",
                   "CREATE FUNCTION public.close_to(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN abs($1 - $2) < 3; CREATE FUNCTION public.far_from(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN abs($1 - $2) > 3; CREATE OPERATOR public.<~> (FUNCTION = public.close_to, LEFTARG = int, RIGHTARG = int); CREATE TABLE public.readings (r int CONSTRAINT sane CHECK (r OPERATOR(public.<~>) 10));",
                   "CREATE FUNCTION public.close_to(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN abs($1 - $2) < 3; CREATE FUNCTION public.far_from(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN abs($1 - $2) > 3; CREATE OPERATOR public.<~> (FUNCTION = public.far_from, LEFTARG = int, RIGHTARG = int); CREATE TABLE public.readings (r int CONSTRAINT sane CHECK (r OPERATOR(public.<~>) 10));"),
        // A default calling a function that reads its own table: a cycle only a later ALTER builds.
        Transition("default added that calls a new function over a new view of its own table",
                   "CREATE TABLE public.tickets (id int, seq int);",
                   "CREATE TABLE public.tickets (id int, seq int); CREATE VIEW public.last_ticket AS SELECT max(seq) AS top FROM public.tickets; CREATE FUNCTION public.next_seq() RETURNS int LANGUAGE sql STABLE BEGIN ATOMIC SELECT coalesce(top, 0) + 1 FROM public.last_ticket; END; ALTER TABLE public.tickets ALTER COLUMN seq SET DEFAULT public.next_seq();"),
        Transition("table, view and function in a cycle through a default, all made or all gone",
                   "",
                   "CREATE TABLE public.tickets (id int, seq int); CREATE VIEW public.last_ticket AS SELECT max(seq) AS top FROM public.tickets; CREATE FUNCTION public.next_seq() RETURNS int LANGUAGE sql STABLE BEGIN ATOMIC SELECT coalesce(top, 0) + 1 FROM public.last_ticket; END; ALTER TABLE public.tickets ALTER COLUMN seq SET DEFAULT public.next_seq(); CREATE TABLE public.other (n int);"),
        Transition("check added that calls a new function over a new view of its own table",
                   "CREATE TABLE public.seats (row_no int, taken int);",
                   "CREATE TABLE public.seats (row_no int, taken int); CREATE VIEW public.busiest AS SELECT max(row_no) AS r FROM public.seats; CREATE FUNCTION public.seat_cap() RETURNS int LANGUAGE sql STABLE BEGIN ATOMIC SELECT coalesce(r, 0) + 50 FROM public.busiest; END; ALTER TABLE public.seats ADD CONSTRAINT under_cap CHECK (taken < public.seat_cap());"),
        Transition("table, view and function in a cycle through a check, all made or all gone",
                   "",
                   "CREATE TABLE public.seats (row_no int, taken int); CREATE VIEW public.busiest AS SELECT max(row_no) AS r FROM public.seats; CREATE FUNCTION public.seat_cap() RETURNS int LANGUAGE sql STABLE BEGIN ATOMIC SELECT coalesce(r, 0) + 50 FROM public.busiest; END; ALTER TABLE public.seats ADD CONSTRAINT under_cap CHECK (taken < public.seat_cap());"),
        Transition("operator made again under a policy that uses it",
                   "CREATE FUNCTION public.lt(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN $1 < $2; CREATE FUNCTION public.gt(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN $1 > $2; CREATE OPERATOR public.<<< (FUNCTION = public.lt, LEFTARG = int, RIGHTARG = int); CREATE TABLE public.levels (lvl int); ALTER TABLE public.levels ENABLE ROW LEVEL SECURITY; CREATE POLICY low ON public.levels USING (lvl OPERATOR(public.<<<) 5);",
                   "CREATE FUNCTION public.lt(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN $1 < $2; CREATE FUNCTION public.gt(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN $1 > $2; CREATE OPERATOR public.<<< (FUNCTION = public.gt, LEFTARG = int, RIGHTARG = int); CREATE TABLE public.levels (lvl int); ALTER TABLE public.levels ENABLE ROW LEVEL SECURITY; CREATE POLICY low ON public.levels USING (lvl OPERATOR(public.<<<) 5);"),
        Transition("function returns a wider type under a generated column that calls it",
                   "CREATE FUNCTION public.twice(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN x * 2; CREATE TABLE public.lines (qty int, doubled int GENERATED ALWAYS AS (public.twice(qty)) STORED);",
                   "CREATE FUNCTION public.twice(x int) RETURNS bigint LANGUAGE sql IMMUTABLE RETURN x * 2; CREATE TABLE public.lines (qty int, doubled bigint GENERATED ALWAYS AS (public.twice(qty)) STORED);"),
        Transition("function returns a wider type under a statistics object over it",
                   "CREATE FUNCTION public.bucket(x int) RETURNS int LANGUAGE sql IMMUTABLE RETURN x % 7; CREATE TABLE public.obs (a int, b int); CREATE STATISTICS public.obs_ab ON (public.bucket(a)), b FROM public.obs;",
                   "CREATE FUNCTION public.bucket(x int) RETURNS bigint LANGUAGE sql IMMUTABLE RETURN x % 7; CREATE TABLE public.obs (a int, b int); CREATE STATISTICS public.obs_ab ON (public.bucket(a)), b FROM public.obs;"),
        Transition("operator class made again under an exclusion constraint that uses it",
                   "CREATE OPERATOR CLASS public.int4_plain FOR TYPE int4 USING btree AS OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 btint4cmp(int4, int4); CREATE TABLE public.rooms (room int, CONSTRAINT one_booking EXCLUDE USING btree (room public.int4_plain WITH =));",
                   "CREATE OPERATOR CLASS public.int4_plain FOR TYPE int4 USING btree AS OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 btint4cmp(int4, int4), FUNCTION 4 btequalimage(oid); CREATE TABLE public.rooms (room int, CONSTRAINT one_booking EXCLUDE USING btree (room public.int4_plain WITH =));"),
        Transition("collation made again under a materialized view and a partitioned table",
                   "CREATE COLLATION public.fold (provider = icu, locale = 'und-u-ks-level2', deterministic = false); CREATE TABLE public.src (n text); CREATE MATERIALIZED VIEW public.folded AS SELECT n COLLATE public.fold AS n FROM public.src; CREATE INDEX folded_n ON public.folded (n); CREATE TABLE public.parts (k int, n text COLLATE public.fold) PARTITION BY RANGE (k); CREATE TABLE public.parts_low PARTITION OF public.parts FOR VALUES FROM (0) TO (10); CREATE INDEX parts_n ON public.parts (n);",
                   "CREATE COLLATION public.fold (provider = icu, locale = 'und-u-ks-level1', deterministic = false); CREATE TABLE public.src (n text); CREATE MATERIALIZED VIEW public.folded AS SELECT n COLLATE public.fold AS n FROM public.src; CREATE INDEX folded_n ON public.folded (n); CREATE TABLE public.parts (k int, n text COLLATE public.fold) PARTITION BY RANGE (k); CREATE TABLE public.parts_low PARTITION OF public.parts FOR VALUES FROM (0) TO (10); CREATE INDEX parts_n ON public.parts (n);"),
    ]

    static let all: [Transition] = plain + keys + views + routines + enums + domains + types + generated + partitions
        + publications + sequences + privileges + dependencies + columnOrder + outsideLessons + partitionIndexes + partialKeys + stockViews
        + recreatedTables + graphEdges + deltaLessons + partitionLessons
}
