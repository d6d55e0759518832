import BeekrunKit
import Foundation
import Testing
import TestSupport

/// One object kind: `sql` builds objects of it in `public`; `change`, run on the clone, makes
/// a difference `diff` must find (as a change of one of `kinds`) and its SQL must undo.
struct KindCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// Run on both sides first (what a clone needs on its target: a foreign server).
    var setup = ""
    var sql: String
    var change: String
    var kinds: [String]
    var testDescription: String { name }
}

enum KindFixtures {
    static let cases: [KindCase] = [
        KindCase(name: "table inheritance", sql: """
            CREATE TABLE public.animal (id int PRIMARY KEY, name text NOT NULL DEFAULT 'x', CONSTRAINT animal_id_pos CHECK (id > 0));
            CREATE TABLE public.dog (bark text) INHERITS (public.animal);
            ALTER TABLE public.dog ALTER COLUMN name SET DEFAULT 'rex';
            CREATE TABLE public.pet_tag (tag text, born date);
            ALTER TABLE public.pet_tag ALTER COLUMN born SET NOT NULL;
            CREATE TABLE public.cat (lives int, name text) INHERITS (public.animal, public.pet_tag);
            CREATE TABLE public.kitten () INHERITS (public.cat);
            ALTER TABLE public.animal ADD CONSTRAINT animal_name_len CHECK (length(name) < 100) NOT VALID;
            CREATE INDEX dog_bark ON public.dog (bark);
            """, change: "ALTER TABLE public.animal ADD COLUMN legs int; CREATE TABLE public.puppy () INHERITS (public.dog);",
            kinds: ["column", "table"]),
        KindCase(name: "typed table", sql: """
            CREATE TYPE public.person AS (id int, name text, "Born" date);
            CREATE TABLE public.people OF public.person (id WITH OPTIONS PRIMARY KEY, name WITH OPTIONS NOT NULL DEFAULT 'anon');
            COMMENT ON TABLE public.people IS 'typed';
            """, change: "ALTER TABLE public.people ALTER COLUMN name DROP DEFAULT; CREATE TABLE public.more_people OF public.person;",
            kinds: ["column", "table"]),
        KindCase(name: "foreign table", setup: """
            CREATE EXTENSION IF NOT EXISTS postgres_fdw WITH SCHEMA extensions;
            CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'localhost', dbname 'elsewhere');
            """, sql: """
            CREATE FOREIGN TABLE public."Remote Items" (
              id int NOT NULL, "Name" text OPTIONS (column_name 'name') DEFAULT 'n', qty int CHECK (qty >= 0)
            ) SERVER remote OPTIONS (schema_name 'public', table_name 'items');
            COMMENT ON FOREIGN TABLE public."Remote Items" IS 'remote';
            GRANT SELECT ON public."Remote Items" TO anon;
            """, change: """
            ALTER FOREIGN TABLE public."Remote Items" OPTIONS (SET table_name 'other', ADD fetch_size '10');
            COMMENT ON FOREIGN TABLE public."Remote Items" IS 'changed';
            """, kinds: ["foreign table", "comment"]),
        KindCase(name: "collations", sql: """
            CREATE COLLATION public.nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            CREATE COLLATION public."C Too" (locale = 'C');
            CREATE COLLATION public.split (lc_collate = 'C', lc_ctype = 'POSIX');
            COMMENT ON COLLATION public.nocase IS 'case-insensitive';
            CREATE DOMAIN public.ci AS text COLLATE public.nocase;
            CREATE TABLE public.words (w text COLLATE public.nocase UNIQUE, c public.ci, k text COLLATE public."C Too");
            """, change: "DROP COLLATION public.split; CREATE COLLATION public.split (locale = 'POSIX'); CREATE COLLATION public.extra (locale = 'C');",
            kinds: ["collation"]),
        KindCase(name: "conversions", sql: """
            CREATE CONVERSION public.my_conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
            """, change: "DROP CONVERSION public.my_conv;", kinds: ["conversion"]),
        KindCase(name: "operators", sql: """
            CREATE FUNCTION public.approx_eq(a numeric, b numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT abs(a - b) < 0.01';
            CREATE FUNCTION public.approx_ne(a numeric, b numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT abs(a - b) >= 0.01';
            CREATE OPERATOR public.=~= (FUNCTION = public.approx_eq, LEFTARG = numeric, RIGHTARG = numeric,
              COMMUTATOR = OPERATOR(public.=~=), NEGATOR = OPERATOR(public.!~=), RESTRICT = eqsel, JOIN = eqjoinsel);
            CREATE OPERATOR public.!~= (FUNCTION = public.approx_ne, LEFTARG = numeric, RIGHTARG = numeric, NEGATOR = OPERATOR(public.=~=));
            CREATE FUNCTION public.neg(numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT -$1';
            CREATE OPERATOR public.~~~ (FUNCTION = public.neg, RIGHTARG = numeric);
            COMMENT ON OPERATOR public.=~= (numeric, numeric) IS 'close enough';
            CREATE TABLE public.measures (v numeric CHECK (NOT (v OPERATOR(public.=~=) 0)));
            CREATE VIEW public.close_measures AS SELECT v, OPERATOR(public.~~~) v AS neg FROM public.measures WHERE v OPERATOR(public.=~=) 1.0;
            """, change: "CREATE OPERATOR public.<~> (FUNCTION = public.approx_eq, LEFTARG = numeric, RIGHTARG = numeric);",
            kinds: ["operator"]),
        KindCase(name: "operator classes and families", sql: """
            CREATE FUNCTION public.abs_eq(int, int) RETURNS bool LANGUAGE sql IMMUTABLE STRICT AS 'SELECT abs($1) = abs($2)';
            CREATE FUNCTION public.abs_hash(int) RETURNS int LANGUAGE sql IMMUTABLE STRICT AS 'SELECT hashint4(abs($1))';
            CREATE OPERATOR public.=@ (FUNCTION = public.abs_eq, LEFTARG = int, RIGHTARG = int, COMMUTATOR = OPERATOR(public.=@));
            CREATE OPERATOR CLASS public.abs_hash_ops FOR TYPE int USING hash AS OPERATOR 1 public.=@, FUNCTION 1 public.abs_hash(int);
            CREATE OPERATOR FAMILY public.spare_ops USING btree;
            CREATE TABLE public.nums (n int);
            CREATE INDEX nums_abs ON public.nums USING hash (n public.abs_hash_ops);
            """, change: "DROP OPERATOR FAMILY public.spare_ops USING btree;", kinds: ["operator family"]),
        KindCase(name: "text search", sql: """
            CREATE TEXT SEARCH DICTIONARY public.english_stem_nostop (TEMPLATE = pg_catalog.snowball, language = 'english');
            CREATE TEXT SEARCH CONFIGURATION public.app_search (COPY = pg_catalog.english);
            ALTER TEXT SEARCH CONFIGURATION public.app_search ALTER MAPPING FOR asciiword, word WITH public.english_stem_nostop, pg_catalog.simple;
            ALTER TEXT SEARCH CONFIGURATION public.app_search DROP MAPPING FOR email;
            COMMENT ON TEXT SEARCH CONFIGURATION public.app_search IS 'app';
            CREATE TABLE public.docs (body text,
              tsv tsvector GENERATED ALWAYS AS (to_tsvector('public.app_search'::regconfig, body)) STORED,
              cfg regconfig DEFAULT 'public.app_search');
            CREATE INDEX docs_fts ON public.docs USING gin (to_tsvector('public.app_search'::regconfig, body));
            """, change: """
            ALTER TEXT SEARCH CONFIGURATION public.app_search DROP MAPPING FOR url;
            ALTER TEXT SEARCH CONFIGURATION public.app_search ALTER MAPPING FOR word WITH pg_catalog.simple;
            ALTER TEXT SEARCH CONFIGURATION public.app_search ADD MAPPING FOR email WITH pg_catalog.simple;
            """, kinds: ["text search configuration"]),
        KindCase(name: "statistics objects", sql: """
            CREATE TABLE public.addresses (city text, zip text, state text);
            CREATE STATISTICS public.addr_stats (dependencies, ndistinct) ON city, zip FROM public.addresses;
            CREATE STATISTICS public.addr_expr ON lower(city), state FROM public.addresses;
            ALTER STATISTICS public.addr_stats SET STATISTICS 500;
            COMMENT ON STATISTICS public.addr_expr IS 'expr';
            """, change: "ALTER STATISTICS public.addr_stats SET STATISTICS -1; DROP STATISTICS public.addr_expr;", kinds: ["statistics"]),
        KindCase(name: "ordered-set, hypothetical and moving aggregates", sql: """
            CREATE AGGREGATE public.msum(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0',
              MSFUNC = int4pl, MINVFUNC = int4mi, MSTYPE = int, MINITCOND = '0');
            CREATE AGGREGATE public.my_pct(float8 ORDER BY float8) (SFUNC = ordered_set_transition, STYPE = internal,
              FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA);
            CREATE AGGREGATE public.my_rank(VARIADIC "any" ORDER BY VARIADIC "any") (SFUNC = ordered_set_transition_multi,
              STYPE = internal, FINALFUNC = rank_final, FINALFUNC_EXTRA, HYPOTHETICAL);
            CREATE VIEW public.uses_aggs AS SELECT public.msum(x) OVER (ORDER BY x ROWS 2 PRECEDING) FROM generate_series(1, 3) x;
            """, change: "DROP AGGREGATE public.my_pct(float8 ORDER BY float8);", kinds: ["aggregate"]),
        KindCase(name: "views whose GROUP BY relies on a primary key", sql: """
            CREATE TABLE public.authors (id int PRIMARY KEY, name text);
            CREATE TABLE public.books (id int PRIMARY KEY, author_id int REFERENCES public.authors);
            CREATE VIEW public.author_stats AS SELECT a.id, a.name, count(b.id) AS books
              FROM public.authors a LEFT JOIN public.books b ON b.author_id = a.id GROUP BY a.id;
            COMMENT ON VIEW public.author_stats IS 'per author';
            CREATE VIEW public.top_authors AS SELECT * FROM public.author_stats WHERE books > 1;
            CREATE MATERIALIZED VIEW public.author_names AS SELECT a.id, a.name, count(*) AS n FROM public.authors a GROUP BY a.id;
            CREATE UNIQUE INDEX author_names_id ON public.author_names (id);
            """, change: "DROP VIEW public.top_authors; DROP VIEW public.author_stats; DROP MATERIALIZED VIEW public.author_names;",
            kinds: ["view", "materialized view"]),
        KindCase(name: "CLUSTER ON a key, index column statistics, unpopulated materialized view, database-wide default privileges", sql: """
            ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
            CREATE TABLE public.clustered (id int PRIMARY KEY, v text);
            ALTER TABLE public.clustered CLUSTER ON clustered_pkey;
            CREATE INDEX clustered_lower ON public.clustered (lower(v), id);
            ALTER INDEX public.clustered_lower ALTER COLUMN 1 SET STATISTICS 1000;
            CREATE MATERIALIZED VIEW public.empty_mv AS SELECT 1 AS x WITH NO DATA;
            CREATE FUNCTION public.later() RETURNS int LANGUAGE sql AS 'SELECT 1';
            """, change: """
            ALTER TABLE public.clustered SET WITHOUT CLUSTER;
            ALTER INDEX public.clustered_lower ALTER COLUMN 1 SET STATISTICS -1;
            REFRESH MATERIALIZED VIEW public.empty_mv;
            ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
            """, kinds: ["index", "materialized view", "default privileges"]),
    ]
}

