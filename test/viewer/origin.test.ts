// Writes to the viewer API from a page that is not the viewer: an Origin header that names another origin,
// "null" (a sandboxed iframe, a file: page, a cross-origin redirect) or that cannot be parsed is refused with
// 403 and nothing is written, never answered with a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/cli.js';
import { seededStore, startOver, storedLabels, type Seeded } from './helpers.js';

let seeded: Seeded;
let viewer: Awaited<ReturnType<typeof startOver>>;

beforeAll(async () => {
  seeded = await seededStore(8);
  viewer = await startOver(seeded.db);
});
afterAll(async () => {
  await viewer?.closeAll();
  cleanupTempDirs();
});

const label = { caseId: 'xss-probe', variantId: 'gpt-4o/v1', repeat: 0, label: 'fail' };
const post = (origin: string | undefined) =>
  fetch(`${viewer.url}api/runs/run-base/labels`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Evalspec-Request': '1', ...(origin === undefined ? {} : { Origin: origin }) },
    body: JSON.stringify(label),
  });

describe('viewer: the Origin of a write', () => {
  for (const origin of ['null', 'not a url', 'http://', '://127.0.0.1']) {
    it(`Origin: ${JSON.stringify(origin)} → 403, nothing written`, async () => {
      const response = await post(origin);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: 'cross-origin requests are refused' });
      expect(storedLabels(seeded.db)).toHaveLength(0);
    });
  }

  it('Origin: null on a DELETE → 403 too', async () => {
    const response = await fetch(`${viewer.url}api/runs/run-base/labels?caseId=xss-probe&variantId=gpt-4o%2Fv1&repeat=0`, {
      method: 'DELETE',
      headers: { 'X-Evalspec-Request': '1', Origin: 'null' },
    });
    expect(response.status).toBe(403);
  });

  it("the viewer's own origin is accepted", async () => {
    const response = await post(`http://127.0.0.1:${viewer.port}`);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(storedLabels(seeded.db)).toHaveLength(1);
  });
});
