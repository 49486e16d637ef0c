// Bad input matrix, worker configuration: variables the worker refuses at start
// (loadWorkerConfig, and the entry point worker/main.ts exiting 2 with the variable
// named), and a Temporal it cannot reach (exit 1 within a bound, naming the address).
// The worker's handling of refused AMS credentials is in bad-input.ams.test.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadWorkerConfig } from '../worker/config.js';

const dir = mkdtempSync(join(tmpdir(), 'bad-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const base = { AMS_URL: 'https://api.openshift.com', AMS_CLIENT_ID: 'assisted-installer', AMS_CLIENT_SECRET: 's3cret' };
const API_KEY = 'tmprl-api-key-do-not-print';

describe('bad worker configuration: refused at start, naming the variable', () => {
  const rows: [string, Record<string, string>, string][] = [
    ['TLS key without its certificate', { ...base, TEMPORAL_TLS_KEY_PATH: file('k.pem', PEM) }, 'TEMPORAL_TLS_CERT_PATH: mTLS needs both the certificate and the key'],
    [
      'TEMPORAL_TLS=false with a CA bundle',
      { ...base, TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_PATH: file('ca.pem', PEM) },
      'TEMPORAL_TLS: is false, but TEMPORAL_TLS_CA_PATH is set, which needs TLS (unset TEMPORAL_TLS or make it true)',
    ],
    [
      'TEMPORAL_TLS=0 with an API key (never sent in clear; the key is not repeated)',
      { ...base, TEMPORAL_TLS: '0', TEMPORAL_API_KEY: API_KEY },
      'TEMPORAL_TLS: is false, but TEMPORAL_API_KEY is set, which needs TLS (unset TEMPORAL_TLS or make it true)',
    ],
    ['an unreadable CA bundle', { ...base, TEMPORAL_TLS_CA_PATH: join(dir, 'missing.pem') }, `TEMPORAL_TLS_CA_PATH: cannot read file '${join(dir, 'missing.pem')}': ENOENT: no such file or directory, open '${join(dir, 'missing.pem')}'`],
    [
      'a client certificate that is not PEM',
      { ...base, TEMPORAL_TLS_CERT_PATH: file('cert.der', 'not a certificate'), TEMPORAL_TLS_KEY_PATH: file('key.pem', PEM) },
      `TEMPORAL_TLS_CERT_PATH: file '${join(dir, 'cert.der')}' holds no PEM block (-----BEGIN …-----)`,
    ],
    [
      'an empty client key file',
      { ...base, TEMPORAL_TLS_CERT_PATH: file('cert.pem', PEM), TEMPORAL_TLS_KEY_PATH: file('empty.key', '') },
      `TEMPORAL_TLS_KEY_PATH: file '${join(dir, 'empty.key')}' holds no PEM block (-----BEGIN …-----)`,
    ],
    ['a port above 65535', { ...base, TEMPORAL_ADDRESS: 'temporal:99999' }, "TEMPORAL_ADDRESS: must be host:port with a port from 1 to 65535 (got 'temporal:99999')"],
    ['port 0', { ...base, TEMPORAL_ADDRESS: 'temporal:0' }, "TEMPORAL_ADDRESS: must be host:port with a port from 1 to 65535 (got 'temporal:0')"],
    ['an address with a scheme', { ...base, TEMPORAL_ADDRESS: 'http://127.0.0.1:7233' }, "TEMPORAL_ADDRESS: must be host:port (got 'http://127.0.0.1:7233')"],
    ['a namespace with a space', { ...base, TEMPORAL_NAMESPACE: 'a b' }, "TEMPORAL_NAMESPACE: must be a namespace name (got 'a b')"],
    [
      'a task queue with a trailing space (the client would start work no worker polls)',
      { ...base, TEMPORAL_TASK_QUEUE: 'ams-lifecycle ' },
      "TEMPORAL_TASK_QUEUE: must not start or end with white space or hold control characters (got 'ams-lifecycle ')",
    ],
    ['a task queue with a newline', { ...base, TEMPORAL_TASK_QUEUE: 'ams\nlifecycle' }, "TEMPORAL_TASK_QUEUE: must not start or end with white space or hold control characters (got 'ams\nlifecycle')"],
    ["AMS_TIMEOUT_MS '10s'", { ...base, AMS_TIMEOUT_MS: '10s' }, "AMS_TIMEOUT_MS: must be a positive whole number (got '10s')"],
    [
      'a 22-digit Retry-After cap (the workflow bounds waits at a day)',
      { ...base, AMS_MAX_RETRY_AFTER_SECONDS: '9999999999999999999999' },
      "AMS_MAX_RETRY_AFTER_SECONDS: must be at most 86400 (got '9999999999999999999999')",
    ],
    [
      'a 22-digit activity concurrency',
      { ...base, WORKER_MAX_CONCURRENT_ACTIVITIES: '9999999999999999999999' },
      "WORKER_MAX_CONCURRENT_ACTIVITIES: must be at most 10000 (got '9999999999999999999999')",
    ],
    [
      'an empty client secret file (named, not AMS_CLIENT_SECRET)',
      { AMS_URL: base.AMS_URL, AMS_CLIENT_ID: 'x', AMS_CLIENT_SECRET_FILE: file('secret', '\n') },
      `AMS_CLIENT_SECRET_FILE: file '${join(dir, 'secret')}' is empty`,
    ],
    ['an empty token file (named, not AMS_CLIENT_ID)', { AMS_URL: base.AMS_URL, AMS_TOKEN_FILE: file('token', '') }, `AMS_TOKEN_FILE: file '${join(dir, 'token')}' is empty`],
    ['an AMS_URL with a newline', { ...base, AMS_URL: 'https://api.openshift.com/\nx' }, "AMS_URL: must be an absolute http(s) URL (got 'https://api.openshift.com/\nx')"],
    ["LOG_LEVEL 'INFO' (pino levels are lower-case)", { ...base, LOG_LEVEL: 'INFO' }, "LOG_LEVEL: must be a pino level (got 'INFO')"],
  ];
  for (const [name, env, message] of rows) {
    it(`${name}: ConfigError '${message.split(':')[0]}: …'`, () => {
      assert.throws(
        () => loadWorkerConfig(env),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          assert.equal(error.message, message);
          assert.doesNotMatch(error.message, new RegExp(`${API_KEY}|s3cret`));
          return true;
        },
      );
    });
  }
});

/** Runs the worker's entry point with only `env`; resolves with its exit code, output and time taken. */
async function runWorkerMain(env: Record<string, string>, boundMs: number) {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: new URL('..', import.meta.url),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output, ms: Date.now() - started };
}

