-- SAML 2.0 service provider (core/saml): one connection per organization, the requests we sent
-- (InResponseTo), assertion IDs already consumed (replay), the IdP subjects we know, and the
-- SAML details of each januad session that single logout needs.
-- RBAC: sso:read / sso:write are already held by the seeded owner ('*') and admin ('sso:*') roles.

CREATE TABLE saml_connections (
    organization_id   uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    enabled           boolean NOT NULL DEFAULT true,
    idp_entity_id     text NOT NULL CHECK (length(idp_entity_id) BETWEEN 1 AND 1024),
    idp_sso_url       text NOT NULL,
    idp_slo_url       text,
    idp_certificates  text[] NOT NULL CHECK (cardinality(idp_certificates) BETWEEN 1 AND 10),
    metadata_url      text,
    -- Attribute mapping, allowed domains, flags and the clock skew (core/saml/connection.hpp).
    settings          jsonb NOT NULL DEFAULT '{}',
    -- Our signing key for AuthnRequests and LogoutRequests: the private part is a Fernet token
    -- under FIELD_ENCRYPTION_KEY.
    sp_private_key    text NOT NULL,
    sp_certificate    text NOT NULL,
    created_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saml_connections_idp_idx ON saml_connections (idp_entity_id);

-- AuthnRequests and LogoutRequests we sent, until answered or expired.
CREATE TABLE saml_requests (
    id               text PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('authn', 'logout')),
    relay_state      text NOT NULL,
    return_to        text,
    session_id       uuid,
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    consumed_at      timestamptz
);
CREATE INDEX saml_requests_expires_idx ON saml_requests (expires_at);

-- Assertion IDs already used, kept until the assertion itself expires.
CREATE TABLE saml_consumed_assertions (
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    assertion_id     text NOT NULL,
    expires_at       timestamptz NOT NULL,
    PRIMARY KEY (organization_id, assertion_id)
);
CREATE INDEX saml_consumed_assertions_expires_idx ON saml_consumed_assertions (expires_at);

-- Which user an IdP subject (NameID) of an organization is.
CREATE TABLE saml_identities (
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name_id          text NOT NULL,
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_login_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, name_id)
);
CREATE INDEX saml_identities_user_idx ON saml_identities (user_id);

-- The SAML side of a januad session, for single logout.
CREATE TABLE saml_sessions (
    session_id       uuid PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name_id          text NOT NULL,
    name_id_format   text NOT NULL DEFAULT '',
    session_index    text NOT NULL DEFAULT ''
);
CREATE INDEX saml_sessions_subject_idx ON saml_sessions (organization_id, name_id);
