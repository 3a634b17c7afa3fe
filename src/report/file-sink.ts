// A small buffered, synchronous file writer: reports of 40,000 results are streamed to disk in 64 KiB
// chunks instead of being built as one string. Writes go to FILE.tmp and are renamed at the end, so a
// failed report never leaves half a file behind.
import { openSync, writeSync, closeSync, renameSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

export class FileSink {
  private fd: number;
  private chunks: string[] = [];
  private size = 0;
  private readonly tmp: string;

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.tmp = `${file}.tmp`;
    this.fd = openSync(this.tmp, 'w');
  }

  write(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= 65536) this.drain();
  }

  private drain(): void {
    if (this.chunks.length) writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }

  close(): void {
    this.drain();
    closeSync(this.fd);
    renameSync(this.tmp, this.file);
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } finally {
      rmSync(this.tmp, { force: true });
    }
  }
}

export async function withSink(file: string, body: (sink: FileSink) => Promise<void>): Promise<void> {
  const sink = new FileSink(file);
  try {
    await body(sink);
    sink.close();
  } catch (error) {
    sink.abort();
    throw error;
  }
}
