-- Uploaded avatars (docs/api.md "Avatars"). The image itself is an object in the file storage
-- (STORAGE_BACKEND: local disk or an S3-compatible bucket) under a random key; this row says which
-- object is the user's avatar and what it is. users.avatar_url points at GET /api/v1/avatars/{key}.
--
-- An object whose row goes away — replaced, removed, or its user deleted (ON DELETE CASCADE) — is
-- queued in storage_deletions by the trigger below, in the same transaction, together with a
-- 'storage.sweep' job; the job (and the request that replaced or removed the avatar) deletes it
-- from the store after the commit, retrying with backoff while the store is down. So no object
-- is forgotten and none is deleted while a committed row still points at it.

CREATE TABLE user_avatars (
    user_id       uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    object_key    text NOT NULL UNIQUE,
    content_type  text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
    size_bytes    integer NOT NULL CHECK (size_bytes > 0),
    width         integer NOT NULL CHECK (width > 0),
    height        integer NOT NULL CHECK (height > 0),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE storage_deletions (
    object_key    text PRIMARY KEY,
    queued_at     timestamptz NOT NULL DEFAULT now(),
    attempts      integer NOT NULL DEFAULT 0
);

CREATE FUNCTION user_avatars_queue_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.object_key <> NEW.object_key THEN
        INSERT INTO storage_deletions (object_key) VALUES (OLD.object_key) ON CONFLICT DO NOTHING;
        INSERT INTO jobs (kind, max_attempts) SELECT 'storage.sweep', 20
            WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = 'storage.sweep' AND status IN ('pending', 'running'));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER user_avatars_queue_deletion AFTER UPDATE OR DELETE ON user_avatars
    FOR EACH ROW EXECUTE FUNCTION user_avatars_queue_deletion();
