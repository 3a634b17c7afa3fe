// `evalspec try SUITE --case ID...`: the fastest way to debug a case (issue #20). One small stored run labelled `try`
// of just those cases (on the selected models and prompts), called one at a time and streamed, printing per result the
// rendered messages, the output as it arrives, each check, latency, time to first token, tokens and cost. Exit 0 when
// every check passed, 1 when one failed, 3 when a call or check errored (4, 130 as for `run`).
import { Option, type Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EvalspecError, EXIT } from '../../errors.js';
import { loadSuite, selectCases } from '../../suite/index.js';
import { buildPlan, resultKey } from '../../plan/index.js';
import { executeRun, type RunEvent } from '../../run/index.js';
import { openStore, type ResultRow } from '../../store/index.js';
import { validatePlanChecks } from '../../pipeline.js';
import { terminalBlock, tryItemHeader, tryResultText, tryRetryText, trySummaryText } from '../../report/index.js';
import { terminateUserCode } from '../../user-code/index.js';
import { positiveInt } from '../options.js';

/** --var k=v (repeatable): values set on every tried case's vars. */
function parseVars(values: string[] | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new EvalspecError('USAGE', `--var ${v} is not of the form name=value`, { hint: 'e.g. --var question="Where is my order?"' });
    vars[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return vars;
}

export function registerTryCommand(program: Command, io: CliIO): void {
  program
    .command('try')
    .description('try one or a few cases: the rendered messages, the output as it streams, each check, latency, TTFT, tokens and cost')
    .argument('<suite>', 'suite file or directory')
    .requiredOption('--case <id...>', 'the case ids to try')
    .option('--model <label...>', 'only these models (labels, refs, or a provider:model the suite lacks on one of its providers)')
    .option('--prompt <id...>', 'only these prompt ids')
    .addOption(new Option('--repeat <n>', 'repeats per case and variant (default 1)').argParser(positiveInt('--repeat')))
    .option('--var <name=value...>', "set a variable of the tried cases (over the case's own)")
    .option('--no-cache', 'call providers even when an identical call is cached')
    .action(async (suitePath: string, opts) => {
      const vars = parseVars(opts.var);
      const suite = loadSuite(suitePath, { models: opts.model, prompts: opts.prompt });
      const plan = buildPlan({ ...suite, cases: selectCases(suite.cases, opts.case, vars, suite.file) }, { repeat: opts.repeat ?? 1 });
      validatePlanChecks(plan);
      // The rendered messages of each item, printed before its output (a handful of cases: kept in memory).
      const messages = new Map([...plan.items()].map((item) => [item.key, item.messages]));
      const started = new Set<string>();
      const rows: ResultRow[] = [];
      let streaming: { caseId: string; variantId: string } | undefined;
      const header = (caseId: string, variantId: string, repeat: number) => {
        const key = resultKey(caseId, variantId, repeat);
        if (started.has(key)) return;
        started.add(key);
        io.stdout(tryItemHeader({ caseId, variantId, repeat, repeats: plan.repeat, messages: messages.get(key) ?? [] }));
      };
      const onEvent = (e: RunEvent) => {
        if (e.type === 'call-delta') {
          header(e.caseId, e.variantId, e.repeat);
          // Indented as a whole output is: two spaces at the start of each line.
          io.stdout(`${streaming ? '' : '  '}${terminalBlock(e.text).replace(/\n/g, '\n  ')}`);
          streaming = e;
        } else if (e.type === 'call-retry') {
          // Only once its output began (one call at a time: the streaming one): a retry before the first token shows nothing twice.
          if (streaming?.caseId === e.caseId && streaming.variantId === e.variantId) {
            io.stdout(tryRetryText(e.attempt, e.errorClass, e.delayMs));
            streaming = undefined; // the next attempt's output starts a line
          }
        } else if (e.type === 'call-end') {
          const streamed = started.has(resultKey(e.row.caseId, e.row.variantId, e.row.repeat));
          if (streamed) io.stdout('\n');
          else header(e.row.caseId, e.row.variantId, e.row.repeat);
          streaming = undefined;
          rows.push(e.row);
          io.stdout(tryResultText(e.row, streamed));
        }
      };
      const store = openStore(program.opts().db);
      const stopUserCode = () => terminateUserCode();
      io.signal?.addEventListener('abort', stopUserCode, { once: true });
      try {
        // One call at a time: each output streams whole, never interleaved with another's.
        const outcome = await executeRun(plan, {
          store,
          label: 'try',
          cache: opts.cache,
          stream: true,
          concurrency: 1,
          signal: io.signal,
          onEvent,
          selection: { models: opts.model ?? null, prompts: opts.prompt ?? null, repeat: plan.repeat },
        });
        io.stdout(trySummaryText(rows, outcome.runId, store.location));
        if (outcome.fatal) io.stderr(`${outcome.fatal.format()}\n`);
        const failed = rows.some((r) => r.pass === false || r.checks.some((c) => !c.pass));
        io.exitCode = outcome.fatal
          ? outcome.fatal.exitCode
          : outcome.status === 'cancelled'
            ? EXIT.cancelled
            : outcome.status !== 'completed'
              ? EXIT.incomplete
              : failed
                ? EXIT.barFailed
                : EXIT.ok;
      } finally {
        io.signal?.removeEventListener('abort', stopUserCode);
        await store.close();
      }
    });
}
