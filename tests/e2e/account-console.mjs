// The account console (/account) in headless Chromium, as its user sees it: sign in through the
// hosted /login page, edit the profile, add, rename and remove a passkey (a CDP virtual
// authenticator), turn on two-step verification from the QR page, sign out the other sessions.
// Prints what each step showed as JSON; the C++ test checks it and the database.
// Usage: node account-console.mjs API_BASE PAGE_ORIGIN EMAIL PASSWORD
import { addVirtualAuthenticator, launchChromium, proxiedContext } from './localhost-browser.mjs';
import { execFileSync } from 'node:child_process';

const [api, pageOrigin, email, password] = process.argv.slice(2);
const results = {};
const browser = await launchChromium();

async function notice(page) {
  const el = await page.waitForSelector('.notice, .error[role=alert]');
  return (await el.textContent()).trim();
}

// Every visible form control has a label (the console must work with a screen reader).
async function unlabelled(page) {
  return page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), button, select, textarea')]
    .filter((e) => e.tagName === 'BUTTON' ? !(e.textContent.trim() || e.getAttribute('aria-label')) : e.labels.length === 0)
    .map((e) => e.id || e.name || e.outerHTML.slice(0, 60)));
}

try {
  const context = await proxiedContext(browser, pageOrigin, api);
  const page = await context.newPage();
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') scriptErrors.push(m.text()); });

  // Not signed in: the console sends the browser to /login and back.
  await page.goto(`${pageOrigin}/account`);
  await page.waitForSelector('#email');
  results.login_url = new URL(page.url()).pathname + new URL(page.url()).search;
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForSelector('#profile-h');
  results.heading = (await page.textContent('h1')).trim();
  results.unlabelled = await unlabelled(page);

  // Profile.
  await page.fill('#first_name', 'Browser');
  await page.fill('#display_name', 'B. Rowser');
  await page.click('form[action="/account/profile"] button[type=submit]');
  results.profile_notice = await notice(page);
  results.first_name_after = await page.inputValue('#first_name');

  // Passkeys: the one script of the console.
  await addVirtualAuthenticator(context, page);
  await page.fill('#passkey-name', 'Console key');
  await page.click('#add-passkey');
  await page.waitForURL(/done=passkey_added/);
  results.passkey_notice = await notice(page);
  results.passkey_rows = await page.$$eval('#passkeys tbody tr td:first-child', (tds) => tds.map((td) => td.textContent.trim()));
  const renameInput = await page.$('#passkeys input[name=name]');
  await renameInput.fill('Renamed key');
  await page.click('#passkeys form[action$="/rename"] button[type=submit]');
  results.rename_notice = await notice(page);
  results.passkey_rows_after_rename = await page.$$eval('#passkeys tbody tr td:first-child', (tds) => tds.map((td) => td.textContent.trim()));

  // Two-step verification: the QR page, a first code, the backup codes.
  await page.click('form[action="/account/totp/start"] button[type=submit]');
  await page.waitForSelector('svg[role=img]');
  results.qr_label = await page.getAttribute('svg[role=img]', 'aria-label');
  const secret = (await page.textContent('code')).trim();
  const code = execFileSync('oathtool', ['--totp', '-b', secret]).toString().trim();
  await page.fill('#code', code);
  await page.click('form[action="/account/totp/confirm"] button[type=submit]');
  await page.waitForSelector('#backup-codes');
  results.backup_codes = await page.$$eval('#backup-codes li', (lis) => lis.length);
  await page.click('a[href^="/account?done=totp"]');
  results.totp_notice = await notice(page);
  results.totp_section = (await page.textContent('#totp p')).trim();

  // Sessions: sign out the others (the test opened one through the API).
  results.sessions_before = await page.$$eval('#sessions tbody tr', (trs) => trs.length);
  await page.click('#sessions form[action="/account/sessions/revoke-others"] button');
  results.sessions_notice = await notice(page);
  results.sessions_after = await page.$$eval('#sessions tbody tr', (trs) => trs.length);

  // Remove the passkey.
  await page.click('#passkeys form[action$="/delete"] button');
  results.remove_notice = await notice(page);
  results.passkeys_left = await page.$$eval('#passkeys tbody tr', (trs) => trs.length);
  results.script_errors = scriptErrors;
  console.log(JSON.stringify(results));
} catch (e) {
  console.error(e.stack || String(e));
  console.log(JSON.stringify(results));
  process.exitCode = 1;
} finally {
  await browser.close();
}
