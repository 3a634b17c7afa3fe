// `evalspec ingest FILE…` as a library call: batch import of logs (JSONL lines in the ingest line format, or OTLP JSON
// export files: one ExportTraceServiceRequest per file, or one per line as the OpenTelemetry Collector's file
// exporter writes them). Records are committed in batches with their monitors' queue entries, exactly as the
// collector commits them; a bad line stops the import with file:line and the fix, and what was committed before
// it stays (record ids are stable, so importing the fixed file again skips what is already stored).
import { createReadStream, openSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { EvalspecError } from '../errors.js';
import { CallParentMemory, decodeOtlpTraces, ingestContext, loadLanguageDetector, parseJsonlLine, queueEntriesFor, spansToRecords } from '../ingest/index.js';
import type { Pricer } from '../pricing/index.js';
import type { ProductionRecord, Store } from '../store/index.js';
import type { Suite } from '../suite/index.js';

export type ImportFormat = 'jsonl' | 'otlp-json';

export interface ImportFileResult {
  file: string;
  format: ImportFormat;
  records: number;
  stored: number;
  duplicates: number;
  /** OTLP spans without GenAI attributes (not records). */
  ignoredSpans: number;
}

export interface ImportOptions {
  store: Pick<Store, 'production'>;
  suite: Suite;
  /** Default: by extension (.json → otlp-json, anything else → jsonl). */
  format?: ImportFormat;
  pricer?: Pricer;
  /** Records per transaction (default 1,000). */
  batchSize?: number;
}

export function formatOf(file: string, format?: ImportFormat): ImportFormat {
  return format ?? (/\.json$/i.test(file) ? 'otlp-json' : 'jsonl');
}

/** Import the files in order; throws INGEST_INPUT at the first bad line (earlier files and lines stay imported). */
export async function importProductionFiles(files: string[], options: ImportOptions): Promise<ImportFileResult[]> {
  await loadLanguageDetector();
  const ctx = ingestContext({ suite: options.suite, pricer: options.pricer });
  const results: ImportFileResult[] = [];
  let before = 0;
  for (const file of files) {
    const result: ImportFileResult = { file, format: formatOf(file, options.format), records: 0, stored: 0, duplicates: 0, ignoredSpans: 0 };
    const pending: ProductionRecord[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending.splice(0);
      const stored = await options.store.production.putRecords(
        batch,
        batch.flatMap((r) => queueEntriesFor(r, options.suite.monitors)),
      );
      result.records += batch.length;
      result.stored += stored.inserted;
      result.duplicates += stored.duplicates;
    };
    const add = async (records: ProductionRecord[]) => {
      pending.push(...records);
      if (pending.length >= (options.batchSize ?? 1000)) await flush();
    };
    const bad = async (line: number, problem: string, hint: string): Promise<never> => {
      await flush();
      const kept = before + result.records;
      throw new EvalspecError(
        'INGEST_INPUT',
        `line ${line} is not valid: ${problem}; the ${kept} record${kept === 1 ? '' : 's'} before it ${kept === 1 ? 'was' : 'were'} imported and stay${kept === 1 ? 's' : ''} imported`,
        { file, line, hint: `${hint}; then import the file again (records already stored are skipped, nothing is stored twice)` },
      );
    };

    if (result.format === 'jsonl') {
      const lines = createInterface({ input: openOrThrow(file), crlfDelay: Infinity });
      let n = 0;
      for await (const raw of lines) {
        n++;
        const parsed = parseJsonlLine(raw, n, ctx);
        if (parsed === null) continue;
        if ('problem' in parsed) {
          lines.close();
          await bad(
            n,
            parsed.problem,
            'fix the line: each line is one JSON object such as {"timestamp": "2026-12-01T09:30:00Z", "model": "gpt-4o-mini", "input": "…", "output": "…"} (docs/monitoring.md, "JSONL import")',
          );
        }
        await add([parsed as ProductionRecord]);
      }
    } else {
      const callParents = new CallParentMemory();
      for (const { line, text } of otlpRequests(file)) {
        let spans;
        try {
          spans = decodeOtlpTraces(Buffer.from(text, 'utf8'), 'application/json');
        } catch (error) {
          await bad(
            line,
            (error as Error).message,
            'the file must hold OTLP JSON (an ExportTraceServiceRequest, or one per line); for JSONL logs pass --format jsonl',
          );
        }
        const mapping = spansToRecords(spans!, ctx, callParents);
        result.ignoredSpans += mapping.ignored;
        await add(mapping.records);
      }
    }
    await flush();
    before += result.records;
    results.push(result);
  }
  return results;
}

function openOrThrow(file: string) {
  // Opened synchronously first, so a missing file is a clear error rather than a stream 'error' event.
  try {
    return createReadStream('', { fd: openSync(file, 'r') });
  } catch (error) {
    throw notReadable(file, error);
  }
}

/** The requests of an OTLP JSON file: the whole file as one (line 1), else one per non-blank line. */
function* otlpRequests(file: string): Generator<{ line: number; text: string }> {
  const text = readFile(file);
  try {
    JSON.parse(text);
    yield { line: 1, text };
    return;
  } catch {
    // Not one JSON document: JSON Lines (the Collector's file exporter), checked line by line.
  }
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) if (lines[i]!.trim() !== '') yield { line: i + 1, text: lines[i]! };
}

function readFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw notReadable(file, error);
  }
}

export function notReadable(file: string, error: unknown): EvalspecError {
  return new EvalspecError('INGEST_INPUT', `cannot read the file: ${(error as Error).message}`, { file, hint: 'check the path', cause: error });
}
