// The anchor januad is compared with: Node's oidc-provider in production mode, in-memory
// adapter, one confidential client allowed client_credentials, introspection on, RS256 keys.
// usage: NODE_ENV=production node anchor.mjs PORT CLIENT_ID CLIENT_SECRET
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const [port, clientId, clientSecret] = process.argv.slice(2);
if (!port || !clientId || !clientSecret) {
  console.error('usage: node anchor.mjs PORT CLIENT_ID CLIENT_SECRET');
  process.exit(2);
}

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const provider = new Provider(`http://localhost:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [{ ...signingKey, kid: 'anchor-rs256', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true, allowedPolicy: () => true },
    devInteractions: { enabled: false },
  },
  scopes: ['api'],
  ttl: { ClientCredentials: 900 },
});
provider.proxy = false;
provider.listen(Number(port), '127.0.0.1');
