// --junit FILE: one <testsuite> per variant, one <testcase> per case × repeat. Failed checks become
// <failure>, calls still in error after retries become <error>. Everything from the model is escaped.
import type { Store, ResultRow } from '../store/index.js';
import { buildRunReport } from './run-report.js';
import { escapeXml } from './escape.js';
import { withSink } from './file-sink.js';

function testcase(r: ResultRow, suiteName: string, repeat: number): string {
  const name = repeat > 1 ? `${r.caseId} [repeat ${r.repeat + 1}]` : r.caseId;
  const time = r.latencyMs === null ? 0 : r.latencyMs / 1000;
  const open = `    <testcase classname="${escapeXml(`${suiteName}.${r.variantId}`)}" name="${escapeXml(name)}" time="${time.toFixed(3)}"`;
  if (r.errorClass) {
    return `${open}>\n      <error type="${escapeXml(r.errorClass)}" message="${escapeXml(r.errorMessage ?? '')}"/>\n    </testcase>\n`;
  }
  if (r.pass === false) {
    const failed = r.checks.filter((c) => !c.pass);
    const message = failed.map((c) => `${c.type}: ${c.reason}`).join('; ');
    const body = [...failed.map((c) => `[${c.severity}] ${c.metric} (${c.type}): ${c.reason}`), '', 'output:', r.output ?? ''].join('\n');
    return `${open}>\n      <failure type="${failed.some((c) => c.severity === 'critical') ? 'critical' : 'check'}" message="${escapeXml(message)}">${escapeXml(body)}</failure>\n    </testcase>\n`;
  }
  return `${open}/>\n`;
}

export async function writeJunitReport(store: Store, runId: string, file: string): Promise<void> {
  const report = await buildRunReport(store, runId, 0.95, { analysis: false });
  await withSink(file, async (sink) => {
    const tests = report.variants.reduce((n, v) => n + v.passed + v.failed + v.errors, 0);
    const failures = report.variants.reduce((n, v) => n + v.failed, 0);
    const errors = report.variants.reduce((n, v) => n + v.errors, 0);
    sink.write('<?xml version="1.0" encoding="UTF-8"?>\n');
    sink.write(`<testsuites name="${escapeXml(report.suite.name)}" tests="${tests}" failures="${failures}" errors="${errors}">\n`);
    for (const v of report.variants) {
      const n = v.passed + v.failed + v.errors;
      sink.write(
        `  <testsuite name="${escapeXml(v.id)}" tests="${n}" failures="${v.failed}" errors="${v.errors}" skipped="0" timestamp="${escapeXml(report.startedAt)}">\n`,
      );
      sink.write(
        `    <properties><property name="runId" value="${escapeXml(report.runId)}"/><property name="model" value="${escapeXml(v.model)}"/></properties>\n`,
      );
      for await (const r of store.results.list(runId, { variantId: v.id, omitTranscript: true })) sink.write(testcase(r, report.suite.name, report.repeat));
      sink.write('  </testsuite>\n');
    }
    sink.write('</testsuites>\n');
  });
}
