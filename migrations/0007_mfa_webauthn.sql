-- Second factors: TOTP secrets (encrypted under FIELD_ENCRYPTION_KEY), hashed single-use backup
-- codes, the short-lived challenges between a first and a second factor, and WebAuthn passkeys
-- with their single-use ceremony challenges.

CREATE TABLE mfa_totp (
    user_id            uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_ciphertext  text NOT NULL,
    confirmed_at       timestamptz,          -- NULL: enrolment started, not yet verified
    last_used_step     bigint,               -- a code is accepted once: only later steps pass
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mfa_backup_codes (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   bytea NOT NULL CHECK (length(code_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    used_at     timestamptz
);
CREATE UNIQUE INDEX mfa_backup_codes_user_hash_key ON mfa_backup_codes (user_id, code_hash);

-- Issued when a first factor succeeded for a user who has MFA; spent by the second factor.
CREATE TABLE mfa_challenges (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash    bytea NOT NULL CHECK (length(token_hash) = 32),
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    first_factor  text[] NOT NULL,
    channel       text NOT NULL CHECK (channel IN ('api', 'browser')),
    attempts      integer NOT NULL DEFAULT 0,
    ip_address    text,
    user_agent    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);
CREATE UNIQUE INDEX mfa_challenges_hash_key ON mfa_challenges (token_hash);
CREATE INDEX mfa_challenges_user_idx ON mfa_challenges (user_id);
CREATE INDEX mfa_challenges_expires_idx ON mfa_challenges (expires_at);

CREATE TABLE webauthn_credentials (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id       bytea NOT NULL CHECK (length(credential_id) BETWEEN 1 AND 1023),
    public_key          bytea NOT NULL,      -- the COSE_Key as the authenticator sent it
    algorithm           integer NOT NULL,
    sign_count          bigint NOT NULL DEFAULT 0,
    transports          text[] NOT NULL DEFAULT '{}',
    aaguid              bytea,
    attestation_format  text NOT NULL,
    user_verified       boolean NOT NULL DEFAULT false,
    backup_eligible     boolean NOT NULL DEFAULT false,
    backup_state        boolean NOT NULL DEFAULT false,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    flagged_at          timestamptz,         -- sign count went backwards: a possible clone
    flagged_reason      text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_used_at        timestamptz
);
CREATE UNIQUE INDEX webauthn_credentials_credential_key ON webauthn_credentials (credential_id);
CREATE INDEX webauthn_credentials_user_idx ON webauthn_credentials (user_id);

CREATE TABLE webauthn_challenges (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    challenge_hash  bytea NOT NULL CHECK (length(challenge_hash) = 32),
    purpose         text NOT NULL CHECK (purpose IN ('registration', 'authentication')),
    user_id         uuid REFERENCES users (id) ON DELETE CASCADE,
    user_verification text NOT NULL DEFAULT 'preferred',
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);
CREATE UNIQUE INDEX webauthn_challenges_hash_key ON webauthn_challenges (challenge_hash);
CREATE INDEX webauthn_challenges_expires_idx ON webauthn_challenges (expires_at);
