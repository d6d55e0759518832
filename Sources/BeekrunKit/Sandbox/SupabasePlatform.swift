/// The platform side of a Supabase database, as a fresh hosted project has it before the team
/// adds anything: the `auth` schema (GoTrue), the `storage` schema (Storage API), and the
/// small schemas webhooks, cron and vault live in.
///
/// Written by us from the shapes that Supabase's published migrations produce, not copied
/// from them. Followed:
/// - supabase/auth `migrations/` up to `20250101111726_add_web3_nonce_table` (tables, enums,
///   partial unique indexes, the SSO/SAML tables of 20221021 as later migrations left them,
///   `enable_rls_update_grants` of 20240612: RLS on every auth table,
///   SELECT … WITH GRANT OPTION to postgres) and the comments GoTrue writes ("Auth: …"),
///   all owned by `supabase_auth_admin`;
/// - supabase/storage `migrations/tenant/` from `0002-storage-schema` through the bucket and
///   object columns of 0007 (public), 0011 (avif), 0012/0014 (limits, bytes), 0017 (owner_id),
///   0021/0022 (S3 multipart), 0025 (user_metadata), 0037 (bucket name length) and 0038
///   (bucket type), owned by `supabase_storage_admin`;
/// - supabase_functions.http_request (database webhooks), net.http_post (pg_net), cron.job
///   (pg_cron) and vault.secrets: only their shape, since the extensions are not installable
///   in every test cluster. They record nothing and call nobody.
///
/// What beekrun decides from this baseline (see README, "Supabase platform schemas"): every
/// object here is the platform's; only what a project adds on top is the team's.
public enum SupabasePlatform {
    /// Cluster-wide platform roles beyond the API roles of `SampleProject.roles`.
    public static let roles = """
        DO $$ BEGIN CREATE ROLE supabase_admin NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
        DO $$ BEGIN CREATE ROLE supabase_storage_admin NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
        DO $$ BEGIN CREATE ROLE supabase_functions_admin NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
        DO $$ BEGIN CREATE ROLE dashboard_user NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
        DO $$ BEGIN CREATE ROLE authenticator NOLOGIN NOINHERIT; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
        """

