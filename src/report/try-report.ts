// The words of `evalspec try` (issue #20): per work item, the rendered messages, the output (streamed by the CLI as it
// arrives), each check with its score and reason, and latency, time to first token, tokens and cost; and the line
// `run --against` prints. Model output and case text are untrusted: control characters never reach the terminal.
import type { ResultRow } from '../store/index.js';
import { costText, int, ms } from './format.js';
import { escapeTerminal, stripControl } from './escape.js';

/** Multi-line untrusted text for the terminal: newlines and tabs kept, every other control character (C0, C1, CR) dropped. */
export function terminalBlock(text: string): string {
  return stripControl(text).replace(/[\r\u0080-\u009f]/g, '');
}

export interface TryItem {
  caseId: string;
  variantId: string;
  /** 0-based, as stored. */
  repeat: number;
  repeats: number;
  messages: { role: string; content: string }[];
}

/** The item's header and its rendered messages, then the line the output follows. */
export function tryItemHeader(item: TryItem): string {
  const repeat = item.repeats > 1 ? ` · repeat ${item.repeat + 1}/${item.repeats}` : '';
  const lines = [`── case ${escapeTerminal(item.caseId)} · ${escapeTerminal(item.variantId)}${repeat}`];
  if (item.messages.length === 0) lines.push('messages: none (the target takes the case vars)');
  for (const m of item.messages) lines.push(`[${escapeTerminal(m.role, 20)}]`, indent(terminalBlock(m.content)));
  lines.push('output:');
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** A streamed attempt that failed part-way: what was printed of it is not the output; the next attempt starts again. */
export function tryRetryText(attempt: number, errorClass: string, delayMs: number): string {
  return `\n[attempt ${attempt} failed (${escapeTerminal(errorClass, 40)}); retrying in ${ms(delayMs)}: the output starts again]\n`;
}

/** After the output: the error or each check, then the call's figures. `streamed`: the output was printed already. */
export function tryResultText(row: ResultRow, streamed: boolean): string {
  const lines: string[] = [];
  if (!streamed) lines.push(row.output === null ? '  (no output)' : indent(terminalBlock(row.output)));
  if (row.errorClass) lines.push(`error (${row.errorClass}): ${escapeTerminal(row.errorMessage ?? '', 300)}`);
  if (!row.errorClass && row.checks.length === 0) lines.push('no checks: the case passes whatever the output');
  if (row.checks.length > 0) lines.push('checks:');
  for (const c of row.checks) {
    const mark = c.indeterminate ? '?' : c.pass ? '✓' : '✗';
    const verdict = c.indeterminate ? 'indeterminate' : c.pass ? 'pass' : 'fail';
    lines.push(`  ${mark} ${escapeTerminal(c.metric, 60)}  ${verdict}  score ${c.score.toFixed(2)}${c.reason ? `  ${escapeTerminal(c.reason, 200)}` : ''}`);
  }
  const tokens = row.inputTokens === null && row.outputTokens === null ? 'n/a' : `${int(row.inputTokens)} in / ${int(row.outputTokens)} out`;
  const cost = row.cached ? `${costText(row.costUsd)} (cached)` : costText(row.costUsd);
  lines.push(`latency ${ms(row.latencyMs)} · TTFT ${ms(row.ttftMs)} · tokens ${tokens} · cost ${cost}`);
  return `${lines.join('\n')}\n\n`;
}

/** The last lines: how many results passed, failed and errored, and where the run is stored. */
export function trySummaryText(rows: Pick<ResultRow, 'pass' | 'errorClass'>[], runId: string, location: string): string {
  const errors = rows.filter((r) => r.errorClass !== null).length;
  const passed = rows.filter((r) => r.errorClass === null && r.pass === true).length;
  const failed = rows.length - passed - errors;
  return `try: ${rows.length} result${rows.length === 1 ? '' : 's'}: ${passed} passed, ${failed} failed, ${errors} error${errors === 1 ? '' : 's'}\nstored in ${location} as run ${runId} (label try); show it again: evalspec show ${runId}\n`;
}

/** `run --against RUN`: what the comparison cost. */
export function againstText(againstRunId: string, counts: { reused: number; called: number; cached: number }): string {
  const calls = counts.called;
  const cached = counts.cached > 0 ? ` (${counts.cached} more from the cache)` : '';
  return `against run ${againstRunId}: ${counts.reused} result${counts.reused === 1 ? '' : 's'} reused, ${calls} new call${calls === 1 ? '' : 's'}${cached}\n`;
}
