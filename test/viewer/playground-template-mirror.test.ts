// The Playground highlights `{{var}}` placeholders with its own copy of the suite's pattern (viewer-ui/ may import
// nothing of src/ but the API types): both must find the same variables in the same templates.
import { describe, expect, it } from 'vitest';
import { templateVariables as suiteVariables } from '../../src/suite/index.js';
import { templateVariables as uiVariables } from '../../viewer-ui/src/template-vars.js';

const TEMPLATES = [
  'plain text',
  '{{a}}',
  '{{ a }} and {{b.c}} and {{ d-e.f_g }}',
  '{{_x}} {{x1}} {{ 1x }} {{a b}} {{}} {{ {{y}} }}',
  '{{a}}{{a}} {{ a.b.c }}',
  'unclosed {{z and {z} and {{{w}}}',
];

describe('the UI finds the variables the suite finds', () => {
  it.each(TEMPLATES)('%s', (template) => {
    expect(uiVariables([template])).toEqual([...new Set(suiteVariables(template))]);
  });
});
