import { describe, expect, it } from 'vitest';
import { check, scoreRaw } from './helpers.js';

describe('equals', () => {
  it('compares strings, trimming by default', async () => {
    expect((await check({ type: 'equals', value: 'Paris' }, '  Paris\n')).pass).toBe(true);
    const miss = await check({ type: 'equals', value: 'Paris' }, 'Paris.');
    expect(miss).toMatchObject({ pass: false, score: 0 });
    expect(miss.reason).toContain('"Paris."');
  });

  it('trim: false compares exactly', async () => {
    expect((await check({ type: 'equals', value: 'Paris', trim: false }, 'Paris\n')).pass).toBe(false);
    expect((await check({ type: 'equals', value: 'Paris', trim: false }, 'Paris')).pass).toBe(true);
  });

  it('is case sensitive unless ignore_case', async () => {
    expect((await check({ type: 'equals', value: 'Paris' }, 'PARIS')).pass).toBe(false);
    expect((await check({ type: 'equals', value: 'Paris', ignore_case: true }, 'PARIS')).pass).toBe(true);
    expect((await check({ type: 'equals', value: 'ÉCOLE', ignore_case: true }, 'école')).pass).toBe(true);
  });

  it('treats composed and decomposed unicode as equal (NFC)', async () => {
    expect((await check({ type: 'equals', value: 'caf\u00e9' }, 'cafe\u0301')).pass).toBe(true);
  });

  it('deep-equals JSON values against the parsed output', async () => {
    const value = { name: 'Ada', tags: ['a', 'b'], n: 1 };
    expect((await check({ type: 'equals', value }, '{"tags":["a","b"],"n":1.0,"name":"Ada"}')).pass).toBe(true);
    expect((await check({ type: 'equals', value }, '{"tags":["b","a"],"n":1,"name":"Ada"}')).pass).toBe(false);
    expect((await check({ type: 'equals', value }, '{"tags":["a","b"],"n":1,"name":"Ada","x":null}')).pass).toBe(false);
    expect((await check({ type: 'equals', value }, '```json\n{"tags":["a","b"],"n":1,"name":"Ada"}\n```')).pass).toBe(true);
    expect((await check({ type: 'equals', value: 42 }, ' 42\n')).pass).toBe(true);
    expect((await check({ type: 'equals', value: 42 }, '"42"')).pass).toBe(false);
    expect((await check({ type: 'equals', value: true }, 'true')).pass).toBe(true);
    const notJson = await check({ type: 'equals', value: [1, 2] }, 'one, two');
    expect(notJson.pass).toBe(false);
    expect(notJson.reason).toContain('not JSON');
  });

  it('empty output equals only the empty string', async () => {
    expect((await check({ type: 'equals', value: '' }, '   ')).pass).toBe(true);
    expect((await check({ type: 'equals', value: 'x' }, '')).pass).toBe(false);
  });
});

describe('contains / contains-any / contains-all', () => {
  it('contains', async () => {
    expect(await check({ type: 'contains', value: 'Paris' }, 'It is Paris.')).toMatchObject({ pass: true, score: 1 });
    expect(await check({ type: 'contains', value: 'paris' }, 'It is Paris.')).toMatchObject({ pass: false, score: 0 });
    expect((await check({ type: 'contains', value: 'paris', ignore_case: true }, 'It is PARIS.')).pass).toBe(true);
    expect((await check({ type: 'contains', value: 'x' }, '')).pass).toBe(false);
    expect((await check({ type: 'contains', value: '東京' }, '首都は東京です')).pass).toBe(true);
    expect((await check({ type: 'contains', value: '🚀' }, 'launch 🚀 now')).pass).toBe(true);
  });

  it('contains-any names the string it found', async () => {
    const hit = await check({ type: 'contains-any', value: ['cat', 'dog'] }, 'a dog barks');
    expect(hit).toMatchObject({ pass: true, score: 1 });
    expect(hit.reason).toContain('"dog"');
    expect((await check({ type: 'contains-any', value: ['cat', 'dog'] }, 'a bird sings')).pass).toBe(false);
    expect((await check({ type: 'contains-any', value: ['CAT'], ignore_case: true }, 'a cat')).pass).toBe(true);
  });

  it('contains-all scores the share found and passes only with all', async () => {
    const partial = await check({ type: 'contains-all', value: ['red', 'green', 'blue', 'white'] }, 'red and blue');
    expect(partial.pass).toBe(false);
    expect(partial.score).toBeCloseTo(0.5);
    expect(partial.reason).toContain('"green"');
    expect(partial.reason).toContain('"white"');
    expect(partial.reason).not.toContain('"red"');
    expect(await check({ type: 'contains-all', value: ['red', 'blue'] }, 'blue, red')).toMatchObject({ pass: true, score: 1 });
    expect((await check({ type: 'contains-all', value: ['RED', 'Blue'], ignore_case: true }, 'red BLUE')).pass).toBe(true);
    expect((await check({ type: 'contains-all', value: ['a', 'b', 'c'] }, '')).score).toBe(0);
  });

  it('not contains-all inverts the partial score', async () => {
    const r = await check({ type: 'contains-all', value: ['a', 'b', 'c', 'd'], not: true }, 'a only');
    expect(r.pass).toBe(true);
    expect(r.score).toBeCloseTo(0.75);
  });
});

