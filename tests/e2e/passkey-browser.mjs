// Passkeys with a real browser authenticator: headless Chromium (playwright-core) with a CDP
// virtual authenticator (ctap2, internal, resident keys, user verification) runs
// navigator.credentials.create/get on a page at http://localhost:PAGE_PORT (an IP cannot be an
// RP ID) with the options januad returns; this script posts the results back to januad.
// Prints one JSON object of results; exits 1 on failure.
// Usage: node passkey-browser.mjs API_BASE PAGE_ORIGIN OTHER_ORIGIN ACCESS_TOKEN
import { chromium } from 'playwright-core';
import { createHash } from 'node:crypto';

const [api, pageOrigin, otherOrigin, accessToken] = process.argv.slice(2);
const results = {};

async function call(method, path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, body: json, text };
}

const b64 = (buf) => Buffer.from(buf).toString('base64url');
const unb64 = (s) => Buffer.from(s, 'base64url');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext();
  // The relying party's page: any path on the two localhost origins answers with an empty page.
  for (const origin of [pageOrigin, otherOrigin]) {
    await context.route(`${origin}/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>rp</title>' }));
  }
  const page = await context.newPage();
  await page.goto(`${pageOrigin}/passkeys`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
    isUserVerified: true, automaticPresenceSimulation: true } });

  const create = (p, options) => p.evaluate(async (json) => {
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(json);
    const credential = await navigator.credentials.create({ publicKey });
    return credential.toJSON();
  }, options);
  const get = (p, options) => p.evaluate(async (json) => {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(json);
    const credential = await navigator.credentials.get({ publicKey });
    return credential.toJSON();
  }, options);

  // Registration with attestation "none", then a second passkey with "direct" (packed, x5c).
  let begin = await call('POST', '/api/v1/passkeys/register/begin', {}, accessToken);
  if (begin.status !== 200) throw new Error(`register/begin: ${begin.text}`);
  results.creation_options = begin.body;
  const first = await create(page, begin.body);
  let done = await call('POST', '/api/v1/passkeys/register/complete', { credential: first, name: 'Laptop' }, accessToken);
  results.register_none = { status: done.status, body: done.body };
  // The same registration again: the challenge is spent.
  const replayed = await call('POST', '/api/v1/passkeys/register/complete', { credential: first }, accessToken);
  results.register_replay_status = replayed.status;

  // A second virtual authenticator (the first already holds a credential for this user).
  await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
  const second = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: {
    protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true,
    isUserVerified: true, automaticPresenceSimulation: true } });
  begin = await call('POST', '/api/v1/passkeys/register/begin', { attestation: 'direct' }, accessToken);
  await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  const packed = await create(page, begin.body);
  done = await call('POST', '/api/v1/passkeys/register/complete', { credential: packed, name: 'Key' }, accessToken);
  results.register_packed = { status: done.status, body: done.body };

  // Usernameless sign-in with the packed credential.
  let options = (await call('POST', '/api/v1/passkeys/authenticate/begin', {})).body;
  results.request_options = options;
  const assertion = await get(page, options);
  const signed = await call('POST', '/api/v1/passkeys/authenticate/complete', { credential: assertion });
  results.signin = { status: signed.status, body: signed.body };
  results.user_handle = assertion.response.userHandle;
  // Replaying the assertion: the challenge was single-use.
  results.replay_status = (await call('POST', '/api/v1/passkeys/authenticate/complete', { credential: assertion })).status;

  // A tampered signature.
  options = (await call('POST', '/api/v1/passkeys/authenticate/begin', {})).body;
  const tampered = await get(page, options);
  const sig = unb64(tampered.response.signature);
  sig[sig.length - 1] ^= 0x01;
  tampered.response.signature = b64(sig);
  const t = await call('POST', '/api/v1/passkeys/authenticate/complete', { credential: tampered });
  results.tampered_signature = { status: t.status, code: t.body?.error?.code };

  // Another RP ID: the authenticator data names example.com.
  options = (await call('POST', '/api/v1/passkeys/authenticate/begin', {})).body;
  const foreign = await get(page, options);
  const ad = unb64(foreign.response.authenticatorData);
  createHash('sha256').update('example.com').digest().copy(ad, 0);
  foreign.response.authenticatorData = b64(ad);
  const f = await call('POST', '/api/v1/passkeys/authenticate/complete', { credential: foreign });
  results.other_rp_id = { status: f.status, message: f.body?.error?.message };

  // Another origin: the same authenticator on a page januad does not trust.
  const otherPage = await context.newPage();
  await otherPage.goto(`${otherOrigin}/passkeys`);
  const otherCdp = await context.newCDPSession(otherPage);
  await otherCdp.send('WebAuthn.enable', { enableUI: false });
  const creds = await cdp.send('WebAuthn.getCredentials', { authenticatorId: second.authenticatorId });
  const otherAuth = await otherCdp.send('WebAuthn.addVirtualAuthenticator', { options: {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
    isUserVerified: true, automaticPresenceSimulation: true } });
  for (const c of creds.credentials) await otherCdp.send('WebAuthn.addCredential', { authenticatorId: otherAuth.authenticatorId, credential: c });
  options = (await call('POST', '/api/v1/passkeys/authenticate/begin', {})).body;
  const elsewhere = await get(otherPage, options);
  const o = await call('POST', '/api/v1/passkeys/authenticate/complete', { credential: elsewhere });
  results.other_origin = { status: o.status, message: o.body?.error?.message };

  // A decreasing sign count: put the credential back with a counter of zero (a clone).
  const current = (await cdp.send('WebAuthn.getCredentials', { authenticatorId: second.authenticatorId })).credentials[0];
  await cdp.send('WebAuthn.removeCredential', { authenticatorId: second.authenticatorId, credentialId: current.credentialId });
  await cdp.send('WebAuthn.addCredential', { authenticatorId: second.authenticatorId, credential: { ...current, signCount: 0 } });
  options = (await call('POST', '/api/v1/passkeys/authenticate/begin', {})).body;
  const cloned = await get(page, options);
  const c = await call('POST', '/api/v1/passkeys/authenticate/complete', { credential: cloned });
  results.sign_count_regression = { status: c.status, message: c.body?.error?.message };
  // The credential is now blocked, even with a counter that moves forward again.
  await cdp.send('WebAuthn.removeCredential', { authenticatorId: second.authenticatorId, credentialId: current.credentialId });
  await cdp.send('WebAuthn.addCredential', { authenticatorId: second.authenticatorId, credential: { ...current, signCount: 1000 } });
  options = (await call('POST', '/api/v1/passkeys/authenticate/begin', {})).body;
  const after = await get(page, options);
  results.after_flag_status = (await call('POST', '/api/v1/passkeys/authenticate/complete', { credential: after })).status;

  results.list = (await call('GET', '/api/v1/passkeys', undefined, accessToken)).body;
  console.log(JSON.stringify(results));
} catch (e) {
  console.error(e.stack || String(e));
  console.log(JSON.stringify(results));
  process.exitCode = 1;
} finally {
  await browser.close();
}
