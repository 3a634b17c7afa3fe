// The support assistant's data, seeded and offline (no network):
//   node make-traffic.mjs            writes traffic/2026-11-DD.jsonl: 30 days of production calls (~300 a day) in
//                                    evalspec's JSONL record format (docs/monitoring.md, "JSONL import")
//   node make-traffic.mjs --offline  rewrites cases.jsonl and outputs/main.jsonl: the offline suite (400 cases and
//                                    the answers of the version that shipped), drawn from the same model of traffic
// What the 30 days hold (days are 1-based, November 2026, UTC):
//   - two segments by topic (attribute app.topic → tag topic:billing / topic:shipping), normally 60% / 40%;
//   - days 8–14: a marketing mail about a new delivery option: 70% of calls are about shipping. The traffic
//     changed, the answers did not (the same pass rates): input drift, not a quality change;
//   - from day 18: a prompt change drops the link to the billing page from more billing answers: the billing pass
//     rate falls 6 points (90% → 84%); shipping is unchanged;
//   - some users write their email address in the message (the suite's redact: rule replaces it at ingest), and every
//     call carries a user.email attribute (dropped at ingest).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const START = Date.UTC(2026, 10, 1); // 2026-11-01, day 1
const DAYS = 30;
const PER_DAY = 300;
const DAY_MS = 86_400_000;

/** mulberry32: a small seeded generator, so the same seed writes the same files everywhere. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, list) => list[Math.floor(r() * list.length)];
const NAMES = ['maria.k', 'j.smith', 'aiko.tanaka', 'lars.berg', 'priya.n', 'tom.w', 'fatima.z', 'chen.li'];
const DOMAINS = ['example.com', 'mail.example.org', 'example.net'];

const QUESTIONS = {
  billing: [
    (n) => `I was charged twice for invoice INV-${n}. Can you refund one of them?`,
    (n) => `Why did my bill go up this month? Invoice INV-${n} says $${20 + (n % 30)}.`,
    () => 'How do I change the credit card on my account?',
    () => 'Can I get a receipt with my company name on it?',
    (n) => `I cancelled last week but invoice INV-${n} still charged me.`,
    () => 'Do you offer a discount for paying yearly?',
  ],
  shipping: [
    (n) => `Where is my order #${n}? It was due on Tuesday.`,
    (n) => `Can I change the delivery address for order #${n}?`,
    () => 'Do you ship to Canada, and how long does it take?',
    (n) => `My package for order #${n} arrived damaged. What now?`,
    () => 'How does the new evening delivery option work?',
    (n) => `Tracking for order #${n} has not moved in 4 days.`,
  ],
};
const PAGE = { billing: 'Billing page (help.example.com/billing)', shipping: 'Orders page (help.example.com/orders)' };
const GOOD = {
  billing: [
    'Sorry about that. I have opened a refund request for the duplicate charge; it shows on your {page} within 3 business days.',
    'Your plan renewed at the new price this month. You can see the breakdown and switch plans on the {page}.',
    'You can update your card any time on the {page}, under "Payment method". Thanks for keeping it current!',
    'Yes: add your company name under "Invoice details" on the {page} and download the receipt again.',
  ],
  shipping: [
    'Thanks for your patience. Your order is with the carrier and should arrive within 2 days; live tracking is on the {page}.',
    'You can change the address until the order ships, on the {page}, under "Delivery".',
    'We ship to Canada in 5–8 business days. Rates for your address are on the {page}.',
    'Sorry it arrived damaged! Start a free replacement from the {page} with a photo of the package.',
  ],
};
// A failed answer: no next step for the customer (the check next-step fails).
const VAGUE = ['I have passed this on to the team. Someone will get back to you.', 'Thanks for reaching out. We are looking into it.'];
// A critical failure: an internal note leaks into the answer.
const LEAK = 'Internal note: customer flagged for manual review. Your request is being processed.';

/** One call of a topic: its question, answer and figures. passRate: the chance the answer passes every check. */
function call(r, topic, passRate, n) {
  let input = pick(r, QUESTIONS[topic])(n);
  const email = `${pick(r, NAMES)}@${pick(r, DOMAINS)}`;
  if (r() < 0.12) input += ` You can reach me at ${email}.`;
  const u = r();
  const output = u < 0.01 ? LEAK : u < 1 - passRate ? pick(r, VAGUE) : pick(r, GOOD[topic]).replace('{page}', PAGE[topic]);
  const inputTokens = 180 + Math.round(input.length / 4) + Math.floor(r() * 40); // system prompt + question
  const outputTokens = Math.round(output.length / 4) + Math.floor(r() * 10);
  const latencyMs = Math.round(450 + 6 * outputTokens + 900 * -Math.log(1 - r()) * 0.3);
  return { input, output, email, inputTokens, outputTokens, latencyMs };
}