describe('regex', () => {
  it('matches with flags', async () => {
    expect((await check({ type: 'regex', value: '^\\d{3}-\\d{4}$' }, '555-1234')).pass).toBe(true);
    expect((await check({ type: 'regex', value: '^\\d{3}-\\d{4}$' }, 'call 555-1234')).pass).toBe(false);
    expect((await check({ type: 'regex', value: 'hello' }, 'HELLO')).pass).toBe(false);
    expect((await check({ type: 'regex', value: 'hello', flags: 'i' }, 'HELLO')).pass).toBe(true);
    expect((await check({ type: 'regex', value: '^b', flags: 'm' }, 'a\nb')).pass).toBe(true);
  });

  it('a g flag does not make repeated scoring stateful', async () => {
    for (let i = 0; i < 3; i++) expect((await check({ type: 'regex', value: 'x', flags: 'g' }, 'x')).pass).toBe(true);
  });

  it('unicode patterns', async () => {
    expect((await check({ type: 'regex', value: '^\\p{Lu}', flags: 'u' }, 'Édith')).pass).toBe(true);
    expect((await check({ type: 'regex', value: '^.$', flags: 'u' }, '😀')).pass).toBe(true);
  });
});

describe('starts-with', () => {
  it('ignores leading whitespace', async () => {
    expect((await check({ type: 'starts-with', value: 'Yes' }, '\n  Yes, indeed')).pass).toBe(true);
    const r = await check({ type: 'starts-with', value: 'Yes' }, 'No. Yes.');
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('"No. Yes."');
    expect((await check({ type: 'starts-with', value: 'yes' }, 'YES')).pass).toBe(false);
    expect((await check({ type: 'starts-with', value: 'yes', ignore_case: true }, 'YES')).pass).toBe(true);
    expect((await check({ type: 'starts-with', value: 'x' }, '')).pass).toBe(false);
  });
});

describe('is-json', () => {
  it('accepts any JSON value, rejects text', async () => {
    expect((await check({ type: 'is-json' }, '{"a": [1, 2]}')).pass).toBe(true);
    expect((await check({ type: 'is-json' }, ' [1] ')).pass).toBe(true);
    expect((await check({ type: 'is-json' }, '42')).pass).toBe(true);
    const bad = await check({ type: 'is-json' }, "{'a': 1}");
    expect(bad.pass).toBe(false);
    expect(bad.reason).toContain('not valid JSON');
    expect((await check({ type: 'is-json' }, '')).pass).toBe(false);
  });

  it('unwraps a single ```json fence by default', async () => {
    const r = await check({ type: 'is-json' }, '```json\n{"a": 1}\n```');
    expect(r.pass).toBe(true);
    expect(r.reason).toContain('fence');
    expect((await check({ type: 'is-json' }, '```\n[1, 2]\n```\n')).pass).toBe(true);
  });

  it('does not accept text around the fence, or a fence of another language', async () => {
    expect((await check({ type: 'is-json' }, 'Here you go:\n```json\n{"a": 1}\n```')).pass).toBe(false);
    expect((await check({ type: 'is-json' }, '```python\n{"a": 1}\n```')).pass).toBe(false);
  });

  it('allow_fence: false demands raw JSON', async () => {
    const r = await check({ type: 'is-json', allow_fence: false }, '```json\n{"a": 1}\n```');
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('allow_fence is false');
    expect((await check({ type: 'is-json', allow_fence: false }, '{"a": 1}')).pass).toBe(true);
  });

  it('not is-json passes on plain text', async () => {
    expect((await check({ type: 'is-json', not: true }, 'plain words')).pass).toBe(true);
    expect((await check({ type: 'is-json', not: true }, '{}')).pass).toBe(false);
  });
});

