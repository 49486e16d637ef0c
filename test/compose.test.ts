// docker-compose.yml and the worker image, checked without a Docker engine:
// the compose file's structure and pinned images, that the worker gets only
// variables worker/config.ts knows (and a configuration that loads), that the
// setup script registers the workflow's search attributes on a real Temporal
// server, and that the production build (tsc + pre-bundled workflows) runs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { parse } from 'yaml';
import { ClusterLifecycleClient } from '../client/index.js';
import { DEFAULT_SERVICE_ACCOUNT, startEmulator, TOKEN_PATH, type RunningEmulator } from '../emulator/index.js';
import { DEFAULT_BUNDLE_PATH, writeWorkflowBundle } from '../scripts/bundle-workflows.js';
import { CONFIG_VARIABLES, loadWorkerConfig } from '../worker/config.js';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/definitions.js';
import { startDevServer } from './helpers/temporal-env.js';
import { eventually } from './helpers/lifecycle-harness.js';

const { temporal } = proto;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
type Env = Record<string, string>;
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  env_file?: string | string[];
  secrets?: string[];
  volumes?: string[];
  command?: string[];
}
interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
}

const COMPOSE_TEXT = read('docker-compose.yml');
const compose = parse(COMPOSE_TEXT) as Compose;
const services = compose.services;
const worker = services.worker!;

/** Compose variable interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}. */
function interpolate<T>(value: T, env: Env): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{(\w+)(?:(:?[-?])([^}]*))?\}/g, (_all, name: string, op?: string, arg = '') => {
      const v = env[name];
      const missing = op?.startsWith(':') ? !v : v === undefined;
      if (op?.endsWith('?') && missing) throw new Error(`${name}: ${arg}`);
      return op?.endsWith('-') && missing ? arg : (v ?? '');
    }) as T;
  }
  if (Array.isArray(value)) return value.map((item) => interpolate(item, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)])) as T;
  }
  return value;
}

