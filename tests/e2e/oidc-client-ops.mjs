#!/usr/bin/env node
// openid-client (v6) as a relying party for the back-channel operations that need no browser.
//
//   node oidc-client-ops.mjs ISSUER CLIENT_ID AUTH OPERATION [ARG]
//
// AUTH: "secret:<client secret>" (client_secret_basic), "post:<client secret>" (client_secret_post),
//       "jwk:<private JWK JSON with alg and kid>" (private_key_jwt) or "-" (public client, none).
// OPERATION: client-credentials [SCOPE] | introspect TOKEN | revoke TOKEN
// Prints one JSON object ({"result": ...}); exits 1 with {"error", "code", "status", "body"} on failure.
import * as client from 'openid-client';
import { importJWK } from 'jose';

const [issuer, clientId, auth, operation, arg] = process.argv.slice(2);

async function authentication() {
  if (auth === '-') return [undefined, client.None()];
  const colon = auth.indexOf(':');
  const kind = auth.slice(0, colon);
  const value = auth.slice(colon + 1);
  if (kind === 'secret') return [value, client.ClientSecretBasic()];
  if (kind === 'post') return [value, client.ClientSecretPost()];
  if (kind === 'jwk') {
    const jwk = JSON.parse(value);
    // openid-client labels Ed25519 assertions "Ed25519" (RFC 9864); januad lists "EdDSA" in
    // token_endpoint_auth_signing_alg_values_supported, so say that (the signature is the same).
    const options = jwk.alg === 'EdDSA' ? { [client.modifyAssertion]: (header) => { header.alg = 'EdDSA'; } } : undefined;
    return [undefined, client.PrivateKeyJwt({ key: await importJWK(jwk, jwk.alg), kid: jwk.kid }, options)];
  }
  throw new Error(`unknown AUTH ${kind}`);
}

try {
  const [secret, method] = await authentication();
  const config = await client.discovery(new URL(issuer), clientId, secret, method, { execute: [client.allowInsecureRequests] });
  let result;
  if (operation === 'client-credentials') {
    const tokens = await client.clientCredentialsGrant(config, arg ? { scope: arg } : {});
    result = { ...tokens };
  } else if (operation === 'introspect') {
    result = await client.tokenIntrospection(config, arg);
  } else if (operation === 'revoke') {
    await client.tokenRevocation(config, arg);
    result = { revoked: true };
  } else {
    throw new Error(`unknown operation ${operation}`);
  }
  console.log(JSON.stringify({ result }));
} catch (error) {
  console.log(JSON.stringify({
    error: String(error && error.message || error),
    code: error && error.code,
    status: error && error.status,
    oauth_error: error && error.error,
  }));
  process.exit(1);
}
