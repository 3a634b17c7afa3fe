// Newline-delimited JSON read from a fetch body as it arrives: the playground's trials and full runs answer
// with one event per line, and the page shows each as soon as its line is complete. A line may arrive in
// several chunks, and a chunk may end inside a multi-byte character: the decoder keeps both until complete.

/** Read `body` to its end, calling `onEvent` with each line's JSON value in order (blank lines skipped). */
export async function readNdjson<T>(body: ReadableStream<Uint8Array>, onEvent: (event: T) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let lineNumber = 0;
  const emit = (line: string) => {
    lineNumber++;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`line ${lineNumber} of the server's answer is not JSON: ${line.slice(0, 80)}`);
    }
    onEvent(value as T);
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        emit(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
      }
    }
    buffer += decoder.decode();
    if (buffer !== '') emit(buffer);
  } finally {
    reader.releaseLock();
  }
}