@Suite("Schema object kinds")
struct SchemaKindsTests {
    let cluster = PostgresCluster.shared
    static let schemas = ["public"]

    @Test("each object kind: nuke + clone is pg_dump identical and diffs empty; a change is found and its SQL undoes it",
          arguments: KindFixtures.cases)
    func kind(_ c: KindCase) throws {
        let srcName = try SchemaFixtures.database(cluster, c.setup + "\n" + c.sql)
        // The target has drifted with objects of the other kinds (a collation, an operator, a
        // text-search configuration), which nuke removes.
        let drift = SchemaFixtures.devDrift.split(separator: "\n").filter { !$0.contains("Ünïcode") }.joined(separator: "\n")
        let dstName = try SchemaFixtures.database(cluster, c.setup + "\n" + drift)
        let src = try cluster.connect(srcName), dst = try cluster.connect(dstName)
        try Nuke.plan(dst, schemas: Self.schemas).apply(on: dst)
        let plan = try SchemaCloner.plan(from: src, to: dst, schemas: Self.schemas)
        try dst.execute("BEGIN")
        try plan.apply(on: dst)
        try dst.execute("COMMIT")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
        let clean = try Diff.compare(a: src, b: dst, schemas: Self.schemas)
        #expect(clean.isEmpty, "\(clean.summary)")

        try dst.execute(c.change)
        let diff = try Diff.compare(a: src, b: dst, schemas: Self.schemas)
        for kind in c.kinds {
            #expect(diff.changes.contains { $0.kind == kind }, "expected a \(kind) change in:\n\(diff.summary)")
        }
        try dst.execute("BEGIN")
        try dst.execute(diff.sql)
        try dst.execute("COMMIT")
        let after = try Diff.compare(a: src, b: dst, schemas: Self.schemas)
        #expect(after.isEmpty, "left after the migration:\n\(after.summary)\nmigration:\n\(diff.sql)")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
    }

