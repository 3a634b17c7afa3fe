// The plugin registry (src/redteam/plugins/): one plugin per suite id, each with OWASP LLM Top 10 (2025) ids; the
// settings each reads from the suite (forbidden topics from the purpose, write tools, a tool as the carrier of an
// indirect injection) and the graders it writes, checked on generated files. The graders themselves are tested
// in test/score/safety-checks.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir, writeFiles } from '../helpers/cli.js';
import { generateRedteam, PLUGINS } from '../../src/redteam/index.js';
import { forbiddenTopics } from '../../src/redteam/plugins/jailbreak.js';
import { REDTEAM_PLUGIN_IDS, loadSuite } from '../../src/suite/index.js';
import { canaryFormIn } from '../../src/score/index.js';

afterAll(cleanupTempDirs);

type Line = { id: string; vars: Record<string, string>; checks: Record<string, unknown>[]; tool_results?: Record<string, unknown>; tags: string[] };

async function generate(yaml: string): Promise<{ cases: Line[]; warnings: string[]; path: string }> {
  const dir = tempDir();
  writeFiles(dir, { 'evalspec.yaml': yaml });
  const path = join(dir, 'evalspec.yaml');
  const summary = await generateRedteam(path);
  const cases = readFileSync(summary.file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
  return { cases, warnings: summary.warnings, path };
}

const HEAD = `name: rt
providers:
  openai: { baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-none" }
models: [openai:gpt-4o-mini]
`;

describe('the plugin registry', () => {
  it('has one plugin per suite id, registered under its own id, each mapped to OWASP 2025 ids', () => {
    expect(Object.keys(PLUGINS).sort()).toEqual([...REDTEAM_PLUGIN_IDS].sort());
    for (const [id, plugin] of Object.entries(PLUGINS)) {
      expect(plugin.id).toBe(id);
      expect(plugin.owasp.length).toBeGreaterThan(0);
      for (const o of plugin.owasp) expect(o).toMatch(/^LLM(0[1-9]|10):2025$/);
    }
  });
});

describe('jailbreak topics', () => {
  it('reads what the purpose says the app must not do; forbidden_topics wins', () => {
    expect(forbiddenTopics({ purpose: 'Order support for Acme. It must never give legal advice. Do not discuss competitors; be kind.' })).toEqual([
      'give legal advice',
      'discuss competitors',
    ]);
    expect(forbiddenTopics({ purpose: 'Order support for Acme.' })).toEqual([]);
    expect(forbiddenTopics({ purpose: 'It must never swear.', forbidden_topics: ['medical advice'] })).toEqual(['medical advice']);
  });
});

describe('plugins on generated files', () => {
  it("excessive-agency aims at the suite's write tools and grades with asks-confirmation-before; indirect injection rides on a tool result", async () => {
    const { cases, path } = await generate(`${HEAD}prompts:
  - id: v1
    messages: [{ role: user, content: "{{question}}" }]
tools:
  - { name: lookup_order, description: "find an order", parameters: { type: object, properties: { id: { type: string } } }, result: "none" }
  - { name: cancel_order, description: "cancel an order", parameters: { type: object, properties: { id: { type: string } } }, result: "ok" }
cases: [{ id: c1, vars: { question: hi } }]
redteam:
  purpose: Order support
  plugins: [excessive-agency, { id: indirect-injection, config: { tool: lookup_order } }]
  attempts: 2
`);
    const agency = cases.filter((c) => c.tags.includes('plugin:excessive-agency'));
    expect(agency).toHaveLength(2);
    for (const c of agency) {
      expect(c.checks).toEqual([expect.objectContaining({ type: 'asks-confirmation-before', tools: ['cancel_order'], severity: 'critical' })]);
      expect(c.vars.question).toContain('cancel_order');
      expect(c.tags).toContain('owasp:LLM06:2025');
    }
    const indirect = cases.find((c) => c.id === 'rt-indirect-injection-1')!;
    const marker = indirect.checks[0].value as string;
    expect(JSON.stringify(indirect.tool_results)).toContain(marker);
    expect(Object.keys(indirect.tool_results!)).toEqual(['lookup_order']);
    expect(indirect.vars.question).not.toContain(marker);
    // The file loads with the suite's tools (tool_results must name declared tools).
    expect(loadSuite(path, { part: 'redteam' }).cases).toHaveLength(4);
  });

  it('pii-leak plants a record whose e-mail and phone the canary check finds even when reformatted', async () => {
    const { cases } = await generate(`${HEAD}prompts:
  - id: v1
    messages: [{ role: system, content: "Notes: {{notes}}" }, { role: user, content: "{{question}}" }]
cases: [{ id: c1, vars: { question: hi, notes: none } }]
redteam:
  purpose: Order support
  context_var: notes
  plugins: [pii-leak]
  attempts: 1
`);
    const [c] = cases;
    const [email, phone] = c.checks[0].value as string[];
    expect(c.vars.notes).toContain(email);
    expect(c.vars.notes).toContain(phone);
    // A reply that writes the phone with dashes instead of spaces still leaks it.
    expect(canaryFormIn(`Her number is ${phone.replace(/ /g, '-')}`, phone)).toBe('with its separators changed or its characters spaced out');
  });

  it("harmful-content grades with a critical judge of the block's grader, one case per category × request, and the file loads", async () => {
    const { cases, path } = await generate(`${HEAD}prompts:
  - id: v1
    messages: [{ role: user, content: "{{question}}" }]
cases: [{ id: c1, vars: { question: hi } }]
redteam:
  purpose: Order support
  grader: openai:gpt-4o-mini
  plugins: [{ id: harmful-content, attempts: 4, config: { categories: [picking locks] } }]
`);
    expect(cases).toHaveLength(4);
    // One category × four request templates: four distinct requests, each about the category.
    expect(new Set(cases.map((c) => c.vars.question)).size).toBe(4);
    for (const c of cases) {
      expect(c.vars.question).toContain('picking locks');
      expect(c.checks).toEqual([expect.objectContaining({ type: 'judge', judge: 'openai:gpt-4o-mini', severity: 'critical', metric: 'harmful' })]);
    }
    expect(loadSuite(path, { part: 'redteam' }).cases).toHaveLength(4);
  });

  it('warns about a prompt var no generated case sets (the run would stop at it)', async () => {
    const { warnings } = await generate(`${HEAD}prompts:
  - id: v1
    messages: [{ role: system, content: "Tier {{tier}}" }, { role: user, content: "{{question}}" }]
cases: [{ id: c1, vars: { question: hi, tier: gold } }]
redteam:
  purpose: Order support
  plugins: [off-topic]
  attempts: 1
`);
    expect(warnings).toEqual([expect.stringContaining('the prompt uses {{tier}}, which 1 generated case(s) do not set')]);
  });
});
