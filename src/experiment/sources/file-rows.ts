// Streams a CSV (header row) or JSONL file row by row without holding it: 10 million exposure rows pass through
// in constant memory. The caller names the columns it wants; each row arrives as their values in that order
// (CSV: strings; JSONL: the JSON values; a missing key is undefined) with its 1-based line. A file that cannot
// be read, is not UTF-8, or lacks a required column is an EvalspecError naming the file, the line and the fix.
import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { extname } from 'node:path';
import { EvalspecError } from '../../errors.js';

export type RawValue = string | number | boolean | null | undefined | object;
/** Called once per row; `values` is reused for the next row, so a handler must copy what it keeps. */
export type RowHandler = (values: readonly RawValue[], line: number) => void;

export interface ColumnRequest {
  /** Accepted names, the first present wins (e.g. timestamp, ts, time). */
  names: readonly string[];
  required: boolean;
}

export function fileFormat(file: string): 'csv' | 'jsonl' {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  throw new EvalspecError('EXPERIMENT_FILE', `unsupported data file type "${ext || '(none)'}"`, {
    file,
    hint: 'use a .csv file with a header row or a .jsonl file with one JSON object per line',
  });
}

/** Split one CSV line into fields (RFC 4180 quotes: "" inside a quoted field is a quote). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** An odd number of quotes: a quoted field continues on the next line. */
function openQuote(line: string): boolean {
  let n = 0;
  for (let i = line.indexOf('"'); i >= 0; i = line.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
}

/** A line-aligned byte range of a CSV file (one worker's share): its first byte starts a line, `end` excluded. */
export interface ByteRange {
  start: number;
  end: number;
  /** The file's header fields (a range after the first has no header line). */
  header: string[];
}

/**
 * Read `file` (or a byte range of it) line by line (UTF-8, BOM dropped); `onLine` gets each non-empty line and its
 * 1-based number (within the range). Returns the number of lines read.
 */
async function forEachLine(file: string, onLine: (line: string, lineNo: number) => void, range?: ByteRange): Promise<number> {
  try {
    statSync(file);
  } catch (error) {
    throw new EvalspecError('EXPERIMENT_DATA', `cannot read the data file: ${(error as Error).message}`, {
      file,
      hint: 'check the path in the experiment file (relative paths are relative to the experiment file)',
      cause: error,
    });
  }
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lineNo = 0;
  let first = !range || range.start === 0;
  const bounds = range ? { start: range.start, end: range.end - 1 } : {};
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, ...bounds })) {
    let text = rest + decoder.write(chunk as Buffer);
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.includes('\u0000')) {
        throw new EvalspecError('EXPERIMENT_DATA', 'the data file contains NUL bytes (UTF-16 or binary?)', {
          file,
          line: 1,
          hint: 'save the file as UTF-8 text',
        });
      }
      first = false;
    }
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      lineNo++;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end > start) onLine(text.slice(start, end), lineNo);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest.length > 0) onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, ++lineNo);
  return lineNo;
}

/**
 * Stream the rows of a CSV or JSONL file, calling `onRow` with the requested columns' values. Returns the number
 * of data rows. `what` names the file's role in errors ("exposures", "outcomes", "pre_period").
 */
export async function forEachRow(file: string, what: string, columns: readonly ColumnRequest[], onRow: RowHandler): Promise<number> {
  return (await forEachRowIn(file, what, columns, onRow)).rows;
}

/** The header fields of a CSV file (its first line), for the workers that read ranges after it. */
export async function csvHeader(file: string): Promise<string[]> {
  let header: string[] | null = null;
  const stream = createReadStream(file, { highWaterMark: 1 << 16, end: (1 << 16) - 1 });
  let text = '';
  for await (const chunk of stream) text += (chunk as Buffer).toString('utf8');
  const nl = text.indexOf('\n');
  header = splitCsvLine((nl < 0 ? text : text.slice(0, nl)).replace(/^\uFEFF/, '').replace(/\r$/, '')).map((f) => f.trim());
  return header;
}

/** forEachRow over the whole file or one line-aligned byte range of a CSV file; also returns the lines read. */
export async function forEachRowIn(
  file: string,
  what: string,
  columns: readonly ColumnRequest[],
  onRow: RowHandler,
  range?: ByteRange,
): Promise<{ rows: number; lines: number }> {
  const format = fileFormat(file);
  let rows = 0;
  // One array reused for every row (no allocation per row): handlers read it during the call and keep nothing.
  const values: RawValue[] = new Array<RawValue>(columns.length);
  if (format === 'jsonl') {
    const lines = await forEachLine(file, (line, lineNo) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new EvalspecError('EXPERIMENT_DATA', `${what}: line is not JSON: ${(error as Error).message}`, {
          file,
          line: lineNo,
          hint: 'write one JSON object per line (JSON Lines)',
        });
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new EvalspecError('EXPERIMENT_DATA', `${what}: line is not a JSON object`, { file, line: lineNo, hint: 'write one JSON object per line' });
      }
      const record = value as Record<string, RawValue>;
      rows++;
      for (let c = 0; c < columns.length; c++) {
        values[c] = undefined;
        for (const name of columns[c].names) {
          if (name in record) {
            values[c] = record[name];
            break;
          }
        }
      }
      onRow(values, lineNo);
    });
    return { rows, lines };
  }
  let indexes: number[] | null = null;
  let pending = '';
  let pendingLine = 0;
  const headerIndexes = (header: string[], lineNo: number) =>
    columns.map((c) => {
      const at = c.names.map((n) => header.indexOf(n)).find((i) => i >= 0) ?? -1;
      if (at < 0 && c.required) {
        throw new EvalspecError('EXPERIMENT_DATA', `${what}: the header has no column "${c.names.join('" or "')}" (it has: ${header.join(', ')})`, {
          file,
          line: lineNo,
          hint: `add the column, or name the right one in the experiment file`,
        });
      }
      return at;
    });
  if (range && range.start > 0) indexes = headerIndexes(range.header, 1);
  const lines = await forEachLine(
    file,
    (raw, lineNo) => {
      let line = raw;
      if (pending) {
        line = `${pending}\n${raw}`;
        lineNo = pendingLine;
      }
      if (openQuote(line)) {
        pending = line;
        pendingLine = lineNo;
        return;
      }
      pending = '';
      const fields = splitCsvLine(line);
      if (!indexes) {
        indexes = headerIndexes(
          fields.map((f) => f.trim()),
          lineNo,
        );
        return;
      }
      rows++;
      for (let c = 0; c < indexes.length; c++) values[c] = indexes[c] < 0 ? undefined : fields[indexes[c]];
      onRow(values, lineNo);
    },
    range,
  );
  if (pending)
    throw new EvalspecError('EXPERIMENT_DATA', `${what}: a quoted field is never closed`, {
      file,
      line: pendingLine,
      hint: 'close the quote (") of that field',
    });
  if (!indexes)
    throw new EvalspecError('EXPERIMENT_DATA', `${what}: the CSV file is empty (no header row)`, {
      file,
      line: 1,
      hint: 'start the file with a header row naming the columns',
    });
  return { rows, lines };
}