    /// The `auth` schema as GoTrue's migrations leave it.
    public static let auth = """
        CREATE SCHEMA auth AUTHORIZATION supabase_auth_admin;
        GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
        GRANT ALL ON SCHEMA auth TO supabase_auth_admin, dashboard_user, postgres;
        CREATE TYPE auth.aal_level AS ENUM ('aal1', 'aal2', 'aal3');
        CREATE TYPE auth.factor_type AS ENUM ('totp', 'webauthn', 'phone');
        CREATE TYPE auth.factor_status AS ENUM ('unverified', 'verified');
        CREATE TYPE auth.code_challenge_method AS ENUM ('s256', 'plain');
        CREATE TYPE auth.one_time_token_type AS ENUM ('confirmation_token', 'reauthentication_token', 'recovery_token',
          'email_change_token_new', 'email_change_token_current', 'phone_change_token');

        CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
          AS $$ select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid $$;
        CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE
          AS $$ select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text $$;
        CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE
          AS $$ select coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
                                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text $$;
        CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE
          AS $$ select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                                nullif(current_setting('request.jwt.claims', true), ''))::jsonb $$;
        COMMENT ON FUNCTION auth.uid() IS 'Deprecated. Use auth.jwt() -> ''sub'' instead.';

        CREATE TABLE auth.instances (id uuid PRIMARY KEY, uuid uuid, raw_base_config text,
          created_at timestamptz, updated_at timestamptz);
        CREATE TABLE auth.schema_migrations (version varchar(255) PRIMARY KEY);
        CREATE TABLE auth.audit_log_entries (instance_id uuid, id uuid PRIMARY KEY, payload json, created_at timestamptz,
          ip_address varchar(64) NOT NULL DEFAULT '');
        CREATE INDEX audit_logs_instance_id_idx ON auth.audit_log_entries (instance_id);
        CREATE TABLE auth.users (
          instance_id uuid, id uuid PRIMARY KEY, aud varchar(255), role varchar(255), email varchar(255),
          encrypted_password varchar(255), email_confirmed_at timestamptz, invited_at timestamptz,
          confirmation_token varchar(255), confirmation_sent_at timestamptz, recovery_token varchar(255),
          recovery_sent_at timestamptz, email_change_token_new varchar(255), email_change varchar(255),
          email_change_sent_at timestamptz, last_sign_in_at timestamptz, raw_app_meta_data jsonb,
          raw_user_meta_data jsonb, is_super_admin boolean, created_at timestamptz, updated_at timestamptz,
          phone text UNIQUE DEFAULT NULL, phone_confirmed_at timestamptz, phone_change text DEFAULT '',
          phone_change_token varchar(255) DEFAULT '', phone_change_sent_at timestamptz,
          confirmed_at timestamptz GENERATED ALWAYS AS (LEAST(email_confirmed_at, phone_confirmed_at)) STORED,
          email_change_token_current varchar(255) DEFAULT '', email_change_confirm_status smallint DEFAULT 0
            CHECK (email_change_confirm_status >= 0 AND email_change_confirm_status <= 2),
          banned_until timestamptz, reauthentication_token varchar(255) DEFAULT '', reauthentication_sent_at timestamptz,
          is_sso_user boolean NOT NULL DEFAULT false, deleted_at timestamptz, is_anonymous boolean NOT NULL DEFAULT false
        );
        COMMENT ON TABLE auth.users IS 'Auth: Stores user login data within a secure schema.';
        COMMENT ON COLUMN auth.users.is_sso_user IS 'Auth: Set this column to true when the account comes from SSO. These accounts can have duplicate emails.';
        CREATE UNIQUE INDEX users_email_partial_key ON auth.users (email) WHERE is_sso_user = false;
        CREATE UNIQUE INDEX confirmation_token_idx ON auth.users (confirmation_token) WHERE confirmation_token !~ '^[0-9 ]*$';
        CREATE UNIQUE INDEX recovery_token_idx ON auth.users (recovery_token) WHERE recovery_token !~ '^[0-9 ]*$';
        CREATE UNIQUE INDEX email_change_token_new_idx ON auth.users (email_change_token_new) WHERE email_change_token_new !~ '^[0-9 ]*$';
        CREATE UNIQUE INDEX email_change_token_current_idx ON auth.users (email_change_token_current) WHERE email_change_token_current !~ '^[0-9 ]*$';
        CREATE UNIQUE INDEX reauthentication_token_idx ON auth.users (reauthentication_token) WHERE reauthentication_token !~ '^[0-9 ]*$';
        CREATE INDEX users_instance_id_idx ON auth.users (instance_id);
        CREATE INDEX users_is_anonymous_idx ON auth.users (is_anonymous);
        CREATE TABLE auth.identities (
          provider_id text NOT NULL, user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
          identity_data jsonb NOT NULL, provider text NOT NULL, last_sign_in_at timestamptz,
          created_at timestamptz, updated_at timestamptz,
          email text GENERATED ALWAYS AS (lower(identity_data ->> 'email')) STORED,
          id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
          CONSTRAINT identities_provider_id_provider_unique UNIQUE (provider_id, provider)
        );
        CREATE INDEX identities_user_id_idx ON auth.identities (user_id);
        CREATE INDEX identities_email_idx ON auth.identities (email text_pattern_ops);
        CREATE TABLE auth.sessions (
          id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
          created_at timestamptz, updated_at timestamptz, factor_id uuid, aal auth.aal_level,
          not_after timestamptz, refreshed_at timestamp, user_agent text, ip inet, tag text
        );
        CREATE INDEX sessions_user_id_idx ON auth.sessions (user_id);
        CREATE TABLE auth.refresh_tokens (
          instance_id uuid, id bigserial PRIMARY KEY, token varchar(255) UNIQUE, user_id varchar(255),
          revoked boolean, created_at timestamptz, updated_at timestamptz, parent varchar(255),
          session_id uuid REFERENCES auth.sessions (id) ON DELETE CASCADE
        );
        CREATE INDEX refresh_tokens_instance_id_user_id_idx ON auth.refresh_tokens (instance_id, user_id);
        CREATE INDEX refresh_tokens_parent_idx ON auth.refresh_tokens (parent);
        CREATE TABLE auth.mfa_factors (
          id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
          friendly_name text, factor_type auth.factor_type NOT NULL, status auth.factor_status NOT NULL,
          created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, secret text, phone text,
          last_challenged_at timestamptz UNIQUE, web_authn_credential jsonb, web_authn_aaguid uuid
        );
        CREATE UNIQUE INDEX mfa_factors_user_friendly_name_unique ON auth.mfa_factors (friendly_name, user_id)
          WHERE trim(friendly_name) <> '';
        CREATE TABLE auth.mfa_challenges (
          id uuid PRIMARY KEY, factor_id uuid NOT NULL REFERENCES auth.mfa_factors (id) ON DELETE CASCADE,
          created_at timestamptz NOT NULL, verified_at timestamptz, ip_address inet NOT NULL, otp_code text,
          web_authn_session_data jsonb
        );
        CREATE TABLE auth.mfa_amr_claims (
          session_id uuid NOT NULL REFERENCES auth.sessions (id) ON DELETE CASCADE,
          created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, authentication_method text NOT NULL,
          id uuid NOT NULL CONSTRAINT amr_id_pk PRIMARY KEY,
          CONSTRAINT mfa_amr_claims_session_id_authentication_method_pkey UNIQUE (session_id, authentication_method)
        );
        CREATE TABLE auth.one_time_tokens (
          id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
          token_type auth.one_time_token_type NOT NULL, token_hash text NOT NULL CHECK (char_length(token_hash) > 0),
          relates_to text NOT NULL, created_at timestamp NOT NULL DEFAULT now(), updated_at timestamp NOT NULL DEFAULT now()
        );
        CREATE INDEX one_time_tokens_token_hash_hash_idx ON auth.one_time_tokens USING hash (token_hash);
        CREATE INDEX one_time_tokens_relates_to_hash_idx ON auth.one_time_tokens USING hash (relates_to);
        CREATE UNIQUE INDEX one_time_tokens_user_id_token_type_key ON auth.one_time_tokens (user_id, token_type);
        CREATE TABLE auth.flow_state (
          id uuid PRIMARY KEY, user_id uuid, auth_code text NOT NULL, code_challenge_method auth.code_challenge_method NOT NULL,
          code_challenge text NOT NULL, provider_type text NOT NULL, provider_access_token text, provider_refresh_token text,
          created_at timestamptz, updated_at timestamptz, authentication_method text NOT NULL, auth_code_issued_at timestamptz
        );
        CREATE INDEX idx_auth_code ON auth.flow_state (auth_code);
        CREATE TABLE auth.sso_providers (
          id uuid PRIMARY KEY, resource_id text, created_at timestamptz, updated_at timestamptz,
          CONSTRAINT "resource_id not empty" CHECK (resource_id = null OR char_length(resource_id) > 0)
        );
        CREATE UNIQUE INDEX sso_providers_resource_id_idx ON auth.sso_providers (lower(resource_id));
        CREATE TABLE auth.sso_domains (
          id uuid PRIMARY KEY, sso_provider_id uuid NOT NULL REFERENCES auth.sso_providers (id) ON DELETE CASCADE,
          domain text NOT NULL, created_at timestamptz, updated_at timestamptz,
          CONSTRAINT "domain not empty" CHECK (char_length(domain) > 0)
        );
        CREATE INDEX sso_domains_sso_provider_id_idx ON auth.sso_domains (sso_provider_id);
        CREATE UNIQUE INDEX sso_domains_domain_idx ON auth.sso_domains (lower(domain));
        CREATE TABLE auth.saml_providers (
          id uuid PRIMARY KEY, sso_provider_id uuid NOT NULL REFERENCES auth.sso_providers (id) ON DELETE CASCADE,
          entity_id text NOT NULL UNIQUE, metadata_xml text NOT NULL, metadata_url text, attribute_mapping jsonb,
          created_at timestamptz, updated_at timestamptz, name_id_format text,
          CONSTRAINT "metadata_xml not empty" CHECK (char_length(metadata_xml) > 0),
          CONSTRAINT "metadata_url not empty" CHECK (metadata_url = null OR char_length(metadata_url) > 0),
          CONSTRAINT "entity_id not empty" CHECK (char_length(entity_id) > 0)
        );
        CREATE INDEX saml_providers_sso_provider_id_idx ON auth.saml_providers (sso_provider_id);
        CREATE TABLE auth.saml_relay_states (
          id uuid PRIMARY KEY, sso_provider_id uuid NOT NULL REFERENCES auth.sso_providers (id) ON DELETE CASCADE,
          request_id text NOT NULL, for_email text, redirect_to text, created_at timestamptz, updated_at timestamptz,
          flow_state_id uuid DEFAULT NULL REFERENCES auth.flow_state (id) ON DELETE CASCADE,
          CONSTRAINT "request_id not empty" CHECK (char_length(request_id) > 0)
        );
        CREATE INDEX saml_relay_states_sso_provider_id_idx ON auth.saml_relay_states (sso_provider_id);
        CREATE INDEX saml_relay_states_for_email_idx ON auth.saml_relay_states (for_email);
        COMMENT ON TABLE auth.sso_providers IS 'Auth: Manages SSO identity provider information; see saml_providers for SAML.';
        COMMENT ON COLUMN auth.sso_providers.resource_id IS 'Auth: Uniquely identifies a SSO provider according to a user-chosen resource ID (case insensitive), useful in infrastructure as code.';
        COMMENT ON TABLE auth.sso_domains IS 'Auth: Manages SSO email address domain mapping to an SSO Identity Provider.';
        COMMENT ON TABLE auth.saml_providers IS 'Auth: Manages SAML Identity Provider connections.';
        COMMENT ON TABLE auth.saml_relay_states IS 'Auth: Contains SAML Relay State information for each Service Provider initiated login.';

        COMMENT ON TABLE auth.refresh_tokens IS 'Auth: Store of tokens used to refresh JWT tokens once they expire.';
        COMMENT ON TABLE auth.instances IS 'Auth: Manages users across multiple sites.';
        COMMENT ON TABLE auth.audit_log_entries IS 'Auth: Audit trail for user actions.';
        COMMENT ON TABLE auth.schema_migrations IS 'Auth: Manages updates to the auth system.';
        COMMENT ON TABLE auth.identities IS 'Auth: Stores identities associated to a user.';
        COMMENT ON TABLE auth.sessions IS 'Auth: Stores session data associated to a user.';
        COMMENT ON TABLE auth.mfa_factors IS 'auth: stores metadata about factors';
        COMMENT ON TABLE auth.mfa_challenges IS 'auth: stores metadata about challenge requests made';
        COMMENT ON TABLE auth.mfa_amr_claims IS 'auth: stores authenticator method reference claims for multi factor authentication';
        COMMENT ON TABLE auth.flow_state IS 'stores metadata for pkce logins';
        COMMENT ON COLUMN auth.sessions.not_after IS 'Auth: Not after is a nullable column that contains a timestamp after which the session should be regarded as expired.';
        COMMENT ON COLUMN auth.identities.email IS 'Auth: Email is a generated column that references the optional email property in the identity_data';
        COMMENT ON INDEX auth.users_email_partial_key IS 'Auth: A partial unique index that applies only when is_sso_user is false';
        COMMENT ON INDEX auth.identities_email_idx IS 'Auth: Ensures indexed queries on the email column';
        COMMENT ON FUNCTION auth.role() IS 'Deprecated. Use auth.jwt() -> ''role'' instead.';
        COMMENT ON FUNCTION auth.email() IS 'Deprecated. Use auth.jwt() -> ''email'' instead.';

        DO $$ DECLARE t record; BEGIN
          FOR t IN SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'auth'::regnamespace AND c.relkind = 'r' LOOP
            EXECUTE format('ALTER TABLE auth.%I OWNER TO supabase_auth_admin', t.relname);
            EXECUTE format('ALTER TABLE auth.%I ENABLE ROW LEVEL SECURITY', t.relname);
            EXECUTE format('GRANT ALL ON auth.%I TO dashboard_user', t.relname);
            EXECUTE format('GRANT SELECT ON auth.%I TO postgres WITH GRANT OPTION', t.relname);
          END LOOP;
        END $$;
        -- postgres reads and writes the rows a login needs (SUPABASE.md: clone_auth relies on it).
        GRANT INSERT, UPDATE, DELETE ON auth.users, auth.identities, auth.mfa_factors, auth.sessions TO postgres;
        ALTER SEQUENCE auth.refresh_tokens_id_seq OWNER TO supabase_auth_admin;
        ALTER TYPE auth.aal_level OWNER TO supabase_auth_admin;
        ALTER TYPE auth.factor_type OWNER TO supabase_auth_admin;
        ALTER TYPE auth.factor_status OWNER TO supabase_auth_admin;
        ALTER TYPE auth.code_challenge_method OWNER TO supabase_auth_admin;
        ALTER TYPE auth.one_time_token_type OWNER TO supabase_auth_admin;
        ALTER FUNCTION auth.uid() OWNER TO supabase_auth_admin;
        ALTER FUNCTION auth.role() OWNER TO supabase_auth_admin;
        ALTER FUNCTION auth.email() OWNER TO supabase_auth_admin;
        ALTER FUNCTION auth.jwt() OWNER TO supabase_auth_admin;
        GRANT EXECUTE ON FUNCTION auth.uid(), auth.role(), auth.email(), auth.jwt() TO dashboard_user;
        """

