// `evalspec monitor status SUITE` (per monitor: the current window with its interval, the baseline, the detector, bars,
// stage advice, input drift; read-only) and `evalspec monitor check SUITE` (the same evaluation, then alerts opened and
// closed in the store and each new alert posted once to the monitor's webhook; --exit-code exits 1 while any alert is
// open, for cron and CI).
import { Option, type Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EvalspecError, EXIT } from '../../errors.js';
import { openStore } from '../../store/index.js';
import { loadSuite, type Suite } from '../../suite/index.js';
import { evaluateMonitor, findMonitor, renderMonitorStatusText, runMonitorCycle, type MonitorStatus } from '../../monitor/index.js';
import { escapeTerminal } from '../../report/index.js';

export function parseNow(value: string): Date {
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw new EvalspecError('USAGE', `--now "${value}" is not a time`, { hint: 'write ISO 8601, e.g. 2026-12-03T12:00:00Z' });
  return new Date(t);
}

function monitorsOf(suite: Suite, name: string | undefined): string[] {
  if (name) return [findMonitor(suite, name).name];
  if (suite.monitors.length === 0) {
    throw new EvalspecError('USAGE', `suite "${suite.name}" has no monitors`, {
      file: suite.file,
      hint: 'add a monitor under `monitors:` (docs/monitoring.md)',
    });
  }
  return suite.monitors.map((m) => m.name);
}

const nowOption = () => new Option('--now <time>', 'evaluate as of this time (ISO 8601; default: now), e.g. to replay a past day').argParser(parseNow);

export function registerMonitorCommand(program: Command, io: CliIO): void {
  const monitor = program.command('monitor').description('production monitors: window quality against the baseline, drift alerts, deployment stage advice');

  monitor
    .command('status')
    .description("each monitor's current window with its interval, baseline, drift detector, bars, stage advice and input drift (changes nothing)")
    .argument('<suite>', 'suite file or directory')
    .option('--monitor <name>', 'only this monitor')
    .option('--json', 'print the status as JSON: one MonitorStatus with --monitor, else an array of them')
    .addOption(nowOption())
    .action(async (suitePath: string, opts: { monitor?: string; json?: boolean; now?: Date }) => {
      const suite = loadSuite(suitePath);
      const names = monitorsOf(suite, opts.monitor);
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        const statuses: MonitorStatus[] = [];
        for (const name of names) statuses.push(await evaluateMonitor(store, suite, name, { now: opts.now }));
        if (opts.json) io.stdout(`${JSON.stringify(opts.monitor ? statuses[0] : statuses, null, 2)}\n`);
        else io.stdout(statuses.map(renderMonitorStatusText).join('\n'));
      } finally {
        await store.close();
      }
    });

  monitor
    .command('check')
    .description('evaluate the monitors, open and close alerts, post each new alert once to its webhook')
    .argument('<suite>', 'suite file or directory')
    .option('--monitor <name>', 'only this monitor')
    .option('--exit-code', 'exit 1 when any alert is open (for cron and CI)')
    .option('--json', 'print the statuses as JSON (an array of MonitorStatus)')
    .addOption(nowOption())
    .action(async (suitePath: string, opts: { monitor?: string; exitCode?: boolean; json?: boolean; now?: Date }) => {
      const suite = loadSuite(suitePath);
      monitorsOf(suite, opts.monitor);
      const store = openStore(program.opts().db);
      try {
        const cycle = await runMonitorCycle(store, suite, { now: opts.now, monitor: opts.monitor });
        for (const warning of cycle.warnings) io.stderr(`warning: ${escapeTerminal(warning, 400)}\n`);
        if (opts.json) io.stdout(`${JSON.stringify(cycle.statuses, null, 2)}\n`);
        else {
          const open = cycle.statuses.reduce((n, s) => n + s.openAlerts.length, 0);
          io.stdout(`${cycle.opened.length} alert(s) opened, ${cycle.closed.length} closed, ${cycle.notified.length} notified; ${open} open\n\n`);
          io.stdout(cycle.statuses.map(renderMonitorStatusText).join('\n'));
        }
        const anyOpen = cycle.statuses.some((s) => s.openAlerts.length > 0);
        if (opts.exitCode && anyOpen) io.exitCode = EXIT.barFailed;
      } finally {
        await store.close();
      }
    });
}