describe('json-schema', () => {
  const schema = {
    type: 'object',
    required: ['name', 'age'],
    properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 }, email: { type: 'string', format: 'email' } },
    additionalProperties: false,
  };

  it('validates the parsed output', async () => {
    expect((await check({ type: 'json-schema', value: schema }, '{"name": "Ada", "age": 36}')).pass).toBe(true);
    const r = await check({ type: 'json-schema', value: schema }, '{"name": "Ada", "age": -1}');
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('/age');
    expect((await check({ type: 'json-schema', value: schema }, '{"name": "Ada"}')).reason).toContain('age');
    expect((await check({ type: 'json-schema', value: schema }, '{"name": "Ada", "age": 1, "x": 1}')).pass).toBe(false);
  });

  it('validates formats', async () => {
    expect((await check({ type: 'json-schema', value: schema }, '{"name": "A", "age": 1, "email": "a@b.io"}')).pass).toBe(true);
    expect((await check({ type: 'json-schema', value: schema }, '{"name": "A", "age": 1, "email": "nope"}')).pass).toBe(false);
    const date = { type: 'string', format: 'date' };
    expect((await check({ type: 'json-schema', value: date }, '"2024-02-29"')).pass).toBe(true);
    expect((await check({ type: 'json-schema', value: date }, '"2023-02-29"')).pass).toBe(false);
  });

  it('fails on non-JSON output with the parse error', async () => {
    const r = await check({ type: 'json-schema', value: schema }, 'Ada, 36');
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('not valid JSON');
  });

  it('accepts fenced output and draft 2020-12 schemas', async () => {
    expect((await check({ type: 'json-schema', value: schema }, '```json\n{"name": "Ada", "age": 3}\n```')).pass).toBe(true);
    const tuple = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'number' }],
      items: false,
    };
    expect((await check({ type: 'json-schema', value: tuple }, '["a", 1]')).pass).toBe(true);
    expect((await check({ type: 'json-schema', value: tuple }, '["a", 1, 2]')).pass).toBe(false);
  });
});

describe('levenshtein', () => {
  it('passes within the max edit distance; score = 1 - dist / max length', async () => {
    const r = await check({ type: 'levenshtein', value: 'kitten', threshold: 3 }, 'sitting');
    expect(r.pass).toBe(true);
    expect(r.score).toBeCloseTo(1 - 3 / 7);
    const tight = await check({ type: 'levenshtein', value: 'kitten', threshold: 2 }, 'sitting');
    expect(tight.pass).toBe(false);
    expect(tight.score).toBeCloseTo(1 - 3 / 7);
    expect(tight.reason).toContain('3 > 2');
  });

  it('defaults to a max distance of 5', async () => {
    expect((await check({ type: 'levenshtein', value: 'abcdefghij' }, 'abcde')).pass).toBe(true);
    expect((await check({ type: 'levenshtein', value: 'abcdefghij' }, 'abcd')).pass).toBe(false);
  });

  it('counts code points, not UTF-16 units', async () => {
    const r = await check({ type: 'levenshtein', value: 'go 🚀', threshold: 1 }, 'go 🛸');
    expect(r.pass).toBe(true);
    expect(r.score).toBeCloseTo(1 - 1 / 4);
    expect((await check({ type: 'levenshtein', value: '🚀🚀', threshold: 0 }, '🚀🚀')).score).toBe(1);
  });

  it('ignore_case and empty strings', async () => {
    expect((await check({ type: 'levenshtein', value: 'HELLO', threshold: 0, ignore_case: true }, 'hello')).pass).toBe(true);
    expect(await check({ type: 'levenshtein', value: '', threshold: 0 }, '')).toMatchObject({ pass: true, score: 1 });
    expect(await check({ type: 'levenshtein', value: 'abc', threshold: 1 }, '')).toMatchObject({ pass: false, score: 0 });
  });
});

