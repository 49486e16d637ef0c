// After a chaos run: no token, client secret, password or URL user-info in any run's
// history or description (every run of every cluster, continued-as-new and earlier ones
// too), any log file of the run's folder (workers, emulator, Temporal, PostgreSQL), any
// error the installer saw (with its details and causes), any run state, or any Web UI
// page (the list, each run's description and history). A page that does not answer 200
// with the expected JSON was not checked: it counts as a failure, never as clean.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findSecrets, findSecretsInText, type SecretFinding } from '../../test/helpers/replay-secrets.js';
import { mapWithConcurrency } from '../demo/pool.js';

export interface RunRef {
  workflowId: string;
  runId: string;
}

export interface SecretsScan {
  histories: number;
  descriptions: number;
  logFiles: number;
  messages: number;
  uiPages: number;
  /** What could not be read and so was not checked. Must be empty. */
  failures: string[];
  findings: (SecretFinding & { source: string })[];
}

/** One text to scan; `payloads`: proto JSON whose payload `data` is base64, decoded too. */
export interface ScanSource {
  source: string;
  text: string;
  payloads?: boolean;
}

export function scanSources(sources: readonly ScanSource[], secrets: readonly string[]): SecretsScan['findings'] {
  return sources.flatMap(({ source, text, payloads }) =>
    (payloads ? findSecrets(text, secrets) : findSecretsInText(text, secrets, 'text')).map((f) => ({ ...f, source })),
  );
}

/** JSON of anything (cycles cut, bigints as text); bytes as base64 (proto JSON) or as UTF-8 text. */
export function scanJson(value: unknown, bytes: 'base64' | 'utf8' = 'base64'): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, function (this: Record<string, unknown>, key, converted: unknown) {
    const raw = this[key]; // before toJSON: a Buffer would otherwise become an array of numbers
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString(bytes);
    if (typeof converted === 'bigint') return String(converted);
    if (typeof converted === 'object' && converted !== null) {
      if (seen.has(converted)) return '[cycle]';
      seen.add(converted);
    }
    return converted;
  }) ?? '';
}

/** An error as the installer could log it: name, message, its own fields (details, AMS errors) and its causes. */
export function errorText(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return typeof error === 'string' ? error : scanJson(error, 'utf8');
  const own = Object.fromEntries(Object.entries(error).filter(([key]) => key !== 'cause'));
  const fields = Object.keys(own).length > 0 ? ` ${scanJson(own, 'utf8')}` : '';
  const cause = error.cause !== undefined && depth < 8 ? `\n  caused by ${errorText(error.cause, depth + 1)}` : '';
  return `${error.name}: ${error.message}${fields}${cause}`;
}

/** Every *.log file under `dir`, at any depth (folders it may not read are skipped). */
export function logFilesIn(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? logFilesIn(join(dir, e.name)) : e.isFile() && e.name.endsWith('.log') ? [join(dir, e.name)] : []));
}

type UiPage = 'list' | 'description' | 'history';

/** Why a Web UI API answer cannot count as checked; undefined when it can. */
export function uiPageProblem(page: UiPage, status: number, body: string): string | undefined {
  if (status !== 200) return `answered ${status}`;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return 'answered 200 with a body that is not JSON';
  }
  const ok =
    typeof json === 'object' && json !== null &&
    (page === 'list'
      ? Array.isArray(json.executions)
      : page === 'description'
        ? typeof json.workflowExecutionInfo === 'object' && json.workflowExecutionInfo !== null
        : Array.isArray((json.history as { events?: unknown } | undefined)?.events));
  return ok ? undefined : `answered 200 without the ${page} shape`;
}

export interface SecretsInput {
  runs: RunRef[];
  /** A run's history as proto JSON. */
  history(run: RunRef): Promise<unknown>;
  /** A run's description (pending activities with their last failure). */
  describe(run: RunRef): Promise<unknown>;
  logFiles: string[];
  /** Bytes to skip at the start of a log: the emulator's banner lists the credentials it issues, by design. */
  logStarts?: Record<string, number>;
  messages: string[];
  /** Each run's clusterState: what the query and the current details show. */
  states: unknown[];
  secrets: string[];
  /** The Web UI, when the server has one. */
  uiUrl?: string;
  fetchPage?: (url: string) => Promise<{ status: number; text: string }>;
}

const fetchPage = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
};

export async function scanForSecrets(input: SecretsInput): Promise<SecretsScan> {
  const sources: ScanSource[] = [];
  const failures: string[] = [];
  const runName = (run: RunRef) => `${run.workflowId} run ${run.runId}`;
  const read = async (what: string, task: () => Promise<ScanSource>) => {
    try {
      sources.push(await task());
    } catch (error) {
      failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const pages: { page: UiPage; path: string }[] = [];
  if (input.uiUrl) {
    const api = '/api/v1/namespaces/default/workflows';
    pages.push({ page: 'list', path: api });
    for (const run of input.runs) {
      const at = `${api}/${encodeURIComponent(run.workflowId)}`;
      const query = `?execution.runId=${encodeURIComponent(run.runId)}`;
      pages.push({ page: 'description', path: `${at}${query}` }, { page: 'history', path: `${at}/history${query}` });
    }
  }
  await mapWithConcurrency(pages, 8, ({ page, path }) =>
    read(`Web UI ${path}`, async () => {
      const { status, text } = await (input.fetchPage ?? fetchPage)(`${input.uiUrl}${path}`);
      const problem = uiPageProblem(page, status, text);
      if (problem) throw new Error(problem);
      return { source: `Web UI ${path}`, text, payloads: true };
    }),
  );
  await mapWithConcurrency(input.runs, 8, async (run) => {
    await read(`history of ${runName(run)}`, async () => ({ source: `history of ${runName(run)}`, text: scanJson(await input.history(run)), payloads: true }));
    await read(`description of ${runName(run)}`, async () => ({ source: `description of ${runName(run)}`, text: scanJson(await input.describe(run)), payloads: true }));
  });
  for (const file of input.logFiles) {
    await read(file, async () => ({ source: file, text: (await readFile(file)).subarray(input.logStarts?.[file] ?? 0).toString('utf8') }));
  }
  sources.push({ source: 'client errors', text: input.messages.join('\n') }, { source: 'clusterState queries', text: scanJson(input.states, 'utf8') });
  return {
    histories: input.runs.length,
    descriptions: input.runs.length,
    logFiles: input.logFiles.length,
    messages: input.messages.length,
    uiPages: pages.length,
    failures,
    findings: scanSources(sources, input.secrets),
  };
}
