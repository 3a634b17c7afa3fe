// Reading a user's text file (suite YAML, cases, labels, replay logs) with its encoding checked: UTF-8 (with or
// without a byte-order mark) and UTF-16 with a byte-order mark are decoded; anything else is an error naming
// the file, the line and the fix, never text silently turned into U+FFFD or NUL characters.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { EvalspecError, type ErrorCode } from '../errors.js';

const SAVE_AS_UTF8 = 'save the file as UTF-8 (in most editors: "Save with encoding" → UTF-8; or `iconv -f ENCODING -t UTF-8 FILE > NEW`)';

/** Line (1-based) of a byte offset: newlines before it, plus one. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // Length and the allowed range of the second byte (which excludes overlongs, surrogates and > U+10FFFF).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + n > bytes.length || bytes[i + 1] < lo || bytes[i + 1] > hi) return i;
    for (let k = 2; k < n; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    i += n;
  }
  return -1;
}

/** Without a byte-order mark, UTF-16 text shows as NUL bytes at every other position. */
function looksLikeUtf16(bytes: Uint8Array): 'LE' | 'BE' | undefined {
  const n = Math.min(bytes.length - (bytes.length % 2), 512);
  if (n < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.4 && evenNul === 0) return 'LE';
  if (evenNul > pairs * 0.4 && oddNul === 0) return 'BE';
  return undefined;
}

/** Decode the bytes of a user's text file; `code` is the error code of the file's kind (SUITE_YAML, CASES_PARSE, …). */
export function decodeText(bytes: Uint8Array, file: string, code: ErrorCode): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes.subarray(2), 'utf-16le', file, code);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes.subarray(2), 'utf-16be', file, code);
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const utf16 = looksLikeUtf16(body);
  if (utf16) {
    throw new EvalspecError(code, `the file looks like UTF-16 ${utf16} without a byte-order mark (every other byte is NUL)`, {
      file,
      line: 1,
      hint: `${SAVE_AS_UTF8}, or as UTF-16 with a byte-order mark`,
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    const at = Math.max(0, firstInvalidUtf8(body));
    const offset = at + (body === bytes ? 0 : 3);
    const shown = Array.from(body.subarray(at, at + 4), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
    throw new EvalspecError(code, `the file is not valid UTF-8: bytes ${shown} at byte offset ${offset} (often Latin-1 or Windows-1252 text)`, {
      file,
      line: lineAt(bytes, offset),
      hint: SAVE_AS_UTF8,
    });
  }
}

function decodeUtf16(body: Uint8Array, encoding: 'utf-16le' | 'utf-16be', file: string, code: ErrorCode): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(body);
  } catch {
    throw new EvalspecError(code, `the file starts with a ${encoding.toUpperCase()} byte-order mark but is not valid ${encoding.toUpperCase()}`, {
      file,
      hint: SAVE_AS_UTF8,
    });
  }
}

/** Read and decode a user's text file (see decodeText). */
export function readTextFile(file: string, code: ErrorCode): string {
  return decodeText(readFileSync(file), file, code);
}

/** How a JSON-lines reader treats its file: the error code and hint of a line that is not JSON, and what it skips. */
export interface JsonLinesFormat {
  code: ErrorCode;
  hint: string;
  /** Also skip lines starting with `//` (suite cases, labels), and parse each line trimmed; else only blank lines. */
  comments?: boolean;
  /** The message before the parser's own (default "invalid JSON"). */
  invalid?: string;
}

/**
 * One JSON value per line (JSONL), each with its 1-based line; blank lines skipped. A line that is not JSON is
 * an error naming the file and the line. The one reader of cases, labels, preference and replay files.
 */
export function jsonLines(text: string, file: string, format: JsonLinesFormat): { value: unknown; line: number }[] {
  const out: { value: unknown; line: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || (format.comments && line.startsWith('//'))) continue;
    try {
      out.push({ value: JSON.parse(format.comments ? line : lines[i]), line: i + 1 });
    } catch (error) {
      throw new EvalspecError(format.code, `${format.invalid ?? 'invalid JSON'}: ${(error as Error).message}`, { file, line: i + 1, hint: format.hint });
    }
  }
  return out;
}

/** Where a read of a JSONL file starts: a byte offset at the start of a line, and the number of lines before it. */
export interface JsonlPosition {
  offset: number;
  line: number;
}

