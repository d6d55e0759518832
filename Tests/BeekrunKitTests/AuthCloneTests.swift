import BeekrunKit
import Foundation
import Testing
import TestSupport

/// A Supabase-like auth schema: the parts of GoTrue's tables that decide what a copy must
/// get right (partial email key, generated columns, '' vs NULL tokens, cascades, a
/// handle_new_user trigger on auth.users).
private func authSchema(extraUserColumn: String) -> String {
    """
    create schema auth;
    create table auth.users (
        instance_id uuid, id uuid primary key, aud varchar(255), role varchar(255), email varchar(255),
        encrypted_password varchar(255), email_confirmed_at timestamptz,
        confirmation_token varchar(255), recovery_token varchar(255), email_change_token_new varchar(255),
        raw_app_meta_data jsonb, raw_user_meta_data jsonb, created_at timestamptz, updated_at timestamptz,
        phone text unique default null, phone_confirmed_at timestamptz, phone_change text default '',
        confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
        is_sso_user boolean not null default false,
        \(extraUserColumn)
    );
    create unique index users_email_partial_key on auth.users (email) where is_sso_user = false;
    create unique index confirmation_token_idx on auth.users (confirmation_token) where confirmation_token !~ '^[0-9 ]*$';
    create table auth.identities (
        provider_id text not null, user_id uuid not null references auth.users (id) on delete cascade,
        identity_data jsonb not null, provider text not null, created_at timestamptz,
        email text generated always as (lower(identity_data ->> 'email')) stored,
        id uuid not null default gen_random_uuid() primary key,
        unique (provider_id, provider)
    );
    create table auth.mfa_factors (
        id uuid primary key, user_id uuid not null references auth.users on delete cascade,
        friendly_name text, factor_type text, status text, secret text
    );
    create table auth.sessions (id uuid primary key, user_id uuid not null references auth.users on delete cascade);
    create table public.profiles (id uuid primary key references auth.users on delete cascade, email text);
    create table public.trigger_log (what text);
    create function public.handle_new_user() returns trigger language plpgsql security definer as $$
    begin insert into public.profiles (id, email) values (new.id, new.email); return new; end $$;
    create trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user();
    create function public.log_identity() returns trigger language plpgsql as $$
    begin insert into public.trigger_log values ('identity ' || new.provider_id); return new; end $$;
    create trigger identity_logged after insert on auth.identities for each row execute function public.log_identity();
    alter table auth.identities enable always trigger identity_logged;
    """
}

private func uid(_ n: Int) -> String { String(format: "00000000-0000-0000-0000-%012d", n) }

private let sourceUsers = """
    insert into auth.users (id, email, phone, is_sso_user, confirmation_token, recovery_token, email_change_token_new,
                            encrypted_password, email_confirmed_at, raw_user_meta_data, src_only) values
      ('\(uid(1))', 'a@x.io', '111', false, '', null, '', '$2a$10$hash1', '2024-01-01 10:00:00+00', '{"name": "A"}', 's'),
      ('\(uid(2))', 'b@x.io', null, false, 'tok2', '', null, '$2a$10$hash2', null, null, 's'),
      ('\(uid(3))', 'shared@x.io', null, true, '', '', '', null, '2024-02-02 00:00:00+00', '{}', 's');
    insert into auth.identities (provider_id, user_id, identity_data, provider) values
      ('\(uid(1))', '\(uid(1))', '{"email": "A@X.io"}', 'email'),
      ('g-2', '\(uid(2))', '{"email": "b@x.io"}', 'google'),
      ('sso-3', '\(uid(3))', '{}', 'sso:acme');
    insert into auth.mfa_factors values ('\(uid(900))', '\(uid(2))', 'phone', 'totp', 'verified', 'secret');
    insert into auth.sessions values ('\(uid(800))', '\(uid(1))');
    """

/// Target users: four conflict (id, email, phone, identity), three must stay.
private let targetUsers = """
    insert into auth.users (id, email, phone, is_sso_user, confirmation_token) values
      ('\(uid(1))', 'old-a@x.io', null, false, 'd1'),
      ('\(uid(12))', 'b@x.io', null, false, 'd2'),
      ('\(uid(13))', 'c@x.io', '111', false, 'd3'),
      ('\(uid(14))', 'd@x.io', null, false, 'd4'),
      ('\(uid(15))', 'keep@x.io', '555', false, 'd5'),
      ('\(uid(16))', 'b@x.io', null, true, 'd6'),
      ('\(uid(17))', 'shared@x.io', null, false, 'd7');
    insert into auth.identities (provider_id, user_id, identity_data, provider) values
      ('g-2', '\(uid(14))', '{}', 'google'),
      ('keep', '\(uid(15))', '{"email": "keep@x.io"}', 'email');
    insert into auth.sessions values ('\(uid(801))', '\(uid(1))'), ('\(uid(802))', '\(uid(15))');
    """

@Suite("clone_auth")
struct AuthCloneTests {
    let cluster = PostgresCluster.shared

    func databases() throws -> (PGConnection, PGConnection) {
        let src = try cluster.connect(try cluster.createDatabase("authsrc"))
        let dst = try cluster.connect(try cluster.createDatabase("authdst"))
        // The two sides run different GoTrue versions: each has a column the other lacks.
        try src.execute(authSchema(extraUserColumn: "src_only text"))
        try dst.execute(authSchema(extraUserColumn: "dst_only text default 'dst default'"))
        try src.execute(sourceUsers)
        try dst.execute(targetUsers)
        try src.execute("truncate public.trigger_log")
        try dst.execute("truncate public.trigger_log")
        return (src, dst)
    }

