/// What a fresh Supabase project has on its `auth` and `storage` tables before the team adds
/// anything, where the catalogs alone cannot tell: the comments. A grant carries its grantor
/// and grantee, a trigger its function's owner; a comment carries neither, so the platform's
/// are known by their text, as Supabase's published migrations write them (supabase/auth
/// `migrations/`, supabase/storage `migrations/tenant/`). Any other comment there is the team's.
enum PlatformBaseline {
    /// Comments the platform's migrations set, by object: `auth.users` for a table,
    /// `auth.users.is_sso_user` for a column (unquoted names, as the migrations spell them).
    /// Where a later migration rewrote a comment, both texts are the platform's.
    static let comments: [String: [String]] = [
        "auth.users": ["Auth: Stores user login data within a secure schema."],
        "auth.refresh_tokens": ["Auth: Store of tokens used to refresh JWT tokens once they expire."],
        "auth.instances": ["Auth: Manages users across multiple sites."],
        "auth.audit_log_entries": ["Auth: Audit trail for user actions."],
        "auth.schema_migrations": ["Auth: Manages updates to the auth system."],
        "auth.identities": ["Auth: Stores identities associated to a user."],
        "auth.sessions": ["Auth: Stores session data associated to a user."],
        "auth.mfa_factors": ["auth: stores metadata about factors"],
        "auth.mfa_challenges": ["auth: stores metadata about challenge requests made"],
        "auth.mfa_amr_claims": ["auth: stores authenticator method reference claims for multi factor authentication"],
        "auth.sso_providers": ["Auth: Manages SSO identity provider information; see saml_providers for SAML."],
        "auth.sso_domains": ["Auth: Manages SSO email address domain mapping to an SSO Identity Provider."],
        "auth.saml_providers": ["Auth: Manages SAML Identity Provider connections."],
        "auth.saml_relay_states": ["Auth: Contains SAML Relay State information for each Service Provider initiated login."],
        "auth.sso_sessions": ["Auth: A session initiated by an SSO Identity Provider"],
        "auth.flow_state": ["stores metadata for pkce logins", "Stores metadata for all OAuth/SSO login flows"],
        "auth.oauth_client_states": ["Stores OAuth states for third-party provider authentication flows where Supabase acts as the OAuth client."],
        "auth.users.is_sso_user": ["Auth: Set this column to true when the account comes from SSO. These accounts can have duplicate emails."],
        "auth.identities.email": ["Auth: Email is a generated column that references the optional email property in the identity_data"],
        "auth.sessions.not_after": ["Auth: Not after is a nullable column that contains a timestamp after which the session should be regarded as expired."],
        "auth.sso_providers.resource_id": ["Auth: Uniquely identifies a SSO provider according to a user-chosen resource ID (case insensitive), useful in infrastructure as code."],
        "auth.sessions.refresh_token_hmac_key": ["Holds a HMAC-SHA256 key used to sign refresh tokens for this session."],
        "auth.sessions.refresh_token_counter": ["Holds the ID (counter) of the last issued refresh token."],
        "auth.mfa_factors.last_webauthn_challenge_data": ["Stores the latest WebAuthn challenge data including attestation/assertion for customer verification"],
        "storage.objects.owner": ["Field is deprecated, use owner_id instead"],
        "storage.buckets.owner": ["Field is deprecated, use owner_id instead"],
    ]

    /// Whether `text` is the platform's comment on `object` (`auth.users`, `auth.users.email`).
    static func isPlatformComment(_ text: String, on object: String) -> Bool {
        comments[object]?.contains(text) ?? false
    }

    /// The comment the platform leaves on `object`, what a nuke puts back (the newest text).
    static func platformComment(on object: String) -> String? { comments[object]?.last }

    /// Roles the platform grants privileges to on its own tables: the API roles, the
    /// dashboard, and `postgres` (SELECT … WITH GRANT OPTION on auth tables, ALL … WITH GRANT
    /// OPTION on storage.objects and storage.buckets). A grant to any other role, or to PUBLIC,
    /// is the team's whoever granted it.
    static let platformGrantees: Set<String> = Set(TeamPlatformObjects.platformRoles).union([
        "postgres", "anon", "authenticated", "service_role", "authenticator", "dashboard_user", "pgbouncer",
        "supabase_replication_admin", "supabase_read_only_user", "supabase_etl_admin",
    ])
}
