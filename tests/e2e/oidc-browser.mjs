// The whole OpenID Connect life cycle with real peers: headless Chromium (playwright-core)
// signs in on januad's hosted pages, openid-client is the relying party, jose checks the ID
// token signature against the JWKS. Prints one JSON object of results; exits 1 on failure.
// Usage: node oidc-browser.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI POST_LOGOUT_URI EMAIL PASSWORD
import * as client from 'openid-client';
import * as jose from 'jose';
import { chromium } from 'playwright-core';

const [issuer, clientId, clientSecret, redirectUri, postLogoutUri, email, password] = process.argv.slice(2);
const results = {};
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined,
    { execute: [client.allowInsecureRequests] });
  const page = await (await browser.newContext()).newPage();
  // The relying party's callbacks never leave the browser: capture where januad sends it.
  let landed = null;
  for (const target of [redirectUri, postLogoutUri]) {
    await page.route(`${target}**`, (route) => { landed = route.request().url(); route.fulfill({ status: 200, body: 'ok' }); });
  }
  const waitForLanding = async () => {
    for (let i = 0; i < 200 && !landed; i++) await page.waitForTimeout(25);
    if (!landed) throw new Error(`never came back; page is ${page.url()}`);
    const url = landed;
    landed = null;
    return url;
  };

  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope: 'openid profile email offline_access', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  await page.goto(authorizationUrl.href);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('button[value=allow]');
  results.consent_shown = true;
  await page.click('button[value=allow]');
  const callback = await waitForLanding();

  const tokens = await client.authorizationCodeGrant(config, new URL(callback),
    { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  const jwks = jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri), { [jose.customFetch]: fetch });
  const { payload } = await jose.jwtVerify(tokens.id_token, jwks, { issuer, audience: clientId });
  results.id_token_verified_by_jose = payload.sub === tokens.claims().sub && payload.nonce === nonce;
  results.userinfo = await client.fetchUserInfo(config, tokens.access_token, payload.sub);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  results.refresh_rotated = refreshed.refresh_token !== tokens.refresh_token;
  // The spent refresh token fails (and, by reuse detection, ends the grant).
  try { await client.refreshTokenGrant(config, tokens.refresh_token); results.old_refresh_rejected = false; }
  catch (e) { results.old_refresh_rejected = e.error === 'invalid_grant'; }

  // A second authorization: no password and no consent asked again (the session cookie and
  // the remembered consent), then introspection, revocation and logout on that grant.
  const state2 = client.randomState();
  const verifier2 = client.randomPKCECodeVerifier();
  await page.goto(client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope: 'openid profile email offline_access', state: state2,
    code_challenge: await client.calculatePKCECodeChallenge(verifier2), code_challenge_method: 'S256',
  }).href).catch(() => {});
  const second = await client.authorizationCodeGrant(config, new URL(await waitForLanding()),
    { pkceCodeVerifier: verifier2, expectedState: state2 });
  results.second_authorization_silent = true;
  results.introspection = await client.tokenIntrospection(config, second.access_token);
  await client.tokenRevocation(config, second.refresh_token);
  try { await client.refreshTokenGrant(config, second.refresh_token); results.revoked_refresh_rejected = false; }
  catch (e) { results.revoked_refresh_rejected = e.error === 'invalid_grant'; }
  results.introspection_after_revoke = await client.tokenIntrospection(config, second.access_token);

  const logoutState = client.randomState();
  await page.goto(client.buildEndSessionUrl(config, {
    id_token_hint: second.id_token, post_logout_redirect_uri: postLogoutUri, state: logoutState,
  }).href).catch(() => {});
  const loggedOut = new URL(await waitForLanding());
  results.logout_redirected_with_state = loggedOut.searchParams.get('state') === logoutState;
  await page.goto(client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope: 'openid', state: 'after-logout', prompt: 'none',
    code_challenge: await client.calculatePKCECodeChallenge(verifier2), code_challenge_method: 'S256',
  }).href).catch(() => {});
  results.after_logout_error = new URL(await waitForLanding()).searchParams.get('error');
  console.log(JSON.stringify(results));
} catch (error) {
  console.log(JSON.stringify({ ...results, error: String(error && error.stack || error) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
