-- OAuth extensions: device authorization (RFC 8628), pushed authorization requests (RFC 9126),
-- DPoP (RFC 9449) and dynamic client registration (RFC 7591/7592).

-- RFC 9126 5: a client may be required to push its authorization requests.
ALTER TABLE oauth_clients ADD COLUMN require_pushed_authorization_requests boolean NOT NULL DEFAULT false;

-- RFC 8628: one row per device authorization. Both codes are stored hashed; the user code is
-- normalised (upper case, no separator) before hashing so the page can find it.
CREATE TABLE device_authorizations (
    device_code_hash    bytea PRIMARY KEY CHECK (length(device_code_hash) = 32),
    user_code_hash      bytea NOT NULL CHECK (length(user_code_hash) = 32),
    client_id           text NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE ON UPDATE CASCADE,
    scope               text NOT NULL,
    status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'redeemed')),
    user_id             uuid REFERENCES users (id) ON DELETE CASCADE,
    auth_time           timestamptz,
    amr                 text[] NOT NULL DEFAULT '{}',
    interval_seconds    integer NOT NULL CHECK (interval_seconds > 0),
    last_polled_at      timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    expires_at          timestamptz NOT NULL,
    decided_at          timestamptz
);
CREATE UNIQUE INDEX device_authorizations_user_code_key ON device_authorizations (user_code_hash);
CREATE INDEX device_authorizations_expires_idx ON device_authorizations (expires_at);

-- RFC 9126: a pushed authorization request, usable once until it expires.
CREATE TABLE pushed_authorization_requests (
    request_id   text PRIMARY KEY CHECK (length(request_id) BETWEEN 20 AND 128),
    client_id    text NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE ON UPDATE CASCADE,
    params       jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);
CREATE INDEX pushed_authorization_requests_expires_idx ON pushed_authorization_requests (expires_at);

-- RFC 9449 11.1: a DPoP proof's jti is accepted once while the proof could be fresh.
CREATE TABLE dpop_proof_jtis (
    jkt         text NOT NULL,
    jti         text NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (jkt, jti)
);
CREATE INDEX dpop_proof_jtis_expires_idx ON dpop_proof_jtis (expires_at);

-- RFC 9449 5: a grant bound to a DPoP key; its refresh tokens work only with proofs of that key.
ALTER TABLE sessions ADD COLUMN dpop_jkt text;

-- RFC 7592: clients registered through /oauth/register carry a registration access token (hashed).
CREATE TABLE oauth_client_registrations (
    client_id                text PRIMARY KEY REFERENCES oauth_clients (client_id) ON DELETE CASCADE ON UPDATE CASCADE,
    access_token_hash        bytea NOT NULL CHECK (length(access_token_hash) = 32),
    created_at               timestamptz NOT NULL DEFAULT now()
);
