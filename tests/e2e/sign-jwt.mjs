#!/usr/bin/env node
// Mint a well-formed access token signed by a key Janua has never seen (panva/jose), to prove
// that Janua refuses tokens it did not sign.
//
//   node sign-jwt.mjs CLAIMS_JSON [KID] [ALG]
//
// CLAIMS_JSON is the payload (e.g. copied from a real token: iss, aud, sub, sid, ...); exp and iat
// are set to a valid window. KID defaults to a random one; ALG to RS256 (also ES256, EdDSA).
// Prints the compact JWS and exits 0.
import { SignJWT, generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';

const [claimsJson, kidArg, algArg] = process.argv.slice(2);
if (!claimsJson) {
  console.error('usage: sign-jwt.mjs CLAIMS_JSON [KID] [ALG]');
  process.exit(2);
}
const alg = algArg || 'RS256';
const kid = kidArg || `unknown-${randomUUID()}`;
const now = Math.floor(Date.now() / 1000);
const claims = { ...JSON.parse(claimsJson), iat: now, nbf: now, exp: now + 600 };

const { privateKey } = await generateKeyPair(alg);
const token = await new SignJWT(claims).setProtectedHeader({ alg, typ: 'at+jwt', kid }).sign(privateKey);
console.log(token);
