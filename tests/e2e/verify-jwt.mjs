#!/usr/bin/env node
// Verify a Janua access token with an independent JOSE implementation (panva/jose).
//
//   node verify-jwt.mjs JWKS_URL TOKEN [ISSUER] [AUDIENCE]
//
// ISSUER defaults to the origin of JWKS_URL (Janua's BASE_URL), AUDIENCE to "janua".
// The header must carry typ "at+jwt" (RFC 9068). Prints the verified payload as JSON and
// exits 0; on any failure prints the error (code and message) to stdout and exits 1.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [jwksUrl, token, issuerArg, audienceArg] = process.argv.slice(2);
if (!jwksUrl || !token) {
  console.error('usage: verify-jwt.mjs JWKS_URL TOKEN [ISSUER] [AUDIENCE]');
  process.exit(2);
}

const issuer = issuerArg || new URL(jwksUrl).origin;
const audience = audienceArg || 'janua';

try {
  const jwks = createRemoteJWKSet(new URL(jwksUrl));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' });
  console.log(JSON.stringify({ header: protectedHeader, payload }));
  process.exit(0);
} catch (error) {
  console.log(JSON.stringify({ error: error.code || error.name, message: error.message }));
  process.exit(1);
}
