// The spec's HTML page in real headless Chromium (playwright-core, Debian's /usr/bin/chromium), with JavaScript
// disabled: the page reads without script, makes no request but the file itself (the CSP forbids any other and
// the page names none), and a model output carrying <img onerror> and <script> is shown as text: no element is
// made of it and nothing of it runs (the title stays the spec's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { HOSTILE_OUTPUT, SPEC_FIXTURE_CASES, writeSpecFixture } from '../helpers/spec-fixture.js';
import { chromiumAvailable, launchChromium } from '../../bench/chromium.mjs';

const available = chromiumAvailable() as boolean;
const run = available || process.env.CI ? describe : describe.skip;

run('the spec HTML in Chromium without JavaScript', () => {
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  let url: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const dir = tempDir();
    writeSpecFixture(dir);
    const stored = await runCli(['run', 'evalspec.yaml', '--no-progress', '--allow-inconclusive'], { cwd: dir });
    expect(stored.exitCode, stored.stderr).toBe(0);
    const out = join(dir, 'spec.html');
    const spec = await runCli(['spec', 'evalspec.yaml', '--format', 'html', '--out', out, '--no-git'], { cwd: dir });
    expect(spec.exitCode, spec.stderr).toBe(0);
    url = pathToFileURL(out).href;
    browser = await launchChromium({ javaScriptEnabled: false });
    browser.context.on('request', (r) => requests.push(r.url()));
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(url);
  });

  afterAll(async () => {
    await browser?.close();
    cleanupTempDirs();
  });

  it('reads without script: every section and the critical bound are on the page', async () => {
    const titles = await page.locator('h2').allTextContents();
    expect(titles).toEqual([
      'Overview',
      'What "good" means',
      'Failure modes',
      'The safety line (red-team)',
      'Data',
      'Model selection rationale',
      'Current status',
      'Deployment stage and kill switch',
      'Change log',
    ]);
    const bound = ((1 - 0.05 ** (1 / SPEC_FIXTURE_CASES)) * 100).toFixed(2);
    expect(await page.locator('#failures').innerText()).toContain(`big: 0 critical failures in ${SPEC_FIXTURE_CASES} cases: ≤ ${bound}% at 95%`);
  });

  it('requests nothing but the file itself', () => {
    expect(requests).toEqual([url]);
  });

  it('shows the hostile model output as text: no element made of it, nothing of it ran', async () => {
    const outputs = await page.locator('pre.output').allTextContents();
    expect(outputs).toContain(HOSTILE_OUTPUT);
    expect(await page.locator('img, script, iframe').count()).toBe(0);
    expect(await page.title()).toBe('Spec: spec-fixture');
  });

  it('the wireframe is a link that is never followed', async () => {
    expect(await page.locator('a[href="https://example.com/wireframes/refund.png"]').count()).toBe(1);
    expect(requests.some((r) => r.startsWith('https://'))).toBe(false);
  });
});
