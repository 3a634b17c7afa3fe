// Ctrl-C while an agent's function tool is running: the tool's worker is stopped, the run ends at once as cancelled
// (exit 130), and the interrupted conversation is not stored as a result (a resume runs it again), although the
// AI SDK records the aborted tool call as a tool error and could otherwise finish the conversation with it.
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonl, startCli, tempDir, writeFiles } from '../helpers/cli.js';
import { countRows, queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';
import { scriptedAgent } from '../helpers/agent-script.js';

const KEY = 'sk-agent-cancel-test-key-0123456789';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

describe('Ctrl-C during a tool call', () => {
  // One step calls the slow tool; max_steps 1, so the aborted call would otherwise be the conversation's end.
  const fake = useFakeProvider({ apiKey: KEY, answer: scriptedAgent([{ toolCalls: [{ name: 'wait', args: {} }] }, { text: 'done' }]) });
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('stops the tool, exits 130 with the run cancelled, and stores no result for the interrupted conversation', async () => {
    const dir = tempDir();
    const marker = join(dir, 'tool-started');
    writeFiles(dir, {
      'evalspec.yaml': `name: agent-cancel
providers:
  openai: { baseURL: "${fake.server.openaiBaseURL}" }
models: [openai:gpt-4o-mini]
max_steps: 1
prompts:
  - id: v1
    messages: [{ role: user, content: "Wait for it." }]
tools:
  - name: wait
    function: ./tools.mjs#wait
    timeout_ms: 60000
cases: cases.jsonl
`,
      'cases.jsonl': jsonl([{ id: 'c1', vars: { marker } }]),
      'tools.mjs': `import { writeFileSync } from 'node:fs';
export async function wait(args, ctx) {
  writeFileSync(ctx.vars.marker, 'started');
  await new Promise(() => {});
}
`,
    });
    child = startCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = once(child, 'close');
    await waitFor(() => existsSync(marker), 'the tool to start');
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).not.toContain('internal error');
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'cancelled' }]);
    expect(countRows(dir, 'results')).toBe(0);
  });
});
