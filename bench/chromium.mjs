// Debian's Chromium driven by playwright-core, for the viewer's end-to-end tests, screenshots and
// benchmark. Never downloads a browser: it uses /usr/bin/chromium (apt-get install chromium) or
// $CHROMIUM_PATH, with a fresh profile each launch.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function chromiumAvailable() {
  return existsSync(CHROMIUM_PATH);
}

/**
 * Launch headless Chromium; close() also removes the profile directory. `contextOptions` are playwright's (e.g.
 * { javaScriptEnabled: false } to check a page reads without script).
 */
export async function launchChromium(contextOptions = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'evalspec-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`,
  ];
  // launchPersistentContext is how a --user-data-dir is given to playwright.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: args.filter((a) => !a.startsWith('--user-data-dir')),
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    ...contextOptions,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
