-- The first-party client of `janua login` (RFC 8628 device authorization grant): public, no
-- redirect URIs, no consent screen (it is the platform's own tool). An operator who already
-- registered a client with this id keeps theirs.
INSERT INTO oauth_clients (client_id, name, is_public, token_endpoint_auth_method, redirect_uris, grant_types,
                           response_types, scopes, require_consent)
VALUES ('janua-cli', 'janua command-line tool', true, 'none', '{}',
        '{urn:ietf:params:oauth:grant-type:device_code,refresh_token}', '{}',
        '{openid,profile,email,offline_access}', false)
ON CONFLICT (client_id) DO NOTHING;
