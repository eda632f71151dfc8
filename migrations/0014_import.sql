-- Imports from other identity systems (janua migrate auth0|keycloak, /api/v1/migration/jobs):
-- the hashes of those systems kept until each user's next sign-in ('legacy', described as JSON
-- in password_hash, see core/identity/legacy_password.hpp), which source account became which
-- user (so a re-run creates no duplicates), the accounts linked at the source, and the import
-- jobs with a checkpoint per batch (so a crashed import resumes where it stopped).

ALTER TABLE users DROP CONSTRAINT IF EXISTS users_password_algorithm_check;
ALTER TABLE users ADD CONSTRAINT users_password_algorithm_check
    CHECK (password_algorithm IN ('bcrypt', 'pbkdf2-sha1', 'pbkdf2-sha256', 'pbkdf2-sha512', 'salted-sha1',
                                  'salted-sha256', 'salted-sha512', 'legacy', 'none'));

CREATE TABLE migration_jobs (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source         text NOT NULL CHECK (source IN ('auth0', 'keycloak')),
    status         text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    -- SHA-256 of the inputs and options: running the same import again resumes this job.
    fingerprint    text NOT NULL,
    options        jsonb NOT NULL DEFAULT '{}'::jsonb,
    files          jsonb NOT NULL DEFAULT '[]'::jsonb,   -- [{name, bytes}]
    bytes_total    bigint NOT NULL DEFAULT 0,
    bytes_done     bigint NOT NULL DEFAULT 0,
    -- Records of files[file] before `record` are done (committed with their batch).
    checkpoint_file    integer NOT NULL DEFAULT 0,
    checkpoint_record  bigint NOT NULL DEFAULT 0,
    processed      bigint NOT NULL DEFAULT 0,
    inserted       bigint NOT NULL DEFAULT 0,
    updated        bigint NOT NULL DEFAULT 0,
    unchanged      bigint NOT NULL DEFAULT 0,
    failed         bigint NOT NULL DEFAULT 0,
    error          text,
    created_by     text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX migration_jobs_fingerprint_idx ON migration_jobs (fingerprint, created_at);

-- Every record that was skipped or failed, written with the batch it belongs to.
CREATE TABLE migration_job_errors (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id       uuid NOT NULL REFERENCES migration_jobs (id) ON DELETE CASCADE,
    file         text NOT NULL,
    line         bigint NOT NULL,
    record       bigint NOT NULL,
    code         text NOT NULL,
    field        text,
    reason       text NOT NULL,
    external_id  text,
    severity     text NOT NULL DEFAULT 'error' CHECK (severity IN ('error', 'warning'))
);
CREATE INDEX migration_job_errors_job_idx ON migration_job_errors (job_id, id);

-- A body uploaded to POST /api/v1/migration/jobs, in chunks so any daemon can stream it back.
CREATE TABLE migration_uploads (
    job_id  uuid NOT NULL REFERENCES migration_jobs (id) ON DELETE CASCADE,
    seq     integer NOT NULL,
    data    bytea NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- Which account of a source system became which user. Keyed by the source's id, so a re-run
-- updates or skips instead of creating a second user.
CREATE TABLE user_external_ids (
    source       text NOT NULL,
    external_id  text NOT NULL,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    job_id       uuid,
    record_key   text,          -- "<file>:<record>" of the record that created it
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, external_id)
);
CREATE INDEX user_external_ids_user_idx ON user_external_ids (user_id);

-- Accounts linked to a user at the source (Auth0 identities[], Keycloak federatedIdentities):
-- kept so an upstream sign-in with the same provider account can find its user.
CREATE TABLE user_linked_identities (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider     text NOT NULL,
    connection   text,
    subject      text NOT NULL,
    is_social    boolean NOT NULL DEFAULT false,
    profile      jsonb NOT NULL DEFAULT '{}'::jsonb,
    source       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX user_linked_identities_key ON user_linked_identities (provider, subject);
CREATE INDEX user_linked_identities_user_idx ON user_linked_identities (user_id);
