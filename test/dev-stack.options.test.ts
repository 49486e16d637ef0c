// What `npm start` decides to run from the environment, how it starts the dev
// server, what the worker is pointed at, and what it prints. No processes here.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { renderBanner } from '../scripts/dev/banner.js';
import { planDevStack, REPO_ROOT, workerEnv, type EmbeddedTemporal } from '../scripts/dev/options.js';
import { devServerArgs } from '../scripts/dev/temporal-dev-server.js';
import { ConfigError } from '../worker/config.js';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/definitions.js';

const configError = (variable: string, rule: RegExp) => (error: unknown) =>
  error instanceof ConfigError && error.variable === variable && rule.test(error.message);

describe('planDevStack', () => {
  it('by default: embedded Temporal on 7233 / UI 8233, emulator on 8000, state under data/', () => {
    const plan = planDevStack({});
    assert.equal(plan.setupTools, true);
    assert.equal(plan.dataDir, resolve(REPO_ROOT, 'data'));
    assert.deepEqual(plan.temporal.kind === 'embedded' && { ...plan.temporal, config: undefined }, {
      kind: 'embedded',
      ip: '127.0.0.1',
      port: 7233,
      uiPort: 8233,
      dbFile: resolve(REPO_ROOT, 'data/temporal.sqlite'),
      config: undefined,
    });
    assert.equal(plan.temporal.config.address, '127.0.0.1:7233');
    assert.deepEqual(plan.ams, { kind: 'emulator', port: 8000, dataFile: resolve(REPO_ROOT, 'data/ams.sqlite') });
  });

  it('ports and the data folder come from DEV_* variables', () => {
    const plan = planDevStack({ DEV_TEMPORAL_PORT: '7300', DEV_UI_PORT: '8300', DEV_AMS_PORT: '8100', DEV_DATA_DIR: '/tmp/x', TEMPORAL_NAMESPACE: 'dev' });
    assert.equal(plan.temporal.kind, 'embedded');
    const temporal = plan.temporal as EmbeddedTemporal;
    assert.deepEqual([temporal.port, temporal.uiPort, temporal.dbFile], [7300, 8300, '/tmp/x/temporal.sqlite']);
    assert.equal(temporal.config.address, '127.0.0.1:7300');
    assert.equal(temporal.config.namespace, 'dev');
    assert.deepEqual(plan.ams, { kind: 'emulator', port: 8100, dataFile: '/tmp/x/ams.sqlite' });
  });

  it('TEMPORAL_ADDRESS names an external Temporal: no dev server, no tool setup', () => {
    const plan = planDevStack({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'k' });
    assert.equal(plan.temporal.kind, 'external');
    assert.equal(plan.setupTools, false);
    assert.equal(plan.temporal.config.address, 'ns.acct.tmprl.cloud:7233');
    assert.equal(plan.temporal.config.tls, true);
    assert.equal(plan.ams.kind, 'emulator');
  });

  it('AMS_URL names a real AMS: no emulator', () => {
    assert.deepEqual(planDevStack({ AMS_URL: 'https://api.example.com' }).ams, { kind: 'external', url: 'https://api.example.com' });
  });

  it('bad settings are named with the rule', () => {
    assert.throws(() => planDevStack({ DEV_UI_PORT: 'http' }), configError('DEV_UI_PORT', /must be a port from 1 to 65535 \(got 'http'\)/));
    assert.throws(() => planDevStack({ DEV_AMS_PORT: '70000' }), configError('DEV_AMS_PORT', /must be a port/));
    assert.throws(() => planDevStack({ TEMPORAL_API_KEY: 'k' }), configError('TEMPORAL_ADDRESS', /is required when TEMPORAL_API_KEY is set/));
    assert.throws(() => planDevStack({ TEMPORAL_TLS: 'true' }), configError('TEMPORAL_ADDRESS', /is required when TEMPORAL_TLS is set/));
    assert.throws(() => planDevStack({ TEMPORAL_ADDRESS: 'nope' }), configError('TEMPORAL_ADDRESS', /must be host:port/));
  });
});