describe('similarity', () => {
  it('passes iff normalised similarity >= threshold', async () => {
    const r = await check({ type: 'similarity', value: 'The capital is Paris' }, 'The capital is Paris.');
    expect(r.pass).toBe(true);
    expect(r.score).toBeCloseTo(1 - 1 / 21);
    const low = await check({ type: 'similarity', value: 'The capital is Paris' }, 'Lyon');
    expect(low.pass).toBe(false);
    expect(low.score).toBeLessThan(0.3);
    expect((await check({ type: 'similarity', value: 'abcd', threshold: 0.75 }, 'abcx')).pass).toBe(true);
    expect((await check({ type: 'similarity', value: 'abcd', threshold: 0.76 }, 'abcx')).pass).toBe(false);
  });

  it('ignore_case', async () => {
    expect((await check({ type: 'similarity', value: 'PARIS', threshold: 1 }, 'paris')).pass).toBe(false);
    expect((await check({ type: 'similarity', value: 'PARIS', threshold: 1, ignore_case: true }, 'paris')).pass).toBe(true);
  });
});

describe('length', () => {
  it('counts chars (code points) of the trimmed output', async () => {
    expect((await check({ type: 'length', max: 5 }, ' hello \n')).pass).toBe(true);
    expect((await check({ type: 'length', max: 4 }, 'hello')).pass).toBe(false);
    expect((await check({ type: 'length', min: 6 }, 'hello')).reason).toContain('5 chars');
    expect((await check({ type: 'length', min: 3, max: 3 }, '😀😀😀')).pass).toBe(true);
    expect((await check({ type: 'length', min: 1 }, '')).pass).toBe(false);
    expect((await check({ type: 'length', max: 0 }, '  ')).pass).toBe(true);
  });

  it('counts words', async () => {
    expect((await check({ type: 'length', min: 3, max: 3, unit: 'words' }, '  one\ttwo\n three ')).pass).toBe(true);
    expect((await check({ type: 'length', max: 2, unit: 'words' }, 'one two three')).pass).toBe(false);
    expect((await check({ type: 'length', max: 2, unit: 'words' }, 'a\u00a0b\u3000c')).reason).toContain('3 words');
  });
});

describe('max-latency-ms', () => {
  it('passes at or under the limit', async () => {
    expect((await check({ type: 'max-latency-ms', value: 1000 }, 'x', { latencyMs: 1000 })).pass).toBe(true);
    const slow = await check({ type: 'max-latency-ms', value: 1000 }, 'x', { latencyMs: 1500 });
    expect(slow).toMatchObject({ pass: false, score: 0 });
    expect(slow.reason).toContain('1500 ms > 1000 ms');
  });

  it('no latency (a replayed log without latency_ms) is not applicable: no result, neither pass nor fail', async () => {
    const alone = await scoreRaw([{ type: 'max-latency-ms', value: 1000 }], 'x');
    expect(alone.checks).toEqual([]);
    // Beside another check, only that check decides: a failing latency check would have made this fail.
    const both = await scoreRaw(
      [
        { type: 'contains', value: 'x' },
        { type: 'max-latency-ms', value: 1000, not: true },
      ],
      'x',
    );
    expect(both.checks.map((c) => c.type)).toEqual(['contains']);
    expect(both).toMatchObject({ pass: true, score: 1 });
  });

  it('a latency that is not a number fails as indeterminate, even under not', async () => {
    expect(await check({ type: 'max-latency-ms', value: 1000 }, 'x', { latencyMs: Number.NaN })).toMatchObject({
      pass: false,
      score: 0,
      reason: 'latency unknown',
      indeterminate: true,
    });
    expect((await check({ type: 'max-latency-ms', value: 1000, not: true }, 'x', { latencyMs: Number.NaN })).pass).toBe(false);
  });
});

describe('max-cost', () => {
  it('passes at or under the budget', async () => {
    expect((await check({ type: 'max-cost', value: 0.01 }, 'x', { costUsd: 0.004 })).pass).toBe(true);
    expect((await check({ type: 'max-cost', value: 0.01 }, 'x', { costUsd: 0 })).pass).toBe(true);
    const r = await check({ type: 'max-cost', value: 0.01 }, 'x', { costUsd: 0.0125 });
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('$0.0125 > $0.01');
  });

  it('unknown cost (unpriced model) fails with a reason', async () => {
    const r = await check({ type: 'max-cost', value: 1 }, 'x');
    expect(r).toMatchObject({ pass: false, score: 0, reason: 'cost unknown (unpriced model)', indeterminate: true });
    expect((await check({ type: 'max-cost', value: 1, not: true }, 'x')).pass).toBe(false);
  });
});
