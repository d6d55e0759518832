/// A small Supabase-shaped project for `beekrun --sandbox` (and the end-to-end tests): the
/// platform roles, Supabase's `auth` and `storage` schemas (`SupabasePlatform`), and a beekeeping app in `public`
/// with RLS, a security-invoker view, an enum, identity columns, a realtime publication and
/// the classic `on_auth_user_created` trigger on `auth.users`. Prod also has storage buckets and
/// policies, a database webhook, a cron job and a vault secret. `dev` has drifted from `prod`.
public enum SampleProject {
    /// Cluster-wide roles, as a hosted project has them.
    public static let roles = """
        DO $$ BEGIN CREATE ROLE anon NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
        DO $$ BEGIN CREATE ROLE authenticated NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
        DO $$ BEGIN CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
        DO $$ BEGIN CREATE ROLE supabase_auth_admin NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
        \(SupabasePlatform.roles)
        """

    /// What both databases share before they drift: the platform schemas, then the app.
    public static let base = """
        CREATE EXTENSION IF NOT EXISTS pgcrypto;
        \(SupabasePlatform.all)

        GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
        CREATE PUBLICATION supabase_realtime;

        CREATE TYPE public.plan AS ENUM ('free', 'pro', 'team');
        CREATE TABLE public.profiles (
          id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
          username text UNIQUE CHECK (char_length(username) >= 3),
          full_name text,
          plan public.plan NOT NULL DEFAULT 'free',
          updated_at timestamptz NOT NULL DEFAULT now()
        );
        COMMENT ON TABLE public.profiles IS 'One row per user, created by on_auth_user_created.';
        ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
        CREATE POLICY "Profiles are viewable by everyone" ON public.profiles FOR SELECT USING (true);
        CREATE POLICY "Users update their own profile" ON public.profiles FOR UPDATE TO authenticated
          USING ((select auth.uid()) = id) WITH CHECK ((select auth.uid()) = id);

        CREATE TABLE public.hives (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          owner uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
          name text NOT NULL,
          "Location" point,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        ALTER TABLE public.hives ENABLE ROW LEVEL SECURITY;
        CREATE POLICY "Owners manage their hives" ON public.hives TO authenticated
          USING ((select auth.uid()) = owner);
        CREATE TABLE public.inspections (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          hive_id bigint NOT NULL REFERENCES public.hives (id) ON DELETE CASCADE,
          inspected_at timestamptz NOT NULL,
          notes text,
          frames smallint CHECK (frames BETWEEN 0 AND 20),
          queen_seen boolean
        );
        CREATE INDEX inspections_hive_idx ON public.inspections (hive_id, inspected_at DESC);
        ALTER PUBLICATION supabase_realtime ADD TABLE public.inspections;
        CREATE VIEW public.hive_summary WITH (security_invoker = true) AS
          SELECT h.id, h.name, count(i.id) AS inspections, max(i.inspected_at) AS last_inspected
          FROM public.hives h LEFT JOIN public.inspections i ON i.hive_id = h.id GROUP BY h.id, h.name;

        CREATE FUNCTION public.handle_new_user() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
          AS $$
          BEGIN
            INSERT INTO public.profiles (id, full_name) VALUES (new.id, new.raw_user_meta_data ->> 'full_name');
            RETURN new;
          END;
          $$;
        CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users
          FOR EACH ROW EXECUTE FUNCTION public.handle_new_user();
        """

