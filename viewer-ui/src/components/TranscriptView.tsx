// What an agent did, step by step (issue #16): each model step's messages, tool calls with their arguments and
// results (or error class), tokens and latency; why it stopped; the retrieved context and metadata; the steps a
// failing check names, marked and reachable from the top. Every string is untrusted text rendered as React text.
import { useState, type MouseEvent } from 'react';
import type { StoredCheck, Transcript } from '../api';
import { ms, int } from '../format';
import { PlainText, ValueView } from './common';
import { alignSteps, failedSteps, groupSteps, prettyArgs, stopText, type CallDifference, type CallView, type StepGroup } from '../transcript';

/** Long untrusted text: the start shown, the rest behind a button (a 50 kB tool result does not flood the page). */
export function FoldedText({ text, limit = 600, className = '' }: { text: string; limit?: number; className?: string }) {
  const [open, setOpen] = useState(false);
  if (text.length <= limit || open) return <PlainText text={text} className={className} />;
  return (
    <div className={`folded ${className}`}>
      <PlainText text={`${text.slice(0, limit)}…`} />
      <button type="button" className="link-button small" onClick={() => setOpen(true)}>
        show all ({int(text.length)} characters)
      </button>
    </div>
  );
}

function ArgsView({ args }: { args: unknown }) {
  const text = prettyArgs(args);
  const lines = text.split('\n').length;
  if (lines <= 8 && text.length <= 400) return <pre className="tool-args plain-text">{text}</pre>;
  return (
    <details className="tool-args-fold">
      <summary className="small">arguments ({lines} lines)</summary>
      <pre className="tool-args plain-text">{text}</pre>
    </details>
  );
}

const DIFFERENCE_TEXT: Record<CallDifference, string> = {
  same: '',
  name: 'other tool than the other side',
  args: 'other arguments than the other side',
  missing: 'no such call on the other side',
};

function CallBlock({ cv, difference }: { cv: CallView; difference?: CallDifference }) {
  const { call, result } = cv;
  const marked = difference && difference !== 'same';
  return (
    <div className={`tool-call ${marked ? 'call-differs' : ''}`} data-tool={call.name} data-difference={difference}>
      <div className="tool-call-head">
        <span className="mono strong">{call.name}</span>
        <span className="muted small mono">{call.id}</span>
        {call.invalid && <span className="badge badge-error">{call.invalid.class}</span>}
        {marked && <span className="badge badge-inconclusive">{DIFFERENCE_TEXT[difference]}</span>}
      </div>
      {call.invalid && <div className="small plain-text">{call.invalid.message}</div>}
      <ArgsView args={call.args} />
      {result ? (
        <div className={`tool-result ${result.error ? 'tool-result-error' : ''}`} data-error-class={result.error?.class}>
          <div className="message-role">result{result.latencyMs !== undefined && result.latencyMs !== null ? ` · ${ms(result.latencyMs)}` : ''}</div>
          {result.error && (
            <div className="small">
              <span className="badge badge-error">{result.error.class}</span> <span className="plain-text">{result.error.message}</span>
            </div>
          )}
          <FoldedText text={result.content} />
        </div>
      ) : (
        <div className="small muted">no tool message answered this call</div>
      )}
    </div>
  );
}

function StepBlock({ g, failing, focused, differences }: { g: StepGroup; failing?: StoredCheck[]; focused?: boolean; differences?: CallDifference[] }) {
  const a = g.assistant;
  const facts = [
    a.usage ? `tokens ${int(a.usage.inputTokens)} in / ${int(a.usage.outputTokens)} out` : null,
    a.latencyMs !== undefined && a.latencyMs !== null ? ms(a.latencyMs) : null,
    a.finishReason ? `finish: ${a.finishReason}` : null,
    a.turn !== undefined ? `turn ${a.turn}` : null,
  ].filter(Boolean);
  return (
    <div className={`step ${failing?.length ? 'step-failed' : ''} ${focused ? 'step-focused' : ''}`} data-step={g.step} tabIndex={-1}>
      {g.before.map((m, i) => (
        <div key={i} className={`message message-${m.role}`} data-role={m.role}>
          <div className="message-role">
            {m.role}
            {m.role === 'user' && m.turn !== undefined ? ` · turn ${m.turn}` : ''}
            {m.role === 'user' && m.simulated ? ' · simulated' : ''}
          </div>
          <FoldedText text={m.content} />
        </div>
      ))}
      <div className="step-head">
        <strong>step {g.step}</strong>
        <span className="muted small">{facts.join(' · ')}</span>
      </div>
      {failing?.map((c, i) => (
        <div key={i} className="step-check small" data-check={c.metric || c.type}>
          <span className="badge badge-fail">{c.metric || c.type}</span> <span className="plain-text">{c.reason}</span>
        </div>
      ))}
      {a.content && (
        <div className="message message-assistant" data-role="assistant">
          <div className="message-role">assistant</div>
          <FoldedText text={a.content} />
        </div>
      )}
      {g.calls.map((cv, i) => (
        <CallBlock key={i} cv={cv} difference={differences?.[i]} />
      ))}
      {g.orphans.map((m, i) => (
        <div key={`o${i}`} className="tool-result small" data-error-class={m.error?.class}>
          <div className="message-role">tool {m.name} (answers no call of this step)</div>
          {m.error && <span className="badge badge-error">{m.error.class}</span>}
          <FoldedText text={m.content} />
        </div>
      ))}
    </div>
  );
}

