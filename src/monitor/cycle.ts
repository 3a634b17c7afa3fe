// One monitoring cycle (`monitor check`, and the collector on a timer): evaluate every monitor of the suite, store the
// alerts that open and close, and notify each new alert once. An alert records `notifiedAt` in its evidence when its
// notification went through; an open alert without it is notified again on the next cycle (a failed POST is a
// warning, never a failed check). The webhook URL (`${ENV}` resolved) is never stored or printed: messages name its
// host only, since a Slack-style URL carries its secret in the path.
import { resolveEnv, type MonitorSpec, type Suite } from '../suite/index.js';
import type { MonitorAlert, Store } from '../store/index.js';
import { evaluate } from './evaluate.js';
import { webhookBody } from './render.js';
import type { MonitorStatus } from './status-types.js';

/** Deliver one new alert; reject (or throw) when it did not go through (it is retried on the next cycle). */
export type AlertNotifier = (alert: MonitorAlert, monitor: MonitorSpec) => Promise<void>;

export interface MonitorCycleOptions {
  now?: Date;
  /** Default: POST to the monitor's `webhook:` (monitors without one are not notified). */
  notify?: AlertNotifier;
  /** Only this monitor (default: every monitor of the suite). */
  monitor?: string;
  /** Environment for `${ENV}` in webhook URLs (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface MonitorCycleResult {
  statuses: MonitorStatus[];
  opened: MonitorAlert[];
  closed: MonitorAlert[];
  /** Alerts whose notification went through in this cycle. */
  notified: MonitorAlert[];
  warnings: string[];
}

const WEBHOOK_TIMEOUT_MS = 10_000;

/** Where a URL points, without its path or query (where a webhook's secret lives). */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host || 'an invalid URL';
  } catch {
    return 'an invalid URL';
  }
}

/** POST the Slack-compatible body to the monitor's webhook. */
export function webhookNotifier(env: NodeJS.ProcessEnv = process.env): AlertNotifier {
  return async (alert, monitor) => {
    if (!monitor.webhook) return;
    const { value, missing } = resolveEnv(monitor.webhook, env);
    if (missing.length || !value) throw new Error(`webhook of monitor "${monitor.name}" reads ${missing.join(', ') || 'an empty value'}, which is not set`);
    let response: Response;
    try {
      response = await fetch(value, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webhookBody(alert)),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
    } catch (error) {
      // The cause may quote the URL: only its class is kept.
      throw new Error(`webhook of monitor "${monitor.name}" (${webhookHost(value)}) could not be reached (${(error as Error).name})`);
    }
    await response.body?.cancel();
    if (!response.ok) throw new Error(`webhook of monitor "${monitor.name}" (${webhookHost(value)}) answered HTTP ${response.status}`);
  };
}

export async function runMonitorCycle(store: Store, suite: Suite, options: MonitorCycleOptions = {}): Promise<MonitorCycleResult> {
  const notify = options.notify ?? webhookNotifier(options.env);
  const result: MonitorCycleResult = { statuses: [], opened: [], closed: [], notified: [], warnings: [] };
  const monitors = options.monitor ? suite.monitors.filter((m) => m.name === options.monitor) : suite.monitors;
  for (const monitor of monitors) {
    const evaluation = await evaluate(store, suite, monitor.name, { now: options.now });
    for (const alert of [...evaluation.closed, ...evaluation.opened]) await store.production.alerts.put(alert);
    result.opened.push(...evaluation.opened);
    result.closed.push(...evaluation.closed);
    const openAlerts: MonitorAlert[] = [];
    for (const alert of evaluation.status.openAlerts) {
      if (alert.evidence.notifiedAt || (!monitor.webhook && !options.notify)) {
        openAlerts.push(alert);
        continue;
      }
      try {
        await notify(alert, monitor);
        const sent = { ...alert, evidence: { ...alert.evidence, notifiedAt: (options.now ?? new Date()).toISOString() } };
        await store.production.alerts.put(sent);
        result.notified.push(sent);
        openAlerts.push(sent);
      } catch (error) {
        result.warnings.push(`${(error as Error).message}: alert ${alert.id} is notified again on the next check`);
        openAlerts.push(alert);
      }
    }
    result.statuses.push({ ...evaluation.status, openAlerts });
  }
  return result;
}
