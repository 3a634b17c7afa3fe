// examples/chain run by the built CLI against the loopback fake provider, for the chain tests (test/e2e and the
// viewer's): gpt-4o classifies every ticket right, gpt-4o-mini calls the seat question "account", and the classify
// step of the rude-agent ticket is refused (a 400, which the AI SDK does not retry), so that chain goes on as the
// "general" desk. Every step reports fixed token counts (CLASSIFY, ANSWER) for the prices the tests work out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { KEY } from '../fake-provider/helpers.js';
import { REPO, runCli, tempDir, type CliResult } from './cli.js';

export const CHAIN_EXAMPLE = join(REPO, 'examples/chain');
export const CHAIN_CASES: { id: string; vars: { ticket: string; topic: string } }[] = readFileSync(join(CHAIN_EXAMPLE, 'cases.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

/** Token counts the fake provider reports for each classify and each answer step. */
export const CLASSIFY = { inputTokens: 60, outputTokens: 2 };
export const ANSWER = { inputTokens: 80, outputTokens: 40 };

/** The answer step's reply for a desk (the topic the chain routed to) and a ticket. */
export type Reply = (desk: string, ticket: string) => string;
export const plainReply: Reply = (desk) => `Thanks for writing: we are on it (${desk}).`;

export async function startChainFake(reply: Reply = plainReply): Promise<FakeProvider> {
  const topicOf = (ticket: string) => CHAIN_CASES.find((c) => c.vars.ticket === ticket)!.vars.topic;
  const isClassify = (req: FakeRequest) => req.messages[0].content.startsWith('Classify');
  return startFakeProvider({
    apiKey: KEY,
    answer(req) {
      const ticket = req.messages.at(-1)!.content;
      if (isClassify(req)) return { text: req.model === 'gpt-4o-mini' && ticket.includes('three people') ? 'account' : topicOf(ticket), ...CLASSIFY };
      return { text: reply(/You are the (\w+) support desk/.exec(req.messages[0].content)![1], ticket), ...ANSWER };
    },
    fault: (req) => (isClassify(req) && req.messages.at(-1)!.content.includes('rude') ? { kind: '400', message: 'content filtered' } : undefined),
  });
}

/** `evalspec run examples/chain` in a fresh directory (its store in dir/.evalspec), the key and URL in the env. */
export async function runChainExample(fake: FakeProvider, args: string[] = []): Promise<{ dir: string; run: CliResult }> {
  const dir = tempDir();
  const run = await runCli(['run', CHAIN_EXAMPLE, '--no-progress', ...args], { cwd: dir, env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseURL } });
  return { dir, run };
}
