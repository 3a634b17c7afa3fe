// The shared viewer's sign-in in real headless Chromium (playwright-core, Debian's /usr/bin/chromium): the page
// sends an unsigned browser to /login, a wrong token is refused on the form, the right one leads to the runs; the
// session cookie is HttpOnly and SameSite=Strict (the page's script cannot read it), a label saved with the
// keyboard records the token's name, the top bar's Sign out ends the session (the cookie is gone, the API refuses
// the page), and once the token is revoked the next page load is back at /login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { cleanupTempDirs, runCli } from '../helpers/cli.js';
import { seededStore, startOver, storedLabels, type Seeded } from './helpers.js';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';

// Functions given to page.evaluate / waitForFunction run in Chromium; this file is type-checked with Node's lib.
declare const document: { cookie: string; querySelector(selector: string): { textContent: string | null } | null };

const available = chromiumAvailable() as boolean;
const run = available || process.env.CI ? describe : describe.skip;

run('shared viewer sign-in in Chromium', () => {
  let seeded: Seeded;
  let token: string;
  let viewer: Awaited<ReturnType<typeof startOver>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    seeded = await seededStore(12);
    const created = await runCli(['--db', seeded.db, 'tokens', 'create', '--name', 'alice'], { cwd: seeded.dir });
    expect(created.exitCode, created.stderr).toBe(0);
    token = created.stdout.trim();
    viewer = await startOver(seeded.db, { host: '127.0.0.1' });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await viewer?.closeAll();
    cleanupTempDirs();
  });

  it('sends an unsigned browser to /login; a wrong token stays there with the reason', async () => {
    await page.goto(viewer.url);
    await page.waitForSelector('form[action="/login"] input[name=token]', { timeout: 15_000 });
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=token]', 'esv_not-a-real-token');
    await page.click('button[type=submit]');
    await page.waitForSelector('#login-error');
    expect(await page.textContent('#login-error')).toBe('unknown access token');
  });

  it('the right token leads to the runs; the cookie is HttpOnly and SameSite=Strict, invisible to the page', async () => {
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('.runs-table', { timeout: 15_000 });
    expect(await page.locator('.runs-table tbody tr').count()).toBe(2);
    expect(page.url()).not.toContain(token);
    const [cookie] = await browser.context.cookies(viewer.url);
    expect(cookie).toMatchObject({ name: 'evalspec_session', httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it("a label saved with the keyboard records the token's name", async () => {
    await page.goto(`${viewer.url}#/runs/run-base/review?outcome=fail`);
    await page.waitForSelector('[data-testid=label-form]', { timeout: 15_000 });
    await page.keyboard.press('f');
    await page.waitForFunction(() => document.querySelector('[data-testid=label-status]')?.textContent?.startsWith('saved'));
    expect(await page.textContent('[data-testid=label-status]')).toContain('saved by alice');
    expect(storedLabels(seeded.db).map((r) => [r.labeller, r.label])).toEqual([['alice', 'fail']]);
  });

  it('the top bar names the signed-in token and signs out: back at /login, the cookie gone, the API refuses', async () => {
    await page.goto(viewer.url);
    await page.waitForSelector('[data-testid=signed-in]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid=signed-in]')).toContain('alice');
    await page.click('[data-testid=signed-in] button');
    await page.waitForSelector('form[action="/login"]', { timeout: 15_000 });
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await browser.context.cookies(viewer.url)).toEqual([]);
    const refused = await page.evaluate(async () => (await fetch('/api/runs')).status);
    expect(refused).toBe(401);
    // Signed in again for the revocation below.
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('.runs-table', { timeout: 15_000 });
  });

  it('after `evalspec tokens revoke` the next page load is back at the sign-in page', async () => {
    expect((await runCli(['--db', seeded.db, 'tokens', 'revoke', '--name', 'alice'], { cwd: seeded.dir })).exitCode).toBe(0);
    await page.reload();
    await page.waitForSelector('form[action="/login"]', { timeout: 15_000 });
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(problems).toEqual([]);
  });
});
