#!/usr/bin/env node
// JOSE chores for the OIDC integration tests, done with an independent implementation (panva/jose).
//
//   node oidc-jwt-tools.mjs keygen ALG [KID]
//       A fresh key pair: {"private_jwk": {...}, "jwks": {"keys": [public JWK]}} (ALG: RS256, ES256, EdDSA).
//   node oidc-jwt-tools.mjs assertion PRIVATE_JWK_JSON CLIENT_ID AUDIENCE [JTI] [EXP_IN_SECONDS]
//       An RFC 7523 client assertion (iss = sub = CLIENT_ID, aud, jti, iat, exp); prints the compact JWS.
//   node oidc-jwt-tools.mjs dpop-proof PRIVATE_JWK_JSON METHOD URL [ACCESS_TOKEN|-] [JTI|-] [IAT_OFFSET]
//       An RFC 9449 DPoP proof (typ dpop+jwt, the public jwk in the header, htm, htu, iat, jti,
//       and ath when ACCESS_TOKEN is given); prints the compact JWS.
//   node oidc-jwt-tools.mjs verify-id-token JWKS_URL ID_TOKEN ISSUER AUDIENCE [ACCESS_TOKEN]
//       Verifies the ID token's signature against the JWKS, its iss, aud and exp; with ACCESS_TOKEN also
//       recomputes at_hash (OIDC Core 3.1.3.6: left half of the hash that matches the alg).
//       Prints {"header", "payload", "at_hash_expected"?}; on failure {"error", "message"} and exit 1.
import { SignJWT, calculateJwkThumbprint, createRemoteJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { createHash, randomUUID } from 'node:crypto';

const [command, ...args] = process.argv.slice(2);

function hashFor(alg) {
  if (alg === 'EdDSA' || alg === 'Ed25519') return 'sha512';
  const bits = alg.slice(-3);
  return { '256': 'sha256', '384': 'sha384', '512': 'sha512' }[bits];
}

try {
  if (command === 'keygen') {
    const [alg, kidArg] = args;
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const pub = await exportJWK(publicKey);
    const kid = kidArg || (await calculateJwkThumbprint(pub));
    const priv = { ...(await exportJWK(privateKey)), kid, alg };
    console.log(JSON.stringify({ private_jwk: priv, jwks: { keys: [{ ...pub, kid, alg, use: 'sig' }] } }));
  } else if (command === 'assertion') {
    const [jwkJson, clientId, audience, jtiArg, expArg] = args;
    const jwk = JSON.parse(jwkJson);
    const key = await importJWK(jwk, jwk.alg);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ jti: jtiArg || randomUUID() })
      .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid, typ: 'JWT' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + Number(expArg ?? 60))
      .sign(key);
    console.log(token);
  } else if (command === 'dpop-proof') {
    const [jwkJson, method, url, accessToken, jtiArg, iatOffset] = args;
    const jwk = JSON.parse(jwkJson);
    const key = await importJWK(jwk, jwk.alg);
    const { d, p, q, dp, dq, qi, kid, alg, ...pub } = jwk;
    const claims = { htm: method, htu: url, jti: jtiArg && jtiArg !== '-' ? jtiArg : randomUUID() };
    if (accessToken && accessToken !== '-') claims.ath = createHash('sha256').update(accessToken).digest('base64url');
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: jwk.alg, typ: 'dpop+jwt', jwk: pub })
      .setIssuedAt(Math.floor(Date.now() / 1000) + Number(iatOffset ?? 0))
      .sign(key);
    console.log(token);
  } else if (command === 'verify-id-token') {
    const [jwksUrl, idToken, issuer, audience, accessToken] = args;
    const jwks = createRemoteJWKSet(new URL(jwksUrl));
    const { payload, protectedHeader } = await jwtVerify(idToken, jwks, { issuer, audience });
    const out = { header: protectedHeader, payload };
    if (accessToken) {
      const digest = createHash(hashFor(protectedHeader.alg)).update(accessToken).digest();
      out.at_hash_expected = digest.subarray(0, digest.length / 2).toString('base64url');
    }
    console.log(JSON.stringify(out));
  } else {
    console.error('usage: oidc-jwt-tools.mjs keygen|assertion|verify-id-token ...');
    process.exit(2);
  }
} catch (error) {
  console.log(JSON.stringify({ error: error.code || error.name, message: error.message }));
  process.exit(1);
}
