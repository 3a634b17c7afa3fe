// `(?i)` is how Python and PCRE write a case-insensitive regex; Node 20's RegExp rejects it as "Invalid group".
// The error keeps the engine's reason and its hint says what to write instead (`flags: i`), not only "fix the pattern".
import { describe, expect, it } from 'vitest';
import { EvalspecError } from '../../src/errors.js';
import { scoreRaw } from './helpers.js';

async function errorOf(raw: unknown): Promise<EvalspecError> {
  try {
    await scoreRaw([raw], 'an internal note');
  } catch (err) {
    return err as EvalspecError;
  }
  throw new Error('expected an error');
}

describe('regex check: inline flags', () => {
  it('(?i) at the start: the hint names flags: i', async () => {
    const err = await errorOf({ type: 'regex', value: '(?i)internal note' });
    expect(err.code).toBe('CHECK_INVALID');
    expect(err.message).toContain('Invalid');
    expect(err.hint).toContain('no inline flags such as (?i)');
    expect(err.hint).toContain('`flags: i`');
  });

  it('(?ims) names all its flags; another invalid pattern keeps the general hint', async () => {
    expect((await errorOf({ type: 'regex', value: '(?ims)^note' })).hint).toContain('`flags: ims`');
    expect((await errorOf({ type: 'regex', value: 'a(b' })).hint).toContain('fix the pattern');
  });

  it('the suggested form works', async () => {
    const scored = await scoreRaw([{ type: 'regex', value: 'internal note', flags: 'i' }], 'An INTERNAL NOTE leaked');
    expect(scored.checks[0].pass).toBe(true);
  });
});
