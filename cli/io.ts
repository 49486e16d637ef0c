// Where the CLI writes: injected so tests run commands in-process and read
// what a user would see.
export interface CliIo {
  /** Results (human text or JSON). */
  out(text: string): void;
  /** Errors and diagnostics. */
  err(text: string): void;
  /** Stream for the demo's progress bar (stderr; silent unless a TTY). */
  progressStream: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    progressStream: process.stderr,
    env: process.env,
  };
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
