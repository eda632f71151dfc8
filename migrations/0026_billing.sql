-- Billing plans and subscriptions (docs/api.md "Billing plans and subscriptions"). Payment
-- providers stay outside: platform admins define plans and may set an organization's plan; a
-- provider's signed webhook (POST /api/v1/billing/webhook) keeps subscriptions current.
--
-- An organization's limits come from its subscription's plan while the subscription is active,
-- trialing or past_due; otherwise (none, or canceled) from the plan marked is_default; with no
-- default plan, nothing is limited. A NULL max_members means no member limit.

CREATE TABLE billing_plans (
    id            text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    max_members   integer CHECK (max_members IS NULL OR max_members >= 1),
    sso_allowed   boolean NOT NULL DEFAULT true,
    scim_allowed  boolean NOT NULL DEFAULT true,
    is_default    boolean NOT NULL DEFAULT false,
    metadata      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX billing_plans_one_default ON billing_plans (is_default) WHERE is_default;

CREATE TABLE billing_subscriptions (
    organization_id     uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    plan_id             text NOT NULL REFERENCES billing_plans(id) ON DELETE RESTRICT,
    status              text NOT NULL CHECK (status IN ('active', 'trialing', 'past_due', 'canceled')),
    current_period_end  timestamptz,
    provider            text NOT NULL DEFAULT 'manual',  -- 'manual' when a platform admin set it
    external_id         text,                            -- the provider's subscription id
    last_event_at       timestamptz,  -- `created` of the last webhook event applied; older ones are ignored
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX billing_subscriptions_plan_idx ON billing_subscriptions (plan_id);

-- Every webhook event applied (or ignored as older than the subscription), by the provider's event
-- id: a redelivered or replayed event changes nothing.
CREATE TABLE billing_events (
    event_id         text PRIMARY KEY,
    event_type       text NOT NULL,
    organization_id  uuid,
    outcome          text NOT NULL CHECK (outcome IN ('applied', 'stale')),
    received_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX billing_events_received_idx ON billing_events (received_at);

-- Organization admins read their organization's subscription (owners hold '*' already).
UPDATE roles SET permissions = array_append(permissions, 'billing:read')
    WHERE is_system AND name = 'admin' AND NOT ('billing:read' = ANY (permissions));
