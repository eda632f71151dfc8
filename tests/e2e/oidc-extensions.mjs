#!/usr/bin/env node
// openid-client (v6) against januad's OAuth extensions. One JSON object on stdout; exit 1 with
// {"error", "oauth_error"} on failure.
//
//   device ISSUER CLIENT_ID SECRET|- EMAIL PASSWORD allow|deny [dpop]
//       RFC 8628: openid-client initiates and polls while headless Chromium signs in on the hosted
//       pages and approves (or denies) the user code on /device. With "dpop" the tokens are DPoP-bound.
//   par ISSUER CLIENT_ID SECRET REDIRECT_URI EMAIL PASSWORD
//       RFC 9126: buildAuthorizationUrlWithPAR, the hosted pages (fetch with cookies), code exchange.
//   dpop ISSUER CLIENT_ID SECRET|- REDIRECT_URI EMAIL PASSWORD
//       RFC 9449: the code flow with a DPoP key; userinfo and a refresh with proofs.
//   dpop-bound-code ISSUER CLIENT_ID SECRET|- REDIRECT_URI EMAIL PASSWORD par|param same|other|none
//       RFC 9449 10: the code bound to DPoP key A, by a proof sent to /oauth/par ("par") or by
//       dpop_jkt on the authorization URL ("param"); then redeemed with a proof of A ("same"), of
//       another key ("other") or without a proof ("none"). Prints the token summary and A's thumbprint.
//   exchange ISSUER CLIENT_ID SECRET SUBJECT_TOKEN [SCOPE|-] [AUDIENCE|-] [ACTOR_TOKEN]
//       RFC 8693 via genericGrantRequest.
//   register ISSUER METADATA_JSON [INITIAL_ACCESS_TOKEN]
//       RFC 7591 via dynamicClientRegistration, then a client_credentials grant when it has the grant.
import * as client from 'openid-client';
import { chromium } from 'playwright-core';
import { calculateJwkThumbprint, exportJWK } from 'jose';

const [command, issuer, ...args] = process.argv.slice(2);
const insecure = { execute: [client.allowInsecureRequests] };

async function configure(clientId, secret) {
  return client.discovery(new URL(issuer), clientId, secret === '-' ? undefined : secret,
    secret === '-' ? client.None() : undefined, insecure);
}

// The hosted pages as a browser without scripts: cookies, CSRF fields, manual redirects.
function hostedDriver() {
  const jar = new Map();
  const remember = (response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
  };
  const cookie = () => [...jar].filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join('; ');
  const browse = async (url, init = {}) => {
    const response = await fetch(new URL(url, issuer), { ...init, redirect: 'manual', headers: { ...(init.headers || {}), cookie: cookie() } });
    remember(response);
    return response;
  };
  const field = (html, name) => {
    const match = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
    if (!match) throw new Error(`no ${name} field in page: ${html.slice(0, 300)}`);
    return match[1].replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  };
  const post = (path, form) => browse(path, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  // Follow an authorization request through login and consent to the redirect URI.
  const authorize = async (url, redirectUri, email, password) => {
    const steps = [];
    let response = await browse(url);
    for (let hop = 0; hop < 12; hop++) {
      if (response.status === 302) {
        const location = response.headers.get('location');
        steps.push(`302 ${new URL(location, issuer).pathname}`);
        if (location.startsWith(redirectUri)) return { callback: location, steps };
        response = await browse(location);
        continue;
      }
      const html = await response.text();
      if (response.status === 200 && html.includes('action="/login"')) {
        steps.push('login page');
        response = await post('/login', { csrf_token: field(html, 'csrf_token'), return_to: field(html, 'return_to'), email, password });
      } else if (response.status === 200 && html.includes('action="/consent"')) {
        steps.push('consent page');
        response = await post('/consent', { csrf_token: field(html, 'csrf_token'), return_to: field(html, 'return_to'), decision: 'allow' });
      } else {
        throw new Error(`unexpected page ${response.status}: ${html.slice(0, 300)}`);
      }
    }
    throw new Error(`never reached the redirect URI: ${steps.join(', ')}`);
  };
  return { authorize };
}

const summary = (tokens) => ({
  access_token: tokens.access_token, token_type: tokens.token_type, refresh_token: tokens.refresh_token,
  id_token: tokens.id_token, scope: tokens.scope, expires_in: tokens.expires_in,
  claims: tokens.id_token ? tokens.claims() : undefined, issued_token_type: tokens.issued_token_type,
});

async function device([clientId, secret, email, password, decision, dpopFlag]) {
  const config = await configure(clientId, secret);
  const dpop = dpopFlag === 'dpop' ? client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256')) : undefined;
  const started = await client.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' });
  const out = { device: { ...started, device_code: undefined } };
  // Polls from now on, waiting `interval` between requests, while the user approves.
  const polling = client.pollDeviceAuthorizationGrant(config, started, undefined, dpop ? { DPoP: dpop } : undefined)
    .then((tokens) => ({ tokens }), (error) => ({ error }));

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    // What a person does: open the short verification_uri and type the code (lower case, no dash).
    await page.goto(started.verification_uri);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    await page.waitForSelector('#user_code');
    out.code_page_title = await page.title();
    await page.fill('#user_code', started.user_code.replace('-', '').toLowerCase());
    await page.click('button[type=submit]');
    await page.waitForSelector(`button[value=${decision}]`);
    out.confirm_text = await page.textContent('main');
    await page.click(`button[value=${decision}]`);
    await page.waitForSelector('h1');
    out.done_text = await page.textContent('main');
  } finally {
    await browser.close();
  }
  const result = await polling;
  if (result.error) {
    out.poll_error = result.error.error || String(result.error.message);
    return out;
  }
  out.tokens = summary(result.tokens);
  out.userinfo = await client.fetchUserInfo(config, result.tokens.access_token, client.skipSubjectCheck, dpop ? { DPoP: dpop } : undefined);
  return out;
}