function readEnvFile(path: string): Env {
  const lines = read(path).split('\n').filter((line) => line.trim() && !line.startsWith('#'));
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

/** The worker's environment as compose would hand it over, secrets mapped to their host files. */
function workerEnv(env: Env, secretFiles: Record<string, string> = {}): Env {
  const resolved = interpolate(compose, env);
  const result: Env = { ...resolved.services.worker!.environment };
  for (const [key, value] of Object.entries(result)) {
    const secret = /^\/run\/secrets\/(\w+)$/.exec(value)?.[1];
    if (secret) result[key] = secretFiles[secret] ?? join(ROOT, resolved.secrets[secret]!.file);
  }
  return result;
}

const pinned = /^[\w./-]+:\d+\.\d+(\.\d+)?(-[\w.-]+)?$/;
const imageVersion = (image: string) => image.slice(image.lastIndexOf(':') + 1);

describe('docker-compose.yml', () => {
  it('pins every pulled image to an explicit version, and builds the rest', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.image) {
        assert.match(service.image, pinned, `${name}: image must carry an explicit version tag`);
        assert.doesNotMatch(service.image, /latest/, `${name}: no 'latest'`);
      } else {
        assert.ok(service.build, `${name}: needs an image or a build`);
      }
    }
    // The schema tool must match the server it prepares the database for.
    const versions = new Set(['temporal', 'temporal-schema', 'temporal-setup'].map((s) => imageVersion(services[s]!.image!)));
    assert.equal(versions.size, 1, 'temporalio/server and temporalio/admin-tools share one version');
    assert.match(services.postgresql!.image!, /^postgres:16\.\d+/);
  });

  it('starts the services in dependency order: database, schema, server, setup, worker', () => {
    const expected: [string, string, string][] = [
      ['temporal-schema', 'postgresql', 'service_healthy'],
      ['temporal', 'temporal-schema', 'service_completed_successfully'],
      ['temporal-setup', 'temporal', 'service_started'],
      ['temporal-ui', 'temporal', 'service_started'],
      ['worker', 'temporal-setup', 'service_completed_successfully'],
    ];
    for (const [service, dependency, condition] of expected) {
      assert.equal(services[service]?.depends_on?.[dependency]?.condition, condition, `${service} waits for ${dependency}`);
    }
    // Every dependency exists and there is no cycle.
    const order: string[] = [];
    const visit = (name: string, path: string[]) => {
      assert.ok(services[name], `unknown service '${name}' (from ${path.join(' -> ')})`);
      assert.ok(!path.includes(name), `dependency cycle: ${[...path, name].join(' -> ')}`);
      for (const dep of Object.keys(services[name]!.depends_on ?? {})) visit(dep, [...path, name]);
      if (!order.includes(name)) order.push(name);
    };
    Object.keys(services).forEach((name) => visit(name, []));
    assert.ok(order.indexOf('postgresql') < order.indexOf('temporal') && order.indexOf('temporal') < order.indexOf('worker'));
  });

  it('the setup step registers every search attribute the workflow defines', () => {
    const setup = services['temporal-setup']!;
    const declared = setup.environment!.SEARCH_ATTRIBUTES!.split(/\s+/).filter(Boolean);
    const cliType = (type: string) => type.toLowerCase().replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase());
    const wanted = SEARCH_ATTRIBUTE_KEYS.map((key) => `${key.name}=${cliType(key.type)}`);
    assert.deepEqual([...declared].sort(), [...wanted].sort());
    assert.ok(wanted.includes('ClusterId=Keyword'));
    const script = setup.volumes!.find((v) => v.endsWith('/deploy/setup-namespace.sh:ro'))!.split(':')[0]!;
    assert.ok(existsSync(join(ROOT, script)), `${script} exists`);
    assert.deepEqual(setup.command, ['/deploy/setup-namespace.sh']);
  });

  it('sets on the worker only variables worker/config.ts knows, including AMS_URL and the credentials', () => {
    const env = { ...worker.environment };
    for (const file of [worker.env_file ?? []].flat()) Object.assign(env, readEnvFile(file));
    for (const key of Object.keys(env)) assert.ok(key in CONFIG_VARIABLES, `${key} is not in CONFIG_VARIABLES`);
    for (const key of ['AMS_URL', 'AMS_CLIENT_ID', 'AMS_CLIENT_SECRET_FILE', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE']) {
      assert.ok(key in env, `worker sets ${key}`);
    }
    assert.equal(env.AMS_CLIENT_SECRET_FILE, '/run/secrets/ams_client_secret');
    assert.deepEqual(worker.secrets, ['ams_client_secret']);
    assert.ok(compose.secrets.ams_client_secret?.file, 'the secret comes from a file');
  });

  it('passes every worker setting an operator may tune through, each listed in the production example', () => {
    // Not passed on purpose: compose's own Temporal has no TLS or API key, the AMS secret comes
    // as a compose secret (never a variable), and the image sets the bundle's path.
    const notByCompose = new Set([
      'TEMPORAL_API_KEY', 'TEMPORAL_TLS', 'TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CA_PATH', 'TEMPORAL_TLS_SERVER_NAME',
      'AMS_CLIENT_SECRET', 'AMS_TOKEN', 'AMS_TOKEN_FILE', 'WORKFLOW_BUNDLE_PATH',
    ]);
    const passed = Object.keys(worker.environment ?? {});
    const missing = Object.keys(CONFIG_VARIABLES).filter((key) => !notByCompose.has(key) && !passed.includes(key));
    assert.deepEqual(missing, [], 'worker settings docker-compose.yml does not pass to the worker');
    const example = readEnvFile('deploy/production.env.example');
    const tunable = [...COMPOSE_TEXT.matchAll(/^\s+(\w+): \$\{(\w+):[-?]/gm)].filter((m) => m[1] === m[2]).map((m) => m[1]!);
    for (const key of tunable) assert.ok(key in example, `deploy/production.env.example lists ${key}`);
    assert.ok(tunable.includes('AMS_MAX_ACTIVITIES_PER_SECOND') && tunable.includes('TEMPORAL_WORKER_BUILD_ID'));
  });

  it('refuses to start without the settings production needs, and both env files provide them', () => {
    const required = [...new Set([...COMPOSE_TEXT.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]!))].sort();
    assert.deepEqual(required, ['AMS_CLIENT_ID', 'AMS_CLIENT_SECRET_HOST_FILE', 'AMS_URL', 'TEMPORAL_DB_PASSWORD']);
    assert.throws(() => interpolate(compose, {}), /TEMPORAL_DB_PASSWORD: set TEMPORAL_DB_PASSWORD/);
    for (const file of ['deploy/staging.env', 'deploy/production.env.example']) {
      const env = readEnvFile(file);
      for (const name of required) assert.ok(env[name], `${file} sets ${name}`);
    }
  });

  it('staging points the worker at the emulator service with the emulator service account', () => {
    const staging = readEnvFile('deploy/staging.env');
    assert.equal(staging.COMPOSE_PROFILES, 'staging');
    const config = loadWorkerConfig(workerEnv(staging));
    const emulator = services['ams-emulator']!;
    assert.deepEqual(emulator.profiles, ['staging']);
    const args = emulator.command!;
    const port = args[args.indexOf('--port') + 1];
    assert.equal(args[args.indexOf('--host') + 1], '0.0.0.0', 'listens beyond the container loopback');
    assert.equal(config.ams.baseUrl, `http://ams-emulator:${port}`);
    const auth = config.ams.auth;
    assert.equal(auth.kind, 'client-credentials');
    if (auth.kind !== 'client-credentials') return;
    assert.equal(auth.tokenUrl, `http://ams-emulator:${port}${TOKEN_PATH}`);
    assert.equal(auth.clientId, DEFAULT_SERVICE_ACCOUNT.clientId);
    // A secret file is re-read at each token request, so the worker holds a reader, not the value.
    const secret = typeof auth.clientSecret === 'function' ? auth.clientSecret() : auth.clientSecret;
    assert.equal(secret, DEFAULT_SERVICE_ACCOUNT.clientSecret);
    assert.equal(config.temporal.address, 'temporal:7233');
    const data = args[args.indexOf('--data') + 1]!;
    assert.ok(emulator.volumes!.some((v) => data.startsWith(`${v.split(':')[1]}/`)), 'emulator state is on a volume');
  });

  it('the production example yields a configuration the worker accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-secret-'));
    try {
      writeFileSync(join(dir, 'secret'), 'not-a-real-secret\n');
      const config = loadWorkerConfig(workerEnv(readEnvFile('deploy/production.env.example'), { ams_client_secret: join(dir, 'secret') }));
      assert.match(config.ams.baseUrl, /^https:\/\//);
      assert.equal(config.ams.auth.kind, 'client-credentials');
      assert.equal(config.temporal.namespace, 'default');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('worker image', () => {
  const dockerfile = read('Dockerfile').replace(/\\\n/g, ' ');
  const lines = dockerfile.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const ignored = read('.dockerignore').split('\n');
  const stages = lines.reduce<string[][]>((acc, line) => (line.startsWith('FROM ') ? [...acc, [line]] : (acc.at(-1)?.push(line), acc)), []);

  it('is what compose builds: a multi-stage build that runs as a non-root user', () => {
    for (const name of ['worker', 'ams-emulator']) {
      const { build } = services[name]!;
      assert.ok(existsSync(join(ROOT, build!.context, build!.dockerfile)), `${name}: build context and Dockerfile exist`);
    }
    assert.ok(stages.length >= 2, 'multi-stage');
    const nodeImage = /ARG NODE_IMAGE=(\S+)/.exec(dockerfile)?.[1];
    assert.match(nodeImage ?? '', pinned);
    const build = stages[0]!.join('\n');
    for (const step of ['npm ci', 'npm run build', 'npm prune --omit=dev']) assert.ok(build.includes(step), `build stage runs ${step}`);
    const runtime = stages.at(-1)!;
    const user = runtime.filter((line) => line.startsWith('USER ')).at(-1)?.slice(5);
    assert.ok(user && !['root', '0'].includes(user), `runtime stage runs as a non-root user (got ${user})`);
    assert.match(runtime.at(-1)!, /^CMD \["node", "dist\/worker\/main\.js"\]$/);
  });

  it('runs the Node version npm test proves (scripts/setup-node.sh), one package.json engines admits', () => {
    const version = /ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-bookworm-slim$/m.exec(dockerfile)?.[1];
    assert.equal(version, /^NODE24_VERSION=(\S+)$/m.exec(read('scripts/setup-node.sh'))?.[1], 'the image and the second test pass run one Node');
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const lowest = /^>=(\d+)$/.exec(engines)?.[1];
    assert.ok(lowest && Number(lowest) <= Number(version!.split('.')[0]), `engines '${engines}' admits the image's Node ${version}`);
  });

  it('copies sources that exist and sets WORKFLOW_BUNDLE_PATH to the bundle the build writes', () => {
    for (const line of lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
      const sources = line.split(/\s+/).slice(1, -1);
      for (const source of sources) {
        assert.ok(existsSync(join(ROOT, source)), `COPY source ${source} exists`);
        assert.ok(!ignored.includes(source.replace(/\/$/, '')), `COPY source ${source} is not in .dockerignore`);
      }
    }
    const workdir = stages.at(-1)!.find((l) => l.startsWith('WORKDIR '))!.slice(8);
    const bundlePath = /WORKFLOW_BUNDLE_PATH=(\S+)/.exec(stages.at(-1)!.join(' '))?.[1];
    assert.ok('WORKFLOW_BUNDLE_PATH' in CONFIG_VARIABLES);
    assert.equal(bundlePath, `${workdir}/${relative(ROOT, DEFAULT_BUNDLE_PATH)}`);
    const build = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.build ?? '';
    assert.match(build, /tsc -p tsconfig\.build\.json/, 'package.json build compiles with tsconfig.build.json');
    assert.match(build, /scripts\/bundle-workflows\.ts/, 'package.json build writes the workflow bundle');
  });

  it('keeps secrets, local state and dependencies out of the build context', () => {
    for (const entry of ['.git', 'node_modules', 'dist', 'tools', 'data', 'deploy', '**/*.env']) {
      assert.ok(ignored.includes(entry), `.dockerignore lists ${entry}`);
    }
  });
});

describe('production path on a real Temporal dev server', () => {
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
  let dir: string;
  const namespace = `compose-${randomUUID().slice(0, 8)}`;
  const setupEnv = () => ({
    PATH: `${join(ROOT, 'tools/bin')}:${process.env.PATH}`,
    HOME: dir,
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: namespace,
    SEARCH_ATTRIBUTES: services['temporal-setup']!.environment!.SEARCH_ATTRIBUTES!,
    SETUP_WAIT_SECONDS: '30',
  });
  const runSetup = (extra: Env = {}) =>
    spawnSync('sh', [join(ROOT, 'deploy/temporal/setup-namespace.sh')], { env: { ...setupEnv(), ...extra }, encoding: 'utf8' });
  let first: ReturnType<typeof runSetup>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'compose-build-'));
    [env, emulator] = await Promise.all([startDevServer(), startEmulator({ logger: false })]);
    first = runSetup(); // the compose one-shot step, against a fresh namespace
  });
  after(async () => {
    await env?.teardown();
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the setup script creates the namespace and registers the search attributes, and is safe to re-run', async () => {
    assert.equal(first.status, 0, first.stdout + first.stderr);
    const { customAttributes = {} } = await env.connection.operatorService.listSearchAttributes({ namespace });
    for (const key of SEARCH_ATTRIBUTE_KEYS) {
      assert.equal(customAttributes[key.name], temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, key.name);
    }
    const again = runSetup();
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /namespace '.+' exists/);
    assert.equal(again.stdout.match(/already registered/g)?.length, SEARCH_ATTRIBUTE_KEYS.length);
    const bad = runSetup({ SEARCH_ATTRIBUTES: 'ClusterId' });
    assert.equal(bad.status, 2);
    assert.match(bad.stdout, /'ClusterId' must be Name=Type/);
  });

  it('the compiled worker with the pre-bundled workflows registers a cluster in that namespace', async () => {
    // The build as `npm run build` does it, into a scratch dir that resolves the repo's node_modules.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const tsc = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
    const { path: bundle } = await writeWorkflowBundle(join(dir, 'dist/workflow-bundle.js'));
    const main = join(dir, 'dist/worker/main.js');
    const emulatorMain = services['ams-emulator']!.command![1]!;
    assert.ok(existsSync(join(dir, emulatorMain)), `the build compiles ${emulatorMain} for the staging emulator`);

    const bare = spawnSync(process.execPath, [main], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    assert.equal(bare.status, 2, 'configuration errors exit with 2');
    assert.match(bare.stderr, /AMS_URL: is required/);

    writeFileSync(join(dir, 'secret'), `${emulator.credentials.clientSecret}\n`);
    const taskQueue = `compose-${randomUUID()}`;
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: namespace,
        TEMPORAL_TASK_QUEUE: taskQueue,
        AMS_URL: emulator.url,
        AMS_TOKEN_URL: emulator.tokenUrl,
        AMS_CLIENT_ID: emulator.credentials.clientId,
        AMS_CLIENT_SECRET_FILE: join(dir, 'secret'),
        WORKFLOW_BUNDLE_PATH: bundle,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let code: number | null = null;
    try {
      const client = new Client({ connection: env.connection, namespace });
      const lifecycle = new ClusterLifecycleClient({ client, taskQueue, registrationWaitSeconds: 20 });
      const clusterId = randomUUID();
      const { subscriptionId } = await lifecycle.registerCluster({ clusterId, displayName: 'prod-east', accountUsername: 'alice' });
      assert.ok(subscriptionId, output);
      // The run is findable by its search attributes in the namespace the script set up.
      const { count } = await eventually(
        () => client.workflow.count(`ClusterId = '${clusterId}' AND AmsSubscriptionStatus = 'Reserved'`),
        (c) => c.count > 0,
        { timeoutMs: 15_000, intervalMs: 200, what: 'the run in visibility' },
      ).catch(() => ({ count: 0 }));
      assert.equal(count, 1, output);
    } finally {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      code = await exited;
      clearTimeout(timer);
    }
    assert.equal(code, 0, `SIGTERM stops the worker cleanly\n${output}`);
  });
});
