-- Attribute-based policies (global, or scoped to one organization) with the users and roles
-- they are attached to; runtime system settings announce every change on NOTIFY janua_settings
-- so every daemon refreshes its cached snapshot without a restart.

CREATE TABLE policies (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid REFERENCES organizations (id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description      text NOT NULL DEFAULT '',
    effect           text NOT NULL CHECK (effect IN ('allow', 'deny')),
    actions          text[] NOT NULL CHECK (cardinality(actions) > 0),
    resources        text[] NOT NULL CHECK (cardinality(resources) > 0),
    conditions       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(conditions) = 'object'),
    enabled          boolean NOT NULL DEFAULT true,
    created_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX policies_org_name_key ON policies (organization_id, lower(name)) WHERE organization_id IS NOT NULL;
CREATE UNIQUE INDEX policies_global_name_key ON policies (lower(name)) WHERE organization_id IS NULL;
CREATE INDEX policies_created_idx ON policies (created_at, id);

-- One row per attachment: a user, a role, or everyone (in the policy's scope).
CREATE TABLE policy_subjects (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    policy_id  uuid NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
    user_id    uuid REFERENCES users (id) ON DELETE CASCADE,
    role_id    uuid REFERENCES roles (id) ON DELETE CASCADE,
    everyone   boolean NOT NULL DEFAULT false,
    CHECK ((user_id IS NOT NULL)::int + (role_id IS NOT NULL)::int + everyone::int = 1)
);
CREATE INDEX policy_subjects_policy_idx ON policy_subjects (policy_id);
CREATE INDEX policy_subjects_user_idx ON policy_subjects (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX policy_subjects_role_idx ON policy_subjects (role_id) WHERE role_id IS NOT NULL;

ALTER TABLE system_settings ADD COLUMN updated_by text;

CREATE FUNCTION janua_settings_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('janua_settings', OLD.key);
    ELSE
        PERFORM pg_notify('janua_settings', NEW.key);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER system_settings_notify AFTER INSERT OR UPDATE OR DELETE ON system_settings
    FOR EACH ROW EXECUTE FUNCTION janua_settings_notify();

CREATE INDEX sessions_created_idx ON sessions (created_at);

-- Organization admins manage their organization's policies (owners hold '*' already).
UPDATE roles SET permissions = permissions || ARRAY['policies:*']
 WHERE organization_id IS NULL AND name = 'admin' AND NOT ('policies:*' = ANY (permissions));
