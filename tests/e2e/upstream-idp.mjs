#!/usr/bin/env node
// An upstream identity provider for januad's relying-party tests, on loopback:
//  * Node's oidc-provider (a certified OpenID Provider) at http://127.0.0.1:<port>, and
//  * a GitHub-shaped OAuth 2.0 fake at http://127.0.0.1:<github-port> (authorize, access_token with
//    PKCE S256, /user, /user/emails), standing in for github.com, which tests cannot reach. Like a
//    GitHub App's user tokens, its access tokens expire (expires_in) and come with a refresh token,
//    which grant_type=refresh_token spends once (rotation).
//
//   node upstream-idp.mjs --client-id ID --client-secret S --redirect-uri URI [--redirect-uri URI2]
//                         --accounts '{"alice":{"email":"a@x","email_verified":true}}'
//
// There is no login form: the account is the authorization request's login_hint (the test
// chooses who signs in). POST /__test/mode {"mode": M} makes the OpenID Provider misbehave on the
// next token responses: wrong_nonce, wrong_aud, other_key (signed by a key it does not publish),
// expired, none (the default). Both ports are ephemeral;
// prints "listening <port> <github-port>" when ready.
import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const args = { 'redirect-uri': [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (key === 'redirect-uri') args[key].push(argv[i + 1]); else args[key] = argv[i + 1];
}
// Both listeners take ephemeral ports before the provider exists (its issuer names the port), so
// no other process can take a port between choosing and binding it.
const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const opServer = http.createServer();
const port = await listen(opServer);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(args.accounts || '{}');

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'upstream-1', alg: 'RS256', use: 'sig' };
const { privateKey: otherKey } = await jose.generateKeyPair('RS256', { extractable: true });
let mode = 'none';

const provider = new Provider(issuer, {
  clients: [{
    client_id: args['client-id'], client_secret: args['client-secret'], redirect_uris: args['redirect-uri'],
    grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['upstream-test-cookie-key'] },
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
  features: { devInteractions: { enabled: false } },
  conformIdTokenClaims: false, // the ID token carries the email claims (no userinfo round trip needed)
  findAccount: async (ctx, sub) => {
    if (!accounts[sub]) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) };
  },
  // Consent is implied: the test decides who signs in and what is granted.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.proxy = false;

// Login without a form: the login_hint names the account.
provider.use(async (ctx, next) => {
  if (ctx.path === '/__test/mode' && ctx.method === 'POST') {
    const chunks = [];
    for await (const c of ctx.req) chunks.push(c);
    mode = JSON.parse(Buffer.concat(chunks).toString() || '{}').mode || 'none';
    ctx.body = { mode };
    return;
  }
  if (ctx.path.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const hint = details.params.login_hint;
    if (!hint || !accounts[hint]) { ctx.status = 400; ctx.body = 'unknown login_hint'; return; }
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: hint } }, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.status === 200 && mode !== 'none' && ctx.body && ctx.body.id_token) {
    const claims = jose.decodeJwt(ctx.body.id_token);
    if (mode === 'wrong_nonce') claims.nonce = 'not-the-nonce';
    if (mode === 'wrong_aud') claims.aud = 'some-other-client';
    if (mode === 'expired') { claims.iat -= 7200; claims.exp = claims.iat + 600; }
    const key = mode === 'other_key' ? otherKey : privateKey;
    ctx.body = { ...ctx.body, id_token: await new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'upstream-1' }).sign(key) };
  }
});

// ---- GitHub-shaped OAuth 2.0 fake -------------------------------------------------------------
const codes = new Map();
const tokens = new Map();
const refreshTokens = new Map();
const issueTokens = (login) => {
  const token = crypto.randomBytes(16).toString('hex');
  const refresh = crypto.randomBytes(16).toString('hex');
  tokens.set(token, login);
  refreshTokens.set(refresh, login);
  return { access_token: token, token_type: 'bearer', scope: 'read:user,user:email', expires_in: 28800,
           refresh_token: refresh, refresh_token_expires_in: 15897600 };
};
const github = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const send = (status, body) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (url.pathname === '/login/oauth/authorize') {
    const p = url.searchParams;
    const login = p.get('login_hint');
    if (p.get('client_id') !== args['client-id'] || !args['redirect-uri'].includes(p.get('redirect_uri')) || !accounts[login]
        || p.get('code_challenge_method') !== 'S256') return send(400, { error: 'bad request' });
    const code = crypto.randomBytes(16).toString('hex');
    codes.set(code, { login, challenge: p.get('code_challenge'), redirect: p.get('redirect_uri') });
    res.writeHead(302, { Location: `${p.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(p.get('state'))}` });
    return res.end();
  }
  if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    if (form.get('client_id') !== args['client-id'] || form.get('client_secret') !== args['client-secret'])
      return send(200, { error: 'incorrect_client_credentials' });
    if (form.get('grant_type') === 'refresh_token') {
      const owner = refreshTokens.get(form.get('refresh_token'));
      refreshTokens.delete(form.get('refresh_token'));
      if (!owner) return send(200, { error: 'bad_refresh_token' });
      return send(200, issueTokens(owner));
    }
    const entry = codes.get(form.get('code'));
    codes.delete(form.get('code'));
    const challenge = crypto.createHash('sha256').update(form.get('code_verifier') || '').digest('base64url');
    if (!entry || entry.challenge !== challenge || entry.redirect !== form.get('redirect_uri'))
      return send(200, { error: 'bad_verification_code' });
    return send(200, issueTokens(entry.login));
  }
  const login = tokens.get((req.headers.authorization || '').replace(/^Bearer /, ''));
  if (!login) return send(401, { message: 'Bad credentials' });
  const account = accounts[login];
  if (url.pathname === '/user') return send(200, { id: 4242 + Object.keys(accounts).indexOf(login), login, name: account.name || login, email: null });
  if (url.pathname === '/user/emails')
    return send(200, [{ email: `${login}-secondary@example.org`, primary: false, verified: true },
                      { email: account.email, primary: true, verified: account.email_verified === true }]);
  return send(404, { message: 'Not Found' });
});

opServer.on('request', provider.callback());
const githubPort = await listen(github);
console.log(`listening ${port} ${githubPort}`);
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
