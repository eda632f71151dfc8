-- Core schema: identities, tenancy, sessions and tokens, signing keys, OAuth clients,
-- the audit trail and the job queue. Emails are unique case-insensitively through an
-- index on lower(email), so no extension is needed. Audit rows keep no foreign keys:
-- the trail must outlive the users and organizations it mentions.

CREATE TABLE users (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email                   text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
    username                text CHECK (username IS NULL OR length(username) BETWEEN 1 AND 64),
    password_hash           text,
    password_algorithm      text NOT NULL DEFAULT 'bcrypt'
                            CHECK (password_algorithm IN ('bcrypt', 'pbkdf2-sha1', 'pbkdf2-sha256',
                                                          'pbkdf2-sha512', 'salted-sha1', 'salted-sha256',
                                                          'salted-sha512', 'none')),
    first_name              text,
    last_name               text,
    display_name            text,
    avatar_url              text,
    phone                   text,
    status                  text NOT NULL DEFAULT 'ACTIVE'
                            CHECK (status IN ('ACTIVE', 'INACTIVE', 'SUSPENDED', 'PENDING', 'DELETED')),
    email_verified          boolean NOT NULL DEFAULT false,
    email_verified_at       timestamptz,
    is_platform_admin       boolean NOT NULL DEFAULT false,
    mfa_enabled             boolean NOT NULL DEFAULT false,
    metadata                jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
    locale                  text,
    timezone                text,
    failed_login_attempts   integer NOT NULL DEFAULT 0 CHECK (failed_login_attempts >= 0),
    last_failed_login_at    timestamptz,
    locked_until            timestamptz,
    last_login_at           timestamptz,
    password_changed_at     timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_username_key ON users (lower(username)) WHERE username IS NOT NULL;
CREATE INDEX users_status_idx ON users (status);
CREATE INDEX users_created_idx ON users (created_at, id);

CREATE TABLE organizations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    owner_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
    metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organizations_slug_key ON organizations (slug);
CREATE INDEX organizations_owner_idx ON organizations (owner_id);

-- organization_id NULL: a system role (owner, admin, member, viewer) shared by all organizations.
CREATE TABLE roles (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid REFERENCES organizations (id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    description      text,
    permissions      text[] NOT NULL DEFAULT '{}',
    is_system        boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (is_system = (organization_id IS NULL))
);
CREATE UNIQUE INDEX roles_org_name_key ON roles (organization_id, name) WHERE organization_id IS NOT NULL;
CREATE UNIQUE INDEX roles_system_name_key ON roles (name) WHERE organization_id IS NULL;

INSERT INTO roles (name, description, permissions, is_system) VALUES
    ('owner',  'Full control of the organization, including its deletion', ARRAY['*'], true),
    ('admin',  'Manage members, roles and settings', ARRAY['org:read', 'org:update', 'members:*', 'roles:*',
               'invitations:*', 'users:read', 'api_keys:*', 'sso:*', 'scim:*', 'webhooks:*', 'audit:read',
               'clients:*'], true),
    ('member', 'Use the organization', ARRAY['org:read', 'members:read'], true),
    ('viewer', 'Read-only access', ARRAY['org:read'], true);

CREATE TABLE memberships (
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id          uuid NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);
CREATE INDEX memberships_role_idx ON memberships (role_id);

-- One row per sign-in; its refresh tokens form one rotation family.
CREATE TABLE sessions (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id  uuid REFERENCES organizations (id) ON DELETE SET NULL,
    user_agent       text,
    ip_address       text,
    amr              text[] NOT NULL DEFAULT '{}',
    auth_time        timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_used_at     timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    revoked_at       timestamptz,
    revoked_reason   text
);
CREATE INDEX sessions_user_active_idx ON sessions (user_id, created_at) WHERE revoked_at IS NULL;
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE refresh_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id   uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL CHECK (length(token_hash) = 32),
    parent_id    uuid REFERENCES refresh_tokens (id) ON DELETE SET NULL,
    client_id    text,
    scope        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    revoked_at   timestamptz
);
CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Single-use links sent by email: verification, password reset, magic sign-in.
CREATE TABLE user_tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('email_verification', 'password_reset', 'magic_link')),
    token_hash  bytea NOT NULL CHECK (length(token_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE UNIQUE INDEX user_tokens_hash_key ON user_tokens (token_hash);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, purpose);

-- next (published, not signing) -> active (signing) -> retiring (published until its tokens
-- expire) -> retired. At most one key is active at a time.
CREATE TABLE signing_keys (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kid                    text NOT NULL,
    algorithm              text NOT NULL CHECK (algorithm IN ('RS256', 'ES256', 'EdDSA')),
    state                  text NOT NULL CHECK (state IN ('next', 'active', 'retiring', 'retired')),
    public_jwk             jsonb NOT NULL,
    private_key_encrypted  text NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    activated_at           timestamptz,
    retiring_at            timestamptz,
    retire_after           timestamptz,
    retired_at             timestamptz
);
CREATE UNIQUE INDEX signing_keys_kid_key ON signing_keys (kid);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (state) WHERE state = 'active';
CREATE INDEX signing_keys_state_idx ON signing_keys (state);

CREATE TABLE oauth_clients (
    id                           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id                    text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 128),
    name                         text NOT NULL,
    organization_id              uuid REFERENCES organizations (id) ON DELETE CASCADE,
    is_public                    boolean NOT NULL DEFAULT false,
    secret_hash                  text,
    previous_secret_hash         text,
    previous_secret_expires_at   timestamptz,
    token_endpoint_auth_method   text NOT NULL DEFAULT 'client_secret_basic'
                                 CHECK (token_endpoint_auth_method IN ('client_secret_basic', 'client_secret_post',
                                                                       'none', 'private_key_jwt')),
    redirect_uris                text[] NOT NULL DEFAULT '{}',
    post_logout_redirect_uris    text[] NOT NULL DEFAULT '{}',
    grant_types                  text[] NOT NULL DEFAULT '{authorization_code}',
    response_types               text[] NOT NULL DEFAULT '{code}',
    scopes                       text[] NOT NULL DEFAULT '{openid,profile,email}',
    jwks                         jsonb,
    jwks_uri                     text,
    access_token_ttl_seconds     integer CHECK (access_token_ttl_seconds > 0),
    refresh_token_ttl_seconds    integer CHECK (refresh_token_ttl_seconds > 0),
    require_consent              boolean NOT NULL DEFAULT true,
    enabled                      boolean NOT NULL DEFAULT true,
    created_by                   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at                   timestamptz NOT NULL DEFAULT now(),
    updated_at                   timestamptz NOT NULL DEFAULT now(),
    CHECK (is_public = (token_endpoint_auth_method = 'none'))
);
CREATE UNIQUE INDEX oauth_clients_client_id_key ON oauth_clients (client_id);
CREATE INDEX oauth_clients_org_idx ON oauth_clients (organization_id);

