-- Changing the email address from the account console (or POST /api/v1/auth/email/change): a
-- single-use link is sent to the new address, and the change happens only when it is opened. The
-- token row carries the address it confirms.
ALTER TABLE user_tokens DROP CONSTRAINT user_tokens_purpose_check;
ALTER TABLE user_tokens ADD CONSTRAINT user_tokens_purpose_check
    CHECK (purpose IN ('email_verification', 'password_reset', 'magic_link', 'email_change'));
ALTER TABLE user_tokens ADD COLUMN new_email text CHECK (new_email IS NULL OR length(new_email) BETWEEN 3 AND 320);
ALTER TABLE user_tokens ADD CONSTRAINT user_tokens_email_change_check CHECK ((purpose = 'email_change') = (new_email IS NOT NULL));
