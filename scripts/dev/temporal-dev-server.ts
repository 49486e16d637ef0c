// The embedded Temporal: the dev server (tools/bin/temporal-dev-server, built from
// scripts/devserver/ at production's server version) as a child process with its
// state in a SQLite file, the Web UI on, and the project's search attributes
// registered. It runs in its own process group, so a terminal's Ctrl-C reaches only
// the dev stack, which stops it after the worker.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/definitions.js';
import { REPO_ROOT, type EmbeddedTemporal } from './options.js';

export const TEMPORAL_BINARY = resolve(REPO_ROOT, 'tools/bin/temporal-dev-server');

export interface RunningDevServer {
  pid: number;
  address: string;
  uiUrl: string;
  /** Resolves with the exit code when the process ends, for whatever reason. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function devServerArgs(plan: EmbeddedTemporal): string[] {
  const namespace = plan.config.namespace;
  return [
    'server',
    'start-dev',
    '--ip',
    plan.ip,
    '--port',
    String(plan.port),
    '--ui-port',
    String(plan.uiPort),
    '--db-filename',
    plan.dbFile,
    '--log-level',
    'warn',
    ...(namespace === 'default' ? [] : ['--namespace', namespace]),
    ...SEARCH_ATTRIBUTE_KEYS.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
  ];
}

/** Keeps the last lines a process wrote, to explain why it stopped. */
function tail(child: ChildProcess, forward: (line: string) => void): () => string {
  const lines: string[] = [];
  const keep = (text: string, stream: 'out' | 'err') => {
    for (const line of text.split('\n').filter(Boolean)) {
      lines.push(line);
      if (stream === 'err') forward(line);
    }
    lines.splice(0, Math.max(0, lines.length - 30));
  };
  child.stdout?.setEncoding('utf8').on('data', (text: string) => keep(text, 'out'));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => keep(text, 'err'));
  return () => lines.join('\n');
}

async function waitReady(plan: EmbeddedTemporal, uiUrl: string, failed: () => Error | undefined, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + 90_000;
  const wanted = SEARCH_ATTRIBUTE_KEYS.map((key) => key.name);
  let lastProblem = 'not answering yet';
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    const failure = failed();
    if (failure) throw failure;
    try {
      const connection = await Connection.connect({ address: plan.config.address, connectTimeout: '1s' });
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: plan.config.namespace });
        const missing = wanted.filter((name) => !(name in (customAttributes ?? {})));
        if (missing.length > 0) throw new Error(`search attributes not registered yet: ${missing.join(', ')}`);
      } finally {
        await connection.close();
      }
      const ui = await fetch(uiUrl, { signal: AbortSignal.timeout(2_000) });
      if (ui.status !== 200) throw new Error(`Web UI answered ${ui.status}`);
      return;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`Temporal dev server not ready after 90 s (${lastProblem})`);
}

export async function startTemporalDevServer(
  plan: EmbeddedTemporal,
  options: { signal: AbortSignal; log: (line: string) => void },
): Promise<RunningDevServer> {
  if (!existsSync(TEMPORAL_BINARY)) throw new Error(`${TEMPORAL_BINARY} is missing: run 'bash scripts/setup-tools.sh'`);
  const child = spawn(TEMPORAL_BINARY, devServerArgs(plan), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stopping = false; // its shutdown chatter (dial errors) is not worth showing
  const lastOutput = tail(child, (line) => {
    if (!stopping) options.log(`[temporal] ${line}`);
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? null : 0);
      resolveExit(code);
    });
    child.once('error', (error) => {
      options.log(`[temporal] ${error.message}`);
      exitCode = null;
      resolveExit(null);
    });
  });
  // Last resort if the dev stack itself dies without stopping it.
  const killOnExit = () => {
    if (exitCode === undefined && child.pid) process.kill(child.pid, 'SIGKILL');
  };
  process.once('exit', killOnExit);

  async function stop(): Promise<void> {
    stopping = true;
    if (exitCode === undefined && child.pid) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(15_000, false, { ref: false })]);
      if (!killed) child.kill('SIGKILL');
      await exited;
    }
    process.off('exit', killOnExit);
  }

  const address = plan.config.address;
  const uiUrl = `http://${plan.ip}:${plan.uiPort}`;
  try {
    const failed = () =>
      exitCode !== undefined ? new Error(`Temporal dev server exited (code ${exitCode}) while starting:\n${lastOutput()}`) : undefined;
    await waitReady(plan, uiUrl, failed, options.signal);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, address, uiUrl, exited, stop };
}
