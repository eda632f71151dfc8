#!/usr/bin/env node
// A real SMTP server on loopback for tests: it accepts every message and writes it, raw, to
// <dir>/<n>.eml (atomically: written under a temporary name, then renamed), with the envelope
// and session facts beside it in <n>.json.
//
//   node smtp-sink.js --port 2525 --dir /tmp/mail [--cert cert.pem --key key.pem]
//                     [--user alice --pass secret]
//
// --cert/--key: offer STARTTLS with that certificate (and refuse AUTH before it).
// --user/--pass: require AUTH PLAIN or LOGIN with exactly these credentials.
// Prints "listening <port>" once it accepts connections; exits on SIGTERM or SIGINT.
'use strict';

const fs = require('fs');
const path = require('path');
const { SMTPServer } = require('smtp-server');

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  if (!args.port || !args.dir) throw new Error('--port and --dir are required');
  return args;
}

const args = parseArgs(process.argv.slice(2));
const tls = Boolean(args.cert && args.key);
const auth = Boolean(args.user);
let counter = 0;

const options = {
  logger: false,
  banner: 'janua test sink',
  // Without a certificate there is no STARTTLS to offer (smtp-server would use a built-in one).
  hideSTARTTLS: !tls,
  allowInsecureAuth: !tls,
  authOptional: !auth,
  authMethods: ['PLAIN', 'LOGIN'],
  disabledCommands: auth ? [] : ['AUTH'],
  onAuth(credentials, session, callback) {
    if (credentials.username === args.user && credentials.password === args.pass) {
      return callback(null, { user: credentials.username });
    }
    return callback(new Error('Invalid username or password'));
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('error', callback);
    stream.on('end', () => {
      const name = `${Date.now()}-${process.pid}-${counter++}`;
      const envelope = {
        mailFrom: session.envelope.mailFrom && session.envelope.mailFrom.address,
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
        secure: Boolean(session.secure),
        user: session.user || null,
      };
      try {
        fs.writeFileSync(path.join(args.dir, `${name}.json`), JSON.stringify(envelope));
        const temporary = path.join(args.dir, `.${name}.tmp`);
        fs.writeFileSync(temporary, Buffer.concat(chunks));
        fs.renameSync(temporary, path.join(args.dir, `${name}.eml`));
      } catch (err) {
        return callback(err);
      }
      return callback(null, 'Message stored');
    });
  },
};
if (tls) {
  options.key = fs.readFileSync(args.key);
  options.cert = fs.readFileSync(args.cert);
}

fs.mkdirSync(args.dir, { recursive: true });
const server = new SMTPServer(options);
server.on('error', (err) => console.error(`smtp-sink: ${err.message}`));
server.listen(Number(args.port), '127.0.0.1', () => {
  console.log(`listening ${server.server.address().port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
