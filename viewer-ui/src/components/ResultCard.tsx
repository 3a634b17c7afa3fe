// One result in full: the context window as the model saw it (every rendered message), an agent's transcript
// (steps, tool calls, results), the output, each check with its reason, tokens, cost, latency. Every string is
// rendered as text.
import type { ReactNode } from 'react';
import type { ResultRow } from '../api';
import { ms, usd, int, num } from '../format';
import { PlainText, Verdict } from './common';
import { ChecksList } from './Checks';
import { TranscriptView } from './TranscriptView';
import { ChainView } from './ChainView';

export function Messages({ messages }: { messages: ResultRow['messages'] }) {
  if (!messages || messages.length === 0) return <div className="muted small">No messages stored (replayed or function output).</div>;
  return (
    <div className="messages">
      {messages.map((m, i) => (
        <div key={i} className={`message message-${m.role}`} data-role={m.role}>
          <div className="message-role">{m.role}</div>
          <PlainText text={m.content} />
        </div>
      ))}
    </div>
  );
}

export function Facts({ r }: { r: ResultRow }) {
  return (
    <dl className="facts small">
      <dt>tokens in / out</dt>
      <dd>
        {int(r.inputTokens)} / {int(r.outputTokens)}
      </dd>
      <dt>cost</dt>
      <dd>{usd(r.costUsd)}</dd>
      <dt>latency</dt>
      <dd>{ms(r.latencyMs)}</dd>
      <dt>score</dt>
      <dd>{num(r.score)}</dd>
      <dt>attempts</dt>
      <dd>{r.attempts}</dd>
      <dt>cached</dt>
      <dd>{r.cached ? 'yes' : 'no'}</dd>
      <dt>finished</dt>
      <dd>{r.finishedAt.slice(0, 19).replace('T', ' ')}</dd>
    </dl>
  );
}

export function ResultCard({
  r,
  highlighted = false,
  children,
  showContext = true,
}: {
  r: ResultRow;
  highlighted?: boolean;
  children?: ReactNode;
  showContext?: boolean;
}) {
  return (
    <article
      className={`result-card ${highlighted ? 'result-highlighted' : ''}`}
      data-variant={r.variantId}
      data-repeat={r.repeat}
      aria-label={`${r.variantId} repeat ${r.repeat}`}
    >
      <header className="result-head">
        <strong className="ellipsis" title={r.variantId}>
          {r.variantId}
        </strong>
        <span className="muted small">repeat {r.repeat}</span>
        <Verdict pass={r.pass} errorClass={r.errorClass} />
      </header>
      {children}
      {showContext && (
        <details className="context" open>
          <summary>Context window ({r.messages?.length ?? 0} messages)</summary>
          <Messages messages={r.messages} />
        </details>
      )}
      {r.transcript?.chain && r.transcript.chain.length > 0 && (
        <>
          <h3 className="sub">Chain ({r.transcript.chain.length} steps)</h3>
          <ChainView steps={r.transcript.chain} />
        </>
      )}
      {/* A chain's transcript has no conversation: shown above, plus any context or metadata it returned. */}
      {r.transcript && (!r.transcript.chain || r.transcript.messages.length > 0 || r.transcript.context || r.transcript.metadata) && (
        <>
          <h3 className="sub">Transcript ({r.transcript.steps} steps)</h3>
          <TranscriptView t={r.transcript} checks={r.checks} />
        </>
      )}
      <h3 className="sub">Output</h3>
      {r.errorClass ? (
        <div className="error-box small">
          {r.errorClass}: <span className="plain-text">{r.errorMessage ?? ''}</span>
        </div>
      ) : (
        <PlainText text={r.output} className="output" />
      )}
      <h3 className="sub">Checks</h3>
      <ChecksList checks={r.checks} />
      <Facts r={r} />
    </article>
  );
}