const WORKER_AMS = { AMS_URL: 'http://127.0.0.1:9', AMS_TOKEN: 'unused', LOG_LEVEL: 'error' };

describe('the worker entry point (node --import tsx worker/main.ts)', { concurrency: true }, () => {
  it('no AMS_URL: exit 2 with one line naming it', async () => {
    const { code, output } = await runWorkerMain({}, 30_000);
    assert.equal(code, 2);
    assert.equal(output, 'ams-lifecycle worker: configuration error: AMS_URL: is required (the OCM API root, e.g. https://api.openshift.com)\n');
  });

  it('half a TLS configuration (certificate, no key): exit 2 naming TEMPORAL_TLS_KEY_PATH', async () => {
    const { code, output } = await runWorkerMain({ ...WORKER_AMS, TEMPORAL_TLS_CERT_PATH: file('only-cert.pem', PEM) }, 30_000);
    assert.equal(code, 2);
    assert.equal(output, 'ams-lifecycle worker: configuration error: TEMPORAL_TLS_KEY_PATH: mTLS needs both the certificate and the key\n');
  });

  it('Temporal refuses the connection: exit 1 within 20 s, the log says it cannot reach Temporal at that address', async () => {
    const { code, output, ms } = await runWorkerMain({ ...WORKER_AMS, TEMPORAL_ADDRESS: '127.0.0.1:1' }, 20_000);
    assert.equal(code, 1, output);
    assert.ok(ms < 20_000, `took ${ms} ms`);
    const line = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { msg?: string };
    assert.match(line.msg ?? '', /^worker failed: cannot reach Temporal at 127\.0\.0\.1:1 \(namespace default\): .*Connection refused/);
  });

  describe('a port that accepts connections but never speaks gRPC', () => {
    let silent: Server;
    const sockets = new Set<Socket>();
    before(async () => {
      silent = createServer((socket) => void sockets.add(socket.on('data', () => undefined)));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });
    after(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('exit 1 within 60 s (the SDK gives up after about 30 s), naming the address', async () => {
      const port = (silent.address() as { port: number }).port;
      const { code, output, ms } = await runWorkerMain({ ...WORKER_AMS, TEMPORAL_ADDRESS: `127.0.0.1:${port}` }, 60_000);
      assert.equal(code, 1, output);
      assert.ok(ms < 60_000, `took ${ms} ms`);
      const line = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { msg?: string };
      assert.match(line.msg ?? '', new RegExp(`^worker failed: cannot reach Temporal at 127\\.0\\.0\\.1:${port} \\(namespace default\\): .*Timeout expired`));
    });
  });
});
