-- Privacy compliance (core/compliance): consent records, data-subject requests with deadlines,
-- per-user privacy settings and platform retention policies enforced by a background job.

-- One row per consent given. Withdrawing (or giving a newer version) closes the row instead of
-- deleting it, so the history of what a person agreed to, when and through what, stays provable.
CREATE TABLE consent_records (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose       text NOT NULL CHECK (purpose ~ '^[a-z0-9][a-z0-9_.:-]{0,63}$'),
    version       text NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
    status        text NOT NULL DEFAULT 'given' CHECK (status IN ('given', 'withdrawn', 'superseded')),
    source        text NOT NULL CHECK (source ~ '^[a-z0-9][a-z0-9_.:-]{0,63}$'),
    ip_address    text,
    user_agent    text,
    given_at      timestamptz NOT NULL DEFAULT now(),
    withdrawn_at  timestamptz,
    withdrawn_source text,
    CHECK ((status = 'given') = (withdrawn_at IS NULL))
);
CREATE UNIQUE INDEX consent_records_current_key ON consent_records (user_id, purpose) WHERE status = 'given';
CREATE INDEX consent_records_user_idx ON consent_records (user_id, given_at);
CREATE INDEX consent_records_closed_idx ON consent_records (withdrawn_at) WHERE withdrawn_at IS NOT NULL;

-- Requests of data subjects (GDPR art. 15-20, CCPA 1798.100-130). user_id becomes NULL when the
-- person is erased: the request itself (type, dates, outcome) is the proof the duty was met.
CREATE TABLE data_subject_requests (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid REFERENCES users (id) ON DELETE SET NULL,
    type          text NOT NULL CHECK (type IN ('access', 'erasure', 'rectification', 'portability')),
    regulation    text NOT NULL CHECK (regulation IN ('gdpr', 'ccpa')),
    status        text NOT NULL DEFAULT 'received'
                  CHECK (status IN ('received', 'in_progress', 'completed', 'rejected', 'cancelled')),
    details       text CHECK (details IS NULL OR length(details) <= 4000),
    assignee_id   uuid REFERENCES users (id) ON DELETE SET NULL,
    resolution    text CHECK (resolution IS NULL OR length(resolution) <= 4000),
    received_at   timestamptz NOT NULL DEFAULT now(),
    deadline_at   timestamptz NOT NULL,
    closed_at     timestamptz,
    created_by    text,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((status IN ('completed', 'rejected', 'cancelled')) = (closed_at IS NOT NULL)),
    CHECK (deadline_at >= received_at)
);
CREATE INDEX data_subject_requests_user_idx ON data_subject_requests (user_id, received_at);
CREATE INDEX data_subject_requests_open_idx ON data_subject_requests (deadline_at, id)
    WHERE status IN ('received', 'in_progress');
CREATE INDEX data_subject_requests_list_idx ON data_subject_requests (received_at, id);

-- Privacy by default (GDPR art. 25): everything optional is off until the person turns it on.
CREATE TABLE privacy_settings (
    user_id              uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    marketing_emails     boolean NOT NULL DEFAULT false,
    analytics            boolean NOT NULL DEFAULT false,
    third_party_sharing  boolean NOT NULL DEFAULT false,
    profile_visibility   text NOT NULL DEFAULT 'private'
                         CHECK (profile_visibility IN ('private', 'organization', 'public')),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- How long each category of records is kept (platform-wide). Categories without a row fall back
-- to DEFAULT_RETENTION_PERIOD_DAYS, except inactive_users, which is never applied by default.
CREATE TABLE retention_policies (
    category        text PRIMARY KEY CHECK (category IN ('sessions', 'jobs', 'webhook_deliveries',
                                                         'data_subject_requests', 'consent_records',
                                                         'inactive_users')),
    retention_days  integer NOT NULL CHECK (retention_days BETWEEN 1 AND 36500),
    enabled         boolean NOT NULL DEFAULT true,
    updated_by      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Export and erasure look up every audit entry naming a person as actor or target.
CREATE INDEX IF NOT EXISTS audit_events_target_id_idx ON audit_events (target_id);

-- Organization admins may export their organization's members (GET /organizations/{id}/compliance/export).
UPDATE roles SET permissions = array_append(permissions, 'compliance:export')
    WHERE is_system AND name = 'admin' AND NOT ('compliance:export' = ANY (permissions));
