// A SAML 2.0 identity provider for Janua's SSO tests, built on samlify (an independent
// implementation). One operation per run: a JSON spec on stdin, a JSON answer on stdout.
//   metadata         -> {xml}: the IdP's metadata for `janua sso configure --metadata-file`
//   response         -> {SAMLResponse, RelayState, id, xml}: a signed Response to januad's AuthnRequest
//                       (spec.request_url = the Location januad redirected to; its signature is checked),
//                       or an unsolicited one; `mutate` then alters the signed XML for the attack tests
//   logout_request   -> {url}: a signed LogoutRequest to januad's SLO endpoint (Redirect binding)
//   logout_response  -> {url}: a signed LogoutResponse answering januad's LogoutRequest (spec.request_url)
'use strict';
const saml = require('samlify');
const crypto = require('crypto');
const zlib = require('zlib');

// samlify parses only januad's AuthnRequest/LogoutRequest here; januad's own XML is what is
// under test, so schema validation is skipped (samlify requires a validator to be set).
saml.setSchemaValidator({ validate: () => Promise.resolve('skipped') });

const ns = saml.Constants.namespace;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function identityProvider(spec, key, cert) {
  return saml.IdentityProvider({
    entityID: spec.entity_id,
    privateKey: key,
    signingCert: cert,
    wantLogoutRequestSigned: false,
    singleSignOnService: [{ Binding: ns.binding.redirect, Location: spec.sso_url }],
    singleLogoutService: [{ Binding: ns.binding.redirect, Location: spec.slo_url }],
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
  });
}

function query(url) {
  const u = new URL(url);
  const raw = u.search.slice(1);
  // Percent-decoding only: a '+' in a query value is a plus sign here, never a space.
  const params = {};
  for (const pair of raw.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && !(pair.slice(0, eq) in params)) params[pair.slice(0, eq)] = decodeURIComponent(pair.slice(eq + 1));
  }
  // The octets the Redirect-binding signature covers, exactly as januad sent them.
  const pick = (name) => raw.split('&').find((p) => p.startsWith(name + '='));
  const octetString = ['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg'].map(pick).filter(Boolean).join('&');
  return { params, octetString };
}

function inflate(b64) {
  return zlib.inflateRawSync(Buffer.from(b64, 'base64')).toString('utf8');
}

function attributeStatement(spec) {
  const attr = (name, values) =>
    `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">` +
    values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`).join('') +
    '</saml:Attribute>';
  const parts = [];
  if (spec.email) parts.push(attr('email', [spec.email]));
  if (spec.first_name) parts.push(attr('firstName', [spec.first_name]));
  if (spec.last_name) parts.push(attr('lastName', [spec.last_name]));
  if (spec.groups && spec.groups.length) parts.push(attr('groups', spec.groups));
  return parts.length ? `<saml:AttributeStatement>${parts.join('')}</saml:AttributeStatement>` : '';
}

// The signed XML, altered after signing: each shape is a known attack (or a parser trap).
function mutate(xml, how, spec) {
  switch (how) {
    case 'tamper':  // the signed subject changed by one character
      return xml.replace(/(<saml:NameID[^>]*>)([^<]*)</, (m, open, v) => `${open}x${v}<`);
    case 'wrap_beside': {  // an unsigned assertion for someone else next to the signed one (XSW)
      const assertion = xml.match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)[0];
      const evil = assertion.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
        .replace(/ID="[^"]+"/, 'ID="_evil"')
        .replace(/(<saml:NameID[^>]*>)[^<]*</, `$1${spec.evil_email}<`)
        .replace(/(<saml:AttributeValue[^>]*>)[^<]*@[^<]*</, `$1${spec.evil_email}<`);
      return xml.replace('<saml:Assertion', evil + '<saml:Assertion');
    }
    case 'wrap_inside': {  // the unsigned assertion inside the signed one (in its Subject's place)
      const assertion = xml.match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)[0];
      const evil = assertion.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
        .replace(/ID="[^"]+"/, 'ID="_evil"')
        .replace(/(<saml:NameID[^>]*>)[^<]*</, `$1${spec.evil_email}<`);
      return xml.replace(/(<saml:Assertion[^>]*>)/, `$1${evil}`);
    }
    case 'duplicate_id': {  // a second element carrying the signed assertion's ID
      const id = xml.match(/<saml:Assertion[^>]* ID="([^"]+)"/)[1];
      return xml.replace('<samlp:Status>', `<samlp:Extensions><x:y xmlns:x="urn:x" ID="${id}"/></samlp:Extensions><samlp:Status>`);
    }
    case 'doctype':  // a DTD with an external entity (XXE)
      return '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + xml.replace(/^<\?xml[^>]*\?>/, '');
    case 'bomb': {  // billion laughs
      let dtd = '<!ENTITY l0 "lol">';
      for (let i = 1; i < 10; i++) dtd += `<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`;
      return `<?xml version="1.0"?><!DOCTYPE samlp:Response [${dtd}]>` +
        xml.replace(/^<\?xml[^>]*\?>/, '').replace(/(<saml:AttributeValue[^>]*>)[^<]*</, '$1&l9;<');
    }
    default:
      return xml;
  }
}

async function response(spec) {
  const key = spec.sign_key || spec.key;
  const cert = spec.sign_cert || spec.cert;
  const idp = identityProvider(spec, key, cert);
  const sp = saml.ServiceProvider({ metadata: spec.sp_metadata, wantMessageSigned: !!spec.want_message_signed });
  let requestInfo = { extract: { request: { id: '' } } };
  let relayState = spec.relay_state || '';
  if (spec.request_url) {
    const { params, octetString } = query(spec.request_url);
    // Checks januad's AuthnRequest signature against the SP metadata's certificate.
    requestInfo = await idp.parseLoginRequest(sp, 'redirect', { query: params, octetString });
    relayState = spec.relay_state !== undefined ? spec.relay_state : (params.RelayState || '');
  }
  const now = Date.now();
  const acs = sp.entityMeta.getAssertionConsumerService('post');
  const inResponseTo = spec.in_response_to !== undefined ? spec.in_response_to : requestInfo.extract.request.id;
  const nameId = spec.name_id || spec.email;
  const authn = `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${esc(spec.session_index || '_s' + crypto.randomUUID())}">` +
    '<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>';
  const made = await idp.createLoginResponse(sp, requestInfo, 'post', { email: spec.email }, {
    relayState,
    customTagReplacement: (template) => {
      const id = '_' + crypto.randomUUID();
      const values = {
        ID: id,
        AssertionID: '_' + crypto.randomUUID(),
        Destination: spec.destination || acs,
        Audience: spec.audience || sp.entityMeta.getEntityID(),
        SubjectRecipient: spec.recipient || acs,
        NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        NameID: nameId,
        Issuer: spec.entity_id,
        IssueInstant: iso(now),
        ConditionsNotBefore: iso(now - 60000),
        ConditionsNotOnOrAfter: spec.not_on_or_after || iso(now + 300000),
        SubjectConfirmationDataNotOnOrAfter: spec.not_on_or_after || iso(now + 300000),
        StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
        InResponseTo: inResponseTo,
        AuthnStatement: '',
        AttributeStatement: '',
      };
      let xml = saml.SamlLib.replaceTagsByValue(template, values);
      // Fragments go in after the escaping substitution.
      xml = xml.replace('</saml:Conditions>', '</saml:Conditions>' + authn + attributeStatement(spec));
      if (!inResponseTo) xml = xml.replace(/ InResponseTo=""/g, '');
      return { id, context: xml };
    },
  });
  let xml = Buffer.from(made.context, 'base64').toString('utf8');
  xml = mutate(xml, spec.mutate, spec);
  return { SAMLResponse: Buffer.from(xml, 'utf8').toString('base64'), RelayState: relayState, id: made.id, xml };
}

