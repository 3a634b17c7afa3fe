// The receiver's warm-up (src/ingest/warm-up.ts): its built-in request goes through the real protobuf decoder and
// the GenAI mapping (so the paths a first request takes are the ones compiled), and nothing of it reaches the store.
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestContext, loadLanguageDetector } from '../../src/ingest/index.js';
import { warmUpReceiver } from '../../src/ingest/warm-up.js';

describe('warmUpReceiver', () => {
  beforeAll(() => loadLanguageDetector());

  it('maps every span of its request on every pass (a span the mapper ignored would warm nothing)', () => {
    const ctx = ingestContext({ suite: { name: 'warm' } });
    // 3 passes of 4 spans: 12 records, each a GenAI chat call the mapper keeps.
    expect(warmUpReceiver(ctx, 3, 4)).toBe(12);
  });
});