async function par([clientId, secret, redirectUri, email, password]) {
  const config = await configure(clientId, secret);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = await client.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: redirectUri, scope: 'openid profile', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const { callback, steps } = await hostedDriver().authorize(url.href, redirectUri, email, password);
  const tokens = await client.authorizationCodeGrant(config, new URL(callback),
    { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  return { authorization_url: url.href, request_uri: url.searchParams.get('request_uri'), steps, tokens: summary(tokens) };
}

async function dpopFlow([clientId, secret, redirectUri, email, password]) {
  const config = await configure(clientId, secret);
  const keyPair = await client.randomDPoPKeyPair('ES256');
  const DPoP = client.getDPoPHandle(config, keyPair);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope: 'openid profile', state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const { callback } = await hostedDriver().authorize(url.href, redirectUri, email, password);
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP });
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck, { DPoP });
  const out = { tokens: summary(tokens), userinfo };
  if (tokens.refresh_token) {
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, undefined, { DPoP });
    out.refreshed = summary(refreshed);
    // The same refresh chain without a proof of the key: refused.
    try { await client.refreshTokenGrant(config, refreshed.refresh_token); out.refresh_without_proof = 'accepted'; }
    catch (e) { out.refresh_without_proof = e.error || String(e.message); }
  }
  return out;
}

async function dpopBoundCode([clientId, secret, redirectUri, email, password, binding, redeemWith]) {
  const config = await configure(clientId, secret);
  const keyPair = await client.randomDPoPKeyPair('ES256');
  const DPoP = client.getDPoPHandle(config, keyPair);
  const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const parameters = {
    redirect_uri: redirectUri, scope: 'openid profile', state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  };
  const url = binding === 'par'
    ? await client.buildAuthorizationUrlWithPAR(config, parameters, { DPoP })
    : client.buildAuthorizationUrl(config, { ...parameters, dpop_jkt: jkt });
  const { callback } = await hostedDriver().authorize(url.href, redirectUri, email, password);
  let options;
  if (redeemWith === 'same') options = { DPoP };
  if (redeemWith === 'other') options = { DPoP: client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256')) };
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state }, undefined, options);
  return { jkt, tokens: summary(tokens) };
}

async function exchange([clientId, secret, subjectToken, scope, audience, actorToken]) {
  const config = await configure(clientId, secret);
  const parameters = {
    subject_token: subjectToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
  };
  if (scope && scope !== '-') parameters.scope = scope;
  if (audience && audience !== '-') parameters.audience = audience;
  if (actorToken) {
    parameters.actor_token = actorToken;
    parameters.actor_token_type = 'urn:ietf:params:oauth:token-type:access_token';
  }
  const tokens = await client.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:token-exchange', parameters);
  return { tokens: summary(tokens) };
}

async function register([metadataJson, initialAccessToken]) {
  const metadata = JSON.parse(metadataJson);
  const config = await client.dynamicClientRegistration(new URL(issuer), metadata, undefined,
    { ...insecure, initialAccessToken: initialAccessToken || undefined });
  const registered = config.clientMetadata();
  const out = { client: registered };
  if ((registered.grant_types || []).includes('client_credentials')) {
    out.tokens = summary(await client.clientCredentialsGrant(config, { scope: metadata.scope }));
  }
  return out;
}

try {
  const commands = { device, par, dpop: dpopFlow, 'dpop-bound-code': dpopBoundCode, exchange, register };
  if (!commands[command]) throw new Error(`unknown command ${command}`);
  console.log(JSON.stringify(await commands[command](args)));
} catch (error) {
  console.log(JSON.stringify({ error: String(error && error.message || error), oauth_error: error && error.error,
    status: error && error.status, cause: String(error && error.cause && JSON.stringify(error.cause) || '') }));
  process.exit(1);
}
