// Seeds a store for the viewer's tests, screenshots and benchmark, through the Store API (as a run would
// write it): runs, cases with segment tags, results with rendered messages, checks (a judge check with
// per-dimension reasoning among them), tokens, cost and latency. Deterministic (seeded PRNG).
//   import { seedViewerStore } from './viewer-seed.mjs'
import { openStore } from '../dist/store/index.js';
// The project's own seeded generator (stats/random.ts), so a seed means the same sequence everywhere.
import { mulberry32 } from '../dist/stats/index.js';

export const XSS_CASE = 'xss-probe';
export const XSS_OUTPUT = '<script>alert(1)</script><img src=x onerror="alert(2)"> Refunds take 30 days.';

const TOPICS = [
  ['refund', 'How long do I have to return my order?', 'You have 30 days from delivery to return an item for a full refund.'],
  ['credit', 'Do I get my money back or store credit?', 'Returns after 30 days get store credit; within 30 days you get your money back.'],
  ['shipping', 'How much is express shipping to Canada?', 'Express shipping to Canada is $24 and takes 2-4 business days.'],
  ['warranty', 'Is the battery covered by the warranty?', 'Yes, the battery is covered for 12 months under the limited warranty.'],
  ['bulk', 'We need 200 seats. Is there a volume discount?', 'For 200 seats we offer 15% off; a sales rep will send a quote.'],
  ['cancel', 'How do I cancel my subscription?', 'Go to Settings, then Billing, then Cancel subscription. It ends at the period end.'],
  ['password', 'I forgot my password and the reset email never came.', 'Check spam first; if it is not there, we can reset it after verifying your account.'],
  ['invoice', 'Can I get an invoice with our VAT number?', 'Yes: add the VAT number under Billing details and download the invoice again.'],
];
const SEGMENTS = ['segment:consumer', 'segment:business', 'segment:enterprise'];
const DIMENSIONS = ['accuracy', 'completeness', 'tone'];

export const VARIANTS = [
  {
    id: 'gpt-4o-mini/v1',
    label: 'gpt-4o-mini',
    model: 'openai:gpt-4o-mini',
    providerType: 'openai',
    modelId: 'gpt-4o-mini',
    prompt: 'v1',
    skill: 0.74,
    price: 0.00012,
    latency: 900,
  },
  {
    id: 'gpt-4o/v1',
    label: 'gpt-4o',
    model: 'openai:gpt-4o',
    providerType: 'openai',
    modelId: 'gpt-4o',
    prompt: 'v1',
    skill: 0.86,
    price: 0.0021,
    latency: 1800,
  },
  {
    id: 'claude-haiku/v1',
    label: 'claude-haiku',
    model: 'anthropic:claude-3-5-haiku',
    providerType: 'anthropic',
    modelId: 'claude-3-5-haiku',
    prompt: 'v1',
    skill: 0.8,
    price: 0.0008,
    latency: 1200,
  },
];

/** @param {(typeof VARIANTS)[number]} v */
function variantRecord(v) {
  return { id: v.id, label: v.label, model: v.model, providerType: v.providerType, modelId: v.modelId, prompt: v.prompt };
}

/**
 * @typedef {object} SeedOptions
 * @property {string} [runId]
 * @property {string | null} [label]
 * @property {number} [cases]
 * @property {number} [repeat]
 * @property {typeof VARIANTS} [variants]
 * @property {number} [seed]
 * @property {string} [startedAt]
 * @property {boolean} [xss]
 * @property {boolean} [errors]
 * @property {number} [skillShift]
 * @property {string} [suiteName]
 * @property {number} [batch]
 */

/**
 * Write one run. Returns the number of results written.
 * @param {import('../src/store/index.js').Store} store
 * @param {SeedOptions} [options]
 */
