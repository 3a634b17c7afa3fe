// A small suite with two replayed models for `evalspec spec` tests: 120 cases (115 tagged segment:main, 5 tagged
// segment:tiny), a link check and a critical no-leak check that no output fails, and one output of `big` that
// carries HTML and script (it fails the link check, so the spec quotes it as a failure).
import { jsonl, writeFiles } from './cli.js';

export const SPEC_FIXTURE_CASES = 120;
export const HOSTILE_OUTPUT = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script> | @here **bold**';

export const SPEC_FIXTURE_SUITE = `name: spec-fixture
description: Refund answers for the shop's support assistant.
spec:
  feature: Refund answers in the support chat
  owner: Ana Lima
  user_story: As a customer asking for a refund, I want the page where I can act, so that I do not wait for an agent.
  wireframe: https://example.com/wireframes/refund.png
  kill_switch:
    - any internal note leaked to a customer
  required: [good, failures]
models:
  - { id: "replay:outputs/big.jsonl", label: big, price_as: "openai:gpt-4o" }
  - { id: "replay:outputs/small.jsonl", label: small, price_as: "openai:gpt-4o-mini" }
baseline: big
cases: cases.jsonl
error_tags: [wrong-page, rude]
checks:
  - { type: contains, value: "help.example.com", metric: link }
  - { type: contains, value: "internal note", not: true, severity: critical, metric: no-leak }
bars:
  - { metric: pass_rate, min: 0.8 }
  - { severity: critical, max_rate: 0.05 }
`;

const caseId = (i: number) => `c-${String(i).padStart(3, '0')}`;

/** Writes the suite, its cases and both replay logs into dir. `small` misses the link on every sixth case. */
export function writeSpecFixture(dir: string): void {
  const ids = Array.from({ length: SPEC_FIXTURE_CASES }, (_, i) => caseId(i + 1));
  const answer = (text: string) => ({ output: text, input_tokens: 200, output_tokens: 30, latency_ms: 500 });
  writeFiles(dir, {
    'evalspec.yaml': SPEC_FIXTURE_SUITE,
    'cases.jsonl': jsonl(ids.map((id, i) => ({ id, vars: { input: `refund question ${i + 1}` }, tags: [i < 115 ? 'segment:main' : 'segment:tiny'] }))),
    'outputs/big.jsonl': jsonl(ids.map((id) => ({ id, ...answer(id === 'c-007' ? HOSTILE_OUTPUT : 'See help.example.com/refunds to ask for it.') }))),
    'outputs/small.jsonl': jsonl(ids.map((id, i) => ({ id, ...answer(i % 6 === 0 ? 'We will look into it.' : 'Go to help.example.com/refunds.') }))),
  });
}
