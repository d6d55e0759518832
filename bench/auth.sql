-- The Supabase auth tables that sync.lua's clone_auth copies, shaped like GoTrue's (the
-- columns clone_auth reads), for bench/run.sh. Applied to prod and to every fresh dev.
\set ON_ERROR_STOP on
create schema auth;
create table auth.users (
    id uuid primary key, email varchar(255), phone text unique, encrypted_password varchar(255),
    raw_user_meta_data jsonb, created_at timestamptz, is_sso_user boolean not null default false);
create unique index users_email_partial_key on auth.users (email) where is_sso_user = false;
create table auth.identities (
    provider_id text not null, user_id uuid not null references auth.users (id) on delete cascade,
    identity_data jsonb not null, provider text not null, created_at timestamptz,
    id uuid not null default gen_random_uuid() primary key, unique (provider_id, provider));
