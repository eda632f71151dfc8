-- Seal the audit chain once per transaction instead of once per entry.
--
-- 0004 sealed each entry in its own trigger call: two updates of the chain head and one of the
-- entry per row. A transaction that writes many entries at once (the group-committed entries of
-- client_credentials grants, a bulk import's batch) paid that per row. Now the insert guard notes
-- each new entry's id in a transaction-local setting, and the first deferred seal trigger to fire
-- seals every noted entry, in insertion order, under one lock of the head and one update of it;
-- the later triggers of the same transaction find nothing left and return. Everything 0004 promises
-- still holds: seq order is commit order (the head is locked only at commit), seq has no gaps (a
-- rolled-back savepoint rolls back its part of the setting with its rows), the hash input is
-- unchanged, and SET CONSTRAINTS ... IMMEDIATE seals what was inserted so far.
--
-- The pending list is a text setting grown by concatenation: cheap for the tens of entries a
-- transaction writes here (Janua writes at most one per record of an import batch); a single
-- transaction of tens of thousands of entries would spend noticeable time copying it.

CREATE OR REPLACE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.seq := NULL;
        NEW.prev_hash := NULL;
        NEW.pii_digest := NULL;
        NEW.hash := NULL;
        NEW.pseudonymized_at := NULL;
        PERFORM set_config('janua.audit_pending',
                           coalesce(current_setting('janua.audit_pending', true), '') || NEW.id::text || ',', true);
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

CREATE OR REPLACE FUNCTION audit_events_seal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_pending text := current_setting('janua.audit_pending', true);
    v_ids     uuid[];
    v_seq     bigint;
    v_prev    bytea;
    v_pii     bytea;
    v_hash    bytea;
    e         audit_events;
BEGIN
    IF v_pending IS NULL OR v_pending = '' THEN
        RETURN NULL;  -- an earlier trigger of this transaction sealed this entry with the others
    END IF;
    PERFORM set_config('janua.audit_pending', '', true);
    v_ids := string_to_array(rtrim(v_pending, ','), ',')::uuid[];
    SELECT last_seq, last_hash INTO v_seq, v_prev FROM audit_chain_head WHERE singleton FOR UPDATE;
    PERFORM set_config('janua.audit_seal', 'on', true);
    IF cardinality(v_ids) = 1 AND v_ids[1] = NEW.id THEN
        -- the common case, one entry: NEW is the row as inserted, no need to read it back
        v_seq := v_seq + 1;
        v_pii := audit_pii_digest(NEW);
        v_hash := audit_entry_hash(v_prev, v_seq, v_pii, NEW);
        UPDATE audit_events SET seq = v_seq, prev_hash = v_prev, pii_digest = v_pii, hash = v_hash WHERE id = NEW.id;
        v_prev := v_hash;
    ELSE
        FOR e IN SELECT a.* FROM unnest(v_ids) WITH ORDINALITY AS p(id, n)
                 JOIN audit_events a ON a.id = p.id ORDER BY p.n LOOP
            v_seq := v_seq + 1;
            v_pii := audit_pii_digest(e);
            v_hash := audit_entry_hash(v_prev, v_seq, v_pii, e);
            UPDATE audit_events SET seq = v_seq, prev_hash = v_prev, pii_digest = v_pii, hash = v_hash WHERE id = e.id;
            v_prev := v_hash;
        END LOOP;
    END IF;
    PERFORM set_config('janua.audit_seal', 'off', true);
    UPDATE audit_chain_head SET last_seq = v_seq, last_hash = v_prev, updated_at = now() WHERE singleton;
    RETURN NULL;
END
$$;
