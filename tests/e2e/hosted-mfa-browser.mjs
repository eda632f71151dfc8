// The hosted /login page with a second factor and with a passkey, in headless Chromium, as an
// OpenID Connect client sees it: a code flow whose ID token must carry the right amr.
// The page origin http://localhost:PAGE_PORT is proxied to januad (an IP cannot be an RP ID).
// Usage: node hosted-mfa-browser.mjs API_BASE PAGE_ORIGIN CLIENT_ID CLIENT_SECRET REDIRECT_URI
//        TOTP_EMAIL PASSWORD TOTP_SECRET PASSKEY_ACCESS_TOKEN
import { addVirtualAuthenticator, launchChromium, proxiedContext } from './localhost-browser.mjs';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';

const [api, pageOrigin, clientId, clientSecret, redirectUri, email, password, totpSecret, passkeyToken] = process.argv.slice(2);
const results = {};
const b64 = (buf) => Buffer.from(buf).toString('base64url');
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

async function call(method, path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: await r.json().catch(() => null) };
}

const browser = await launchChromium();

// One OIDC authorization-code flow in a fresh browser context; `signIn` drives the hosted pages.
async function codeFlow(name, prepare, signIn) {
  const context = await proxiedContext(browser, pageOrigin, api);
  let landed = null;
  await context.route(`${redirectUri}**`, (route) => { landed = route.request().url(); route.fulfill({ status: 200, body: 'ok' }); });
  const page = await context.newPage();
  await page.goto(`${pageOrigin}/login`);
  const { cdp, authenticatorId } = await addVirtualAuthenticator(context, page);
  await prepare(page, cdp, authenticatorId);

  const verifier = b64(randomBytes(32));
  const challenge = b64(createHash('sha256').update(verifier).digest());
  const nonce = b64(randomBytes(16));
  const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri,
    scope: 'openid email', state: 'st', nonce, code_challenge: challenge, code_challenge_method: 'S256' });
  await page.goto(`${pageOrigin}/oauth/authorize?${query}`);
  await signIn(page);
  for (let i = 0; i < 200 && !landed; i++) await page.waitForTimeout(25);
  if (!landed) throw new Error(`${name}: never came back; page is ${page.url()}: ${(await page.content()).slice(0, 400)}`);
  const code = new URL(landed).searchParams.get('code');
  const token = await fetch(`${api}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded',
               Authorization: 'Basic ' + Buffer.from(`${clientId}:${clientSecret}`).toString('base64') },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
  });
  const tokens = await token.json();
  if (!tokens.id_token) throw new Error(`${name}: token endpoint said ${JSON.stringify(tokens)}`);
  const claims = claimsOf(tokens.id_token);
  await context.close();
  return { amr: claims.amr, acr: claims.acr, nonce_ok: claims.nonce === nonce };
}

try {
  // Password, then the TOTP code page.
  results.totp = await codeFlow('totp', async () => {}, async (page) => {
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('form[action="/login"] button[type=submit]');
    await page.waitForSelector('#code');
    results.totp_page_shown = true;
    const code = execFileSync('oathtool', ['--totp', '-b', totpSecret, '--now', `@${Math.floor(Date.now() / 1000) + 30}`]).toString().trim();
    await page.fill('#code', code);
    await page.click('form[action="/login/mfa"] button[type=submit]');
  });

  // A passkey registered on this authenticator first, then "Sign in with a passkey".
  results.passkey = await codeFlow('passkey', async (page) => {
    const begin = await call('POST', '/api/v1/passkeys/register/begin', {}, passkeyToken);
    const credential = await page.evaluate(async (json) => {
      const c = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(json) });
      return c.toJSON();
    }, begin.body);
    const done = await call('POST', '/api/v1/passkeys/register/complete', { credential }, passkeyToken);
    if (done.status !== 201) throw new Error(`passkey registration: ${JSON.stringify(done.body)}`);
  }, async (page) => {
    await page.click('#passkey');
  });
  console.log(JSON.stringify(results));
} catch (e) {
  console.error(e.stack || String(e));
  console.log(JSON.stringify(results));
  process.exitCode = 1;
} finally {
  await browser.close();
}
