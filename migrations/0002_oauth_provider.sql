-- The OAuth 2.0 / OpenID Connect provider: browser sign-in sessions for the hosted pages,
-- authorization codes, remembered consents, and client-assertion ids seen (replay defence).

-- A session started through the hosted /login page carries a browser cookie; a session created
-- by a code exchange belongs to the client it was issued to.
ALTER TABLE sessions ADD COLUMN browser_token_hash bytea CHECK (browser_token_hash IS NULL OR length(browser_token_hash) = 32);
ALTER TABLE sessions ADD COLUMN client_id text;
CREATE UNIQUE INDEX sessions_browser_token_key ON sessions (browser_token_hash) WHERE browser_token_hash IS NOT NULL;

CREATE TABLE authorization_codes (
    code_hash              bytea PRIMARY KEY CHECK (length(code_hash) = 32),
    client_id              text NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id                uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    browser_session_id     uuid REFERENCES sessions (id) ON DELETE SET NULL,
    redirect_uri           text NOT NULL,
    scope                  text NOT NULL,
    nonce                  text,
    code_challenge         text,
    code_challenge_method  text CHECK (code_challenge_method IS NULL OR code_challenge_method = 'S256'),
    auth_time              timestamptz NOT NULL,
    amr                    text[] NOT NULL DEFAULT '{}',
    created_at             timestamptz NOT NULL DEFAULT now(),
    expires_at             timestamptz NOT NULL,
    used_at                timestamptz,
    -- The session the exchange created, revoked if the code is ever presented again.
    issued_session_id      uuid REFERENCES sessions (id) ON DELETE SET NULL
);
CREATE INDEX authorization_codes_expires_idx ON authorization_codes (expires_at);
CREATE INDEX authorization_codes_user_idx ON authorization_codes (user_id);

CREATE TABLE oauth_consents (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id   text NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE ON UPDATE CASCADE,
    scopes      text[] NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, client_id)
);
CREATE INDEX oauth_consents_client_idx ON oauth_consents (client_id);

-- private_key_jwt: a client assertion's jti may be used once until it expires (RFC 7523 3.7).
CREATE TABLE client_assertion_jtis (
    client_id   text NOT NULL,
    jti         text NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX client_assertion_jtis_expires_idx ON client_assertion_jtis (expires_at);
