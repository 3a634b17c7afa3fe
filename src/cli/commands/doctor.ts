// `evalspec doctor RUN_ID`: diagnostics of the eval's design from a stored run (saturated and never-passed
// cases, checks that never fail, poorly calibrated judges, segments too small for their bars, what the suite
// can detect), each with a concrete suggestion. Always exits 0 for a stored run: it advises, it does not gate.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { EXIT } from '../../errors.js';
import { openStore } from '../../store/index.js';
import { buildDoctorReport, renderDoctorText, resolveRun, writeDoctorJson } from '../../report/index.js';
import { differenceOption } from './plan.js';

export function registerDoctorCommand(program: Command, io: CliIO): void {
  program
    .command('doctor')
    .description("diagnose the suite's design from a stored run: saturated or never-passed cases, checks that never fail, weak judges, small segments")
    .argument('<runId>', 'a run id from `evalspec runs` (or "latest")')
    .addOption(
      new Option('--detect <difference>', 'the smallest difference worth detecting, for "cases needed" (default: the compare bars, else 0.05)').argParser(
        differenceOption('--detect'),
      ),
    )
    .option('--json <file>', 'write the findings as JSON (every case id)')
    .action(async (runId: string, opts) => {
      const store = openStore(program.opts().db, { access: 'read' });
      try {
        const run = await resolveRun(store, runId);
        const doctor = await buildDoctorReport(store, run, { detect: opts.detect });
        if (opts.json) await writeDoctorJson(doctor, opts.json);
        io.stdout(`${renderDoctorText(doctor)}\n`);
        io.exitCode = EXIT.ok;
      } finally {
        await store.close();
      }
    });
}
