// A real S3-compatible server for the avatar storage tests: s3rver (an S3 implementation on the
// local disk) behind a front that checks every request's AWS Signature Version 4 with an
// independent implementation (the aws4 package) — s3rver itself accepts any V4 signature — and
// the payload hash against the body actually received. Prints "listening <port>" once ready.
//   node s3-server.mjs --bucket B --access-key-id K --secret-access-key S [--region R]
// Test hooks: GET /__test/stats -> {verified, rejected}; POST /__test/fail-puts {"on": bool}
// makes PUTs answer 500 (a store that is down).
import aws4 from 'aws4';
import S3rver from 's3rver';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const bucket = arg('bucket', 'avatars');
const region = arg('region', 'us-east-1');
const credentials = { accessKeyId: arg('access-key-id'), secretAccessKey: arg('secret-access-key') };
if (!credentials.accessKeyId || !credentials.secretAccessKey) {
  console.error('usage: s3-server.mjs --bucket B --access-key-id K --secret-access-key S');
  process.exit(2);
}

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'janua-s3-'));
const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
const { port: s3Port } = await s3.run();

const stats = { verified: 0, rejected: 0 };
let failPuts = false;

function s3Error(res, status, code, message) {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

// Recompute the signature with aws4 over exactly the headers the client says it signed.
function verify(req, body) {
  const auth = req.headers.authorization || '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return 'malformed or missing Authorization';
  const [, keyId, , signedRegion, signedHeaders, signature] = m;
  if (keyId !== credentials.accessKeyId) return 'unknown access key';
  if (signedRegion !== region) return 'wrong region';
  const names = signedHeaders.split(';');
  for (const required of ['host', 'x-amz-content-sha256', 'x-amz-date'])
    if (!names.includes(required)) return `${required} is not signed`;
  const payloadHash = crypto.createHash('sha256').update(body).digest('hex');
  if (req.headers['x-amz-content-sha256'] !== payloadHash) return 'payload hash does not match the body';
  const headers = {};
  for (const name of names) if (name !== 'host') headers[name] = req.headers[name];
  const signer = new aws4.RequestSigner(
    { host: req.headers.host, method: req.method, path: req.url, service: 's3', region, headers },
    credentials,
  );
  if (signer.signedHeaders() !== signedHeaders) return `signed headers differ: ${signer.signedHeaders()}`;
  const expected = signer.signature();
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return 'signature does not match';
  return null;
}

const front = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/__test/stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify(stats));
    }
    if (req.url === '/__test/fail-puts' && req.method === 'POST') {
      failPuts = JSON.parse(body.toString() || '{}').on === true;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ failPuts }));
    }
    const problem = verify(req, body);
    if (problem) {
      stats.rejected += 1;
      console.error(`rejected ${req.method} ${req.url}: ${problem}`);
      return s3Error(res, 403, 'SignatureDoesNotMatch', problem);
    }
    stats.verified += 1;
    if (failPuts && req.method === 'PUT') return s3Error(res, 500, 'InternalError', 'failing on purpose');
    // Verified: hand it to s3rver anonymously (it knows only its own dummy account).
    const headers = { ...req.headers };
    delete headers.authorization;
    const upstream = http.request(
      { host: '127.0.0.1', port: s3Port, method: req.method, path: req.url, headers },
      (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => s3Error(res, 502, 'BadGateway', e.message));
    upstream.end(body);
  });
});

front.listen(0, '127.0.0.1', () => console.log(`listening ${front.address().port}`));

const stop = async () => {
  front.close();
  await s3.close().catch(() => {});
  fs.rmSync(directory, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
