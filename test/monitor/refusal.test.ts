// The refusal detector behind refusal_rate: refusal openings in the wording models use (straight and curly
// apostrophes) count, helpful answers and a refusal phrase deep inside a long helpful answer do not, and a record
// without an output is unknown (null), never "not a refusal".
import { describe, expect, it } from 'vitest';
import { refusalMetric, REFUSAL_WINDOW } from '../../src/monitor/index.js';

describe('refusal metric', () => {
  it.each([
    "I'm sorry, but I can't help with that request.",
    'I’m sorry, but I cannot share internal pricing.',
    'I cannot provide medical advice.',
    "I won't write that.",
    'I am unable to assist with this.',
    'I must decline to answer.',
    'As an AI language model, I do not have opinions.',
    "I'm not allowed to discuss other customers' orders.",
  ])('a refusal: %s', (text) => {
    expect(refusalMetric(text)).toBe(1);
  });

  it.each([
    'Your order ships on Monday. Thanks for waiting!',
    'Sure, here is how to reset your password: open Settings, then Security.',
    "I can help with that: your code is CODE-12. Let me know if you can't find it.",
    '',
  ])('not a refusal: %s', (text) => {
    expect(refusalMetric(text)).toBe(0);
  });

  it('reads only the opening: a long helpful answer that later says "I cannot" is not a refusal', () => {
    const helpful = `${'Here are the steps to export your data. '.repeat(Math.ceil(REFUSAL_WINDOW / 40) + 1)}I cannot provide a CSV for archived projects.`;
    expect(helpful.indexOf('I cannot')).toBeGreaterThan(REFUSAL_WINDOW);
    expect(refusalMetric(helpful)).toBe(0);
  });

  it('no output is unknown', () => {
    expect(refusalMetric(null)).toBeNull();
  });
});
