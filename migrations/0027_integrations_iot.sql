-- Integrations and IoT devices (issue 14, item 8).
--
-- 1. A platform social provider may keep the upstream access and refresh tokens of the accounts
--    linked through it (store_tokens, off by default: least privilege), so the user and the
--    applications they consent to can call the upstream API (GET /api/v1/integrations/...).
--    Tokens are Fernet under FIELD_ENCRYPTION_KEY; a row goes with its linked account (unlink,
--    user deletion and GDPR erasure cascade).
ALTER TABLE identity_providers ADD COLUMN store_tokens boolean NOT NULL DEFAULT false;

CREATE TABLE upstream_tokens (
    identity_id              uuid PRIMARY KEY REFERENCES user_identities (id) ON DELETE CASCADE,
    user_id                  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    access_token_encrypted   text NOT NULL,
    refresh_token_encrypted  text,
    token_type               text NOT NULL DEFAULT 'Bearer' CHECK (length(token_type) BETWEEN 1 AND 40),
    scopes                   text[] NOT NULL DEFAULT '{}',
    expires_at               timestamptz,  -- NULL: the upstream did not say
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    last_used_at             timestamptz
);
CREATE INDEX upstream_tokens_user_idx ON upstream_tokens (user_id);

-- 2. IoT devices: each is an organization's OAuth confidential client (oauth_clients, the one
--    client store) limited to client_credentials. Deleting the client deletes the device.
CREATE TABLE iot_devices (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    client_pk        uuid NOT NULL UNIQUE REFERENCES oauth_clients (id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX iot_devices_org_idx ON iot_devices (organization_id, created_at, id);

-- Organization admins manage their organization's devices.
UPDATE roles SET permissions = array_append(permissions, 'iot:*')
    WHERE is_system AND name = 'admin' AND NOT ('iot:*' = ANY (permissions));
