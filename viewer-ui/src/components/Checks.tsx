// Each check with its verdict, score and reason. A judge's reason often carries per-dimension reasoning
// (JSON, or "dimension: text" lines): shown as a table when it does.
import type { StoredCheck } from '../api';

export interface Dimension {
  name: string;
  score: string | null;
  reasoning: string;
}

function fromObject(o: Record<string, unknown>): Dimension[] | undefined {
  const source = (o.dimensions ?? o.criteria ?? o.scores ?? o.rubric) as unknown;
  const toDim = (name: string, v: unknown): Dimension => {
    if (v && typeof v === 'object') {
      const d = v as Record<string, unknown>;
      const score = d.score ?? d.value ?? d.rating ?? d.verdict ?? null;
      const reasoning = d.reasoning ?? d.reason ?? d.explanation ?? d.rationale ?? '';
      return { name: String(d.name ?? d.dimension ?? name), score: score === null ? null : String(score), reasoning: String(reasoning) };
    }
    return { name, score: typeof v === 'number' || typeof v === 'boolean' ? String(v) : null, reasoning: typeof v === 'string' ? v : '' };
  };
  if (Array.isArray(source)) return source.map((v, i) => toDim(`#${i + 1}`, v));
  if (source && typeof source === 'object') return Object.entries(source as Record<string, unknown>).map(([k, v]) => toDim(k, v));
  const entries = Object.entries(o).filter(([, v]) => v && typeof v === 'object' && ('reasoning' in (v as object) || 'reason' in (v as object)));
  if (entries.length) return entries.map(([k, v]) => toDim(k, v));
  return undefined;
}

/** Per-dimension judge reasoning found in a check's reason, if any. */
export function judgeDimensions(check: StoredCheck): Dimension[] | undefined {
  const reason = check.reason.trim();
  if (reason.startsWith('{') || reason.startsWith('[')) {
    try {
      const parsed = JSON.parse(reason) as unknown;
      if (Array.isArray(parsed)) return fromObject({ dimensions: parsed });
      if (parsed && typeof parsed === 'object') return fromObject(parsed as Record<string, unknown>);
    } catch {
      // not JSON
    }
  }
  if (!/judge|rubric|llm/i.test(`${check.type} ${check.metric}`)) return undefined;
  const lines = reason
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const dims: Dimension[] = [];
  for (const line of lines) {
    const m = /^[-*•]?\s*([A-Za-z][\w ./-]{0,40}?)\s*(?:\(([^)]{1,12})\)|\[([^\]]{1,12})\])?\s*:\s+(.+)$/.exec(line);
    if (m) dims.push({ name: m[1], score: m[2] ?? m[3] ?? null, reasoning: m[4] });
    else if (dims.length) dims[dims.length - 1].reasoning += `\n${line}`;
  }
  return dims.length >= 2 ? dims : undefined;
}

/** Judge checks (one per dimension: the check's metric) with their reasoning and each judge's vote. */
export function JudgeTable({ checks }: { checks: StoredCheck[] }) {
  const judges = [...new Set(checks.map((c) => `${c.judge!.models.join(', ')}${c.judge!.ensemble ? ` (${c.judge!.ensemble})` : ''}`))];
  const oneJudge = judges.length === 1;
  return (
    <table className="judge-table" data-testid="judge-table">
      {oneJudge && <caption className="small muted">judged by {judges[0]}</caption>}
      <thead>
        <tr>
          <th>dimension</th>
          <th>verdict</th>
          <th>score</th>
          <th>judge reasoning</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c, i) => {
          const j = c.judge!;
          const raw = j.raw === undefined ? c.score.toFixed(2) : `${j.raw}${j.scale ? ` / ${j.scale[1]}` : ''}`;
          return (
            <tr key={i} data-check={c.metric || c.type}>
              <th>
                {c.metric || c.type}
                {!oneJudge && (
                  <div className="muted small judge-models">
                    {j.models.join(', ')}
                    {j.ensemble ? ` (${j.ensemble})` : ''}
                  </div>
                )}
              </th>
              <td>
                <span className={`badge ${c.pass ? 'badge-pass' : 'badge-fail'}`}>{c.indeterminate ? 'indeterminate' : c.pass ? 'pass' : 'fail'}</span>
                {j.outcome && (
                  <div className="small">
                    {j.outcome}
                    {j.against ? ` vs ${j.against}` : ''}
                  </div>
                )}
              </td>
              <td className="nowrap">
                {raw}
                {j.threshold !== undefined && <div className="small muted">pass ≥ {j.threshold}</div>}
              </td>
              <td>
                <div className="plain-text">{j.reasoning ?? c.reason}</div>
                {j.votes && j.votes.length > 1 && (
                  <ul className="judge-votes small">
                    {j.votes.map((v, k) => (
                      <li key={k}>
                        <strong>{v.model}</strong>: {v.label ?? (v.pass === undefined ? '' : v.pass ? 'pass' : 'fail')}
                        {v.raw !== undefined ? ` (${v.raw})` : ''} {v.reasoning && <span className="plain-text">— {v.reasoning}</span>}
                      </li>
                    ))}
                  </ul>
                )}
                {j.orders && j.orders.length > 0 && (
                  <div className="small muted">orders: {j.orders.map((o) => `${o.model} shown ${o.thisAt} → ${o.picked}`).join('; ')}</div>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function ChecksList({ checks: all }: { checks: StoredCheck[] }) {
  if (all.length === 0) return <div className="muted small">No checks (an errored call is not scored).</div>;
  const judged = all.filter((c) => c.judge && Array.isArray(c.judge.models));
  const checks = all.filter((c) => !judged.includes(c));
  return (
    <div className="checks">
      {judged.length > 0 && <JudgeTable checks={judged} />}
      {checks.map((c, i) => {
        const dims = judgeDimensions(c);
        return (
          <div key={i} className={`check ${c.pass ? 'check-pass' : 'check-fail'}`} data-check={c.metric || c.type}>
            <div className="check-head">
              <span className={`badge ${c.pass ? 'badge-pass' : 'badge-fail'}`}>{c.pass ? 'pass' : 'fail'}</span>
              <strong>{c.metric || c.type}</strong>
              {c.metric && c.metric !== c.type && <span className="muted small"> ({c.type})</span>}
              {c.severity === 'critical' && <span className="badge badge-critical">critical</span>}
              <span className="muted small check-score">
                score {c.score.toFixed(2)}
                {c.weight !== 1 ? ` · weight ${c.weight}` : ''}
              </span>
            </div>
            {dims ? (
              <table className="dims">
                <thead>
                  <tr>
                    <th>dimension</th>
                    <th>score</th>
                    <th>judge reasoning</th>
                  </tr>
                </thead>
                <tbody>
                  {dims.map((d, j) => (
                    <tr key={j}>
                      <th>{d.name}</th>
                      <td className="num">{d.score ?? '–'}</td>
                      <td className="plain-text">{d.reasoning}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              c.reason && <div className="check-reason plain-text">{c.reason}</div>
            )}
          </div>
        );
      })}
    </div>
  );
}
