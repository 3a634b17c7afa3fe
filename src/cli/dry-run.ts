// The text `evalspec run --dry-run` prints: per variant, the calls, tokens, price and estimated cost and
// time, then the totals and the method behind each figure.
import type { RunEstimate } from '../run/index.js';
import { formatInt as int, textTable, usd } from '../report/index.js';

export function durationText(ms: number | null): string {
  if (ms === null) return 'unknown';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

const rate = (x: number | undefined) => (x === undefined ? '?' : `$${x.toFixed(x < 0.1 ? 3 : 2)}`);

export function renderEstimate(e: RunEstimate & { resumed?: string | null }, maxCostUsd?: number): string {
  const lines: string[] = [];
  const what = e.resumed ? `resume of run ${e.resumed}: ${int(e.calls)} of ${int(e.totalCalls)} calls still to make` : `${int(e.calls)} calls`;
  lines.push(`dry run: ${e.suite.name} · ${what} · no provider was called`);
  lines.push('');
  const rows = e.variants.map((v) => [
    v.id,
    int(v.calls),
    int(v.inputTokens),
    int(v.outputTokens),
    v.price ? `${rate(v.price.inputPerMtok)}/${rate(v.price.outputPerMtok)}` : 'unpriced',
    v.costUsd === null ? 'n/a' : usd(v.costUsd),
    v.latencyMsPerCall === null ? 'n/a' : `${(v.latencyMsPerCall / 1000).toFixed(1)}s`,
  ]);
  const judges = e.judges ?? [];
  for (const j of judges) {
    rows.push([
      `judge ${j.model}`,
      int(j.calls),
      int(j.inputTokens),
      int(j.outputTokens),
      j.price ? `${rate(j.price.inputPerMtok)}/${rate(j.price.outputPerMtok)}` : j.paidCalls ? 'unpriced' : 'function',
      j.costUsd === null ? 'n/a' : usd(j.costUsd),
      '',
    ]);
  }
  const calls = e.calls + judges.reduce((s, j) => s + j.calls, 0);
  const input = [...e.variants, ...judges].reduce((s, v) => s + v.inputTokens, 0);
  const output = [...e.variants, ...judges].reduce((s, v) => s + v.outputTokens, 0);
  rows.push(['total', int(calls), int(input), int(output), '', `${usd(e.costUsd)}${e.unpriced.length ? ' + unpriced' : ''}`, '']);
  lines.push(
    textTable(['variant', 'calls', 'input tokens', 'output tokens (est.)', 'price in/out per Mtok', 'est. cost', 'latency/call'], rows, [
      false,
      true,
      true,
      true,
      true,
      true,
      true,
    ]),
  );
  lines.push('');
  lines.push(`estimated duration: ${durationText(e.durationMs)} at concurrency ${e.concurrency}`);
  const blocking = [
    ...e.variants.filter((v) => v.paidCalls && v.price === null).map((v) => v.id),
    ...judges.filter((j) => j.paidCalls && j.price === null).map((j) => `judge ${j.model}`),
  ];
  if (maxCostUsd !== undefined && blocking.length) {
    lines.push(`budget: --max-cost would refuse to start: no known price for ${blocking.join(', ')} (its spend could not be counted)`);
  } else if (maxCostUsd !== undefined) {
    if (e.costUsd <= maxCostUsd && e.unpriced.length === 0) lines.push(`budget: the estimate fits within --max-cost ${usd(maxCostUsd)}`);
    else if (e.costUsd > maxCostUsd) {
      const share = maxCostUsd / e.costUsd;
      lines.push(
        `budget: the estimate exceeds --max-cost ${usd(maxCostUsd)}: the run would stop cleanly after about ${int(e.calls * share)} of ${int(e.calls)} calls (exit 3; --resume continues)`,
      );
    }
  }
  lines.push('', 'how each figure is estimated:');
  for (const v of e.variants) {
    lines.push(
      `  ${v.id}: output ${v.outputTokensPerCall.toFixed(0)} tokens/call (${v.outputSource}); price ${v.price ? v.price.source : 'unknown'}; latency ${v.latencySource}`,
    );
  }
  for (const j of judges) {
    lines.push(
      `  judge ${j.model}: ${int(j.calls)} calls; output ${j.outputTokensPerCall.toFixed(0)} tokens/call (${j.outputSource}); price ${j.price ? j.price.source : j.paidCalls ? 'unknown' : 'a function judge: what it reports'}`,
    );
  }
  for (const note of e.notes) lines.push(`  ${note}`);
  if (e.unpriced.length)
    lines.push('', `warning: no known price for ${e.unpriced.join(', ')}: not in the total (add price: or price_as: to the model in the suite)`);
  return lines.join('\n');
}
