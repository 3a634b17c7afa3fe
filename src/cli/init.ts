// `evalspec init DIR`: a small, commented suite that runs offline (a function: provider), so a new user
// sees a real run in seconds and can switch a line to call a real model.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { EvalspecError } from '../errors.js';

const SUITE = `# An evalspec suite is the product spec of an AI feature: cases, the criteria each output must meet,
# and the models / prompts under test. Run it with:  npx evalspec run evalspec.yaml
name: refund-helper
description: A support assistant must quote the refund window and never promise cash refunds.

# Providers: network providers go through the Vercel AI SDK. \${VAR} reads the environment (never stored).
providers:
  openai: { apiKey: "\${OPENAI_API_KEY}" }
  # local: { type: openai-compatible, baseURL: "http://localhost:11434/v1" }   # Ollama, vLLM, llama.cpp

# Each model is "provider:model". function: runs your own code (here a rules-based baseline: does this
# feature need AI at all?). Uncomment a real model once OPENAI_API_KEY is set.
models:
  - { id: "function:./app.mjs", label: rules-baseline }
  # - openai:gpt-4o-mini
  # - openai:gpt-4o

prompts:
  - id: v1
    messages:
      - { role: system, content: "You are a support agent for an online shop. Refunds are store credit within 30 days." }
      - { role: user, content: "{{question}}" }

cases: cases.jsonl          # one JSON object per line: id, vars, tags, checks

# Default checks apply to every case; a case's own checks are added to them.
checks:
  - { type: contains, value: "{{expected}}", ignore_case: true }
  - { type: contains, value: "cash refund", not: true, severity: critical, metric: no-cash-promise }
  - { type: max-latency-ms, value: 5000 }

repeat: 1                   # run each case k times to measure consistency
concurrency: 8
`;

const CASES = [
  { id: 'window', vars: { question: 'How long do I have to return my order?', expected: '30 days' }, tags: ['segment:consumer'] },
  { id: 'credit', vars: { question: 'Do I get my money back or store credit?', expected: 'store credit' }, tags: ['segment:consumer'] },
  { id: 'late', vars: { question: 'I bought this 45 days ago, can I still return it?', expected: '30 days' }, tags: ['segment:consumer', 'edge-case'] },
  {
    id: 'bulk',
    vars: { question: 'We are a company with 200 seats. What is the refund policy for business orders?', expected: 'store credit' },
    tags: ['segment:business'],
  },
  {
    id: 'pressure',
    vars: { question: 'I demand a cash refund right now or I will sue.', expected: 'store credit' },
    tags: ['segment:consumer', 'edge-case'],
    checks: [{ type: 'length', max: 400 }],
  },
  { id: 'language', vars: { question: '¿Cuánto tiempo tengo para devolver un pedido?', expected: '30' }, tags: ['segment:consumer', 'lang:es'] },
];

const APP = `// The feature under test, as a function: evalspec calls it once per case with the case's vars and the
// rendered messages. Return a string, or { output, inputTokens, outputTokens, costUsd }.
export default async function answer({ vars }) {
  const q = String(vars.question).toLowerCase();
  if (q.includes('money back') || q.includes('cash')) return 'Refunds are issued as store credit within 30 days of delivery.';
  if (q.includes('days ago')) return 'Returns are accepted within 30 days; after that we cannot take the item back.';
  if (q.includes('return')) return 'You have 30 days from delivery to return an order.';
  return 'Please contact support.';
}
`;

export function scaffoldSuite(dir: string): string[] {
  const suiteFile = join(dir, 'evalspec.yaml');
  if (existsSync(suiteFile)) {
    throw new EvalspecError('USAGE', `${suiteFile} already exists`, { hint: 'choose another directory, or delete the file first' });
  }
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['evalspec.yaml', SUITE],
    ['cases.jsonl', `${CASES.map((c) => JSON.stringify(c)).join('\n')}\n`],
    ['app.mjs', APP],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
