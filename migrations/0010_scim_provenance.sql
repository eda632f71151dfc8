-- Which accounts an organization's SCIM created. Only those may have their profile (login email,
-- names, locale, timezone) changed through that organization's SCIM: an account that existed
-- before and was merely linked belongs to its owner, and renaming its email would hand the
-- account to whoever holds the new address.
ALTER TABLE scim_users ADD COLUMN created_user boolean NOT NULL DEFAULT false;
