// Two variants (of one run or of two runs) on the same cases: the paired difference with its interval,
// the cases whose verdict flipped first, and the two outputs side by side with the differences marked (and two
// agents' transcripts, or two chains' steps, aligned step by step).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type CompareResponse, type CompareRow, type PairedSummary, type ResultRow } from '../api';
import { useAsync, usePagedRows } from '../hooks';
import { links, replaceParams } from '../router';
import { ErrorBox, Loading, Section, Verdict } from '../components/common';
import { VirtualRows } from '../components/VirtualRows';
import { DiffView } from '../components/DiffView';
import { ChecksList } from '../components/Checks';
import { TranscriptCompare } from '../components/TranscriptView';
import { ChainCompare } from '../components/ChainView';
import { int, num, pct, pValue, signedPts, usd, ms } from '../format';

function DifferenceBar({ s, unit }: { s: PairedSummary; unit: 'pts' | 'score' }) {
  const w = 260;
  const h = 28;
  const span = Math.max(0.05, Math.abs(s.difference), Math.abs(s.interval?.low ?? 0), Math.abs(s.interval?.high ?? 0)) * 1.15;
  const x = (v: number) => w / 2 + (v / span) * (w / 2 - 6);
  const fmt = (v: number) => (unit === 'pts' ? signedPts(v) : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`);
  const excludesZero = s.interval ? s.interval.low > 0 || s.interval.high < 0 : false;
  return (
    <svg width={w} height={h} role="img" aria-label={`difference ${fmt(s.difference)}`} className="diff-bar">
      <line x1={x(0)} x2={x(0)} y1={2} y2={h - 2} className="zero-line" />
      {s.interval && <line x1={x(s.interval.low)} x2={x(s.interval.high)} y1={h / 2} y2={h / 2} className={`ci-whisker ${excludesZero ? 'ci-strong' : ''}`} />}
      {s.interval && <line x1={x(s.interval.low)} x2={x(s.interval.low)} y1={h / 2 - 6} y2={h / 2 + 6} className="ci-whisker" />}
      {s.interval && <line x1={x(s.interval.high)} x2={x(s.interval.high)} y1={h / 2 - 6} y2={h / 2 + 6} className="ci-whisker" />}
      <circle cx={x(s.difference)} cy={h / 2} r={4.5} className="ci-point" />
    </svg>
  );
}

function Summary({ c }: { c: CompareResponse }) {
  const row = (title: string, s: PairedSummary | null, unit: 'pts' | 'score') =>
    s && (
      <tr>
        <th>{title}</th>
        <td className="num">{unit === 'pts' ? pct(s.meanA) : num(s.meanA)}</td>
        <td className="num">{unit === 'pts' ? pct(s.meanB) : num(s.meanB)}</td>
        <td className="num strong">{unit === 'pts' ? signedPts(s.difference) : num(s.difference)}</td>
        <td className="nowrap">
          {s.interval
            ? unit === 'pts'
              ? `${signedPts(s.interval.low)} to ${signedPts(s.interval.high)}`
              : `${num(s.interval.low)} to ${num(s.interval.high)}`
            : 'n/a'}
        </td>
        <td>
          <DifferenceBar s={s} unit={unit} />
        </td>
        <td className="num">{pValue(s.pValue)}</td>
        <td className="small muted">
          {s.test}, n = {s.n}
        </td>
      </tr>
    );
  return (
    <div>
      <table className="table compare-summary" data-testid="compare-summary">
        <thead>
          <tr>
            <th />
            <th className="num">A</th>
            <th className="num">B</th>
            <th className="num">B − A</th>
            <th>95% CI</th>
            <th />
            <th className="num">p</th>
            <th>test</th>
          </tr>
        </thead>
        <tbody>
          {row('pass rate (per case)', c.pass, 'pts')}
          {row('mean score', c.score, 'score')}
        </tbody>
      </table>
      <p className="small">
        <strong>{c.flips.bBetter}</strong> cases pass only with B, <strong>{c.flips.aBetter}</strong> only with A (McNemar exact p = {pValue(c.mcnemarPValue)}
        ). {int(c.commonCases)} cases in common
        {c.onlyA || c.onlyB ? `; ${c.onlyA} only in A, ${c.onlyB} only in B (left out)` : ''}. Paired on the same cases: the interval is for the difference, not
        for each side.
      </p>
    </div>
  );
}

function CaseDiff({ c, row }: { c: CompareResponse; row: CompareRow }) {
  const a = useAsync(() => api.case(c.a.runId, row.caseId), [c.a.runId, row.caseId]);
  const same = c.b.runId === c.a.runId;
  const other = useAsync(() => (same ? Promise.resolve(undefined) : api.case(c.b.runId, row.caseId)), [same, c.b.runId, row.caseId]);
  const b = same ? a : other;
  const [repeat, setRepeat] = useState(0);
  if (a.error) return <ErrorBox error={a.error} />;
  if (b.error) return <ErrorBox error={b.error} />;
  if (!a.data || !b.data) return <Loading what="Loading the outputs" />;
  const ra = a.data.results.filter((r) => r.variantId === c.a.variantId);
  const rb = b.data.results.filter((r) => r.variantId === c.b.variantId);
  const repeats = Math.max(ra.length, rb.length);
  const pick = (rs: ResultRow[]) => rs.find((r) => r.repeat === repeat) ?? rs[0];
  const A = pick(ra);
  const B = pick(rb);
  const prompt = A?.messages ?? B?.messages;
  return (
    <div className="case-diff" data-testid="case-diff">
      <div className="case-diff-head">
        <a className="mono strong" href={links.case(c.a.runId, row.caseId)}>
          {row.caseId}
        </a>
        {row.contentChanged && <span className="badge badge-inconclusive">the case changed between the runs</span>}
        {repeats > 1 && (
          <label className="small">
            repeat{' '}
            <select value={repeat} onChange={(e) => setRepeat(Number(e.target.value))}>
              {Array.from({ length: repeats }, (_, i) => (
                <option key={i} value={i}>
                  {i}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {prompt && prompt.length > 0 && (
        <details className="context">
          <summary>Prompt (last message)</summary>
          <div className="plain-text">{prompt[prompt.length - 1].content}</div>
        </details>
      )}
      <div className="diff-verdicts">
        <span>
          A <Verdict pass={A?.pass ?? null} errorClass={A?.errorClass} /> <span className="muted small">{A && `${ms(A.latencyMs)} · ${usd(A.costUsd)}`}</span>
        </span>
        <span>
          B <Verdict pass={B?.pass ?? null} errorClass={B?.errorClass} /> <span className="muted small">{B && `${ms(B.latencyMs)} · ${usd(B.costUsd)}`}</span>
        </span>
      </div>
      <DiffView a={A?.output ?? null} b={B?.output ?? null} labelA={c.a.variantId} labelB={c.b.variantId} />
      {A?.transcript?.chain || B?.transcript?.chain ? (
        <details className="context" open>
          <summary>Chain steps side by side</summary>
          <ChainCompare a={A?.transcript?.chain} b={B?.transcript?.chain} labelA={c.a.variantId} labelB={c.b.variantId} />
        </details>
      ) : (
        (A?.transcript || B?.transcript) && (
          <details className="context" open>
            <summary>Transcripts step by step</summary>
            <TranscriptCompare a={A?.transcript} b={B?.transcript} labelA={c.a.variantId} labelB={c.b.variantId} checksA={A?.checks} checksB={B?.checks} />
          </details>
        )
      )}
      <div className="diff-cols">
        <div>{A && <ChecksList checks={A.checks} />}</div>
        <div>{B && <ChecksList checks={B.checks} />}</div>
      </div>
    </div>
  );
}

export function ComparePage({ params }: { params: URLSearchParams }) {
  const runs = useAsync(() => api.runs(), []);
  const runA = params.get('runA') ?? runs.data?.runs[0]?.id;
  const runB = params.get('runB') ?? runA;
  const infoA = useAsync(() => (runA ? api.run(runA) : Promise.resolve(undefined)), [runA]);
  const infoB = useAsync(() => (runB && runB !== runA ? api.run(runB) : Promise.resolve(undefined)), [runB, runA]);
  const variantsA = infoA.data?.run.variants ?? [];
  const variantsB = runB === runA ? variantsA : (infoB.data?.run.variants ?? []);
  const variantA = params.get('variantA') ?? variantsA[0]?.id;
  const variantB =
    params.get('variantB') ?? (runB === runA ? (variantsA[1]?.id ?? variantsA[0]?.id) : (variantsB.find((v) => v.id === variantA)?.id ?? variantsB[0]?.id));
  const only = params.get('only') === 'flipped' ? 'flipped' : 'all';
  const segment = params.get('segment') ?? undefined;
  const [selected, setSelected] = useState(0);
  const ready = !!(runA && runB && variantA && variantB);
  const set = (k: string, v: string | undefined) => {
    const next: Record<string, string | undefined> = { runA, runB, variantA, variantB, only: only === 'flipped' ? 'flipped' : undefined, segment };
    next[k] = v;
    if (k === 'runA' || k === 'runB') {
      if (k === 'runA') next.variantA = undefined;
      next.variantB = undefined;
    }
    replaceParams(next);
    setSelected(0);
  };
  const key = JSON.stringify([runA, runB, variantA, variantB, only, segment]);
  const [meta, setMeta] = useState<CompareResponse | null>(null);
  const fetchPage = useCallback(
    async (offset: number, limit: number, signal: AbortSignal) => {
      const r = await api.compare({ runA, runB, variantA, variantB, only, segment, offset, limit }, signal);
      if (offset === 0) setMeta(r);
      return r;
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );
  const rows = usePagedRows<CompareRow>(ready ? fetchPage : async () => ({ total: 0, rows: [] }), ready ? key : 'not-ready');
  useEffect(() => {
    document.title = 'Compare · evalspec';
  }, []);
  useEffect(() => {
    if (meta) performance.mark('evalspec:rendered:compare');
  }, [meta]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA') return;
      if (e.key === 'j' || e.key === 'ArrowDown') (e.preventDefault(), setSelected((s) => Math.min((rows.total ?? 1) - 1, s + 1)));
      if (e.key === 'k' || e.key === 'ArrowUp') (e.preventDefault(), setSelected((s) => Math.max(0, s - 1)));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rows.total]);
  const selectedRow = rows.row(selected);
  const segments = useMemo(() => infoA.data?.facets.segments ?? [], [infoA.data]);
  if (runs.error) return <ErrorBox error={runs.error} />;
  if (!runs.data) return <Loading />;
  const runOptions = runs.data.runs.map((r) => (
    <option key={r.id} value={r.id}>
      {r.id} · {r.suiteName}
      {r.label ? ` · ${r.label}` : ''}
    </option>
  ));
  return (
    <div className="compare-page">
      <Section title="Compare">
        <div className="compare-pickers">
          <div className="picker picker-a">
            <span className="picker-tag">A</span>
            <select value={runA ?? ''} onChange={(e) => set('runA', e.target.value)} aria-label="run A">
              {runOptions}
            </select>
            <select value={variantA ?? ''} onChange={(e) => set('variantA', e.target.value)} aria-label="variant A" data-testid="variant-a">
              {variantsA.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.id}
                </option>
              ))}
            </select>
          </div>
          <div className="picker picker-b">
            <span className="picker-tag">B</span>
            <select value={runB ?? ''} onChange={(e) => set('runB', e.target.value)} aria-label="run B">
              {runOptions}
            </select>
            <select value={variantB ?? ''} onChange={(e) => set('variantB', e.target.value)} aria-label="variant B" data-testid="variant-b">
              {variantsB.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.id}
                </option>
              ))}
            </select>
          </div>
          <label className="small">
            <input
              type="checkbox"
              checked={only === 'flipped'}
              onChange={(e) => set('only', e.target.checked ? 'flipped' : undefined)}
              data-testid="only-flipped"
            />{' '}
            flipped cases only
          </label>
          <label className="small">
            segment{' '}
            <select value={segment ?? ''} onChange={(e) => set('segment', e.target.value || undefined)}>
              <option value="">all cases</option>
              {segments.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        </div>
        {rows.error && <ErrorBox error={rows.error} />}
        {meta ? <Summary c={meta} /> : ready && <Loading what="Pairing the cases" />}
      </Section>
      {meta && (
        <div className="compare-body">
          <div className="compare-list">
            <VirtualRows
              label="cases compared"
              total={rows.total}
              row={rows.row}
              ensure={rows.ensure}
              selected={selected}
              height="calc(100vh - 330px)"
              empty="No case to show."
              header={
                <div className="vhead compare-grid" role="row">
                  <div>case</div>
                  <div>A</div>
                  <div>B</div>
                  <div>flip</div>
                </div>
              }
              render={(r, i) => (
                <button
                  type="button"
                  className={`compare-grid vrow-link ${i === selected ? 'on' : ''}`}
                  onClick={() => setSelected(i)}
                  data-case={r.caseId}
                  data-flip={r.flip}
                >
                  <div className="mono ellipsis" title={r.caseId}>
                    {r.caseId}
                  </div>
                  <div>{r.passA === null ? 'n/a' : r.passA === 1 ? '✓' : r.passA === 0 ? '✗' : pct(r.passA, 0)}</div>
                  <div>{r.passB === null ? 'n/a' : r.passB === 1 ? '✓' : r.passB === 0 ? '✗' : pct(r.passB, 0)}</div>
                  <div>
                    {r.flip === 'b-better' && <span className="badge badge-pass">B wins</span>}
                    {r.flip === 'a-better' && <span className="badge badge-fail">A wins</span>}
                  </div>
                </button>
              )}
            />
            <div className="small muted">j / k or ↑ / ↓ to move</div>
          </div>
          <div className="compare-detail">{selectedRow ? <CaseDiff c={meta} row={selectedRow} /> : <span className="muted">Pick a case.</span>}</div>
        </div>
      )}
    </div>
  );
}