    /// Production's users and data. The trigger creates each user's profile.
    public static let prodData = """
        INSERT INTO auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, confirmation_token,
                                recovery_token, email_change_token_new, email_change, raw_user_meta_data, created_at, updated_at, phone)
        VALUES
          ('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', 'ada@example.com',
           crypt('correct horse', gen_salt('bf', 4)), now(), '', '', '', '', '{"full_name": "Ada Apis"}', now(), now(), NULL),
          ('22222222-2222-2222-2222-222222222222', 'authenticated', 'authenticated', 'bo@example.com',
           crypt('battery staple', gen_salt('bf', 4)), now(), '', '', '', '', '{"full_name": "Bo Bombus"}', now(), now(), '15550001'),
          ('33333333-3333-3333-3333-333333333333', 'authenticated', 'authenticated', 'cy@example.com',
           NULL, NULL, 'pending-token', NULL, NULL, NULL, '{"full_name": "Cy Melipona"}', now(), now(), NULL);
        INSERT INTO auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
        SELECT id::text, id, jsonb_build_object('sub', id::text, 'email', email), 'email', now(), now() FROM auth.users;
        UPDATE public.profiles SET username = lower(split_part(full_name, ' ', 1)), plan = 'pro'
          WHERE id = '11111111-1111-1111-1111-111111111111';
        INSERT INTO public.hives (owner, name, "Location")
        SELECT p.id, 'Hive ' || g, point(g, g * 2) FROM public.profiles p, generate_series(1, 4) g;
        INSERT INTO public.inspections (hive_id, inspected_at, notes, frames, queen_seen)
        SELECT h.id, timestamptz '2026-04-01 09:00+00' + g * interval '3 days',
               CASE WHEN g % 5 = 0 THEN NULL ELSE 'calm colony, ' || g || E' frames\\tof brood' END, g % 21, g % 2 = 0
        FROM public.hives h, generate_series(1, 25) g;

        -- Storage: two buckets, their files' metadata rows, and the usual pair of policies.
        INSERT INTO storage.buckets (id, name, public, file_size_limit, allowed_mime_types) VALUES
          ('avatars', 'avatars', true, 1048576, '{image/png,image/jpeg}'),
          ('hive photos', 'hive photos', false, 52428800, NULL);
        INSERT INTO storage.objects (bucket_id, name, owner, owner_id, metadata)
        SELECT 'avatars', p.id || '/avatar.png', p.id, p.id::text, '{"size": 20480, "mimetype": "image/png"}'
        FROM public.profiles p;
        INSERT INTO storage.objects (bucket_id, name, metadata)
        VALUES ('hive photos', 'hive-1/spring.jpg', '{"size": 2097152, "mimetype": "image/jpeg"}');
        CREATE POLICY "Avatar images are publicly accessible" ON storage.objects FOR SELECT USING (bucket_id = 'avatars');
        CREATE POLICY "Anyone can upload their own avatar" ON storage.objects FOR INSERT TO authenticated
          WITH CHECK (bucket_id = 'avatars' AND (select auth.uid())::text = (storage.foldername(name))[1]);

        -- A database webhook, as the dashboard creates it: new hives are posted to an Edge Function.
        CREATE TRIGGER "notify new hive" AFTER INSERT ON public.hives FOR EACH ROW
          EXECUTE FUNCTION supabase_functions.http_request(
            'https://prod-ref.supabase.co/functions/v1/new-hive', 'POST', '{"Content-Type":"application/json"}', '{}', '1000');

        -- Production's own: a nightly job and a secret, never copied to dev.
        INSERT INTO cron.job (schedule, command, jobname)
          VALUES ('0 3 * * *', $job$delete from public.inspections where inspected_at < now() - interval '2 years'$job$, 'nightly-cleanup');
        INSERT INTO vault.secrets (name, secret) VALUES ('edge_function_key', 'prod-secret-not-for-dev');
        """

    /// Development has drifted: a column and a table that production lacks, a dev-only user,
    /// and a user whose email conflicts with a production user's.
    public static let devDrift = """
        ALTER TABLE public.hives ADD COLUMN color text;
        CREATE TABLE public.harvests (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          hive_id bigint NOT NULL REFERENCES public.hives (id),
          kilograms numeric(6, 2) NOT NULL
        );
        INSERT INTO auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
        VALUES ('99999999-9999-9999-9999-999999999999', 'authenticated', 'authenticated', 'dev-only@example.com',
                '{"full_name": "Dev Tester"}', now(), now()),
               ('aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', 'authenticated', 'authenticated', 'ada@example.com',
                '{"full_name": "Old Ada"}', now(), now());
        INSERT INTO public.hives (owner, name, color) VALUES ('99999999-9999-9999-9999-999999999999', 'Test hive', 'yellow');

        -- Dev's storage drifted too: avatars is private here, a scratch bucket and a dev-only
        -- policy exist, and a dev file's metadata row (the file is in dev's storage).
        INSERT INTO storage.buckets (id, name, public) VALUES ('avatars', 'avatars', false), ('scratch', 'scratch', false);
        INSERT INTO storage.objects (bucket_id, name, metadata)
        VALUES ('avatars', '99999999-9999-9999-9999-999999999999/avatar.png', '{"size": 1024}');
        CREATE POLICY "Dev: anything goes" ON storage.objects USING (true);
        INSERT INTO cron.job (schedule, command, jobname) VALUES ('*/5 * * * *', 'select 1', 'nightly-cleanup');
        """
}
