-- Enterprise SSO follow-ups (issue 7).

-- Login CSRF: the SHA-256 of a random value kept in a short-lived cookie of the browser that
-- started the login; the ACS / callback accepts the response only from that browser.
ALTER TABLE saml_requests ADD COLUMN browser_binding_hash bytea;
ALTER TABLE upstream_login_states ADD COLUMN browser_binding_hash bytea;

-- The organization an enterprise sign-in was for, carried through the second factor so the
-- tokens issued after MFA name it too (org_id).
ALTER TABLE mfa_challenges ADD COLUMN organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE;
