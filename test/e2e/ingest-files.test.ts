// `evalspec ingest FILE…` through the built CLI: JSONL logs and OTLP JSON export files (one request per line, as the
// OpenTelemetry Collector's file exporter writes them) imported with their monitors' queue entries and scored until
// the queue is empty; a bad line names file:line and the fix (exit 2) and what came before it stays imported;
// re-importing is idempotent. Also `collect --host` without a token.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(() => cleanupTempDirs());

const SUITE = `name: imports
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks:
  - { type: contains, value: "order", metric: mentions-order }
monitors:
  - name: answers
    sample: 1.0
`;

const line = (i: number, output: string | null = `Your order ${i} ships today.`) => ({
  timestamp: `2026-12-01T09:${String(i).padStart(2, '0')}:00Z`,
  model: 'gpt-4o-mini',
  input: `Where is order ${i}?`,
  output,
});

/** An OTLP JSON ExportTraceServiceRequest (the protocol's JSON mapping: hex ids, nanosecond strings, AnyValue). */
function otlpRequest(spans: { traceId: string; spanId: string; output: string; genai?: boolean }[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'support-bot' } }] },
        scopeSpans: [
          {
            scope: { name: 'app' },
            spans: spans.map((s, i) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              name: s.genai === false ? 'GET /health' : 'chat gpt-4o-mini',
              kind: 3,
              startTimeUnixNano: String(BigInt(Date.UTC(2026, 11, 1, 10, i)) * 1_000_000n),
              endTimeUnixNano: String(BigInt(Date.UTC(2026, 11, 1, 10, i) + 500) * 1_000_000n),
              attributes:
                s.genai === false
                  ? [{ key: 'http.route', value: { stringValue: '/health' } }]
                  : [
                      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                      { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                      { key: 'gen_ai.prompt', value: { stringValue: 'Where is my order?' } },
                      { key: 'gen_ai.completion', value: { stringValue: s.output } },
                      { key: 'gen_ai.usage.input_tokens', value: { intValue: '9' } },
                      { key: 'gen_ai.usage.output_tokens', value: { intValue: '4' } },
                    ],
            })),
          },
        ],
      },
    ],
  };
}

function query<T>(dir: string, sql: string): T[] {
  const db = new Database(join(dir, 'store.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('evalspec ingest', () => {
  it('imports JSONL and OTLP JSON files, then scores the queue until it is empty; a second import stores nothing twice', async () => {
    const dir = tempDir();
    const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
    writeFiles(dir, {
      'evalspec.yaml': SUITE,
      'logs.jsonl': jsonl([line(1), line(2, 'It ships today.'), line(3)]),
      // Two requests, one per line; the health-check span is not a model call.
      'export.json': [
        JSON.stringify(otlpRequest([{ traceId: hex(1, 32), spanId: hex(1, 16), output: 'The order ships today.' }])),
        JSON.stringify(
          otlpRequest([
            { traceId: hex(2, 32), spanId: hex(2, 16), output: 'Soon.' },
            { traceId: hex(3, 32), spanId: hex(3, 16), output: '', genai: false },
          ]),
        ),
      ].join('\n'),
    });
    const first = await runCli(['ingest', 'logs.jsonl', 'export.json', '--suite', 'evalspec.yaml', '--db', 'store.db'], { cwd: dir });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('logs.jsonl: 3 records (jsonl), 3 stored');
    expect(first.stdout).toContain('export.json: 2 records (otlp-json), 2 stored, 1 spans without GenAI attributes ignored');
    expect(first.stdout).toContain('scored 5');
    expect(query(dir, 'SELECT COUNT(*) AS n FROM production_queue')).toEqual([{ n: 0 }]);
    // "order" appears in 3 of the 5 outputs: lines 1 and 3, and the first OTLP span.
    expect(query(dir, 'SELECT passed, COUNT(*) AS n FROM production_scores GROUP BY passed ORDER BY passed')).toEqual([
      { passed: 0, n: 2 },
      { passed: 1, n: 3 },
    ]);

    const again = await runCli(['ingest', 'logs.jsonl', 'export.json', '--suite', 'evalspec.yaml', '--db', 'store.db'], { cwd: dir });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('logs.jsonl: 3 records (jsonl), 0 stored, 3 already stored');
    expect(again.stdout).toContain('scored 0');
    expect(query(dir, 'SELECT COUNT(*) AS n FROM production_scores')).toEqual([{ n: 5 }]);
  });

  it('a bad line: exit 2 naming file:line and the fix; the lines before it stay imported, --no-score leaves them queued', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': SUITE,
      'bad.jsonl': `${JSON.stringify(line(1))}\n\n${JSON.stringify(line(2))}\n{"timestamp": "2026-12-01T09:30:00Z", "model": "gpt-4o-mini"\n${JSON.stringify(line(5))}\n`,
    });
    const result = await runCli(['ingest', 'bad.jsonl', '--suite', 'evalspec.yaml', '--db', 'store.db', '--no-score'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`error[INGEST_INPUT] ${join(dir, 'bad.jsonl')}:4: line 4 is not valid: not valid JSON`);
    expect(result.stderr).toContain('the 2 records before it were imported and stay imported');
    expect(result.stderr).toContain('fix: fix the line');
    expect(query(dir, 'SELECT COUNT(*) AS n FROM production_records')).toEqual([{ n: 2 }]);
    expect(query(dir, 'SELECT COUNT(*) AS n FROM production_queue')).toEqual([{ n: 2 }]);

    const otlp = tempDir();
    writeFiles(otlp, { 'evalspec.yaml': SUITE, 'export.json': '{"resourceSpans": [\n' });
    const broken = await runCli(['ingest', 'export.json', '--suite', 'evalspec.yaml', '--db', 'store.db'], { cwd: otlp });
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain(`${join(otlp, 'export.json')}:1: line 1 is not valid`);
    expect(broken.stderr).toContain('the 0 records before it were imported');
  });

  it('collect --host on a network address without a token is refused (exit 2)', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE });
    const result = await runCli(['collect', '--suite', 'evalspec.yaml', '--db', 'store.db', '--host', '0.0.0.0', '--port', '0'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error[USAGE]: the collector would listen on 0.0.0.0 without a token');
  });
});