    /// The `storage` schema as the Storage API's tenant migrations leave it.
    public static let storage = """
        CREATE SCHEMA storage AUTHORIZATION supabase_admin;
        GRANT USAGE ON SCHEMA storage TO postgres, anon, authenticated, service_role;
        GRANT ALL ON SCHEMA storage TO supabase_storage_admin;
        ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA storage
          GRANT ALL ON TABLES TO postgres, anon, authenticated, service_role;
        ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA storage
          GRANT ALL ON FUNCTIONS TO postgres, anon, authenticated, service_role;
        ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA storage
          GRANT ALL ON SEQUENCES TO postgres, anon, authenticated, service_role;
        CREATE TYPE storage.buckettype AS ENUM ('STANDARD', 'ANALYTICS');

        CREATE TABLE storage.migrations (
          id integer PRIMARY KEY, name varchar(100) UNIQUE NOT NULL, hash varchar(40) NOT NULL,
          executed_at timestamp DEFAULT current_timestamp
        );
        CREATE TABLE storage.buckets (
          id text NOT NULL PRIMARY KEY, name text NOT NULL, owner uuid,
          created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(),
          public boolean DEFAULT false, avif_autodetection boolean DEFAULT false,
          file_size_limit bigint, allowed_mime_types text[], owner_id text,
          type storage.buckettype NOT NULL DEFAULT 'STANDARD'
        );
        COMMENT ON COLUMN storage.buckets.owner IS 'Field is deprecated, use owner_id instead';
        CREATE UNIQUE INDEX bname ON storage.buckets USING btree (name);
        CREATE TABLE storage.objects (
          id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY, bucket_id text, name text, owner uuid,
          created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(),
          last_accessed_at timestamptz DEFAULT now(), metadata jsonb,
          path_tokens text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
          version text, owner_id text, user_metadata jsonb,
          CONSTRAINT "objects_bucketId_fkey" FOREIGN KEY (bucket_id) REFERENCES storage.buckets (id)
        );
        COMMENT ON COLUMN storage.objects.owner IS 'Field is deprecated, use owner_id instead';
        CREATE UNIQUE INDEX bucketid_objname ON storage.objects USING btree (bucket_id, name);
        CREATE INDEX name_prefix_search ON storage.objects (name text_pattern_ops);
        CREATE TABLE storage.s3_multipart_uploads (
          id text PRIMARY KEY, in_progress_size bigint NOT NULL DEFAULT 0, upload_signature text NOT NULL,
          bucket_id text NOT NULL REFERENCES storage.buckets (id), key text COLLATE "C" NOT NULL,
          version text NOT NULL, owner_id text, created_at timestamptz NOT NULL DEFAULT now(), user_metadata jsonb
        );
        CREATE INDEX idx_multipart_uploads_list ON storage.s3_multipart_uploads (bucket_id, key, created_at);
        CREATE TABLE storage.s3_multipart_uploads_parts (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          upload_id text NOT NULL REFERENCES storage.s3_multipart_uploads (id) ON DELETE CASCADE,
          size bigint NOT NULL DEFAULT 0, part_number integer NOT NULL,
          bucket_id text NOT NULL REFERENCES storage.buckets (id), key text COLLATE "C" NOT NULL,
          etag text NOT NULL, owner_id text, version text NOT NULL, created_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE plpgsql AS $$
          DECLARE _parts text[];
          BEGIN
            SELECT string_to_array(name, '/') INTO _parts;
            RETURN _parts[1:array_length(_parts, 1) - 1];
          END $$;
        CREATE FUNCTION storage.filename(name text) RETURNS text LANGUAGE plpgsql AS $$
          DECLARE _parts text[];
          BEGIN
            SELECT string_to_array(name, '/') INTO _parts;
            RETURN _parts[array_length(_parts, 1)];
          END $$;
        CREATE FUNCTION storage.extension(name text) RETURNS text LANGUAGE plpgsql AS $$
          DECLARE _parts text[]; _filename text;
          BEGIN
            SELECT string_to_array(name, '/') INTO _parts;
            SELECT _parts[array_length(_parts, 1)] INTO _filename;
            RETURN reverse(split_part(reverse(_filename), '.', 1));
          END $$;
        CREATE FUNCTION storage.get_size_by_bucket() RETURNS TABLE (size bigint, bucket_id text) LANGUAGE plpgsql STABLE AS $$
          BEGIN
            RETURN QUERY SELECT sum((metadata ->> 'size')::bigint)::bigint, o.bucket_id FROM storage.objects o GROUP BY o.bucket_id;
          END $$;
        CREATE FUNCTION storage.update_updated_at_column() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            NEW.updated_at = now();
            RETURN NEW;
          END $$;
        CREATE FUNCTION storage.enforce_bucket_name_length() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF length(NEW.name) > 100 THEN
              RAISE EXCEPTION 'bucket name "%" is too long (% characters). Max is 100.', NEW.name, length(NEW.name);
            END IF;
            RETURN NEW;
          END $$;
        CREATE TRIGGER update_objects_updated_at BEFORE UPDATE ON storage.objects
          FOR EACH ROW EXECUTE FUNCTION storage.update_updated_at_column();
        CREATE TRIGGER enforce_bucket_name_length_trigger BEFORE INSERT OR UPDATE OF name ON storage.buckets
          FOR EACH ROW EXECUTE FUNCTION storage.enforce_bucket_name_length();

        ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
        ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY;
        ALTER TABLE storage.migrations ENABLE ROW LEVEL SECURITY;
        ALTER TABLE storage.s3_multipart_uploads ENABLE ROW LEVEL SECURITY;
        ALTER TABLE storage.s3_multipart_uploads_parts ENABLE ROW LEVEL SECURITY;
        DO $$ DECLARE t record; BEGIN
          FOR t IN SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'storage'::regnamespace AND c.relkind = 'r' LOOP
            EXECUTE format('ALTER TABLE storage.%I OWNER TO supabase_storage_admin', t.relname);
            EXECUTE format('GRANT ALL ON storage.%I TO postgres WITH GRANT OPTION', t.relname);
          END LOOP;
          FOR t IN SELECT p.oid::regprocedure AS f FROM pg_proc p WHERE p.pronamespace = 'storage'::regnamespace LOOP
            EXECUTE format('ALTER FUNCTION %s OWNER TO supabase_storage_admin', t.f);
          END LOOP;
        END $$;
        ALTER TYPE storage.buckettype OWNER TO supabase_storage_admin;
        GRANT ALL ON storage.objects, storage.buckets TO anon, authenticated, service_role;
        GRANT ALL ON storage.s3_multipart_uploads, storage.s3_multipart_uploads_parts TO service_role;
        GRANT SELECT ON storage.s3_multipart_uploads, storage.s3_multipart_uploads_parts TO authenticated, anon;
        """

