// Cross-check januad's SCIM filter parser against an independent one (npm scim2-parse-filter):
// for every filter of the corpus both must agree on accept/reject, and for accepted filters the
// Users januad returns must be exactly those scim2-parse-filter's evaluator selects from the full
// list of Users (fetched from januad without a filter).
//
//   node scim-filter-crosscheck.mjs BASE_URL SCIM_TOKEN
//
// The corpus keeps to where RFC 7644 leaves no room for interpretation and the library follows
// it: values are lower case (the library compares case-sensitively, januad follows caseExact
// false), no `ne` on an attribute some Users lack (the library's ne is false there, RFC's true),
// no `emails co "x"` shorthand for emails.value and no URN prefixes (the library does not
// resolve them). Rejected filters are syntax errors only: januad also rejects unknown
// attributes, which a schema-less parser cannot know.
import { parse, filter } from 'scim2-parse-filter';

const [base, token] = process.argv.slice(2);
if (!base || !token) {
  console.error('usage: scim-filter-crosscheck.mjs BASE_URL SCIM_TOKEN');
  process.exit(2);
}

async function users(filterText) {
  const q = new URLSearchParams({ count: '200' });
  if (filterText !== undefined) q.set('filter', filterText);
  const r = await fetch(`${base}/scim/v2/Users?${q}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await r.json();
  return { status: r.status, body };
}

const accepted = [
  'userName eq "ann@acme.test"',
  'userName co "acme"',
  'userName sw "b"',
  'userName ew ".org"',
  'userName gt "b"',
  'userName ge "ben@acme.test"',
  'userName lt "c"',
  'userName le "ben@acme.test"',
  'title eq "engineer"',
  'title pr',
  'externalId pr',
  'externalId eq "e-1"',
  'name.givenName eq "ann"',
  'name.familyName sw "b"',
  'title pr and title eq "manager"',
  'userName sw "a" or userName sw "c"',
  'userName sw "a" or userName sw "b" and title eq "manager"',
  '(userName sw "a" or userName sw "b") and title eq "manager"',
  'not (userName co "acme")',
  'not (title pr) and userName co "acme"',
  'emails[type eq "work" and value co "@acme.test"]',
  'emails[type eq "home"]',
  'emails[value ew "example"] or title eq "engineer"',
  'emails.value ew "other.example"',
  'emails.type eq "home"',
  'active eq true',
  'active eq false',
  'active eq true and userName co "acme"',
  'emails[primary eq true]',
  'userName eq "x\' OR \'1\'=\'1"',
  '((userName sw "a"))',
  'not (not (userName sw "a"))',
];
const rejected = [
  'userName eq',
  'userName zz "a"',
  '(userName eq "a"',
  'userName eq "a" and',
  'emails[type eq "work"',
  'userName eq "unterminated',
  'userName eq "a" junk',
  'and userName eq "a"',
  '',
  'userName eq "a")',
];

const all = await users();
if (all.status !== 200) {
  console.error('listing Users failed', all.status, JSON.stringify(all.body));
  process.exit(1);
}
const everyone = all.body.Resources;
let passed = 0;
let failed = 0;
const fail = (f, why) => {
  failed += 1;
  console.log(`MISMATCH ${JSON.stringify(f)}: ${why}`);
};

for (const [f, expectAccept] of [...accepted.map((f) => [f, true]), ...rejected.map((f) => [f, false])]) {
  let ast = null;
  try {
    ast = parse(f);
  } catch {
    ast = null;
  }
  const ours = f === '' ? await users('') : await users(f);
  const weAccept = ours.status === 200;
  const theyAccept = ast !== null;
  if (weAccept !== theyAccept || weAccept !== expectAccept) {
    fail(f, `januad ${weAccept ? 'accepts' : 'rejects'} (HTTP ${ours.status}), scim2-parse-filter ${theyAccept ? 'accepts' : 'rejects'}`);
    continue;
  }
  if (!weAccept) {
    if (ours.body.scimType !== 'invalidFilter') fail(f, `januad's error is ${ours.body.scimType}, not invalidFilter`);
    else passed += 1;
    continue;
  }
  const expected = everyone.filter(filter(ast)).map((u) => u.userName).sort();
  const got = ours.body.Resources.map((u) => u.userName).sort();
  if (JSON.stringify(expected) !== JSON.stringify(got) || ours.body.totalResults !== got.length) {
    fail(f, `januad returned ${JSON.stringify(got)}, scim2-parse-filter selects ${JSON.stringify(expected)}`);
    continue;
  }
  passed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
