-- RFC 9449 10: an authorization code bound to a DPoP key (the dpop_jkt of the authorization
-- request, or the key of the DPoP proof sent to /oauth/par). The token request must prove it.
ALTER TABLE authorization_codes ADD COLUMN IF NOT EXISTS dpop_jkt text;
