-- SCIM: provenance that survives deprovisioning, Groups mapped to organization roles, and the
-- indexes the SCIM filters need at 100,000 users.

-- The organization whose SCIM created the account. Unlike scim_users.created_user it outlives a
-- DELETE /Users, so the same IdP can provision the person again; any other existing account is
-- only ever linked when it is already a member (docs/api.md, "POST /Users").
ALTER TABLE users ADD COLUMN IF NOT EXISTS scim_origin_org uuid REFERENCES organizations (id) ON DELETE SET NULL;
UPDATE users u SET scim_origin_org = s.organization_id FROM scim_users s
 WHERE s.user_id = u.id AND s.created_user AND u.scim_origin_org IS NULL;

-- A SCIM Group is an organization role (system or custom). This row holds what the IdP keeps
-- about it in one organization: its displayName (roles have slug names), its externalId, and
-- whether this organization's SCIM created the role (only those can be deleted through SCIM).
CREATE TABLE scim_groups (
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role_id          uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    display_name     text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 256),
    external_id      text CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 512),
    created_role     boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, role_id)
);
CREATE UNIQUE INDEX scim_groups_external_key ON scim_groups (organization_id, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX scim_groups_display_key ON scim_groups (organization_id, lower(display_name));

-- Listing an organization's members in SCIM order (created_at, id) without sorting them all.
CREATE INDEX IF NOT EXISTS memberships_org_created_idx ON memberships (organization_id, created_at, user_id);

-- `co` / `sw` / `ew` on userName and emails: trigram indexes. pg_trgm ships with PostgreSQL's
-- contrib (Debian: in postgresql-15 itself) and is a trusted extension (a database owner may
-- create it). Where it cannot be created the filters still work, by scanning.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX IF NOT EXISTS users_email_trgm_idx ON users USING gin (lower(email) gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS scim_users_emails_trgm_idx ON scim_users USING gin (lower((attributes -> 'emails')::text) gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): SCIM substring filters will scan', SQLERRM;
END
$$;
