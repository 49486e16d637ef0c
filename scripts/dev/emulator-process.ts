// Runs the AMS emulator as its own process (emulator/main.ts) for the dev stack: in the
// worker's process its SQLite writes and request handling competed with the worker for
// one event loop, which slowed both and falsified every measurement taken on the stack.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from './options.js';

export interface EmulatorProcess {
  url: string;
  tokenUrl: string;
  credentials: { clientId: string; clientSecret: string };
  pid: number;
  /** Resolves with the exit code when the process ends, for whatever reason. */
  exited: Promise<number | null>;
  /** SIGTERM (the emulator flushes its data file and exits), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/** What emulator/main.ts prints once it listens (its banner); the offline tokens in it are not kept. */
const BANNER = {
  url: /listening on (http:\/\/\S+)/,
  tokenUrl: /token URL: (http:\/\/\S+)/,
  account: /client id (\S+) {2}secret (\S+)/,
};

export async function startEmulatorProcess(
  opts: { port: number; dataFile: string },
  options: { signal: AbortSignal; log: (line: string) => void },
): Promise<EmulatorProcess> {
  const args = ['--import', 'tsx', join(REPO_ROOT, 'emulator/main.ts'), '--host', '127.0.0.1', '--port', String(opts.port), '--data', opts.dataFile, '--log-level', 'warn', '--exit-on-stdin-close'];
  // Its own process group: a Ctrl-C on the terminal reaches the stack alone, which stops the
  // worker before the emulator it still calls. Its stdin is a pipe only this process holds:
  // when the stack dies in any way (SIGKILL included) the pipe closes and the emulator
  // flushes its file and exits instead of staying on the port.
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    // Chunks are not lines: keep the unfinished tail for the next chunk.
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) options.log(`[emulator] ${line}`);
  });
  child.stderr.once('end', () => {
    if (partial) options.log(`[emulator] ${partial}`);
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? null : 0);
      resolveExit(exitCode);
    });
    child.once('error', () => {
      exitCode = null;
      resolveExit(null);
    });
  });
  // Last resort if the dev stack exits without stopping it (fail(), a second Ctrl-C):
  // SIGTERM, not SIGKILL, so the emulator still flushes its acknowledged writes.
  const killOnExit = () => {
    if (exitCode === undefined && child.pid) process.kill(child.pid, 'SIGTERM');
  };
  process.once('exit', killOnExit);

  async function stop(): Promise<void> {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const ended = await Promise.race([exited.then(() => true), sleep(15_000, false, { ref: false })]);
      if (!ended) child.kill('SIGKILL');
      await exited;
    }
    process.off('exit', killOnExit);
  }

  let out = '';
  const banner = new Promise<RegExpExecArray[]>((resolveBanner, reject) => {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const found = [BANNER.url.exec(out), BANNER.tokenUrl.exec(out), BANNER.account.exec(out)];
      if (found.every((m) => m !== null)) resolveBanner(found as RegExpExecArray[]);
    });
    void exited.then((code) => reject(new Error(`the AMS emulator exited before it listened (code ${code})`)));
  });
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(options.signal.reason);
    if (options.signal.aborted) fail();
    else options.signal.addEventListener('abort', fail, { once: true });
  });
  try {
    const [url, tokenUrl, account] = await Promise.race([banner, aborted]);
    return {
      url: url![1]!,
      tokenUrl: tokenUrl![1]!,
      credentials: { clientId: account![1]!, clientSecret: account![2]! },
      pid: child.pid!,
      exited,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
