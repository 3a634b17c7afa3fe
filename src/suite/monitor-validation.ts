// What the monitor schema (monitor-schema.ts) cannot say alone: a monitor's `checks:` entries name metrics of the
// suite's own `checks:` (or are check specs, validated like the suite's), a baseline window is a real interval,
// a later deployment stage is not held to looser bars than an earlier one, and a webhook with its token written
// into the suite file (which is committed) is worth a warning. Every problem names the file and the line.
import { EvalspecError } from '../errors.js';
import { validateCheckSpec, type CheckSpec } from './check-specs.js';
import { DEPLOYMENT_STAGES, type MonitorSpec } from './monitor-schema.js';
import { suggest } from './suggest.js';

type LineOf = (path: (string | number)[]) => number | undefined;

/** A monitor after validation: `checks` entries are metric names of the suite's checks or validated specs. */
export type ValidatedMonitor = Omit<MonitorSpec, 'checks'> & { checks?: (string | CheckSpec)[] };

/** An ISO 8601 date or date-time (what `Date` parses, written with the date first). */
function isoTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * A literal webhook URL that carries a credential: user info, a query string, or a path segment that looks like a
 * token (16+ characters mixing letters and digits, e.g. Slack's `/services/T…/B…/xxxx`). `${ENV}` placeholders are fine.
 */
function webhookHasToken(webhook: string): boolean {
  if (webhook.includes('${')) return false;
  let url: URL;
  try {
    url = new URL(webhook);
  } catch {
    return false;
  }
  if (url.username || url.password || url.search.length > 1) return true;
  return url.pathname.split('/').some((segment) => segment.length >= 16 && /^[\w-]+$/.test(segment) && /\d/.test(segment) && /[a-z]/i.test(segment));
}

export function validateMonitors(
  monitors: MonitorSpec[],
  ctx: { file: string; lineOf: LineOf; suiteChecks: CheckSpec[]; warnings: string[] },
): ValidatedMonitor[] {
  const { file, lineOf, suiteChecks, warnings } = ctx;
  const metrics = [...new Set(suiteChecks.map((c) => c.metric ?? c.type))];
  const seen = new Set<string>();
  return monitors.map((m, i) => {
    const at = (...path: (string | number)[]) => lineOf(['monitors', i, ...path]) ?? lineOf(['monitors', i]);
    if (seen.has(m.name)) {
      throw new EvalspecError('SUITE_SCHEMA', `two monitors are named "${m.name}"`, { file, line: at('name'), hint: 'give each monitor its own name' });
    }
    seen.add(m.name);

    const checks = m.checks?.map((entry, j) => {
      if (typeof entry !== 'string') return validateCheckSpec(entry, { file, line: at('checks', j) });
      if (metrics.includes(entry)) return entry;
      const guess = suggest(entry, metrics);
      throw new EvalspecError(
        'SUITE_SCHEMA',
        `monitor "${m.name}": check "${entry}" is not a metric of the suite's checks${guess ? ` (did you mean ${guess}?)` : ''}`,
        {
          file,
          line: at('checks', j),
          hint: metrics.length
            ? `name one of the suite's check metrics: ${metrics.join(', ')}; or write a check spec such as { type: length, max: 300, unit: words }`
            : 'the suite has no `checks:`: write check specs here instead, such as { type: length, max: 300, unit: words }',
        },
      );
    });

    const window = m.baseline && 'window' in m.baseline ? m.baseline.window : undefined;
    if (window) {
      for (const key of ['since', 'until'] as const) {
        if (isoTime(window[key]) === undefined) {
          throw new EvalspecError('SUITE_SCHEMA', `monitor "${m.name}": baseline.window.${key} "${window[key]}" is not an ISO 8601 date`, {
            file,
            line: at('baseline', 'window', key),
            hint: 'write a UTC date or date-time, e.g. 2026-11-01 or 2026-11-01T00:00:00Z',
          });
        }
      }
      if (isoTime(window.since)! >= isoTime(window.until)!) {
        throw new EvalspecError('SUITE_SCHEMA', `monitor "${m.name}": baseline.window.since (${window.since}) is not before until (${window.until})`, {
          file,
          line: at('baseline', 'window'),
          hint: 'the reference window runs from since (inclusive) to until (exclusive): swap them or widen it',
        });
      }
    }

    validateStages(m, file, at);

    if (m.webhook !== undefined && webhookHasToken(m.webhook)) {
      // The URL itself is a secret: the warning names the monitor and the line, never the URL.
      warnings.push(
        `monitor "${m.name}" (${file}:${at('webhook') ?? '?'}): the webhook is a literal URL with a token in it; the suite file is committed, so move it to an environment variable and write webhook: \${MONITOR_WEBHOOK_URL}`,
      );
    }
    return { ...m, checks };
  });
}

/** Each stage's bars say something, `stage` has bars when `stages` is given, and a later stage is never held to looser bars. */
function validateStages(m: MonitorSpec, file: string, at: (...path: (string | number)[]) => number | undefined): void {
  if (!m.stages) return;
  const present = DEPLOYMENT_STAGES.filter((s) => m.stages![s] !== undefined);
  for (const s of present) {
    const bars = m.stages[s]!;
    if (bars.pass_rate === undefined && bars.critical_rate === undefined) {
      throw new EvalspecError('SUITE_SCHEMA', `monitor "${m.name}": stage ${s} has no bars`, {
        file,
        line: at('stages', s),
        hint: `give it pass_rate and/or critical_rate, e.g. ${s}: { pass_rate: 0.9 }, or leave the stage out`,
      });
    }
  }
  for (let k = 1; k < present.length; k++) {
    const [earlier, later] = [present[k - 1], present[k]];
    const a = m.stages[earlier]!;
    const b = m.stages[later]!;
    const looserPass = a.pass_rate !== undefined && b.pass_rate !== undefined && b.pass_rate < a.pass_rate;
    const looserCritical = a.critical_rate !== undefined && b.critical_rate !== undefined && b.critical_rate > a.critical_rate;
    if (looserPass || looserCritical) {
      const what = looserPass ? `pass_rate ${b.pass_rate} < ${a.pass_rate}` : `critical_rate ${b.critical_rate} > ${a.critical_rate}`;
      throw new EvalspecError('SUITE_SCHEMA', `monitor "${m.name}": stage ${later} has looser bars than ${earlier} (${what})`, {
        file,
        line: at('stages', later),
        hint: `stages go ${DEPLOYMENT_STAGES.join(' → ')}, each giving the feature more autonomy: its bars must be at least as strict as the stage before`,
      });
    }
  }
  if (m.stage !== undefined && m.stage !== 'observe' && m.stages[m.stage] === undefined) {
    throw new EvalspecError('SUITE_SCHEMA', `monitor "${m.name}": stage is ${m.stage} but stages: has no bars for it`, {
      file,
      line: at('stage'),
      hint: `add stages: { ${m.stage}: { pass_rate: … } }, or set stage to one of: ${present.join(', ') || 'observe'}`,
    });
  }
}
