-- Organizations get invitations and API keys. Both disappear with their organization
-- (ON DELETE CASCADE), as roles and memberships already do.

CREATE TABLE invitations (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email            text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
    role_id          uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    token_hash       bytea NOT NULL CHECK (length(token_hash) = 32),
    invited_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'revoked')),
    expires_at       timestamptz NOT NULL,
    accepted_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    accepted_at      timestamptz,
    revoked_at       timestamptz,
    sent_count       integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX invitations_token_key ON invitations (token_hash);
-- One open invitation per address and organization: a second one is a resend.
CREATE UNIQUE INDEX invitations_pending_key ON invitations (organization_id, lower(email)) WHERE status = 'pending';
CREATE INDEX invitations_org_idx ON invitations (organization_id, created_at);

-- `jk_` keys: only the SHA-256 of the secret is kept. During a rotation's grace period the
-- previous secret's digest still authenticates. user_id is the creator (NULL only for
-- platform-admin keys minted with `janua apikey create --platform-admin`).
CREATE TABLE api_keys (
    id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                      text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    prefix                    text NOT NULL,
    key_hash                  bytea NOT NULL CHECK (length(key_hash) = 32),
    previous_key_hash         bytea CHECK (previous_key_hash IS NULL OR length(previous_key_hash) = 32),
    previous_key_expires_at   timestamptz,
    user_id                   uuid REFERENCES users (id) ON DELETE CASCADE,
    organization_id           uuid REFERENCES organizations (id) ON DELETE CASCADE,
    permissions               text[] NOT NULL DEFAULT '{}',
    is_platform_admin         boolean NOT NULL DEFAULT false,
    expires_at                timestamptz,
    last_used_at              timestamptz,
    revoked_at                timestamptz,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CHECK (is_platform_admin OR user_id IS NOT NULL)
);
CREATE UNIQUE INDEX api_keys_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_previous_hash_idx ON api_keys (previous_key_hash) WHERE previous_key_hash IS NOT NULL;
CREATE INDEX api_keys_user_idx ON api_keys (user_id, created_at);
CREATE INDEX api_keys_org_idx ON api_keys (organization_id);
