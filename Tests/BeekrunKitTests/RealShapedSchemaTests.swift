import BeekrunKit
import Foundation
import Testing
import TestSupport

/// Our own SQL with the constructs of real application schemas we measured against (Rails
/// `structure.sql` files, a GitLab-derived schema, a Supabase app built on basejump): not their
/// files, the same kinds of objects.
enum RealShapedFixtures {
    static let app = #"""
        -- Rails: extensions installed into public, bigint ids from OWNED BY sequences, keys added after
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
        CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
        -- Supabase apps lock functions down database-wide and per schema
        ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM anon, authenticated;
        CREATE TYPE public.post_status AS ENUM ('draft', 'published');
        CREATE TABLE public.schema_migrations (version character varying NOT NULL);
        ALTER TABLE ONLY public.schema_migrations ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);
        CREATE TABLE public.ar_internal_metadata (key character varying NOT NULL, value character varying,
          created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
        ALTER TABLE ONLY public.ar_internal_metadata ADD CONSTRAINT ar_internal_metadata_pkey PRIMARY KEY (key);
        CREATE TABLE public.users (id bigint NOT NULL, name character varying, email character varying, created_at timestamp without time zone);
        CREATE SEQUENCE public.users_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
        ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;
        ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);
        ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
        ALTER TABLE public.users CLUSTER ON users_pkey;
        CREATE INDEX index_users_on_name_trgm ON public.users USING gin (name public.gin_trgm_ops);
        CREATE UNIQUE INDEX index_users_on_lower_email ON public.users USING btree (lower((email)::text));
        ALTER INDEX public.index_users_on_lower_email ALTER COLUMN 1 SET STATISTICS 500;
        -- rows sharded by table inheritance, a trigger routing inserts
        CREATE TABLE public.favorites (id integer NOT NULL, user_id integer, post_id integer);
        CREATE SEQUENCE public.favorites_id_seq AS integer;
        ALTER SEQUENCE public.favorites_id_seq OWNED BY public.favorites.id;
        ALTER TABLE ONLY public.favorites ALTER COLUMN id SET DEFAULT nextval('public.favorites_id_seq'::regclass);
        CREATE TABLE public.favorites_0 (CONSTRAINT favorites_0_user_id_check CHECK (((user_id % 3) = 0))) INHERITS (public.favorites);
        CREATE TABLE public.favorites_1 (CONSTRAINT favorites_1_user_id_check CHECK (((user_id % 3) = 1))) INHERITS (public.favorites);
        CREATE TABLE public.favorites_2 (CONSTRAINT favorites_2_user_id_check CHECK (((user_id % 3) = 2))) INHERITS (public.favorites);
        CREATE INDEX index_favorites_0_on_user_id ON public.favorites_0 USING btree (user_id);
        CREATE INDEX index_favorites_1_on_user_id ON public.favorites_1 USING btree (user_id);
        CREATE FUNCTION public.favorites_insert_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN EXECUTE format('INSERT INTO public.favorites_%s VALUES ($1.*)', new.user_id % 3) USING new; RETURN NULL; END $$;
        CREATE TRIGGER insert_favorites_trigger BEFORE INSERT ON public.favorites FOR EACH ROW EXECUTE FUNCTION public.favorites_insert_trigger();
        -- a text-search configuration of the app's own, kept up to date by the built-in trigger
        CREATE TEXT SEARCH CONFIGURATION public.tags (PARSER = pg_catalog."default");
        ALTER TEXT SEARCH CONFIGURATION public.tags ADD MAPPING FOR asciiword, word WITH simple;
        CREATE TABLE public.posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES public.users, status public.post_status DEFAULT 'draft',
          title text, tag_index tsvector, period tstzrange, EXCLUDE USING gist (user_id WITH =, period WITH &&));
        CREATE INDEX index_posts_on_tag_index ON public.posts USING gin (tag_index);
        CREATE TRIGGER trigger_posts_on_tag_index_update BEFORE INSERT OR UPDATE ON public.posts
          FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger('tag_index', 'public.tags', 'title');
        CREATE STATISTICS public.posts_user_status (dependencies) ON user_id, status FROM public.posts;
        -- GitLab-style list partitioning with indexes attached partition by partition
        CREATE TABLE public.events (id bigint NOT NULL, target_type text NOT NULL, created_at timestamp with time zone NOT NULL)
          PARTITION BY LIST (target_type);
        CREATE TABLE public.events_issue PARTITION OF public.events FOR VALUES IN ('Issue');
        CREATE TABLE public.events_mr PARTITION OF public.events FOR VALUES IN ('MergeRequest');
        ALTER TABLE ONLY public.events ADD CONSTRAINT events_pkey PRIMARY KEY (id, target_type);
        CREATE INDEX index_events_on_created_at ON ONLY public.events USING btree (created_at);
        CREATE INDEX events_issue_created_at_idx ON public.events_issue USING btree (created_at);
        ALTER INDEX public.index_events_on_created_at ATTACH PARTITION public.events_issue_created_at_idx;
        -- reporting views: one relying on the primary key for its GROUP BY, one not filled yet
        CREATE VIEW public.user_post_counts AS SELECT u.id, u.name, count(p.id) AS posts
          FROM public.users u LEFT JOIN public.posts p ON p.user_id = u.id GROUP BY u.id;
        CREATE MATERIALIZED VIEW public.daily_posts AS SELECT date_trunc('day', now()) AS day, count(*) AS n FROM public.posts WITH NO DATA;
        -- a job queue's unlogged lock table
        CREATE UNLOGGED TABLE public.que_lockers (pid integer NOT NULL, worker_count integer NOT NULL, listening boolean NOT NULL,
          CONSTRAINT valid_worker_count CHECK ((worker_count >= 0)));
        ALTER TABLE ONLY public.que_lockers ADD CONSTRAINT que_lockers_pkey PRIMARY KEY (pid);
        -- Supabase (basejump-style): an app schema with policies over auth.uid() and definer functions
        CREATE SCHEMA basejump;
        GRANT USAGE ON SCHEMA basejump TO authenticated, service_role;
        CREATE TYPE basejump.account_role AS ENUM ('owner', 'member');
        CREATE TABLE basejump.accounts (id uuid DEFAULT gen_random_uuid() PRIMARY KEY, primary_owner_user_id uuid NOT NULL REFERENCES auth.users,
          name text, slug text UNIQUE, personal_account boolean DEFAULT false NOT NULL);
        CREATE TABLE basejump.account_user (user_id uuid NOT NULL REFERENCES auth.users ON DELETE CASCADE,
          account_id uuid NOT NULL REFERENCES basejump.accounts ON DELETE CASCADE, account_role basejump.account_role NOT NULL,
          PRIMARY KEY (user_id, account_id));
        CREATE FUNCTION basejump.has_role_on_account(account_id uuid, account_role basejump.account_role DEFAULT NULL)
          RETURNS boolean LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
          SELECT EXISTS (SELECT 1 FROM basejump.account_user wu WHERE wu.user_id = auth.uid() AND wu.account_id = has_role_on_account.account_id
            AND (wu.account_role = has_role_on_account.account_role OR has_role_on_account.account_role IS NULL)) $$;
        GRANT EXECUTE ON FUNCTION basejump.has_role_on_account(uuid, basejump.account_role) TO authenticated;
        ALTER TABLE basejump.accounts ENABLE ROW LEVEL SECURITY;
        CREATE POLICY "Accounts are viewable by members" ON basejump.accounts FOR SELECT TO authenticated
          USING (basejump.has_role_on_account(id) = true);
        GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE basejump.accounts TO authenticated, service_role;
        CREATE FUNCTION basejump.run_new_user_setup() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
          BEGIN INSERT INTO basejump.accounts (primary_owner_user_id, personal_account) VALUES (new.id, true); RETURN new; END $$;
        CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION basejump.run_new_user_setup();
        """#
}

@Suite("Real-shaped schemas")
struct RealShapedSchemaTests {
    let cluster = PostgresCluster.shared
    static let schemas = ["public", "basejump"]

    @Test("a schema with the constructs of the real ones we measured clones pg_dump identical, over a drifted target, and diffs empty")
    func cloneRealShaped() throws {
        let srcName = try SchemaFixtures.database(cluster, RealShapedFixtures.app)
        let drift = SchemaFixtures.devDrift.split(separator: "\n").filter { !$0.contains("Ünïcode") }.joined(separator: "\n")
        let dstName = try SchemaFixtures.database(cluster, drift)
        let src = try cluster.connect(srcName), dst = try cluster.connect(dstName)
        let plan = try SchemaCloner.plan(from: src, to: dst, schemas: Self.schemas)
        // The key-dependent view is a placeholder before data, replaced after the keys.
        let placeholder = plan.statements.firstIndex { $0.sql.hasPrefix("CREATE VIEW public.user_post_counts AS\n SELECT NULL::bigint AS id") }
        let replaced = plan.statements.firstIndex { $0.sql.hasPrefix("CREATE OR REPLACE VIEW public.user_post_counts") }
        let key = plan.statements.firstIndex { $0.sql.contains("ADD CONSTRAINT users_pkey PRIMARY KEY") }
        #expect(placeholder != nil && key != nil && replaced != nil && placeholder! < key! && key! < replaced!)
        try dst.execute("BEGIN")
        try plan.apply(on: dst)
        try dst.execute("COMMIT")
        try SchemaFixtures.expectSameDump(cluster, srcName, dstName)
        let diff = try Diff.compare(a: src, b: dst, schemas: Self.schemas)
        #expect(diff.isEmpty, "\(diff.summary)")
    }
}
