// Issue #22: diff asks the store which cases of the before run the after run has with other content
// (cases.contentChanged), instead of holding both runs' content hashes. The same answer on both dialects.
import { describe, expect, it } from 'vitest';
import type { CaseRow } from '../../src/store/index.js';
import { storedRun, testAllStores } from './all-stores.js';

const caseRow = (caseId: string, contentHash: string): CaseRow => ({ caseId, contentHash, tags: [], vars: {}, cluster: null, description: null });

describe('cases whose content another run changed', () => {
  testAllStores('contentChanged', ({ open }) => {
    it('names the cases both runs have with other content, not the equal ones nor those only one run has', async () => {
      const store = await open();
      await store.runs.create(storedRun('before'));
      await store.runs.create(storedRun('after'));
      await store.cases.putMany('before', [caseRow('z', 'h1'), caseRow('a', 'h2'), caseRow('gone', 'h3'), caseRow('m', 'h4'), caseRow('y', 'h6')]);
      await store.cases.putMany('after', [caseRow('a', 'h2'), caseRow('z', 'h1-new'), caseRow('m', 'h4'), caseRow('new', 'h5'), caseRow('y', 'h6b')]);
      expect((await store.cases.contentChanged('before', 'after')).sort()).toEqual(['y', 'z']);
      expect((await store.cases.contentChanged('after', 'before')).sort()).toEqual(['y', 'z']);
      expect(await store.cases.contentChanged('before', 'nothing')).toEqual([]);
      expect(await store.cases.contentChanged('before', 'before')).toEqual([]);
    });
  });
});
