// Viewer test helpers: a seeded store in a temp dir, and the viewer started in-process over it.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REPO, tempDir } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { startViewer, type ViewerOptions, type ViewerServer } from '../../src/viewer/index.js';
import type { BrowserContext, Page } from 'playwright-core';

export const WEB_ROOT = join(REPO, 'dist/viewer/public');

export interface Seeded {
  dir: string;
  db: string;
}

/** Two runs of a support suite (run-base with an XSS probe output, run-cand), written through the Store API. */
export async function seededStore(cases = 40): Promise<Seeded> {
  const dir = tempDir('evalspec-viewer-');
  const db = join(dir, 'evalspec.db');
  // The seeder is plain JS shared with the benchmark and the screenshots; it writes through dist/ (npm test builds first).
  const { seedViewerStore } = (await import('../../bench/viewer-seed.mjs')) as { seedViewerStore: (file: string, o?: { cases?: number }) => Promise<unknown> };
  await seedViewerStore(db, { cases });
  return { dir, db };
}

export async function startOver(db: string, options: Partial<ViewerOptions> = {}): Promise<ViewerServer & { closeAll: () => Promise<void> }> {
  const store = openStore(db);
  const viewer = await startViewer({ store, webRoot: WEB_ROOT, labeller: 'tester', ...options });
  return {
    ...viewer,
    closeAll: async () => {
      await viewer.close();
      await store.close();
    },
  };
}

/** Rows of the labels table, read straight from the SQLite file. */
export function storedLabels(db: string): Record<string, unknown>[] {
  const handle = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return handle.prepare('SELECT * FROM labels ORDER BY created_at').all() as Record<string, unknown>[];
  } finally {
    handle.close();
  }
}

/**
 * The page every viewer e2e test drives: the first tab of the browser, with alert/confirm dialogs recorded (in
 * `dialogs`) and dismissed (an injected script would open one) and page errors and CSP violations recorded in `problems`.
 */
export async function watchedPage(context: BrowserContext, dialogs: string[], problems: string[]): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  return page;
}