    @Test("conflicting target users are replaced, target-only users stay, no auth trigger fires")
    func conflictsAndTriggers() throws {
        let (src, dst) = try databases()
        #expect(try dst.scalar("select count(*) from public.profiles") == "7") // the trigger works normally

        let plan = try AuthCloner.plan(from: src, to: dst)
        #expect(plan.counts == AuthCloneCounts(deletedUsers: 4, users: 3, identities: 3, factors: 1))
        #expect(try dst.scalar("select count(*) from auth.users") == "7") // the plan wrote nothing

        // The plan is the work: running it copies what it found, reading nothing twice.
        let counts = try plan.run()
        plan.close()
        #expect(counts == plan.counts)
        #expect(!dst.inTransaction && !src.inTransaction)

        let ids = try dst.query("select id::text from auth.users order by id").rows.map { $0[0]! }
        #expect(ids == [uid(1), uid(2), uid(3), uid(15), uid(16), uid(17)])
        // id 1 is the source's user now, not the old target one.
        #expect(try dst.scalar("select email from auth.users where id = $1", [uid(1)]) == "a@x.io")
        // Cascades ran for the deleted users (sessions, profiles, identities) …
        #expect(try dst.query("select id::text from auth.sessions order by 1").rows.map { $0[0]! } == [uid(802)])
        // … and no trigger fired for the copied ones: profiles only for the users that stayed.
        #expect(try dst.query("select id::text from public.profiles order by 1").rows.map { $0[0]! } == [uid(15), uid(16), uid(17)])
        #expect(try dst.scalar("select count(*) from public.trigger_log") == "0")
        // Triggers are back in their own modes afterwards.
        #expect(try dst.scalar("select tgenabled::text from pg_trigger where tgname = 'identity_logged'") == "A")
        #expect(try dst.scalar("select tgenabled::text from pg_trigger where tgname = 'on_auth_user_created'") == "O")
        #expect(try dst.scalar("select current_setting('session_replication_role')") == "origin")

        // '' and NULL in token columns stay apart; generated columns are computed by the target.
        let u1 = try dst.query("select confirmation_token, recovery_token, email_change_token_new, confirmed_at::text, dst_only, encrypted_password from auth.users where id = $1", [uid(1)])
        #expect(u1.value(0, 0) == "")
        #expect(u1.value(0, 1) == nil)
        #expect(u1.value(0, 2) == "")
        #expect(u1.value(0, 3) == "2024-01-01 10:00:00+00")
        #expect(u1.value(0, 4) == "dst default")
        #expect(u1.value(0, 5) == "$2a$10$hash1")
        let u2 = try dst.query("select recovery_token, email_change_token_new from auth.users where id = $1", [uid(2)])
        #expect(u2.value(0, 0) == "")
        #expect(u2.value(0, 1) == nil)
        #expect(try dst.scalar("select email from auth.identities where provider_id = $1", [uid(1)]) == "a@x.io")
        #expect(try dst.scalar("select count(*) from auth.identities") == "4")
        #expect(try dst.scalar("select user_id::text from auth.mfa_factors") == uid(2))

        // The trigger works again for a real sign-up.
        try dst.execute("insert into auth.users (id, email) values ('\(uid(99))', 'new@x.io')")
        #expect(try dst.scalar("select count(*) from public.profiles where id = $1", [uid(99)]) == "1")
    }

    @Test("running it again replaces the copied users with themselves")
    func idempotent() throws {
        let (src, dst) = try databases()
        _ = try AuthCloner.run(from: src, to: dst)
        let again = try AuthCloner.run(from: src, to: dst)
        #expect(again == AuthCloneCounts(deletedUsers: 3, users: 3, identities: 3, factors: 1))
        #expect(try dst.scalar("select count(*) from auth.users") == "6")
    }

    @Test("without replica mode, the owner's triggers on auth tables are disabled for the copy and put back")
    func ownerWithoutReplica() throws {
        let role = "beek_auth_\(UInt16.random(in: 0...UInt16.max))"
        var conns: [PGConnection] = []
        for prefix in ["authsrc", "authdst"] {
            let name = try cluster.createDatabase(prefix)
            let admin = try cluster.connect(name)
            try admin.execute("""
                do $$ begin if not exists (select from pg_roles where rolname = '\(role)') then create role \(role) login; end if; end $$;
                grant create on database \(SQL.quoteIdent(name)) to \(role); grant create on schema public to \(role);
                """)
            conns.append(try PGConnection(ConnectionString(cluster.url(name, user: role))))
        }
        let (src, dst) = (conns[0], conns[1])
        try src.execute(authSchema(extraUserColumn: "src_only text"))
        try dst.execute(authSchema(extraUserColumn: "dst_only text"))
        try src.execute(sourceUsers)
        try dst.execute(targetUsers)
        try dst.execute("truncate public.trigger_log")
        let counts = try AuthCloner.run(from: src, to: dst)
        #expect(counts == AuthCloneCounts(deletedUsers: 4, users: 3, identities: 3, factors: 1))
        #expect(try dst.scalar("select count(*) from public.profiles") == "3")
        #expect(try dst.scalar("select count(*) from public.trigger_log") == "0")
        #expect(try dst.scalar("select tgenabled::text from pg_trigger where tgname = 'identity_logged'") == "A")
        #expect(try dst.scalar("select tgenabled::text from pg_trigger where tgname = 'on_auth_user_created'") == "O")
    }

    @Test("inside the caller's transaction it joins it and a rollback undoes it")
    func callerTransaction() throws {
        let (src, dst) = try databases()
        try dst.execute("BEGIN")
        _ = try AuthCloner.run(from: src, to: dst)
        #expect(dst.inTransaction)
        #expect(try dst.scalar("select current_setting('session_replication_role')") == "origin")
        try dst.execute("ROLLBACK")
        #expect(try dst.scalar("select count(*) from auth.users") == "7")
    }
}
