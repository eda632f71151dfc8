-- Known devices of each user, for risk-based sign-in (docs/api.md "Devices and risk-based sign-in").
--
-- A device is a browser or app that kept the random device token Janua handed it at a sign-in
-- (the janua_device cookie of the hosted login page, or the device_token an API client sends back).
-- Only the token's SHA-256 is stored. A device starts untrusted; it becomes trusted when its user
-- trusts it (POST /api/v1/devices/{id}/trust) or follows the emailed confirmation link, whose
-- SHA-256 and expiry are kept here until used.

CREATE TABLE devices (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash         bytea NOT NULL,
    user_agent         text NOT NULL DEFAULT '',
    first_ip           text NOT NULL DEFAULT '',
    last_ip            text NOT NULL DEFAULT '',
    first_seen_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at       timestamptz NOT NULL DEFAULT now(),
    last_signin_at     timestamptz,  -- NULL while the device's only sign-in waits for confirmation
    trusted_at         timestamptz,
    confirm_token_hash bytea,
    confirm_expires_at timestamptz,
    CONSTRAINT devices_user_token_unique UNIQUE (user_id, token_hash)
);

CREATE INDEX devices_user_idx ON devices (user_id, last_seen_at DESC);
CREATE INDEX devices_token_idx ON devices (token_hash);
CREATE UNIQUE INDEX devices_confirm_token_idx ON devices (confirm_token_hash) WHERE confirm_token_hash IS NOT NULL;