describe('the dev server command line', () => {
  it('binds 127.0.0.1, keeps state in the SQLite file, serves the UI and registers every search attribute', () => {
    const plan = planDevStack({ DEV_DATA_DIR: '/tmp/d', TEMPORAL_NAMESPACE: 'dev' }).temporal as EmbeddedTemporal;
    const args = devServerArgs(plan);
    const value = (flag: string) => args[args.indexOf(flag) + 1];
    assert.deepEqual(args.slice(0, 2), ['server', 'start-dev']);
    assert.equal(value('--ip'), '127.0.0.1');
    assert.equal(value('--port'), '7233');
    assert.equal(value('--ui-port'), '8233');
    assert.equal(value('--db-filename'), '/tmp/d/temporal.sqlite');
    assert.equal(value('--namespace'), 'dev');
    assert.ok(!args.includes('--headless'));
    const attributes = args.filter((_, i) => args[i - 1] === '--search-attribute');
    assert.deepEqual(attributes, SEARCH_ATTRIBUTE_KEYS.map((k) => `${k.name}=Keyword`));
    assert.deepEqual(attributes.map((a) => a.split('=')[0]), ['ClusterId', 'AmsSubscriptionId', 'AmsSubscriptionStatus', 'OpenshiftClusterId', 'Phase', 'TelemetryStatus', 'SweepResult']);
  });
});

describe('workerEnv', () => {
  const temporal = { address: '127.0.0.1:7300', namespace: 'default', taskQueue: 'q' };
  const emulator = { url: 'http://127.0.0.1:8000', tokenUrl: 'http://127.0.0.1:8000/token', credentials: { clientId: 'id', clientSecret: 'secret' } };

  it('points the worker at the emulator with its own service account, dropping static-token settings', () => {
    const env = workerEnv({ AMS_TOKEN: 'static', LOG_LEVEL: 'debug' }, temporal, emulator);
    assert.equal(env.AMS_TOKEN, undefined);
    assert.deepEqual(
      [env.TEMPORAL_ADDRESS, env.AMS_URL, env.AMS_TOKEN_URL, env.AMS_CLIENT_ID, env.AMS_CLIENT_SECRET, env.LOG_LEVEL],
      ['127.0.0.1:7300', emulator.url, emulator.tokenUrl, 'id', 'secret', 'debug'],
    );
  });

  it('leaves a real AMS configuration alone', () => {
    const env = workerEnv({ AMS_URL: 'https://api.example.com', AMS_TOKEN: 't' }, temporal);
    assert.deepEqual([env.AMS_URL, env.AMS_TOKEN], ['https://api.example.com', 't']);
  });
});

describe('the banner', () => {
  it('names the Web UI first, then Temporal, the emulator with credentials, and how to drive it', () => {
    const text = renderBanner({
      uiUrl: 'http://127.0.0.1:8233',
      temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'ams-lifecycle', dbFile: resolve(REPO_ROOT, 'data/temporal.sqlite') },
      ams: { url: 'http://127.0.0.1:8000', tokenUrl: 'http://127.0.0.1:8000/token', clientId: 'ams-lifecycle', clientSecret: 'emulator-secret', dataFile: resolve(REPO_ROOT, 'data/ams.sqlite') },
    });
    const lines = text.split('\n').filter((line) => line.startsWith('  '));
    assert.equal(lines[0], '  Web UI         http://127.0.0.1:8233');
    assert.match(lines[1]!, /^ {2}Temporal +127\.0\.0\.1:7233 .*state in data\/temporal\.sqlite$/);
    assert.match(lines[2]!, /^ {2}AMS emulator +http:\/\/127\.0\.0\.1:8000, state in data\/ams\.sqlite$/);
    assert.match(text, /client id ams-lifecycle, client secret emulator-secret/);
    // Default addresses: the commands need no variables.
    assert.match(text, /^ {2}npx ams-lifecycle demo --clusters 20/m);
  });

  it('with non-default places, the commands carry the variables; an external Temporal has no UI here', () => {
    const text = renderBanner({
      temporal: { address: 'temporal.internal:7233', namespace: 'prod', taskQueue: 'ams-lifecycle' },
      ams: { url: 'https://api.example.com' },
    });
    assert.match(text, /Web UI +not started here: Temporal at temporal\.internal:7233 is external/);
    assert.match(text, /AMS +https:\/\/api\.example\.com \(external; the demo needs the emulator\)/);
    assert.match(text, /TEMPORAL_ADDRESS=temporal\.internal:7233 TEMPORAL_NAMESPACE=prod AMS_URL=https:\/\/api\.example\.com npx ams-lifecycle list/);
  });
});
