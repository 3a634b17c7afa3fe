// The Monitor page's sentences, made on the server with monitor/'s own words (evidenceSentence, adviceLine: the same
// as `monitor status` and the alerts' webhook); the front end shows them as given and words nothing itself.
import { adviceLine, alertSentence, evidenceSentence, metricLabel, type MonitorStatus } from '../monitor/index.js';

const count = (n: number) => n.toLocaleString('en-US');

export interface MonitorWords {
  statusLine: string;
  stage: string | null;
  /** By metric. */
  metrics: Record<string, string>;
  /** By open alert id: its evidence when it opened. */
  alerts: Record<string, string>;
}

export function monitorWords(status: MonitorStatus): MonitorWords {
  const all = [
    ...status.metrics,
    ...status.inputDrift,
    ...(status.promptLength ? [status.promptLength] : []),
    ...(status.languageMix ? [status.languageMix] : []),
  ];
  const alerting = all.filter((m) => m.state === 'alert').map((m) => metricLabel(m.metric));
  const waiting = all.filter((m) => m.state === 'insufficient-data').map((m) => metricLabel(m.metric));
  const head = alerting.length ? `ALERT on ${alerting.join(', ')}` : waiting.length ? `too few samples for ${waiting.join(', ')}` : 'ok';
  const s = status.samples;
  return {
    statusLine: `${head} · ${count(s.scored)} scored, ${count(s.unscored)} unscored, ${count(s.errors)} errors, ${count(s.queued)} queued · evaluated ${status.evaluatedAt}`,
    stage: status.stage ? adviceLine(status.stage) : null,
    metrics: Object.fromEntries(all.map((m) => [m.metric, evidenceSentence(m)])),
    alerts: Object.fromEntries(status.openAlerts.map((a) => [a.id, alertSentence(a)])),
  };
}
