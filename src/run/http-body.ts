// Response bodies of the HTTP transport (http-fetch.ts): decompressed like fetch (gzip, deflate, br, in reverse
// order of Content-Encoding), whole for JSON answers, or as a web ReadableStream as they arrive for server-sent
// events; a broken connection or an abort fails the stream the way fetch does.
import type http from 'node:http';
import zlib from 'node:zlib';

/** The decompressing stream of a Content-Encoding (the codings in reverse order, as fetch applies them). */
function decoders(encoding: string | null): zlib.Gunzip[] {
  if (!encoding) return [];
  const out: zlib.Gunzip[] = [];
  for (const c of encoding
    .toLowerCase()
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .reverse()) {
    if (c === 'gzip' || c === 'x-gzip') out.push(zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    else if (c === 'deflate') out.push(zlib.createInflate());
    else if (c === 'br') out.push(zlib.createBrotliDecompress() as unknown as zlib.Gunzip);
    else if (c !== 'identity') return []; // unknown coding: the body as sent, like fetch
  }
  return out;
}

export function streamedBody(res: http.IncomingMessage, encoding: string | null, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  const chain = decoders(encoding);
  let source: NodeJS.ReadableStream = res;
  for (const d of chain) source = source.pipe(d);
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (cause: unknown) => {
        if (done) return;
        done = true;
        controller.error(signal?.aborted ? abortReason(signal) : new TypeError('terminated', { cause }));
      };
      source.on('data', (c: Buffer) => {
        if (!done) controller.enqueue(new Uint8Array(c.buffer, c.byteOffset, c.length));
      });
      source.on('end', () => {
        if (done) return;
        done = true;
        controller.close();
      });
      res.on('aborted', () => fail(new Error('other side closed')));
      for (const s of [res, ...chain]) s.on('error', fail);
      // A connection closed before the body's end (no 'end'): the stream broke.
      res.on('close', () => {
        if (!res.complete) fail(new Error('other side closed'));
      });
    },
    cancel() {
      done = true;
      res.destroy();
    },
  });
}

export function decode(bytes: Buffer, encoding: string | undefined): Buffer {
  if (!encoding || bytes.length === 0) return bytes;
  // Applied in reverse order of the header's list, as fetch does.
  const codings = encoding
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .reverse();
  let out = bytes;
  for (const c of codings) {
    if (c === 'gzip' || c === 'x-gzip') out = zlib.gunzipSync(out, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    else if (c === 'deflate') {
      try {
        out = zlib.inflateSync(out);
      } catch {
        out = zlib.inflateRawSync(out);
      }
    } else if (c === 'br') out = zlib.brotliDecompressSync(out);
    else if (c !== 'identity') return out; // unknown coding: leave the body as sent, like fetch
  }
  return out;
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
