// The vars a production record is scored with: attributes flat and, for dotted keys, as paths ({{app.plan}});
// an attribute holding a value where a path would go keeps both readable as written; `input` is always the last user
// message (an attribute of that name is not), and absent when there is no user turn.
import { describe, expect, it } from 'vitest';
import { recordVars } from '../../src/monitor/index.js';
import { renderTemplate } from '../../src/suite/index.js';
import type { ProductionRecord } from '../../src/store/index.js';

const record = (attributes: ProductionRecord['attributes'], input: ProductionRecord['input']) =>
  ({ attributes, input, toolCalls: [{ name: 'search', arguments: '{"q":"x"}', result: null }] }) as unknown as ProductionRecord;

describe('record vars', () => {
  it('dotted attribute keys are paths as well as flat keys', () => {
    const vars = recordVars(record({ 'app.plan': 'pro', 'app.locale': 'de', 'user.tier': 2 }, [{ role: 'user', content: 'hi' }]));
    expect(renderTemplate('{{app.plan}}/{{app.locale}}/{{user.tier}}', vars)).toBe('pro/de/2');
    expect(vars['app.plan']).toBe('pro');
    expect(vars.tool_calls).toEqual([{ name: 'search', arguments: '{"q":"x"}', result: null }]);
  });

  it('an attribute with a value where a path would go: both stay as written', () => {
    const vars = recordVars(record({ app: 'support', 'app.plan': 'pro' }, []));
    expect(vars.app).toBe('support');
    expect(vars['app.plan']).toBe('pro');
  });

  it('input is the last user message; an attribute named input is not; no user turn: absent', () => {
    const turns = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'an answer' },
      { role: 'user', content: 'second question' },
    ];
    expect(recordVars(record({ input: 'spoofed' }, turns)).input).toBe('second question');
    const none = recordVars(record({ input: 'spoofed' }, [{ role: 'system', content: 'Be brief.' }]));
    expect('input' in none).toBe(false);
    expect(() => renderTemplate('{{input}}', none)).toThrow('missing template variable "input"');
    expect('input' in recordVars(record({}, null))).toBe(false);
  });
});
