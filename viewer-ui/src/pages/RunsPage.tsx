// Runs: newest first, with each variant's pass rate and interval, and the cost; filter by suite.
import { useEffect, useState } from 'react';
import { api } from '../api';
import { useAsync } from '../hooks';
import { links } from '../router';
import { CiBar, ErrorBox, Loading, Section } from '../components/common';
import { ciText, pct, usd, when } from '../format';

export function RunsPage({ suite }: { suite?: string }) {
  const runs = useAsync(() => api.runs(suite), [suite]);
  const [picked, setPicked] = useState<string[]>([]);
  useEffect(() => {
    document.title = 'Runs · evalspec';
    performance.mark('evalspec:rendered:runs');
  }, []);
  if (runs.error) return <ErrorBox error={runs.error} />;
  if (!runs.data) return <Loading what="Loading runs" />;
  const { suites, runs: list } = runs.data;
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));
  const compareHref = picked.length === 2 ? links.compare({ runA: picked[0], runB: picked[1] }) : undefined;
  return (
    <Section
      title="Runs"
      actions={
        <div className="toolbar">
          <label>
            Suite{' '}
            <select value={suite ?? ''} onChange={(e) => (window.location.hash = links.runs(e.target.value || undefined))} aria-label="filter by suite">
              <option value="">all suites</option>
              {suites.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          {compareHref ? (
            <a className="button" href={compareHref}>
              Compare the 2 picked runs
            </a>
          ) : (
            <span className="muted small">tick two runs to compare them</span>
          )}
        </div>
      }
    >
      {list.length === 0 ? (
        <p className="muted">No runs in this store yet: `evalspec run SUITE.yaml` stores one.</p>
      ) : (
        <table className="table runs-table">
          <thead>
            <tr>
              <th />
              <th>run</th>
              <th>suite</th>
              <th>label</th>
              <th>started (UTC)</th>
              <th>status</th>
              <th>variants: pass rate (95% CI)</th>
              <th className="num">cost</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id} data-run={r.id}>
                <td>
                  <input type="checkbox" checked={picked.includes(r.id)} onChange={() => toggle(r.id)} aria-label={`pick run ${r.id} to compare`} />
                </td>
                <td>
                  <a href={links.run(r.id)} className="mono">
                    {r.id}
                  </a>
                </td>
                <td>{r.suiteName}</td>
                <td>{r.label ?? <span className="muted">–</span>}</td>
                <td className="nowrap">{when(r.startedAt)}</td>
                <td>
                  <span className={`status status-${r.state}`} title={r.resume ? `its process is gone; finish it with: ${r.resume}` : undefined}>
                    {r.state}
                  </span>
                </td>
                <td>
                  <div className="variant-lines">
                    {r.variants.map((v) => (
                      <div key={v.id} className="variant-line">
                        <span className="variant-name" title={v.model}>
                          {v.id}
                        </span>
                        <CiBar rate={v.passRate} ci={v.passRateCi} width={140} />
                        <span className="nowrap">
                          {pct(v.passRate)} <span className="muted small">({ciText(v.passRateCi)})</span>
                        </span>
                      </div>
                    ))}
                  </div>
                </td>
                <td className="num" title={`list cost ${usd(r.listCostUsd)}`}>
                  {usd(r.costUsd)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