-- Append-only, hash-chained: hash = SHA-256(prev_hash || canonical row).
CREATE TABLE audit_events (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    occurred_at      timestamptz NOT NULL DEFAULT now(),
    actor_type       text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'client', 'system', 'anonymous')),
    actor_id         text,
    organization_id  uuid,
    action           text NOT NULL,
    outcome          text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'failure')),
    target_type      text,
    target_id        text,
    ip_address       text,
    user_agent       text,
    request_id       text,
    details          jsonb NOT NULL DEFAULT '{}'::jsonb,
    prev_hash        bytea,
    hash             bytea
);
CREATE UNIQUE INDEX audit_events_seq_key ON audit_events (seq);
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at, seq);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at);
CREATE INDEX audit_events_org_idx ON audit_events (organization_id, occurred_at);
CREATE INDEX audit_events_action_idx ON audit_events (action, occurred_at);
CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id);

-- Background work shared by every daemon: claimed with FOR UPDATE SKIP LOCKED, retried with
-- backoff, kept after completion for inspection. Outgoing email is a job of kind 'email'.
CREATE TABLE jobs (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind          text NOT NULL,
    payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'dead')),
    attempts      integer NOT NULL DEFAULT 0,
    max_attempts  integer NOT NULL DEFAULT 10 CHECK (max_attempts > 0),
    run_at        timestamptz NOT NULL DEFAULT now(),
    locked_by     text,
    locked_until  timestamptz,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status = 'pending';
CREATE INDEX jobs_running_idx ON jobs (locked_until) WHERE status = 'running';
CREATE INDEX jobs_kind_idx ON jobs (kind, created_at);

-- Platform-wide key/value settings (maintenance mode and the like), changed at run time.
CREATE TABLE system_settings (
    key         text PRIMARY KEY,
    value       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
