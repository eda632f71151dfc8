-- One table of linked upstream accounts, and retention policies per organization.
--
-- 1. user_identities (0012, written by social/enterprise sign-in) and user_linked_identities
--    (0014, written by `janua migrate`) held the same concept. user_identities stays: it carries
--    the provider binding, the email and the last sign-in. An imported account names its provider
--    the way the source system did (Auth0 "google-oauth2", a Keycloak IdP alias) in provider_key
--    and has no provider_id until a sign-in through a matching Janua provider claims it
--    (core/federation/linked_accounts.cpp). Every row of user_linked_identities moves over
--    unbound, except one whose (provider, subject) a bound row already holds; then it is dropped.

ALTER TABLE user_identities ALTER COLUMN provider_id DROP NOT NULL;
ALTER TABLE user_identities
    ADD COLUMN provider_key text CHECK (provider_key IS NULL OR length(provider_key) BETWEEN 1 AND 255),
    ADD COLUMN connection   text,
    ADD COLUMN is_social    boolean NOT NULL DEFAULT true,
    ADD COLUMN profile      jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN source       text NOT NULL DEFAULT 'upstream';
ALTER TABLE user_identities ADD CONSTRAINT user_identities_provider_check
    CHECK (provider_id IS NOT NULL OR provider_key IS NOT NULL);
CREATE UNIQUE INDEX user_identities_unbound_key ON user_identities (provider_key, subject) WHERE provider_id IS NULL;

-- The names other systems give a Janua preset (Auth0 strategies; Keycloak aliases are the preset's name).
CREATE FUNCTION upstream_provider_keys(p identity_providers) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY[p.slug, p.preset] || CASE p.preset WHEN 'google' THEN ARRAY['google-oauth2']
                                                    WHEN 'microsoft' THEN ARRAY['windowslive']
                                                    WHEN 'slack' THEN ARRAY['slack-oauth2', 'sign-in-with-slack']
                                                    ELSE ARRAY[]::text[] END
$$;

INSERT INTO user_identities (provider_id, provider_key, connection, subject, user_id, email, is_social, profile, source,
                             created_at)
SELECT NULL, l.provider, l.connection, l.subject, l.user_id,
       CASE WHEN jsonb_typeof(l.profile->'email') = 'string' THEN l.profile->>'email' END,
       l.is_social, l.profile, l.source, l.created_at
FROM user_linked_identities l
WHERE NOT EXISTS (SELECT 1 FROM user_identities i JOIN identity_providers p ON p.id = i.provider_id
                  WHERE i.subject = l.subject AND l.provider = ANY (upstream_provider_keys(p)))
ON CONFLICT DO NOTHING;

DROP TABLE user_linked_identities;

-- 2. Retention per organization: an organization's admins may keep its data for less time than
--    the platform does (never longer: the service refuses more than the platform's policy, and the
--    sweep applies the shorter of the two). Categories:
--      sessions          the organization's sessions, after they ended
--      inactive_members  memberships of members who have not signed in for that long (the account
--                        stays; erasing accounts is the platform's decision)
--      audit_details     the IP address, user agent and details of the organization's audit
--                        entries (pseudonymized through the guarded path: the chain still verifies)
ALTER TABLE retention_policies DROP CONSTRAINT IF EXISTS retention_policies_category_check;
ALTER TABLE retention_policies ADD CONSTRAINT retention_policies_category_check
    CHECK (category IN ('sessions', 'jobs', 'webhook_deliveries', 'data_subject_requests', 'consent_records',
                        'inactive_users', 'audit_details'));

CREATE TABLE organization_retention_policies (
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    category         text NOT NULL CHECK (category IN ('sessions', 'inactive_members', 'audit_details')),
    retention_days   integer NOT NULL CHECK (retention_days BETWEEN 1 AND 36500),
    updated_by       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, category)
);

CREATE INDEX IF NOT EXISTS sessions_org_ended_idx ON sessions (organization_id) WHERE organization_id IS NOT NULL;

-- Organization admins set their organization's retention (PUT /organizations/{id}/compliance/retention-policies/...).
UPDATE roles SET permissions = array_append(permissions, 'compliance:retention')
    WHERE is_system AND name = 'admin' AND NOT ('compliance:retention' = ANY (permissions));
