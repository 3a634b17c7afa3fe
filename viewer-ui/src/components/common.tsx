// Small shared pieces. Everything from the store is rendered as React text children: never as HTML.
import type { ReactNode } from 'react';
import type { Interval } from '../api';
import { ciText, pct } from '../format';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return <div className="muted loading">{what}…</div>;
}

export function ErrorBox({ error }: { error: Error }) {
  return (
    <div className="error-box" role="alert">
      {error.message}
    </div>
  );
}

export function Verdict({ pass, errorClass }: { pass: boolean | null; errorClass?: string | null }) {
  if (errorClass)
    return (
      <span className="badge badge-error" title="the call failed">
        error: {errorClass}
      </span>
    );
  if (pass === true) return <span className="badge badge-pass">pass</span>;
  if (pass === false) return <span className="badge badge-fail">fail</span>;
  return <span className="badge">n/a</span>;
}

export function LabelBadge({ label, tag }: { label: string | null; tag?: string | null }) {
  if (!label && !tag) return null;
  return (
    <span className={`badge badge-label ${label === 'pass' ? 'badge-label-pass' : label === 'fail' ? 'badge-label-fail' : ''}`} title="human label">
      {label ? `✎ ${label}` : '✎'}
      {tag ? ` · ${tag}` : ''}
    </span>
  );
}

/** A rate with its interval drawn as an error bar on a 0–100% track. */
export function CiBar({ rate, ci, width = 180 }: { rate: number | null; ci: Interval | null; width?: number }) {
  const h = 16;
  const x = (v: number) => 4 + v * (width - 8);
  return (
    <span className="ci-bar" title={ci ? `${pct(rate)} (${Math.round(ci.level * 100)}% CI ${ciText(ci)}, ${ci.method})` : pct(rate)}>
      <svg width={width} height={h} role="img" aria-label={`pass rate ${pct(rate)}, interval ${ciText(ci)}`}>
        <line x1={x(0)} x2={x(1)} y1={h / 2} y2={h / 2} className="ci-track" />
        {rate !== null && <rect x={x(0)} y={4} width={Math.max(0, x(rate) - x(0))} height={h - 8} className="ci-fill" />}
        {ci && (
          <>
            <line x1={x(ci.low)} x2={x(ci.high)} y1={h / 2} y2={h / 2} className="ci-whisker" />
            <line x1={x(ci.low)} x2={x(ci.low)} y1={3} y2={h - 3} className="ci-whisker" />
            <line x1={x(ci.high)} x2={x(ci.high)} y1={3} y2={h - 3} className="ci-whisker" />
          </>
        )}
        {rate !== null && <circle cx={x(rate)} cy={h / 2} r={3.5} className="ci-point" />}
      </svg>
    </span>
  );
}

export function Section({ title, children, actions, id }: { title: string; children: ReactNode; actions?: ReactNode; id?: string }) {
  return (
    <section className="section" id={id}>
      <div className="section-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** Untrusted model text: shown literally (white-space kept), never interpreted. */
export function PlainText({ text, className = '' }: { text: string | null | undefined; className?: string }) {
  if (text === null || text === undefined) return <div className={`plain-text muted ${className}`}>(none)</div>;
  return <div className={`plain-text ${className}`}>{text}</div>;
}

/** Any JSON value as a compact key/value table (for report sections this viewer does not know in detail). */
export function ValueView({ value }: { value: unknown }): ReactNode {
  if (value === null || value === undefined) return <span className="muted">n/a</span>;
  if (typeof value === 'number') return <span>{Number.isInteger(value) ? value : value.toFixed(4)}</span>;
  if (typeof value !== 'object') return <span>{String(value)}</span>;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return <span>{value.map(String).join(', ')}</span>;
    return (
      <div className="value-list">
        {value.map((v, i) => (
          <div key={i}>
            <ValueView value={v} />
          </div>
        ))}
      </div>
    );
  }
  const o = value as Record<string, unknown>;
  if (typeof o.low === 'number' && typeof o.high === 'number')
    return <span>{`${(o.low as number).toFixed(4)} – ${(o.high as number).toFixed(4)}${o.method ? ` (${String(o.method)})` : ''}`}</span>;
  return (
    <table className="kv">
      <tbody>
        {Object.entries(o).map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>
              <ValueView value={v} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
