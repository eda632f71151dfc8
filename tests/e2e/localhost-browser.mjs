// Headless Chromium on a http://localhost:PORT origin that is proxied to januad on 127.0.0.1
// (WebAuthn refuses IP addresses as relying-party ids). The proxy keeps the cookies itself: the
// browser's cookies for localhost would not be sent to 127.0.0.1.
import { chromium } from 'playwright-core';

export async function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A browser context whose requests to `pageOrigin` are answered by `api`.
export async function proxiedContext(browser, pageOrigin, api) {
  const context = await browser.newContext();
  const jar = new Map();
  await context.route(`${pageOrigin}/**`, async (route) => {
    const request = route.request();
    const headers = { ...request.headers() };
    delete headers.cookie;
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await route.fetch({ url: request.url().replace(pageOrigin, api), headers, maxRedirects: 0 });
    for (const h of response.headersArray()) {
      if (h.name.toLowerCase() !== 'set-cookie') continue;
      const pair = h.value.split(';')[0];
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    // Chromium does not follow a fulfilled 3xx: hand the browser an equivalent refresh page.
    if (response.status() >= 300 && response.status() < 400) {
      const location = response.headers().location.replace(api, pageOrigin);
      await route.fulfill({ status: 200, contentType: 'text/html',
        body: `<!doctype html><meta http-equiv="refresh" content="0;url=${location.replace(/"/g, '&quot;')}">` });
      return;
    }
    await route.fulfill({ response });
  });
  return context;
}

// A CTAP2 platform authenticator with user verification, for the page's WebAuthn calls.
export async function addVirtualAuthenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
    isUserVerified: true, automaticPresenceSimulation: true } });
  return { cdp, authenticatorId };
}
