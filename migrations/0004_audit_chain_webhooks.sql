-- The tamper-evident audit chain and organization webhooks.
--
-- Audit chain (docs/api.md "Audit log"): rows are inserted without a position; a DEFERRED
-- constraint trigger seals each one at COMMIT: it takes the next seq from the one-row
-- audit_chain_head (whose row lock is the serialization point, held only from the commit-time
-- trigger to the end of the commit), stores prev_hash, pii_digest and hash, and advances the
-- head. So seq order is commit order, seq has no gaps, and rolled-back transactions leave
-- nothing behind. The hash input is built by audit_entry_hash(); core/audit/chain.cpp rebuilds
-- the same bytes independently to verify.

ALTER TABLE audit_events ALTER COLUMN seq DROP IDENTITY IF EXISTS;
ALTER TABLE audit_events ALTER COLUMN seq DROP NOT NULL;
ALTER TABLE audit_events ADD COLUMN pii_digest bytea;
ALTER TABLE audit_events ADD COLUMN pseudonymized_at timestamptz;

CREATE TABLE audit_chain_head (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_seq    bigint NOT NULL,
    last_hash   bytea NOT NULL CHECK (length(last_hash) = 32),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO audit_chain_head (last_seq, last_hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');

-- One field of the canonical form: "~" for NULL, else "<octet length>:<value>" (unambiguous).
CREATE FUNCTION audit_field(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IS NULL THEN '~' ELSE octet_length(v)::text || ':' || v END
$$;

-- The personal data of an entry, hashed separately so pseudonymization can replace it while
-- the chain keeps covering its digest.
CREATE FUNCTION audit_pii_digest(e audit_events) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT sha256(convert_to(audit_field(e.actor_id) || audit_field(e.target_id) || audit_field(e.ip_address)
                             || audit_field(e.user_agent) || audit_field(e.details::text), 'UTF8'))
$$;

CREATE FUNCTION audit_entry_hash(prev bytea, entry_seq bigint, pii bytea, e audit_events) RETURNS bytea
LANGUAGE sql STABLE AS $$
    SELECT sha256(prev || convert_to('janua-audit-v1'
        || audit_field(entry_seq::text) || audit_field(e.id::text)
        || audit_field(((extract(epoch FROM e.occurred_at) * 1000000)::bigint)::text)
        || audit_field(e.actor_type) || audit_field(e.organization_id::text) || audit_field(e.action)
        || audit_field(e.outcome) || audit_field(e.target_type) || audit_field(e.request_id)
        || audit_field(encode(pii, 'hex')), 'UTF8'))
$$;

-- Give `e` the next position in the chain; the caller holds no head lock yet (this takes it).
CREATE FUNCTION audit_seal_entry(e audit_events) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_seq  bigint;
    v_prev bytea;
    v_pii  bytea;
    v_hash bytea;
BEGIN
    UPDATE audit_chain_head SET last_seq = last_seq + 1 WHERE singleton
        RETURNING last_seq, last_hash INTO v_seq, v_prev;
    v_pii := audit_pii_digest(e);
    v_hash := audit_entry_hash(v_prev, v_seq, v_pii, e);
    PERFORM set_config('janua.audit_seal', 'on', true);
    UPDATE audit_events SET seq = v_seq, prev_hash = v_prev, pii_digest = v_pii, hash = v_hash WHERE id = e.id;
    PERFORM set_config('janua.audit_seal', 'off', true);
    UPDATE audit_chain_head SET last_hash = v_hash, updated_at = now() WHERE singleton;
END
$$;

-- Seal rows written before this migration, in their old order.
DO $$
DECLARE r audit_events;
BEGIN
    FOR r IN SELECT * FROM audit_events ORDER BY seq LOOP
        PERFORM audit_seal_entry(r);
    END LOOP;
END
$$;

CREATE FUNCTION audit_events_seal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM audit_seal_entry(NEW);
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER audit_events_seal AFTER INSERT ON audit_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_events_seal();

-- Append-only: an insert cannot choose its own position or hashes; an update is allowed only
-- to seal a fresh row, or through audit_pseudonymize() (personal data only); deletes and
-- truncation are refused. A superuser can still disable triggers: verification catches that.
CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.seq := NULL;
        NEW.prev_hash := NULL;
        NEW.pii_digest := NULL;
        NEW.hash := NULL;
        NEW.pseudonymized_at := NULL;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF current_setting('janua.audit_seal', true) = 'on' AND OLD.hash IS NULL
           AND (NEW.id, NEW.occurred_at, NEW.actor_type, NEW.actor_id, NEW.organization_id, NEW.action, NEW.outcome,
                NEW.target_type, NEW.target_id, NEW.ip_address, NEW.user_agent, NEW.request_id, NEW.details)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.occurred_at, OLD.actor_type, OLD.actor_id, OLD.organization_id, OLD.action, OLD.outcome,
                OLD.target_type, OLD.target_id, OLD.ip_address, OLD.user_agent, OLD.request_id, OLD.details) THEN
            RETURN NEW;
        END IF;
        IF current_setting('janua.audit_pseudonymize', true) = 'on' AND OLD.hash IS NOT NULL
           AND NEW.pseudonymized_at IS NOT NULL
           AND (NEW.id, NEW.seq, NEW.occurred_at, NEW.actor_type, NEW.organization_id, NEW.action, NEW.outcome,
                NEW.target_type, NEW.request_id, NEW.prev_hash, NEW.pii_digest, NEW.hash)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.seq, OLD.occurred_at, OLD.actor_type, OLD.organization_id, OLD.action, OLD.outcome,
                OLD.target_type, OLD.request_id, OLD.prev_hash, OLD.pii_digest, OLD.hash) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'personal data can be replaced with audit_pseudonymize(subject, replacement)';
END
$$;

CREATE TRIGGER audit_events_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();

-- The documented pseudonymization path (for the compliance erasure flow): replace every
-- mention of `subject` as actor or target with `replacement`, and drop the other personal
-- fields of those entries. The chain still verifies: it covers pii_digest, which is kept, and
-- the verifier skips the digest check for pseudonymized entries. Returns the entries changed.
CREATE FUNCTION audit_pseudonymize(subject text, replacement text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v_count bigint;
BEGIN
    IF subject IS NULL OR subject = '' OR replacement IS NULL THEN
        RAISE EXCEPTION 'audit_pseudonymize needs a subject and a replacement';
    END IF;
    PERFORM set_config('janua.audit_pseudonymize', 'on', true);
    UPDATE audit_events SET
        actor_id = CASE WHEN actor_id = subject THEN replacement ELSE actor_id END,
        target_id = CASE WHEN target_id = subject THEN replacement ELSE target_id END,
        ip_address = NULL,
        user_agent = NULL,
        details = jsonb_build_object('pseudonymized', true),
        pseudonymized_at = now()
    WHERE (actor_id = subject OR target_id = subject) AND hash IS NOT NULL;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    PERFORM set_config('janua.audit_pseudonymize', 'off', true);
    RETURN v_count;
END
$$;

CREATE INDEX audit_events_outcome_idx ON audit_events (outcome, seq);

-- Webhook endpoints of an organization. The signing secret is needed in clear to sign, so it
-- is kept encrypted under FIELD_ENCRYPTION_KEY (Fernet), never hashed.
CREATE TABLE webhook_endpoints (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id   uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url               text NOT NULL CHECK (length(url) BETWEEN 8 AND 2048),
    description       text CHECK (description IS NULL OR length(description) <= 500),
    event_types       text[] NOT NULL CHECK (cardinality(event_types) BETWEEN 1 AND 100),
    secret_encrypted  text NOT NULL,
    enabled           boolean NOT NULL DEFAULT true,
    failing           boolean NOT NULL DEFAULT false,
    failing_since     timestamptz,
    last_success_at   timestamptz,
    last_failure_at   timestamptz,
    created_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_org_idx ON webhook_endpoints (organization_id, created_at, id);

-- One row per delivery attempt (the job system does the retrying).
CREATE TABLE webhook_deliveries (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    endpoint_id       uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id          uuid NOT NULL,
    event_type        text NOT NULL,
    job_id            uuid,
    attempt           integer NOT NULL,
    outcome           text NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
    http_status       integer,
    latency_ms        integer NOT NULL,
    response_excerpt  text,
    error             text,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at, id);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);
