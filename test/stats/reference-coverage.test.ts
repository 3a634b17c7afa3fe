// Every entry of the shared reference must be exercised by some test in this folder.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allReferenceNames } from './reference-helpers.js';

describe('reference.json coverage', () => {
  const folder = new URL('./', import.meta.url);
  const testSources = readdirSync(folder)
    .filter((file) => file.endsWith('.test.ts') && file !== 'reference-coverage.test.ts')
    .map((file) => readFileSync(new URL(file, folder), 'utf8'))
    .join('\n');

  it.each(allReferenceNames)('%s is tested', (name) => {
    // Either referenceEntry('name') or a describe.each list of names.
    expect(testSources).toContain(`'${name}'`);
  });

  it('holds all 18 shared entries', () => {
    expect(allReferenceNames).toHaveLength(18);
  });
});
