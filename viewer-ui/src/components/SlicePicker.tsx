// Which stored variant a trial is compared with, and which of the run's cases it runs on: the failed ones, a
// segment (tag), a search, a seeded random sample of n, or all (at most n).
import type { PlaygroundRunInfo, PlaygroundSlice, SliceKind } from '../playground-api';
import { links } from '../router';
import { Verdict } from './common';

export interface SliceChoice {
  variantId: string;
  kind: SliceKind;
  value: string;
  n: number;
  seed: number;
}

const KINDS: { kind: SliceKind; label: string }[] = [
  { kind: 'failed', label: 'failed' },
  { kind: 'tag', label: 'segment' },
  { kind: 'search', label: 'search' },
  { kind: 'sample', label: 'random sample' },
  { kind: 'all', label: 'all' },
];

export function SlicePicker({ run, choice, onChange }: { run: PlaygroundRunInfo; choice: SliceChoice; onChange: (choice: SliceChoice) => void }) {
  const set = (patch: Partial<SliceChoice>) => onChange({ ...choice, ...patch });
  return (
    <div className="toolbar slice-picker">
      <label className="small">
        compare with{' '}
        <select aria-label="stored variant" name="variant" value={choice.variantId} onChange={(e) => set({ variantId: e.target.value })}>
          {run.variants.map((v) => (
            <option key={v.id} value={v.id} disabled={!v.comparable}>
              {v.id}
              {v.comparable ? '' : ' (no longer in the suite file)'}
            </option>
          ))}
        </select>
      </label>
      <span className="toolbar" role="group" aria-label="slice">
        {KINDS.map(({ kind, label }) => (
          <button
            key={kind}
            type="button"
            className={`seg-btn ${choice.kind === kind ? 'on' : ''}`}
            data-slice={kind}
            aria-pressed={choice.kind === kind}
            onClick={() => set({ kind, value: kind === 'tag' ? (run.tags[0] ?? '') : kind === 'search' ? choice.value : '' })}
          >
            {label}
          </button>
        ))}
      </span>
      {choice.kind === 'tag' && (
        <select aria-label="segment" name="tag" value={choice.value} onChange={(e) => set({ value: e.target.value })}>
          {run.tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      )}
      {choice.kind === 'search' && (
        <input type="search" name="search" placeholder="case id, vars or output" value={choice.value} onChange={(e) => set({ value: e.target.value })} />
      )}
      <label className="small">
        at most{' '}
        <input
          type="number"
          name="n"
          min={1}
          className="param-input"
          value={choice.n}
          onChange={(e) => set({ n: Math.max(1, Math.floor(Number(e.target.value) || 1)) })}
        />{' '}
        cases
      </label>
      {choice.kind === 'sample' && (
        <label className="small">
          seed{' '}
          <input
            type="number"
            name="seed"
            className="param-input"
            value={choice.seed}
            onChange={(e) => set({ seed: Math.floor(Number(e.target.value) || 0) })}
          />
        </label>
      )}
    </div>
  );
}

export function SliceCases({ runId, slice }: { runId: string; slice: PlaygroundSlice }) {
  return (
    <div className="slice-cases small" data-testid="slice-cases">
      <div className="muted">
        {slice.cases.length} of {slice.matched} matching case{slice.matched === 1 ? '' : 's'}
      </div>
      <div className="slice-case-list">
        {slice.cases.map((c) => (
          <span key={c.caseId} className="slice-case" data-case={c.caseId}>
            <a className="mono" href={links.case(runId, c.caseId)}>
              {c.caseId}
            </a>{' '}
            <Verdict pass={c.pass} errorClass={c.pass === null && c.output === null ? 'call failed' : null} />
          </span>
        ))}
      </div>
    </div>
  );
}
