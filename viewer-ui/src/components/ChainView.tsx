// A `function:` chain's steps (issue #20, docs/playground.md "Chains"): each step's name, model, what it sent,
// its output or error, latency, tokens and cost, in order, so a reader sees which step went wrong. A failed step
// is marked and listed at the top. Every string is untrusted text rendered as React text.
import type { ChainStep } from '../api';
import { int, ms, usd } from '../format';
import { FoldedText } from './TranscriptView';

function StepFacts({ s }: { s: ChainStep }) {
  const tokensKnown = s.inputTokens !== null || s.outputTokens !== null;
  const facts = [
    s.model === null ? 'no model call' : null,
    s.latencyMs === null ? null : ms(s.latencyMs),
    tokensKnown || (s.model !== null && s.error === undefined) ? `tokens ${int(s.inputTokens)} in / ${int(s.outputTokens)} out` : null,
    // A failed call is not billed (the run counts it so too); an unknown price is "unknown", never $0.
    s.costUsd === null && s.error !== undefined ? 'not billed' : s.model === null && s.costUsd === null ? null : `cost ${usd(s.costUsd)}`,
  ].filter(Boolean);
  return <span className="muted small">{facts.join(' · ')}</span>;
}

function StepBlock({ s, n }: { s: ChainStep; n: number }) {
  return (
    <li className={`step ${s.error !== undefined ? 'step-failed' : ''}`} data-chain-step={s.name} data-failed={s.error !== undefined}>
      <div className="step-head">
        <strong>
          {n}. <span className="plain-text">{s.name}</span>
        </strong>
        {s.model !== null && <span className="mono small plain-text">{s.model}</span>}
        <StepFacts s={s} />
      </div>
      {s.error !== undefined && (
        <div className="error-box small">
          <span className="badge badge-error">error</span> <span className="plain-text">{s.error}</span>
        </div>
      )}
      {s.messages && s.messages.length > 0 && (
        <details className="chain-messages">
          <summary className="small">
            sent {s.messages.length} message{s.messages.length === 1 ? '' : 's'}
          </summary>
          {s.messages.map((m, j) => (
            <div key={j} className={`message message-${m.role}`} data-role={m.role}>
              <div className="message-role plain-text">{m.role}</div>
              <FoldedText text={m.content} />
            </div>
          ))}
        </details>
      )}
      {s.error === undefined && (
        <div className="message message-assistant" data-role="assistant">
          <div className="message-role">output</div>
          <FoldedText text={s.output} />
        </div>
      )}
    </li>
  );
}

export function ChainView({ steps }: { steps: ChainStep[] }) {
  const failed = steps.map((s, i) => ({ s, n: i + 1 })).filter(({ s }) => s.error !== undefined);
  return (
    <div className="chain" data-testid="chain">
      {failed.length > 0 && (
        <div className="transcript-failing small" data-testid="chain-failed">
          failed: {failed.map(({ s, n }) => `step ${n} (${s.name})`).join(', ')}
        </div>
      )}
      <ol className="chain-steps">
        {steps.map((s, i) => (
          <StepBlock key={i} s={s} n={i + 1} />
        ))}
      </ol>
    </div>
  );
}

/**
 * Two chains side by side, step by step in order (the compare page): a row whose steps differ in name, model,
 * output or failure is marked, so two variants that differ in one step's model show where their answers parted.
 */
export function ChainCompare({ a = [], b = [], labelA, labelB }: { a?: ChainStep[]; b?: ChainStep[]; labelA: string; labelB: string }) {
  const rows = Array.from({ length: Math.max(a.length, b.length) }, (_, i) => ({ i, a: a[i], b: b[i] }));
  const differs = (x?: ChainStep, y?: ChainStep) =>
    !x || !y || x.name !== y.name || x.model !== y.model || x.output !== y.output || (x.error === undefined) !== (y.error === undefined);
  return (
    <div className="transcript-compare" data-testid="chain-compare">
      <div className="transcript-compare-row transcript-compare-head small">
        <div>
          A <span className="mono">{labelA}</span>: {a.length} step{a.length === 1 ? '' : 's'}
        </div>
        <div>
          B <span className="mono">{labelB}</span>: {b.length} step{b.length === 1 ? '' : 's'}
        </div>
      </div>
      {rows.map((r) => (
        <div key={r.i} className={`transcript-compare-row ${differs(r.a, r.b) ? 'row-differs' : ''}`} data-step={r.i + 1} data-differs={differs(r.a, r.b)}>
          {[r.a, r.b].map((s, side) => (
            <ol key={side} className={`chain-steps ${side === 0 ? 'side-a' : 'side-b'}`} start={r.i + 1}>
              {s ? <StepBlock s={s} n={r.i + 1} /> : <li className="muted small">no step {r.i + 1}</li>}
            </ol>
          ))}
        </div>
      ))}
    </div>
  );
}
