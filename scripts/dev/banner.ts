// What `npm start` prints once everything answers: where each part is (the Web UI
// first) and how to drive it.
import { relative } from 'node:path';
import { REPO_ROOT } from './options.js';

export interface StackInfo {
  uiUrl?: string;
  temporal: { address: string; namespace: string; taskQueue: string; dbFile?: string };
  ams: { url: string; tokenUrl?: string; clientId?: string; clientSecret?: string; dataFile?: string };
}

const DEFAULT_ADDRESS = '127.0.0.1:7233';
const DEFAULT_AMS_URL = 'http://127.0.0.1:8000';

function where(file: string): string {
  const rel = relative(REPO_ROOT, file);
  return rel.startsWith('..') ? file : rel;
}

export function renderBanner(info: StackInfo): string {
  const { temporal, ams } = info;
  // The CLI reads the same variables as the worker; name them only when not the defaults.
  const env = [
    temporal.address !== DEFAULT_ADDRESS ? `TEMPORAL_ADDRESS=${temporal.address}` : '',
    temporal.namespace !== 'default' ? `TEMPORAL_NAMESPACE=${temporal.namespace}` : '',
    ams.url !== DEFAULT_AMS_URL ? `AMS_URL=${ams.url}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const prefix = env ? `${env} ` : '';
  const lines = [
    '',
    'AMS lifecycle dev stack is running',
    `  Web UI         ${info.uiUrl ?? `not started here: Temporal at ${temporal.address} is external (open its own Web UI)`}`,
    `  Temporal       ${temporal.address} (namespace ${temporal.namespace}, task queue ${temporal.taskQueue})` +
      (temporal.dbFile ? `, state in ${where(temporal.dbFile)}` : ', external'),
    `  AMS emulator   ${ams.url}` + (ams.dataFile ? `, state in ${where(ams.dataFile)}` : ''),
  ];
  if (ams.clientId) {
    lines.push(`                 token URL ${ams.tokenUrl}, client id ${ams.clientId}, client secret ${ams.clientSecret}`);
  } else {
    lines[lines.length - 1] = `  AMS            ${ams.url} (external; the demo needs the emulator)`;
  }
  lines.push(
    `  Worker         running in this process, polling task queue ${temporal.taskQueue}`,
    '',
    'In another terminal:',
    `  ${prefix}npx ams-lifecycle demo --clusters 20     simulated clusters, ends with a table`,
    `  ${prefix}npx ams-lifecycle register $(node -e "console.log(crypto.randomUUID())") --name my-cluster --account alice`,
    `  ${prefix}npx ams-lifecycle list                   clusters by phase and AMS status (--help for all commands)`,
    '',
    'Ctrl-C stops everything; the next start finds the workflows where they were.',
    '',
  );
  return lines.join('\n');
}
