#!/usr/bin/env node
// A browser stand-in for the upstream leg of a login: GET the authorization URL januad returned,
// follow redirects with a cookie jar until one points at `stop_prefix` (januad's callback), and
// print that URL. Exits 2 when the chain ends elsewhere (printing the last status and body).
//
//   node upstream-drive.mjs <authorization_url> <stop_prefix>
const [start, stopPrefix] = process.argv.slice(2);
const jar = new Map();
let url = start;
for (let hop = 0; hop < 15; hop++) {
  if (url.startsWith(stopPrefix)) { console.log(url); process.exit(0); }
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
  }
  const location = res.headers.get('location');
  if (!location) { console.log(`${res.status} ${await res.text()}`); process.exit(2); }
  url = new URL(location, url).toString();
}
console.log('too many redirects');
process.exit(2);