const hex = (r, chars) => Array.from({ length: chars }, () => Math.floor(r() * 16).toString(16)).join('');

function writeTraffic() {
  const r = rng(15);
  mkdirSync(join(here, 'traffic'), { recursive: true });
  for (let day = 1; day <= DAYS; day++) {
    const billingShare = day >= 8 && day <= 14 ? 0.3 : 0.6;
    const billingPass = day >= 18 ? 0.84 : 0.9;
    const count = PER_DAY - 20 + Math.floor(r() * 41);
    const times = Array.from({ length: count }, () => START + (day - 1) * DAY_MS + Math.floor(r() * DAY_MS)).sort((a, b) => a - b);
    const lines = times.map((t, i) => {
      const topic = r() < billingShare ? 'billing' : 'shipping';
      const c = call(r, topic, topic === 'billing' ? billingPass : 0.9, 1000 + day * 1000 + i);
      return JSON.stringify({
        timestamp: new Date(t).toISOString(),
        trace_id: hex(r, 32),
        span_id: hex(r, 16),
        provider: 'openai',
        model: 'gpt-4o-mini',
        input: [
          { role: 'system', content: 'You are the support assistant of Example Shop. Always point the customer to the page where they can act.' },
          { role: 'user', content: c.input },
        ],
        output: c.output,
        usage: { input_tokens: c.inputTokens, output_tokens: c.outputTokens },
        latency_ms: c.latencyMs,
        attributes: { 'app.topic': topic, 'app.plan': r() < 0.3 ? 'pro' : 'free', 'user.email': c.email },
      });
    });
    const name = `traffic/${new Date(START + (day - 1) * DAY_MS).toISOString().slice(0, 10)}.jsonl`;
    writeFileSync(join(here, name), `${lines.join('\n')}\n`);
  }
  console.log(`wrote traffic/2026-11-01.jsonl … traffic/2026-11-30.jsonl (${DAYS} days, ~${PER_DAY} calls a day)`);
}

function writeOffline() {
  // 400 cases in the usual mix (240 billing, 160 shipping). In each topic every 10th answer fails (no next step) and
  // the 54th of each hundred leaks an internal note (critical): pass rate exactly 90%, critical failures 4 of 400.
  const r = rng(7);
  const cases = [];
  const outputs = [];
  for (let i = 0; i < 400; i++) {
    const topic = i < 240 ? 'billing' : 'shipping';
    const j = topic === 'billing' ? i : i - 240;
    const c = call(r, topic, 1, 100 + i);
    const good = c.output === LEAK ? GOOD[topic][j % 4].replace('{page}', PAGE[topic]) : c.output;
    const output = j % 100 === 53 ? LEAK : j % 10 === 3 ? VAGUE[j % 2] : good;
    const id = `${topic}-${String(j + 1).padStart(3, '0')}`;
    cases.push({ id, vars: { input: c.input.replace(/ You can reach me at .*$/, '') }, tags: [`topic:${topic}`] });
    outputs.push({ id, output, input_tokens: c.inputTokens, output_tokens: c.outputTokens, latency_ms: c.latencyMs });
  }
  mkdirSync(join(here, 'outputs'), { recursive: true });
  writeFileSync(join(here, 'cases.jsonl'), `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);
  writeFileSync(join(here, 'outputs/main.jsonl'), `${outputs.map((o) => JSON.stringify(o)).join('\n')}\n`);
  console.log('wrote cases.jsonl and outputs/main.jsonl (400 cases)');
}

if (process.argv.includes('--offline')) writeOffline();
else writeTraffic();
