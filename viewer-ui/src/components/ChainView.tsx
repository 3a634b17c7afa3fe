// A `function:` chain's steps (issue #20, docs/playground.md "Chains"): each step's name, model, what it sent,
// its output or error, latency, tokens and cost, in order, so a reader sees which step went wrong. A failed step
// is marked and listed at the top. Every string is untrusted text rendered as React text.
import type { ChainStep } from '../api';
import { int, ms, usd } from '../format';
import { FoldedText } from './TranscriptView';

function StepFacts({ s }: { s: ChainStep }) {
  const facts = [
    s.model === null ? 'no model call' : null,
    s.latencyMs === null ? null : ms(s.latencyMs),
    s.model === null && s.inputTokens === null && s.outputTokens === null ? null : `tokens ${int(s.inputTokens)} in / ${int(s.outputTokens)} out`,
    s.model === null && s.costUsd === null ? null : `cost ${usd(s.costUsd)}`,
  ].filter(Boolean);
  return <span className="muted small">{facts.join(' · ')}</span>;
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
          <li key={i} className={`step ${s.error !== undefined ? 'step-failed' : ''}`} data-chain-step={s.name} data-failed={s.error !== undefined}>
            <div className="step-head">
              <strong>
                {i + 1}. <span className="plain-text">{s.name}</span>
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
        ))}
      </ol>
    </div>
  );
}
