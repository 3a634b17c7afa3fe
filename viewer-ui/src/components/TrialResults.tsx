// A trial's outcome: on top the paired difference on the slice (trial − stored, with its interval and method)
// and the cases that flipped, then case by case the new output (streamed as it arrives) beside the stored one,
// each with its checks. Model output is untrusted: rendered as text only.
import type { PlaygroundCheck, PlaygroundSliceCase, TrialComparison, TrialResult } from '../playground-api';
import { links } from '../router';
import { ms, int, pct, signedPts, usd } from '../format';
import { PlainText, Verdict } from './common';
import { splitKey, type TrialState } from '../trial-state';

export function ComparisonSummary({ comparison }: { comparison: TrialComparison }) {
  const d = comparison.difference;
  const level = Math.round(d.level * 100);
  return (
    <div className="trial-comparison" data-testid="trial-comparison">
      <div className="trial-difference">
        <span className="small muted">trial − stored pass rate on {int(comparison.cases)} paired cases</span>
        <div>
          <strong className="trial-estimate" data-testid="difference-estimate">
            {signedPts(d.estimate)}
          </strong>{' '}
          <span data-testid="difference-interval">
            {level}% CI {d.low === null || d.high === null ? 'n/a' : `${signedPts(d.low)} to ${signedPts(d.high)}`}
          </span>{' '}
          <span className="small muted" data-testid="difference-method">
            ({d.method})
          </span>
        </div>
        <div className="small">
          stored <span className="mono">{comparison.stored.variantId}</span> {pct(comparison.stored.passRate)} → trial {pct(comparison.trial.passRate)}
        </div>
      </div>
      <div className="trial-flips" data-testid="flipped">
        <div>
          <span className="badge badge-pass">fixed {comparison.flipped.fixed.length}</span>
          <FlipList runId={comparison.stored.runId} ids={comparison.flipped.fixed} kind="fixed" />
        </div>
        <div>
          <span className="badge badge-fail">broken {comparison.flipped.broken.length}</span>
          <FlipList runId={comparison.stored.runId} ids={comparison.flipped.broken} kind="broken" />
        </div>
      </div>
      <div className="small trial-cost">
        cost: trial paid <strong data-testid="trial-cost">{usd(comparison.costUsd.trial)}</strong>; the stored results on these cases cost{' '}
        {usd(comparison.costUsd.stored)}
      </div>
    </div>
  );
}

function FlipList({ runId, ids, kind }: { runId: string; ids: string[]; kind: 'fixed' | 'broken' }) {
  if (ids.length === 0) return <span className="small muted"> none</span>;
  return (
    <span className="flip-list">
      {ids.map((id) => (
        <a key={id} className="mono small flip" data-flip={kind} href={`#trial-case-${encodeURIComponent(id)}`} title={`case ${id} in run ${runId}`}>
          {id}
        </a>
      ))}
    </span>
  );
}

function CheckRows({ checks }: { checks: PlaygroundCheck[] }) {
  if (checks.length === 0) return null;
  return (
    <ul className="trial-checks small">
      {checks.map((c, i) => (
        <li key={i} data-check={c.name}>
          <span className={`badge ${c.pass === true ? 'badge-pass' : c.pass === false ? 'badge-fail' : ''}`}>
            {c.pass === null ? 'n/a' : c.pass ? 'pass' : 'fail'}
          </span>
          <strong>{c.name}</strong> {c.critical && <span className="badge badge-critical">critical</span>}
          {c.score !== null && <span className="muted"> score {c.score.toFixed(2)}</span>}
          {c.reason && <div className="plain-text check-reason">{c.reason}</div>}
        </li>
      ))}
    </ul>
  );
}

function Side({ title, result, text, streaming }: { title: string; result: TrialResult | undefined; text: string | null; streaming: boolean }) {
  return (
    <div className="trial-side">
      <div className="toolbar small">
        <strong>{title}</strong>
        {result ? <Verdict pass={result.pass} errorClass={result.errorClass} /> : streaming && <span className="badge">streaming…</span>}
        {result && (
          <span className="muted">
            {ms(result.latencyMs)}
            {result.ttftMs !== null && ` · first token ${ms(result.ttftMs)}`} · {int(result.outputTokens)} tokens out · {usd(result.costUsd)}
          </span>
        )}
      </div>
      {result?.errorMessage && <div className="error-box plain-text">{result.errorMessage}</div>}
      <PlainText text={result ? result.output : text} className="trial-output" />
      {result && <CheckRows checks={result.checks} />}
    </div>
  );
}

export function TrialCases({ state, cases, storedRunId }: { state: TrialState; cases: PlaygroundSliceCase[]; storedRunId: string }) {
  const flips = new Map<string, 'fixed' | 'broken'>();
  for (const id of state.comparison?.flipped.fixed ?? []) flips.set(id, 'fixed');
  for (const id of state.comparison?.flipped.broken ?? []) flips.set(id, 'broken');
  const byCase = new Map(cases.map((c) => [c.caseId, c]));
  // Flipped cases first once the comparison is in; otherwise the order results arrived in.
  const flipped = (key: string) => Number(flips.has(splitKey(key).caseId));
  const keys = [...state.order].sort((a, b) => flipped(b) - flipped(a));
  return (
    <div className="trial-cases" data-testid="trial-cases">
      {keys.map((key) => {
        const { caseId, repeat } = splitKey(key);
        const sides = state.results[key] ?? {};
        const sliceCase = byCase.get(caseId);
        const flip = flips.get(caseId);
        return (
          <div
            key={key}
            className={`trial-case ${flip ? `trial-case-${flip}` : ''}`}
            id={`trial-case-${encodeURIComponent(caseId)}`}
            data-case={caseId}
            data-repeat={repeat}
          >
            <div className="toolbar">
              <a className="mono" href={links.case(storedRunId, caseId)}>
                {caseId}
              </a>
              {repeat > 0 && <span className="small muted">repeat {repeat + 1}</span>}
              {flip && <span className={`badge ${flip === 'fixed' ? 'badge-pass' : 'badge-fail'}`}>{flip}</span>}
            </div>
            <div className="trial-sides">
              <Side title="stored" result={sides.stored} text={sliceCase?.output ?? null} streaming={false} />
              <Side title="trial" result={sides.trial} text={state.streaming[key] ?? null} streaming={state.status === 'running'} />
            </div>
          </div>
        );
      })}
      {keys.length === 0 && state.status === 'running' && <div className="muted small">waiting for the first output…</div>}
    </div>
  );
}