    @Test("what PostgreSQL 15 gives no way to re-create is refused once, saying why")
    func refusals() throws {
        let srcName = try SchemaFixtures.database(cluster, """
            CREATE TYPE public.intr;
            CREATE FUNCTION public.intr_canon(public.intr) RETURNS public.intr LANGUAGE internal IMMUTABLE STRICT AS 'int4range_canonical';
            CREATE TYPE public.intr AS RANGE (subtype = int4, canonical = public.intr_canon);
            CREATE FUNCTION public.prs_start(internal, int4) RETURNS internal LANGUAGE internal STRICT AS 'prsd_start';
            CREATE FUNCTION public.prs_token(internal, internal, internal) RETURNS internal LANGUAGE internal STRICT AS 'prsd_nexttoken';
            CREATE FUNCTION public.prs_end(internal) RETURNS void LANGUAGE internal STRICT AS 'prsd_end';
            CREATE FUNCTION public.prs_lextype(internal) RETURNS internal LANGUAGE internal STRICT AS 'prsd_lextype';
            CREATE TEXT SEARCH PARSER public.my_parser (START = public.prs_start, GETTOKEN = public.prs_token,
              END = public.prs_end, LEXTYPES = public.prs_lextype);
            """)
        let dstName = try SchemaFixtures.database(cluster)
        do {
            _ = try SchemaCloner.plan(from: try cluster.connect(srcName), to: try cluster.connect(dstName), schemas: Self.schemas)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.userMessage.contains("text search parser public.my_parser (made of C functions"), "\(error.userMessage)")
            #expect(error.userMessage.contains("range type public.intr has a canonical function"), "\(error.userMessage)")
        }
    }

    @Test("a foreign table's server must exist on the target: the clone refuses, naming it")
    func foreignServerMissing() throws {
        let c = KindFixtures.cases.first { $0.name == "foreign table" }!
        let srcName = try SchemaFixtures.database(cluster, c.setup + "\n" + c.sql)
        let dstName = try SchemaFixtures.database(cluster)
        do {
            _ = try SchemaCloner.plan(from: try cluster.connect(srcName), to: try cluster.connect(dstName), schemas: Self.schemas)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.userMessage.contains("foreign server remote does not exist on the target"), "\(error.userMessage)")
        }
    }
}
