// An independent relying party (openid-client) runs the authorization code flow with PKCE
// against januad, driving the hosted login and consent pages like a browser would (cookies,
// CSRF fields), then exchanges the code, reads userinfo and refreshes.
// Usage: node oidc-flow.mjs ISSUER CLIENT_ID CLIENT_SECRET|- REDIRECT_URI EMAIL PASSWORD [SCOPE]
// Prints one JSON object; exits 1 with {"error": "..."} on any failure.
import * as client from 'openid-client';

const [issuer, clientId, clientSecret, redirectUri, email, password, scope = 'openid profile email'] = process.argv.slice(2);

const jar = new Map();
function remember(response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
  }
}
const cookieHeader = () => [...jar].filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join('; ');

async function browse(url, init = {}) {
  const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers || {}), cookie: cookieHeader() } });
  remember(response);
  return response;
}
const absolute = (location) => new URL(location, issuer).href;
const field = (html, name) => {
  const match = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!match) throw new Error(`no ${name} field in page: ${html.slice(0, 300)}`);
  return match[1].replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>');
};

try {
  const config = await client.discovery(new URL(issuer), clientId, clientSecret === '-' ? undefined : clientSecret,
    clientSecret === '-' ? client.None() : undefined, { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const challenge = await client.calculatePKCECodeChallenge(verifier);
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope, code_challenge: challenge, code_challenge_method: 'S256', state, nonce,
  });

  const steps = [];
  let response = await browse(authorizationUrl.href);
  let callback = null;
  for (let hop = 0; hop < 10 && !callback; hop++) {
    if (response.status === 302) {
      const location = response.headers.get('location');
      steps.push(`302 ${new URL(location, issuer).pathname}`);
      if (location.startsWith(redirectUri)) { callback = location; break; }
      response = await browse(absolute(location));
      continue;
    }
    const html = await response.text();
    if (response.status === 200 && html.includes('action="/login"')) {
      steps.push('login page');
      const form = new URLSearchParams({ csrf_token: field(html, 'csrf_token'), return_to: field(html, 'return_to'), email, password });
      response = await browse(absolute('/login'), { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    } else if (response.status === 200 && html.includes('action="/consent"')) {
      steps.push('consent page');
      const form = new URLSearchParams({ csrf_token: field(html, 'csrf_token'), return_to: field(html, 'return_to'), decision: 'allow' });
      response = await browse(absolute('/consent'), { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    } else {
      throw new Error(`unexpected page ${response.status}: ${html.slice(0, 300)}`);
    }
  }
  if (!callback) throw new Error(`never reached the redirect URI: ${steps.join(', ')}`);

  const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: scope.split(' ').includes('openid'),
  });
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  let refreshed = null;
  if (tokens.refresh_token) {
    const next = await client.refreshTokenGrant(config, tokens.refresh_token);
    refreshed = { access_token: next.access_token, refresh_token: next.refresh_token, rotated: next.refresh_token !== tokens.refresh_token };
  }
  console.log(JSON.stringify({ steps, claims, userinfo, access_token: tokens.access_token, refresh_token: tokens.refresh_token,
    id_token: tokens.id_token, refreshed, cookies: Object.fromEntries(jar) }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error && error.message || error), cause: String(error && error.cause && JSON.stringify(error.cause) || '') }));
  process.exit(1);
}
