// An agent whose prompt starts with a system message runs without the AI SDK's per-conversation warning about
// system messages on stderr (the suite's prompt is the author's own text), and the system message still reaches
// the provider as the first message of every step.
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { useFakeProvider } from '../helpers/suite.js';
import { scriptedAgent } from '../helpers/agent-script.js';

const KEY = 'sk-agent-stderr-test-key-0123456789';

describe('an agent with a system message', () => {
  const fake = useFakeProvider({
    apiKey: KEY,
    answer: scriptedAgent([{ toolCalls: [{ name: 'get_order', args: { id: 'A1' } }] }, { text: 'Order A1 has shipped.' }]),
  });

  it('prints no AI SDK warning per conversation and sends the system message at every step', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: agent-stderr
providers:
  openai: { baseURL: "${fake.server.openaiBaseURL}" }
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages:
      - { role: system, content: "You are a support agent." }
      - { role: user, content: "Where is order {{id}}?" }
tools:
  - name: get_order
    parameters: { type: object, properties: { id: { type: string } }, required: [id] }
    result: { status: shipped }
cases: cases.jsonl
checks: [{ type: contains, value: shipped }]
`,
      'cases.jsonl': jsonl([1, 2, 3].map((i) => ({ id: `c${i}`, vars: { id: 'A1' } }))),
    });
    fake.server.reset();
    const r = await runCli(['run', 'evalspec.yaml', '--no-cache'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(fake.server.requests).toHaveLength(6); // 3 conversations x 2 steps
    for (const req of fake.server.requests) expect(req.messages[0]).toMatchObject({ role: 'system', content: 'You are a support agent.' });
    expect(r.stderr).not.toMatch(/AI SDK Warning/);
    expect(r.stdout).not.toMatch(/AI SDK Warning/);
  });
});
