// Two outputs side by side, words that differ highlighted (removed on A's side, added on B's). Text only.
import { useMemo } from 'react';
import { diffWords, sideOf } from '../diff';

export function DiffView({ a, b, labelA, labelB }: { a: string | null; b: string | null; labelA: string; labelB: string }) {
  const { parts, granularity } = useMemo(() => diffWords(a ?? '', b ?? ''), [a, b]);
  const side = (which: 'a' | 'b') =>
    sideOf(parts, which).map((p, i) =>
      p.kind === 'same' ? (
        <span key={i}>{p.text}</span>
      ) : p.kind === 'removed' ? (
        <del key={i} className="diff-removed">
          {p.text}
        </del>
      ) : (
        <ins key={i} className="diff-added">
          {p.text}
        </ins>
      ),
    );
  return (
    <div className="diff">
      {granularity !== 'words' && <div className="muted small">Long outputs: compared {granularity === 'lines' ? 'line by line' : 'without alignment'}.</div>}
      <div className="diff-cols">
        <div className="diff-col" data-side="a">
          <div className="diff-title">A · {labelA}</div>
          <div className="plain-text output">{a === null ? <span className="muted">(no output)</span> : side('a')}</div>
        </div>
        <div className="diff-col" data-side="b">
          <div className="diff-title">B · {labelB}</div>
          <div className="plain-text output">{b === null ? <span className="muted">(no output)</span> : side('b')}</div>
        </div>
      </div>
    </div>
  );
}