function signRedirect(endpoint, param, xml, relayState, key) {
  let q = `${param}=${encodeURIComponent(zlib.deflateRawSync(Buffer.from(xml)).toString('base64'))}`;
  if (relayState) q += `&RelayState=${encodeURIComponent(relayState)}`;
  q += `&SigAlg=${encodeURIComponent('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')}`;
  const sig = crypto.sign('sha256', Buffer.from(q), key).toString('base64');
  return `${endpoint}${endpoint.includes('?') ? '&' : '?'}${q}&Signature=${encodeURIComponent(sig)}`;
}

async function main() {
  const spec = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  spec_for_errors = spec;
  if (spec.op === 'metadata') return { xml: identityProvider(spec, spec.key, spec.cert).getMetadata() };
  if (spec.op === 'response') return response(spec);
  if (spec.op === 'logout_request') {
    const id = '_' + crypto.randomUUID();
    const xml = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(Date.now())}" Destination="${esc(spec.destination)}">` +
      `<saml:Issuer>${esc(spec.entity_id)}</saml:Issuer><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${esc(spec.name_id)}</saml:NameID>` +
      (spec.session_index ? `<samlp:SessionIndex>${esc(spec.session_index)}</samlp:SessionIndex>` : '') + '</samlp:LogoutRequest>';
    const url = spec.unsigned
      ? `${spec.destination}?SAMLRequest=${encodeURIComponent(zlib.deflateRawSync(Buffer.from(xml)).toString('base64'))}`
      : signRedirect(spec.destination, 'SAMLRequest', xml, spec.relay_state || '', spec.key);
    return { url, id };
  }
  if (spec.op === 'logout_response') {
    const { params } = query(spec.request_url);
    const request = inflate(params.SAMLRequest);
    const requestId = request.match(/ ID="([^"]+)"/)[1];
    const xml = `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_${crypto.randomUUID()}" Version="2.0" IssueInstant="${iso(Date.now())}" Destination="${esc(spec.destination)}" InResponseTo="${requestId}">` +
      `<saml:Issuer>${esc(spec.entity_id)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>`;
    return { url: signRedirect(spec.destination, 'SAMLResponse', xml, params.RelayState || '', spec.key), request };
  }
  throw new Error('unknown op ' + spec.op);
}

let spec_for_errors = null;
main().then((out) => process.stdout.write(JSON.stringify(out)), (e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  if (spec_for_errors && spec_for_errors.request_url) process.stderr.write('request_url: ' + spec_for_errors.request_url + '\n');
  process.exit(1);
});
