// The production-shaped Temporal of docker-compose.yml on this machine, until Ctrl-C:
//   node --import tsx scripts/cluster/main.ts [--data-dir data/cluster] [--port 7233]
// Builds what it needs first (scripts/setup-tools.sh: the Temporal server, Debian's
// PostgreSQL). The worker and the emulator then run against it with
//   TEMPORAL_ADDRESS=127.0.0.1:7233 npm start
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../dev/options.js';
import { runSetupTools } from '../dev/setup-tools.js';
import { startTemporalCluster, type TemporalCluster } from './temporal-cluster.js';

const say = (line: string) => process.stdout.write(`cluster: ${line}\n`);
function fail(message: string): never {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      'data-dir': { type: 'string', default: 'data/cluster' },
      port: { type: 'string', default: '7233' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  fail(`${(error as Error).message} (--help lists the options)`);
}
if (args.help) {
  say('options: --data-dir DIR (default data/cluster, relative to the repository) --port PORT (default 7233)');
  process.exit(0);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`--port: '${args.port}' is not a port number`);

let cluster: TemporalCluster | undefined;
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) fail(`${signal} again: exiting without waiting`);
  stopping = true;
  say(`${signal}: stopping`);
  await cluster?.stop();
  process.exit(0);
}
process.on('SIGINT', (signal) => void shutdown(signal));
process.on('SIGTERM', (signal) => void shutdown(signal));

try {
  await runSetupTools({ ...process.env, SETUP_OCM_SDK: '0' }, { temporalServer: true });
  cluster = await startTemporalCluster({ dataDir: resolve(REPO_ROOT, args['data-dir']!), port, log: say });
} catch (error) {
  fail((error as Error).message);
}
say(`Temporal frontend on ${cluster.address}, namespace ${cluster.namespace}; state and logs in ${cluster.dataDir}`);
say(`run the worker and the AMS emulator against it: TEMPORAL_ADDRESS=${cluster.address} npm start`);
say('Ctrl-C stops it');
