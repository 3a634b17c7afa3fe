// Issue #22: diff asks the store whether each case of the before run has the same content in the after run
// (cases.keysAgainst), instead of holding both runs' content hashes. Same answers on both dialects, in write order.
import { describe, expect, it } from 'vitest';
import type { CaseRow } from '../../src/store/index.js';
import { storedRun, testAllStores } from './all-stores.js';

const caseRow = (caseId: string, contentHash: string, tags: string[] = []): CaseRow => ({
  caseId,
  contentHash,
  tags,
  vars: {},
  cluster: null,
  description: null,
});

describe('case keys read against another run', () => {
  testAllStores('keysAgainst', ({ open }) => {
    it('says same, changed or absent for every case, in the run’s write order, without its hash', async () => {
      const store = await open();
      await store.runs.create(storedRun('before'));
      await store.runs.create(storedRun('after'));
      await store.cases.putMany('before', [caseRow('z', 'h1', ['segment:a']), caseRow('a', 'h2'), caseRow('gone', 'h3'), caseRow('m', 'h4')]);
      await store.cases.putMany('after', [caseRow('a', 'h2'), caseRow('z', 'h1-new'), caseRow('m', 'h4'), caseRow('new', 'h5')]);
      const keys = [];
      for await (const k of store.cases.keysAgainst('before', 'after')) keys.push(k);
      expect(keys).toEqual([
        { caseId: 'z', contentHash: '', tags: ['segment:a'], cluster: null, sameContent: false },
        { caseId: 'a', contentHash: '', tags: [], cluster: null, sameContent: true },
        { caseId: 'gone', contentHash: '', tags: [], cluster: null, sameContent: null },
        { caseId: 'm', contentHash: '', tags: [], cluster: null, sameContent: true },
      ]);
      // Against a run with no cases: every case absent.
      const none = [];
      for await (const k of store.cases.keysAgainst('after', 'nothing')) none.push(k.sameContent);
      expect(none).toEqual([null, null, null, null]);
    });
  });
});
