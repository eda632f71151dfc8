-- Upstream identity providers (januad as an OpenID Connect / OAuth 2.0 relying party):
-- platform-wide social providers (organization_id NULL) and per-organization enterprise OIDC
-- connections, the users' linked upstream accounts, and the short-lived, single-use login
-- states of the authorization code flow.

CREATE TABLE identity_providers (
    id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id           uuid REFERENCES organizations (id) ON DELETE CASCADE,
    -- The name in URLs: /api/v1/auth/oauth/{slug}/... (platform) or ?connection= (enterprise).
    slug                      text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    display_name              text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    preset                    text NOT NULL,  -- google, github, ..., or oidc (any issuer)
    protocol                  text NOT NULL CHECK (protocol IN ('oidc', 'oauth2')),
    issuer                    text,           -- oidc: discovery at issuer + /.well-known/openid-configuration
    authorization_endpoint    text,           -- oauth2 (and overrides for oidc)
    token_endpoint            text,
    userinfo_endpoint         text,
    emails_endpoint           text,           -- GitHub-style list of addresses with a verified flag
    client_id                 text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 512),
    client_secret_encrypted   text,           -- Fernet under FIELD_ENCRYPTION_KEY; NULL: public client
    scopes                    text[] NOT NULL DEFAULT '{}',
    enabled                   boolean NOT NULL DEFAULT true,
    allowed_domains           text[] NOT NULL DEFAULT '{}',  -- enterprise: email domains it may sign in
    jit_provisioning          boolean NOT NULL DEFAULT true,  -- enterprise: create users and memberships
    default_role              text NOT NULL DEFAULT 'member', -- enterprise: role of a JIT membership
    created_by                uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CHECK (protocol <> 'oidc' OR issuer IS NOT NULL),
    CHECK (protocol <> 'oauth2' OR (authorization_endpoint IS NOT NULL AND token_endpoint IS NOT NULL
                                    AND userinfo_endpoint IS NOT NULL))
);
CREATE UNIQUE INDEX identity_providers_platform_slug_key ON identity_providers (slug) WHERE organization_id IS NULL;
CREATE UNIQUE INDEX identity_providers_org_slug_key ON identity_providers (organization_id, slug)
    WHERE organization_id IS NOT NULL;
CREATE INDEX identity_providers_org_idx ON identity_providers (organization_id, created_at);

-- A user's account at an upstream provider, found by (provider, subject), never by email.
CREATE TABLE user_identities (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    provider_id    uuid NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    subject        text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email          text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_login_at  timestamptz
);
CREATE UNIQUE INDEX user_identities_subject_key ON user_identities (provider_id, subject);
CREATE UNIQUE INDEX user_identities_user_provider_key ON user_identities (user_id, provider_id);
CREATE INDEX user_identities_user_idx ON user_identities (user_id, created_at);

-- One authorization request sent upstream. Only the SHA-256 of `state` is kept; the row is
-- deleted when the callback spends it (single use) and is worthless after expires_at.
CREATE TABLE upstream_login_states (
    state_hash              bytea PRIMARY KEY CHECK (length(state_hash) = 32),
    provider_id             uuid NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    purpose                 text NOT NULL CHECK (purpose IN ('login', 'link')),
    link_user_id            uuid REFERENCES users (id) ON DELETE CASCADE,
    nonce                   text NOT NULL,
    code_verifier_encrypted text NOT NULL,
    redirect_uri            text NOT NULL,
    return_to               text,
    response_mode           text NOT NULL DEFAULT 'json' CHECK (response_mode IN ('json', 'redirect')),
    created_at              timestamptz NOT NULL DEFAULT now(),
    expires_at              timestamptz NOT NULL,
    CHECK (purpose <> 'link' OR link_user_id IS NOT NULL)
);
CREATE INDEX upstream_login_states_expires_idx ON upstream_login_states (expires_at);