function ContextTable({ t }: { t: Transcript }) {
  if (!t.context?.length) return null;
  return (
    <table className="table context-docs" data-testid="retrieved-context">
      <caption className="small muted">retrieved context, in rank order</caption>
      <thead>
        <tr>
          <th className="num">rank</th>
          <th>id</th>
          <th className="num">score</th>
          <th>text</th>
        </tr>
      </thead>
      <tbody>
        {t.context.map((d, i) => (
          <tr key={i} data-doc={d.id}>
            <td className="num">{i + 1}</td>
            <td className="mono">{d.id}</td>
            <td className="num">{d.score === undefined ? 'n/a' : d.score.toFixed(3)}</td>
            <td>
              <FoldedText text={d.text} limit={300} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A stored result's transcript; `checks` are the result's, so the steps their reasons name are marked. */
export function TranscriptView({ t, checks }: { t: Transcript; checks: StoredCheck[] }) {
  const [focused, setFocused] = useState<number | null>(null);
  const grouped = groupSteps(t);
  const failing = failedSteps(checks);
  const goTo = (step: number) => (e: MouseEvent<HTMLButtonElement>) => {
    setFocused(step);
    const el = e.currentTarget.closest('.transcript')?.querySelector<HTMLElement>(`.step[data-step="${step}"]`);
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
  };
  return (
    <div className="transcript" data-testid="transcript" data-stop={t.stop}>
      <div className={`transcript-stop small ${t.stop === 'max-steps' ? 'transcript-stop-limit' : ''}`} data-testid="transcript-stop">
        {stopText(t)}
      </div>
      {failing.size > 0 && (
        <div className="transcript-failing small">
          failed checks point at{' '}
          {[...failing.keys()]
            .sort((x, y) => x - y)
            .map((step) => (
              <button key={step} type="button" className="link-button" data-goto-step={step} onClick={goTo(step)}>
                step {step}
              </button>
            ))}
        </div>
      )}
      {grouped.steps.map((g) => (
        <StepBlock key={g.step} g={g} failing={failing.get(g.step)} focused={focused === g.step} />
      ))}
      {grouped.after.map((m, i) => (
        <div key={i} className={`message message-${m.role}`} data-role={m.role}>
          <div className="message-role">{m.role}</div>
          <FoldedText text={m.content} />
        </div>
      ))}
      {t.problems?.map((p, i) => (
        <div key={i} className="small transcript-problem" data-problem={p.class}>
          <span className="badge badge-error">{p.class}</span> {p.step === null ? '' : `step ${p.step}: `}
          <span className="plain-text">{p.message}</span>
        </div>
      ))}
      <ContextTable t={t} />
      {t.metadata && Object.keys(t.metadata).length > 0 && (
        <div className="transcript-metadata small" data-testid="transcript-metadata">
          <div className="message-role">metadata</div>
          <ValueView value={t.metadata} />
        </div>
      )}
    </div>
  );
}

/** Two transcripts side by side, aligned by step number; calls that differ in name or arguments are marked. */
export function TranscriptCompare({
  a,
  b,
  labelA,
  labelB,
  checksA = [],
  checksB = [],
}: {
  a?: Transcript;
  b?: Transcript;
  labelA: string;
  labelB: string;
  /** Each side's checks: the steps their failing reasons name are marked, as on the case page. */
  checksA?: StoredCheck[];
  checksB?: StoredCheck[];
}) {
  const rows = alignSteps(a, b);
  const [failingA, failingB] = [failedSteps(checksA), failedSteps(checksB)];
  return (
    <div className="transcript-compare" data-testid="transcript-compare">
      <div className="transcript-compare-row transcript-compare-head small">
        <div>
          A <span className="mono">{labelA}</span>: {a ? stopText(a) : 'no transcript'}
        </div>
        <div>
          B <span className="mono">{labelB}</span>: {b ? stopText(b) : 'no transcript'}
        </div>
      </div>
      {rows.map((r) => (
        <div key={r.step} className={`transcript-compare-row ${r.differs ? 'row-differs' : ''}`} data-step={r.step} data-differs={r.differs}>
          <div className="side-a">
            {r.a ? <StepBlock g={r.a} differences={r.calls} failing={failingA.get(r.step)} /> : <div className="muted small">no step {r.step}</div>}
          </div>
          <div className="side-b">
            {r.b ? <StepBlock g={r.b} differences={r.calls} failing={failingB.get(r.step)} /> : <div className="muted small">no step {r.step}</div>}
          </div>
        </div>
      ))}
    </div>
  );
}