    /// Where webhooks, scheduled jobs and secrets live. `supabase_functions.http_request` and
    /// `net.http_post` have the real signatures and do nothing here.
    public static let outboundAndJobs = """
        CREATE SCHEMA supabase_functions AUTHORIZATION supabase_admin;
        GRANT USAGE ON SCHEMA supabase_functions TO postgres, anon, authenticated, service_role;
        CREATE FUNCTION supabase_functions.http_request() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
          SET search_path = supabase_functions AS $$
          BEGIN
            -- The platform's version posts NEW/OLD as JSON to TG_ARGV[0] through net.http_post.
            RETURN NEW;
          END $$;
        ALTER FUNCTION supabase_functions.http_request() OWNER TO supabase_functions_admin;
        CREATE SCHEMA net AUTHORIZATION supabase_admin;
        GRANT USAGE ON SCHEMA net TO postgres, anon, authenticated, service_role;
        CREATE FUNCTION net.http_post(url text, body jsonb DEFAULT '{}', params jsonb DEFAULT '{}',
                                      headers jsonb DEFAULT '{"Content-Type": "application/json"}',
                                      timeout_milliseconds integer DEFAULT 5000) RETURNS bigint
          LANGUAGE sql AS $$ select 0::bigint $$;
        ALTER FUNCTION net.http_post(text, jsonb, jsonb, jsonb, integer) OWNER TO supabase_admin;
        CREATE SCHEMA cron AUTHORIZATION supabase_admin;
        GRANT USAGE ON SCHEMA cron TO postgres;
        CREATE TABLE cron.job (
          jobid bigserial PRIMARY KEY, schedule text NOT NULL, command text NOT NULL,
          nodename text NOT NULL DEFAULT 'localhost', nodeport integer NOT NULL DEFAULT 5432,
          database text NOT NULL DEFAULT current_database(), username text NOT NULL DEFAULT current_user,
          active boolean NOT NULL DEFAULT true, jobname text, UNIQUE (jobname, username)
        );
        ALTER TABLE cron.job OWNER TO supabase_admin;
        GRANT ALL ON cron.job TO postgres;
        GRANT ALL ON SEQUENCE cron.job_jobid_seq TO postgres;
        CREATE SCHEMA vault AUTHORIZATION supabase_admin;
        GRANT USAGE ON SCHEMA vault TO postgres;
        CREATE TABLE vault.secrets (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text UNIQUE, description text NOT NULL DEFAULT '',
          secret text NOT NULL, key_id uuid, nonce bytea, created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        );
        ALTER TABLE vault.secrets OWNER TO supabase_admin;
        GRANT SELECT, INSERT, DELETE ON vault.secrets TO postgres;
        """

    /// Everything above, in order.
    public static var all: String { auth + "\n" + storage + "\n" + outboundAndJobs }
}