export async function seedRun(store, options = {}) {
  const {
    runId = 'run-seeded',
    label = null,
    cases: caseCount = 40,
    repeat = 1,
    variants = VARIANTS,
    seed = 7,
    startedAt = '2026-11-02T09:00:00.000Z',
    xss = true,
    errors = true,
    skillShift = 0,
    suiteName = 'support-answers',
    batch = 2000,
  } = options;
  const random = mulberry32(seed);
  await store.runs.create({
    id: runId,
    suiteName,
    suiteHash: 'seeded0000000000',
    suiteFile: 'support/evalspec.yaml',
    label,
    status: 'started',
    formatVersion: 1,
    config: { name: suiteName, error_tags: ['wrong-policy', 'hallucinated-price', 'missed-escalation', 'tone', 'format', 'other'] },
    variants: variants.map(variantRecord),
    repeat,
    gitCommit: '3f9c2ab17d0e',
    gitBranch: 'main',
    totalCalls: caseCount * variants.length * repeat,
    startedAt,
    endedAt: null,
    warnings: [],
  });
  const cases = [];
  for (let i = 0; i < caseCount; i++) {
    const [topic, question] = TOPICS[i % TOPICS.length];
    const caseId = xss && i === 0 ? XSS_CASE : `${topic}-${String(i).padStart(5, '0')}`;
    const tags = [SEGMENTS[Math.floor(random() * SEGMENTS.length)]];
    if (i % 5 === 3) tags.push('edge-case');
    if (i % 11 === 4) tags.push('lang:es');
    cases.push({ caseId, contentHash: `h${i}`, tags, vars: { question, topic }, cluster: null, description: null });
  }
  await store.cases.putMany(runId, cases);
  const system = 'You are a support agent for Acme. Answer from the policy only; if unsure, offer to escalate.';
  /** @type {import('../src/store/index.js').ResultRow[]} */
  let rows = [];
  let written = 0;
  for (let i = 0; i < caseCount; i++) {
    const c = cases[i];
    const [, question, answer] = TOPICS[i % TOPICS.length];
    const hard = c.tags.includes('edge-case') ? 0.2 : 0;
    for (const v of variants) {
      for (let r = 0; r < repeat; r++) {
        const pass = random() < v.skill + skillShift - hard;
        const errored = errors && i % 97 === 13 && v === variants[0] && r === 0;
        const messages = [
          { role: 'system', content: system },
          { role: 'user', content: question },
        ];
        let output = pass
          ? `${answer} Let me know if there is anything else I can help with.`
          : `${answer.replace(/\d+/, (n) => String(Number(n) + 15))} I hope this helps!`;
        if (c.caseId === XSS_CASE) output = XSS_OUTPUT;
        const dims = DIMENSIONS.map((d, k) => ({
          name: d,
          score: pass ? 4 + ((i + k) % 2) : 2 + ((i + k) % 2),
          reasoning: pass
            ? `The answer states the ${d === 'tone' ? 'policy politely' : 'policy correctly'}.`
            : `The answer ${k === 0 ? 'quotes the wrong number of days' : k === 1 ? 'omits the escalation path' : 'is fine in tone'}.`,
        }));
        /** @type {import('../src/store/index.js').ResultRow['checks']} */
        const checks = errored
          ? []
          : [
              {
                type: 'contains',
                metric: 'policy',
                severity: 'critical',
                weight: 1,
                pass,
                score: pass ? 1 : 0,
                reason: pass ? 'contains "30 days"' : 'does not contain "30 days"',
              },
              { type: 'max-latency-ms', metric: 'latency', severity: 'normal', weight: 1, pass: true, score: 1, reason: 'within 5000 ms' },
              // One judge check per rubric dimension, stored as a judge check is (score/judge-types.ts).
              ...dims.map((d) => ({
                type: 'rubric',
                metric: d.name,
                severity: /** @type {const} */ ('normal'),
                weight: 1,
                pass: d.score >= 3,
                score: (d.score - 1) / 4,
                reason: d.reasoning,
                judge: { models: ['openai:gpt-4.1'], reasoning: d.reasoning, raw: d.score, scale: /** @type {[number, number]} */ ([1, 5]), threshold: 3 },
                judgeCostUsd: 0.00004,
              })),
            ];
        rows.push({
          runId,
          caseId: c.caseId,
          variantId: v.id,
          repeat: r,
          output: errored ? null : output,
          pass: errored ? null : pass,
          score: errored ? null : pass ? 0.95 : 0.35,
          cached: false,
          latencyMs: errored ? null : Math.round(v.latency * (0.6 + random() * 0.9)),
          inputTokens: errored ? null : 48 + (i % 7),
          outputTokens: errored ? null : 30 + Math.floor(random() * 40),
          costUsd: errored ? null : v.price * (0.8 + random() * 0.4),
          errorClass: errored ? 'rate-limit' : null,
          errorMessage: errored ? '429 Too Many Requests (after 6 retries)' : null,
          attempts: errored ? 7 : 1,
          checks,
          messages,
          finishedAt: new Date(Date.parse(startedAt) + i * 1000).toISOString(),
        });
        if (rows.length >= batch) {
          await store.results.putMany(rows);
          written += rows.length;
          rows = [];
        }
      }
    }
  }
  if (rows.length) {
    await store.results.putMany(rows);
    written += rows.length;
  }
  await store.runs.setStatus(runId, errors ? 'incomplete' : 'completed', new Date(Date.parse(startedAt) + caseCount * 1000).toISOString());
  return written;
}

/** A store with two runs of one suite (baseline and a candidate prompt), for tests and screenshots. */
/**
 * @param {string} file
 * @param {{ cases?: number }} [options]
 */
export async function seedViewerStore(file, options = {}) {
  const store = openStore(file);
  try {
    await seedRun(store, { runId: 'run-base', label: 'baseline', cases: options.cases ?? 40, seed: 7, startedAt: '2026-11-02T09:00:00.000Z' });
    await seedRun(store, {
      runId: 'run-cand',
      label: 'prompt-v2',
      cases: options.cases ?? 40,
      seed: 11,
      skillShift: 0.06,
      startedAt: '2026-11-03T09:00:00.000Z',
      errors: false,
    });
  } finally {
    await store.close();
  }
  return { runIds: ['run-base', 'run-cand'] };
}
