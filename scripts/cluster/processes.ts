// Child processes of the native cluster. Each writes straight into its own log
// file (so nothing stalls or is lost when this process is busy or gone), and an
// error quotes the last lines it wrote. Only processes started here are ever
// signalled, always by their own pid.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessOptions {
  /** The whole environment of the child: nothing leaks in from ours by accident. */
  env: Record<string, string>;
  logFile: string;
  cwd?: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number };
}

export interface ManagedProcess {
  name: string;
  pid: number;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  running(): boolean;
  /** The last lines it wrote to its log since it started. */
  output(lines?: number): string;
  /** `signal`, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

function tailOf(file: string, from: number, lines: number): string {
  try {
    const text = readFileSync(file).subarray(from).toString('utf8');
    // Stack traces in JSON log lines run to kilobytes: their start says enough.
    const cut = (line: string) => (line.length > 400 ? `${line.slice(0, 400)}…` : line);
    return text.split('\n').filter(Boolean).slice(-lines).map(cut).join('\n');
  } catch {
    return '';
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function startProcess(command: string, args: string[], options: ProcessOptions): ManagedProcess {
  const name = basename(command);
  const from = sizeOf(options.logFile);
  const fd = openSync(options.logFile, 'a');
  let exitCode: number | null | undefined;
  let child;
  try {
    child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', fd, fd],
      ...(options.user ?? {}),
    });
  } finally {
    closeSync(fd); // the child holds its own copy
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
    child.once('error', (error) => {
      exitCode = null;
      resolve(null);
      process.stderr.write(`${name}: ${error.message}\n`);
    });
  });
  const running = () => exitCode === undefined && child.pid !== undefined;
  // Last resort when this process exits without stop(): ask it to stop on its own.
  const onExit = () => {
    if (running()) child.kill('SIGTERM');
  };
  process.once('exit', onExit);
  void exited.then(() => process.off('exit', onExit));

  return {
    name,
    pid: child.pid ?? -1,
    exited,
    running,
    output: (lines = 30) => tailOf(options.logFile, from, lines),
    async stop(signal = 'SIGTERM', graceMs = 30_000) {
      if (running()) {
        child.kill(signal);
        const done = await Promise.race([exited.then(() => true), sleep(graceMs, false, { ref: false })]);
        if (!done && running()) child.kill('SIGKILL');
      }
      await exited;
    },
  };
}

/**
 * Runs a command to its end; rejects with its last lines when it fails, or with
 * the last lines of `alongside` (a server the command talks to) if that exits first.
 */
export async function runToEnd(
  command: string,
  args: string[],
  options: ProcessOptions & { what: string; alongside?: ManagedProcess },
): Promise<void> {
  const child = startProcess(command, args, options);
  const { alongside } = options;
  const serverGone = alongside ? alongside.exited.then(() => 'server-gone' as const) : new Promise<never>(() => {});
  const outcome = await Promise.race([child.exited, serverGone]);
  if (outcome === 'server-gone' && alongside) {
    await child.stop();
    throw new Error(`${alongside.name} exited (code ${await alongside.exited}) during ${options.what}; its last lines:\n${alongside.output()}`);
  }
  if (outcome !== 0) {
    throw new Error(`${options.what} failed (${child.name} exit code ${outcome}); its last lines (${options.logFile}):\n${child.output()}`);
  }
}

/**
 * Polls `ready` until it answers true; fails early with the process's last lines
 * if it exits meanwhile, and with the last problem seen after `timeoutMs`.
 */
export async function waitUntil(
  what: string,
  child: ManagedProcess,
  ready: () => Promise<boolean>,
  { timeoutMs = 60_000, intervalMs = 200 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let problem = 'not ready';
  while (Date.now() < deadline) {
    if (!child.running()) {
      throw new Error(`${child.name} exited (code ${await child.exited}) before ${what}; its last lines:\n${child.output()}`);
    }
    try {
      if (await ready()) return;
    } catch (error) {
      problem = (error as Error).message;
    }
    await sleep(intervalMs);
  }
  throw new Error(`${what}: not after ${timeoutMs / 1000} s (${problem}); ${child.name}'s last lines:\n${child.output()}`);
}