/** One line of a JSONL file that holds a value: its text (trimmed with `comments`), 1-based line and byte offset. */
export interface JsonlLine {
  text: string;
  line: number;
  offset: number;
}

/**
 * The lines of a UTF-8 JSONL file that `jsonLines` would parse (same lines, same numbers, same lines skipped), read
 * from disk in 1 MiB chunks from `start`: one line in memory at a time, whatever the size of the file (issue #22).
 * Parse each with `parseJsonLine`. It throws on a file it does not read the way `jsonLines(readTextFile(...))` would
 * (a byte-order mark other than UTF-8's, text that looks like UTF-16, invalid UTF-8) with the error of that reading.
 */
export function* streamJsonLines(file: string, format: JsonLinesFormat, start: JsonlPosition = { offset: 0, line: 0 }): Generator<JsonlLine> {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    // ignoreBOM: a line's leading U+FEFF is kept, as when the whole text is decoded (only the file's first is dropped).
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let pending: Buffer = Buffer.alloc(0); // the bytes of a line the last chunk cut
    let position = start.offset; // the file offset of chunk[0]
    let lineStart = start.offset;
    let lineNumber = start.line;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, position);
      let bytes = pending.length > 0 ? Buffer.concat([pending, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let base = position - pending.length; // the file offset of bytes[0]
      if (base === 0) {
        const utf8Bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
        const otherBom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
        if (otherBom || looksLikeUtf16(utf8Bom ? bytes.subarray(3) : bytes)) throw wholeFileError(file, format);
        if (utf8Bom) {
          bytes = bytes.subarray(3);
          base = 3;
          lineStart = 3;
        }
      }
      position += n;
      let from = 0;
      for (;;) {
        const newline = bytes.indexOf(0x0a, from);
        if (newline < 0 && n > 0) break; // the rest of the line is in the next chunk
        const end = newline < 0 ? bytes.length : newline;
        lineNumber++;
        let raw: string;
        try {
          raw = decoder.decode(bytes.subarray(from, end));
        } catch {
          throw wholeFileError(file, format);
        }
        const text = raw.trim();
        if (!(text === '' || (format.comments && text.startsWith('//')))) yield { text: format.comments ? text : raw, line: lineNumber, offset: lineStart };
        from = end + 1;
        lineStart = base + from;
        if (newline < 0) return;
      }
      // Copied: the chunk buffer is read into again.
      pending = Buffer.from(bytes.subarray(from));
    }
  } finally {
    closeSync(fd);
  }
}

/** The value of a line of streamJsonLines, or the error jsonLines gives for it. */
export function parseJsonLine(line: JsonlLine, file: string, format: JsonLinesFormat): unknown {
  try {
    return JSON.parse(line.text);
  } catch (error) {
    throw new EvalspecError(format.code, `${format.invalid ?? 'invalid JSON'}: ${(error as Error).message}`, { file, line: line.line, hint: format.hint });
  }
}

/** The error the whole-file reader gives (the streamed reader's fallback on an encoding it does not stream). */
function wholeFileError(file: string, format: JsonLinesFormat): Error {
  try {
    jsonLines(readTextFile(file, format.code), file, format);
  } catch (error) {
    return error as Error;
  }
  return new EvalspecError(format.code, 'the file is not UTF-8 text that can be read line by line', { file, hint: SAVE_AS_UTF8 });
}

/** How a CSV reader treats its file: the error code and hint of a file that is not valid CSV, and whether fields are trimmed. */
export interface CsvFormat {
  code: ErrorCode;
  hint: string;
  trim: boolean;
}

/**
 * The rows of a CSV file with a header row, as records by column name, each with its 1-based last line; empty
 * lines skipped, a byte-order mark dropped. Invalid CSV is an error naming the file and the line. The one CSV
 * reader of cases and labels files.
 */
export function csvRows(text: string, file: string, format: CsvFormat): { record: Record<string, string>; line: number }[] {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(text, { columns: true, info: true, skip_empty_lines: true, bom: true, trim: format.trim }) as typeof rows;
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw new EvalspecError(format.code, `invalid CSV: ${e.message}`, { file, line: e.lines, hint: format.hint });
  }
  return rows.map(({ record, info }) => ({ record, line: info.lines }));
}
