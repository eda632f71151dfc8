-- SCIM 2.0 provisioning (RFC 7643/7644), one organization at a time.
--
-- scim_tokens: per-organization bearer tokens ("jsc_" + 256 random bits); only the SHA-256 of
-- the secret is kept. A token authenticates /scim/v2/* only, and only for its organization.
CREATE TABLE scim_tokens (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    prefix           text NOT NULL,
    token_hash       bytea NOT NULL CHECK (length(token_hash) = 32),
    created_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    last_used_at     timestamptz,
    revoked_at       timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX scim_tokens_hash_key ON scim_tokens (token_hash);
CREATE INDEX scim_tokens_org_idx ON scim_tokens (organization_id, created_at);

-- What the identity provider provisioned into an organization: the SCIM view of a member.
-- A row outlives the membership while the user is deactivated (active:false removes the
-- membership but keeps this row, so the IdP still sees the user and can reactivate it).
-- role_id: the role held before a deactivation, given back when the IdP reactivates the user.
CREATE TABLE scim_users (
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    external_id      text CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 512),
    active           boolean NOT NULL DEFAULT true,
    attributes       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(attributes) = 'object'),
    role_id          uuid REFERENCES roles (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, user_id)
);
CREATE UNIQUE INDEX scim_users_external_key ON scim_users (organization_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX scim_users_user_idx ON scim_users (user_id);

-- SCIM changes are audited with their own actor type.
ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS audit_events_actor_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_type_check
    CHECK (actor_type IN ('user', 'api_key', 'client', 'system', 'anonymous', 'scim_token'));
