// Conversations in the suite file (docs/suite-format.md): a case that is scripted and simulated at once, an unknown
// key in `simulated_user:` or in a turn, a simulated user without a model or on a replayed log, a missing template
// variable in a turn: each stops the run before any call (exit 2) with the file, the line and the fix.
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeFiles, cleanupTempDirs } from '../helpers/cli.js';
import { afterAll } from 'vitest';

afterAll(() => cleanupTempDirs());

/** A suite on a model nobody calls (every case fails validation first); `rest` holds the conversation settings. */
function suite(rest: string): string {
  return `name: conversation-validation
providers:
  openai: { baseURL: "http://127.0.0.1:9/v1" }
models: [openai:gpt-4o-mini]
prompts:
  - id: v1
    messages: [{ role: system, content: "You are an agent." }]
${rest}`;
}

async function run(yaml: string, files: Record<string, string> = {}) {
  const dir = tempDir();
  writeFiles(dir, { 'evalspec.yaml': yaml, ...files });
  return runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { OPENAI_API_KEY: 'sk-unused' } });
}

describe('conversation settings in the suite', () => {
  it('rejects a case with both turns: and simulated_user:, naming the case line and both ways out', async () => {
    const r = await run(
      suite(`cases:
  - id: c1
    turns: [Hello]
    simulated_user: { model: openai:gpt-4o-mini }
`),
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('evalspec.yaml:9');
    expect(r.stderr).toContain('case "c1" has both turns: and simulated_user:');
    expect(r.stderr).toMatch(/fix: a conversation is scripted or simulated, not both/);
  });

  it("rejects turns: under the suite's simulated_user:, naming the suite's line", async () => {
    const r = await run(
      suite(`simulated_user: { model: openai:gpt-4o-mini }
cases:
  - id: c1
    vars: { instruction: x }
  - id: c2
    turns: [Hello]
`),
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('evalspec.yaml:12'); // the case
    expect(r.stderr).toContain(`case "c2" has turns:, and the suite's simulated_user: (line 8) plays the user of every case`);
    expect(r.stderr).toContain('move simulated_user: from the suite into the cases that need it');
  });

  it('lists the valid keys of simulated_user: and of a turn', async () => {
    const user = await run(suite(`simulated_user: { model: openai:gpt-4o-mini, max_turn: 3 }\ncases: [{ id: c1, vars: { instruction: x } }]\n`));
    expect(user.exitCode).toBe(2);
    expect(user.stderr).toContain('evalspec.yaml:8');
    expect(user.stderr).toContain('unknown key max_turn at simulated_user (did you mean max_turns?)');
    expect(user.stderr).toContain('valid keys here: model, instruction, max_turns, stop, seed, params, price');

    const turn = await run(suite(`cases:\n  - id: c1\n    turns:\n      - { user: Hi, check: [] }\n`));
    expect(turn.exitCode).toBe(2);
    expect(turn.stderr).toContain('unknown key check at turns.0 (did you mean checks?)');
    expect(turn.stderr).toContain('valid keys here: user, checks');

    const inCase = await run(suite(`cases:\n  - id: c1\n    simulated_user: { model: openai:gpt-4o-mini, persona: x }\n`));
    expect(inCase.exitCode).toBe(2);
    expect(inCase.stderr).toContain('unknown key persona at simulated_user');
    expect(inCase.stderr).toContain('valid keys here: model, instruction, max_turns, stop, seed, params, price');
  });

  it('needs a model that can play the user, and the variables its instruction and turns name', async () => {
    const noModel = await run(suite(`cases:\n  - id: c1\n    simulated_user: { instruction: hi }\n`));
    expect(noModel.exitCode).toBe(2);
    expect(noModel.stderr).toContain('simulated_user has no model');

    const replayed = await run(suite(`cases:\n  - id: c1\n    simulated_user: { model: "replay:log.jsonl" }\n`));
    expect(replayed.exitCode).toBe(2);
    expect(replayed.stderr).toContain('a replayed log cannot play the user');

    // The default instruction is "{{instruction}}": a case without that variable fails before any call.
    const missing = await run(suite(`cases:\n  - id: c1\n    simulated_user: { model: openai:gpt-4o-mini }\n`));
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('missing template variable "instruction" in simulated_user instruction');

    const turnVar = await run(suite(`cases:\n  - id: c1\n    turns: ["Where is {{rid}}?"]\n`));
    expect(turnVar.exitCode).toBe(2);
    expect(turnVar.stderr).toContain('missing template variable "rid" in turn 1');
  });

  it('--dry-run says a conversation is estimated as its first turn; bars may name a turn metric, not an unknown one', async () => {
    const cases = `cases:\n  - id: c1\n    turns: [Hello, { user: Bye, checks: [{ type: contains, value: bye }] }]\n  - id: c2\n    turns: [Hi]\n`;
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(`${cases}bars: [{ metric: "turn2:contains", min: 0.5 }]\n`) });
    const r = await runCli(['run', 'evalspec.yaml', '--dry-run'], { cwd: dir, env: { OPENAI_API_KEY: 'sk-unused' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('2 cases are conversations (turns: or simulated_user:): each is estimated as its first turn only');

    const unknown = await run(suite(`${cases}bars: [{ metric: "turn1:contains", min: 0.5 }]\n`));
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no check of this suite has metric "turn1:contains"');
    expect(unknown.stderr).toContain('turn2:contains');
  });
});
