// W5-drift — drift alerts with a known false-alarm rate vs the fixed-threshold window-mean rule peers use (issue #15).
// The streams of test/stats/drift-simulation.test.ts: 200 stable 30-day streams of 500 scored calls a day at a pass
// rate of 88%, and 200 streams whose rate drops to 83% at day 15. Each stream first draws a 7-day reference window
// (3,500 calls) for the estimated baseline, then its calls; every rule sees the same calls. Rules:
//   e-detector (known)   Shiryaev–Roberts mixture e-detector against the true rate 0.88, α = 1% per 30 days, min 200
//   e-detector (window)  the same against the reference window (α split between its bound and the detector)
//   window mean          alert when a window's pass rate is below a fixed threshold (1h or 1d windows; Langfuse-style)
// Figures: share of stable streams that alerted within 30 days ("false alarms per 30 days"); on drop streams, alerts
// before the drop (false), drops missed by day 30, median delay from the drop to the alert (days). Pure computation on
// the built package (dist/stats), single-threaded; a few seconds of CPU.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const STREAMS = 200;
const DAYS = 30;
const PER_DAY = 500;
const RATE = 0.88;
const DROP = { day: 15, rate: 0.83 };
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2026, 11, 1);

/** `bench`: { repo, check(name, ok, detail), f }. Returns the table rows. */
export async function runW5Drift(bench) {
  const { repo, check, f } = bench;
  const stats = await import(pathToFileURL(path.join(repo, 'dist/stats/index.js')).href);
  const { detectDrift, detectWindowMean, medianOf, mulberry32, rateStream, referenceWindow } = stats;
  console.log(
    `\n## W5-drift: ${STREAMS} stable + ${STREAMS} drop streams, ${DAYS} days x ${PER_DAY} calls/day, pass rate ${RATE} -> ${DROP.rate} at day ${DROP.day}`,
  );
  const eRule = (baseline) => ({
    kind: 'rate',
    metric: 'pass_rate',
    direction: 'decrease',
    falseAlarmRate: 0.01,
    samplesPerPeriod: DAYS * PER_DAY,
    periodMs: DAYS * DAY_MS,
    minSamples: 200,
    baseline,
  });
  // Each rule: (calls, reference) → alarm time in epoch ms, or null.
  const rules = [
    ['e-detector, known rate', (calls) => alarmTime(detectDrift(calls, eRule({ kind: 'known', rate: RATE })).alarm?.at)],
    ['e-detector, 7-day window', (calls, reference) => alarmTime(detectDrift(calls, eRule(reference)).alarm?.at)],
    ...[
      ['1h', 3_600_000, 0.85],
      ['1d', DAY_MS, 0.85],
      ['1d', DAY_MS, 0.84],
    ].map(([label, windowMs, threshold]) => [
      `window mean ${label} < ${threshold}`,
      (calls) => alarmTime(detectWindowMean(calls, { windowMs, threshold, direction: 'decrease' }).alarm?.windowEnd),
    ]),
  ];
  const started = performance.now();
  const tallies = rules.map(() => ({ stableAlarms: 0, early: 0, missed: 0, delays: [] }));
  for (const [scenario, seed] of [
    ['stable', 1000],
    ['drop', 5000],
  ]) {
    const changeMs = START_MS + DROP.day * DAY_MS;
    for (let s = 0; s < STREAMS; s++) {
      const random = mulberry32(seed + s);
      const reference = referenceWindow(random, 7 * PER_DAY, RATE);
      const calls = [...rateStream(random, { days: DAYS, perDay: PER_DAY, rate: RATE, change: scenario === 'drop' ? DROP : undefined, startMs: START_MS })];
      rules.forEach(([, run], r) => {
        const t = run(calls, reference);
        const tally = tallies[r];
        if (scenario === 'stable') tally.stableAlarms += t === null ? 0 : 1;
        else if (t === null) tally.missed++;
        else if (t < changeMs) tally.early++;
        else tally.delays.push((t - changeMs) / DAY_MS);
      });
    }
  }
  const cpuS = (performance.now() - started) / 1000;
  const rows = rules.map(([name], r) => {
    const t = tallies[r];
    return {
      rule: name,
      falseAlarmsPer30Days: t.stableAlarms / STREAMS,
      alarmsBeforeDrop: t.early / STREAMS,
      missedDrops: t.missed / STREAMS,
      detected: t.delays.length / STREAMS,
      medianDelayDays: medianOf(t.delays),
    };
  });
  const header = ['rule', 'false alarms / 30 d (stable)', 'alarm before drop', 'missed drops', 'detected after drop', 'median delay (days)'];
  const cells = rows.map((x) => [
    x.rule,
    `${f(100 * x.falseAlarmsPer30Days, 1)}%`,
    `${f(100 * x.alarmsBeforeDrop, 1)}%`,
    `${f(100 * x.missedDrops, 1)}%`,
    `${f(100 * x.detected, 1)}%`,
    x.medianDelayDays === null ? 'n/a' : f(x.medianDelayDays, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
  console.log(`  (${f(cpuS, 1)} s of computation for ${2 * STREAMS} streams x ${rules.length} rules)`);
  // The e-detector's claims: α = 1% per 30 days (binomial allowance: ≤ 6 of 200 alarms), and ≥ 90% of drops caught.
  for (const x of rows.slice(0, 2)) {
    check(`${x.rule}: false alarms <= 1% + binomial allowance (6/200)`, x.falseAlarmsPer30Days <= 6 / STREAMS, `${f(100 * x.falseAlarmsPer30Days, 1)}%`);
    check(`${x.rule}: >= 90% of 5-point drops detected`, x.detected >= 0.9, `${f(100 * x.detected, 1)}%`);
  }
  return rows;
}

function alarmTime(iso) {
  return iso === undefined || iso === null ? null : Date.parse(iso);
}
