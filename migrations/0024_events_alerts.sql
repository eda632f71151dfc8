-- Real-time audit events and alerts (issue 14, items 4 and 5).
--
-- Every transaction that writes audit entries NOTIFYs janua_audit once it commits (NOTIFY is
-- transactional and identical payloads of one transaction fold into one). By then the deferred
-- seal has given the entries their seq, so a listener reads "seq > what I have seen" and finds
-- them: the event stream (core/events) and the alert evaluator (core/alerts) both work that way.
CREATE FUNCTION audit_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('janua_audit', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_events_notify AFTER INSERT ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_notify();

-- An alert rule: when `threshold` entries matching action (exact or "<prefix>.*") and outcome
-- (and whose details contain details_match) arrive within window_seconds (counted per group_by
-- value), the rule fires. organization_id
-- NULL: a platform rule over every entry (only platform admins manage those); otherwise the
-- rule sees only its organization's entries, as that organization's audit API does.
-- channels: [{"type":"email","addresses":[...]}, {"type":"webhook","webhook_id":"..."}].
CREATE TABLE alert_rules (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id   uuid REFERENCES organizations (id) ON DELETE CASCADE,
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description       text,
    action            text NOT NULL,
    outcome           text CHECK (outcome IN ('success', 'failure')),
    details_match     jsonb CHECK (details_match IS NULL OR jsonb_typeof(details_match) = 'object'),
    threshold         integer NOT NULL CHECK (threshold BETWEEN 1 AND 100000),
    window_seconds    integer NOT NULL CHECK (window_seconds BETWEEN 1 AND 2592000),
    group_by          text NOT NULL DEFAULT 'none' CHECK (group_by IN ('none', 'actor', 'ip', 'target')),
    cooldown_seconds  integer NOT NULL DEFAULT 0 CHECK (cooldown_seconds BETWEEN 0 AND 2592000),
    severity          text NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
    enabled           boolean NOT NULL DEFAULT true,
    channels          jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_rules_org_idx ON alert_rules (organization_id, created_at);

-- A fired alert. It counts the entries first_seq..last_seq; the next firing of the same rule and
-- group only counts entries after last_seq, so one burst never fires twice, and the unique key
-- is the last line of defence should two evaluators ever race.
CREATE TABLE alert_instances (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    rule_id               uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    organization_id       uuid REFERENCES organizations (id) ON DELETE CASCADE,
    group_key             text NOT NULL DEFAULT '',
    state                 text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged')),
    event_count           integer NOT NULL,
    first_seq             bigint NOT NULL,
    last_seq              bigint NOT NULL,
    window_start          timestamptz NOT NULL,
    window_end            timestamptz NOT NULL,
    fired_at              timestamptz NOT NULL DEFAULT now(),
    audit_event_id        uuid,
    acknowledged_at       timestamptz,
    acknowledged_by       text,
    acknowledgement_note  text,
    CONSTRAINT alert_instances_once UNIQUE (rule_id, group_key, last_seq)
);
CREATE INDEX alert_instances_org_idx ON alert_instances (organization_id, fired_at DESC);
CREATE INDEX alert_instances_rule_idx ON alert_instances (rule_id, group_key, last_seq DESC);

-- How far the evaluator has read the audit log. It starts at the current head: alerts are about
-- what happens from now on, not about history. One row, locked by the evaluating transaction, so
-- daemons take turns and an entry is evaluated exactly once.
CREATE TABLE alert_cursor (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_seq   bigint NOT NULL
);
INSERT INTO alert_cursor (last_seq) SELECT last_seq FROM audit_chain_head;

UPDATE roles SET permissions = array_append(permissions, 'alerts:*')
    WHERE is_system AND name = 'admin' AND NOT ('alerts:*' = ANY (permissions));
