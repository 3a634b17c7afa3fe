// What a command writes to and reports back through. Its own file so that commands/*.ts and program.ts (which
// registers them) both import it without importing each other: no import cycle inside cli/.
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Set by a command; main() exits with it. */
  exitCode: number;
  signal?: AbortSignal;
  progressStream?: NodeJS.WriteStream;
}
