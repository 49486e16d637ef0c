// The worker's configuration: each bad or missing variable stops it with an
// error naming the variable and the rule; logs carry the cluster id.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadWorkerConfig } from '../worker/config.js';
import { clusterFields, createLogger, sdkLogLevel } from '../worker/logger.js';

const base = { AMS_URL: 'https://api.openshift.com', AMS_CLIENT_ID: 'assisted-installer', AMS_CLIENT_SECRET: 's3cret' };

describe('worker configuration', () => {
  it('takes the defaults of the table when only AMS is named', () => {
    const config = loadWorkerConfig(base);
    assert.deepEqual(
      [config.temporal.address, config.temporal.namespace, config.temporal.taskQueue, config.ams.timeoutMs, config.logLevel],
      ['127.0.0.1:7233', 'default', 'ams-lifecycle', 10_000, 'info'],
    );
    assert.equal(config.temporal.tls, undefined);
  });

  it('limits AMS activities across the task queue: AMS_MAX_ACTIVITIES_PER_SECOND, default 50, decimals allowed', () => {
    assert.equal(loadWorkerConfig(base).amsMaxActivitiesPerSecond, 50);
    assert.equal(loadWorkerConfig({ ...base, AMS_MAX_ACTIVITIES_PER_SECOND: '0.5' }).amsMaxActivitiesPerSecond, 0.5);
    for (const [value, rule] of [
      ['0', 'must be a positive number'],
      ['-1', 'must be a positive number'],
      ['ten', 'must be a positive number'],
      ['20000', 'must be at most 10000'],
    ]) {
      assert.throws(
        () => loadWorkerConfig({ ...base, AMS_MAX_ACTIVITIES_PER_SECOND: value }),
        (error: unknown) => error instanceof ConfigError && error.message === `AMS_MAX_ACTIVITIES_PER_SECOND: ${rule} (got '${value}')`,
      );
    }
  });

  it('bounds the workflow cache: WORKER_MAX_CACHED_WORKFLOWS, default 2000, a whole number from 2 (the SDK raises 1 to 2) up to 100000', () => {
    assert.equal(loadWorkerConfig(base).maxCachedWorkflows, 2000);
    assert.equal(loadWorkerConfig({ ...base, WORKER_MAX_CACHED_WORKFLOWS: '150' }).maxCachedWorkflows, 150);
    assert.equal(loadWorkerConfig({ ...base, WORKER_MAX_CACHED_WORKFLOWS: '2' }).maxCachedWorkflows, 2);
    for (const [value, rule] of [
      ['0', 'must be a positive whole number'],
      ['1', 'must be at least 2 (the SDK raises a smaller cache to 2)'],
      ['1.5', 'must be a positive whole number'],
      ['100001', 'must be at most 100000'],
    ]) {
      assert.throws(
        () => loadWorkerConfig({ ...base, WORKER_MAX_CACHED_WORKFLOWS: value }),
        (error: unknown) => error instanceof ConfigError && error.message === `WORKER_MAX_CACHED_WORKFLOWS: ${rule} (got '${value}')`,
      );
    }
  });

  it('caps Retry-After at AMS_MAX_RETRY_AFTER_SECONDS (default 3600), passed to the AMS client', () => {
    assert.equal(loadWorkerConfig(base).ams.maxRetryAfterSeconds, 3600);
    assert.equal(loadWorkerConfig({ ...base, AMS_MAX_RETRY_AFTER_SECONDS: '600' }).ams.maxRetryAfterSeconds, 600);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['no AMS_URL', { AMS_CLIENT_ID: 'x', AMS_CLIENT_SECRET: 'y' }, /^AMS_URL: is required/],
    ['AMS_URL not a URL', { ...base, AMS_URL: 'api.openshift.com' }, /^AMS_URL: must be an absolute http\(s\) URL/],
    ['no credentials', { AMS_URL: base.AMS_URL }, /^AMS_CLIENT_ID: is required/],
    ['client id without secret', { AMS_URL: base.AMS_URL, AMS_CLIENT_ID: 'x' }, /^AMS_CLIENT_SECRET: is required/],
    ['token and client id', { ...base, AMS_TOKEN: 't' }, /^AMS_TOKEN: set either/],
    ['bad address', { ...base, TEMPORAL_ADDRESS: 'localhost' }, /^TEMPORAL_ADDRESS: must be host:port \(got 'localhost'\)/],
    ['bad timeout', { ...base, AMS_TIMEOUT_MS: '-5' }, /^AMS_TIMEOUT_MS: must be a positive whole number/],
    ['a timeout the activity deadline cannot cover', { ...base, AMS_TIMEOUT_MS: '30000' }, /^AMS_TIMEOUT_MS: must be at most 12000 \(got '30000'\)/],
    ['zero Retry-After cap', { ...base, AMS_MAX_RETRY_AFTER_SECONDS: '0' }, /^AMS_MAX_RETRY_AFTER_SECONDS: must be a positive whole number \(got '0'\)/],
    ['fractional Retry-After cap', { ...base, AMS_MAX_RETRY_AFTER_SECONDS: '1.5' }, /^AMS_MAX_RETRY_AFTER_SECONDS: must be a positive whole number/],
    ['bad TLS flag', { ...base, TEMPORAL_TLS: 'yes' }, /^TEMPORAL_TLS: must be true or false/],
    ['cert without key', { ...base, TEMPORAL_TLS_CERT_PATH: '/x.pem' }, /^TEMPORAL_TLS_KEY_PATH: mTLS needs both/],
    ['unreadable secret file', { AMS_URL: base.AMS_URL, AMS_CLIENT_ID: 'x', AMS_CLIENT_SECRET_FILE: '/nope/secret' }, /^AMS_CLIENT_SECRET_FILE: cannot read file/],
    ['bad log level', { ...base, LOG_LEVEL: 'loud' }, /^LOG_LEVEL: must be a pino level/],
    ['missing bundle', { ...base, WORKFLOW_BUNDLE_PATH: '/nope/bundle.js' }, /^WORKFLOW_BUNDLE_PATH: cannot read file/],
    ['a deployment name without a build id', { ...base, TEMPORAL_WORKER_DEPLOYMENT_NAME: 'ams-lifecycle' }, /^TEMPORAL_WORKER_BUILD_ID: is required with TEMPORAL_WORKER_DEPLOYMENT_NAME/],
    ['a build id without a deployment name', { ...base, TEMPORAL_WORKER_BUILD_ID: 'v42' }, /^TEMPORAL_WORKER_DEPLOYMENT_NAME: is required with TEMPORAL_WORKER_BUILD_ID/],
    ['a deployment name with a dot', { ...base, TEMPORAL_WORKER_DEPLOYMENT_NAME: 'ams.lifecycle', TEMPORAL_WORKER_BUILD_ID: 'v1' }, /^TEMPORAL_WORKER_DEPLOYMENT_NAME: must not contain '\.' or ':' .*\(got 'ams\.lifecycle'\)/],
    ['a deployment name with a colon', { ...base, TEMPORAL_WORKER_DEPLOYMENT_NAME: 'ams:lifecycle', TEMPORAL_WORKER_BUILD_ID: 'v1' }, /^TEMPORAL_WORKER_DEPLOYMENT_NAME: must not contain/],
    ['a build id with a space', { ...base, TEMPORAL_WORKER_DEPLOYMENT_NAME: 'ams-lifecycle', TEMPORAL_WORKER_BUILD_ID: 'v1 rc' }, /^TEMPORAL_WORKER_BUILD_ID: must be one build id without white space/],
    ['a reserved build id', { ...base, TEMPORAL_WORKER_DEPLOYMENT_NAME: 'ams-lifecycle', TEMPORAL_WORKER_BUILD_ID: '__unversioned__' }, /^TEMPORAL_WORKER_BUILD_ID: must not start with '__'/],
    ['a build id over 255 characters', { ...base, TEMPORAL_WORKER_DEPLOYMENT_NAME: 'ams-lifecycle', TEMPORAL_WORKER_BUILD_ID: 'x'.repeat(256) }, /^TEMPORAL_WORKER_BUILD_ID: must be at most 255 characters/],
  ];
  for (const [name, env, message] of bad) {
    it(`refuses ${name}, naming the variable`, () => {
      assert.throws(() => loadWorkerConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    });
  }

  it('refuses user-info in AMS_URL and AMS_TOKEN_URL without repeating the secret (the URL is logged)', () => {
    const cases: [string, Record<string, string>][] = [
      ['AMS_URL', { ...base, AMS_URL: 'https://svc:url-secret@api.openshift.com' }],
      ['AMS_URL', { ...base, AMS_URL: 'https://svc@api.openshift.com' }],
      ['AMS_URL', { ...base, AMS_URL: 'htp://svc:url-secret@api.openshift.com' }],
      ['AMS_TOKEN_URL', { ...base, AMS_TOKEN_URL: 'https://svc:url-secret@sso.example.test/token' }],
    ];
    for (const [variable, env] of cases) {
      assert.throws(
        () => loadWorkerConfig(env),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.variable === variable &&
          e.message === `${variable}: must not contain user-info (user:password@); credentials belong in AMS_CLIENT_ID/AMS_CLIENT_SECRET`,
        JSON.stringify(env),
      );
    }
  });

  it('is unversioned unless both versioning variables are set; then the worker is that version', () => {
    assert.equal(loadWorkerConfig(base).deployment, undefined);
    const env = { ...base, TEMPORAL_WORKER_DEPLOYMENT_NAME: 'ams-lifecycle', TEMPORAL_WORKER_BUILD_ID: '1.4.2+g3f9c2e1' };
    assert.deepEqual(loadWorkerConfig(env).deployment, { deploymentName: 'ams-lifecycle', buildId: '1.4.2+g3f9c2e1' });
  });

  it('an API key implies TLS (Temporal Cloud)', () => {
    const config = loadWorkerConfig({ ...base, TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key' });
    assert.equal(config.temporal.tls, true);
    assert.equal(config.temporal.apiKey, 'key');
  });

  it('reads a rotated secret file at each use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    try {
      const file = join(dir, 'secret');
      writeFileSync(file, 'one\n');
      const auth = loadWorkerConfig({ AMS_URL: base.AMS_URL, AMS_CLIENT_ID: 'x', AMS_CLIENT_SECRET_FILE: file }).ams.auth;
      assert.ok(auth.kind === 'client-credentials' && typeof auth.clientSecret === 'function');
      assert.equal(auth.clientSecret(), 'one');
      writeFileSync(file, 'two\n');
      assert.equal(auth.clientSecret(), 'two');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('worker logs', () => {
  it('tag SDK log lines with the cluster id derived from the workflow id', () => {
    const fields = clusterFields({ workflowId: 'cluster-subscription-6f1f8a9e-2a43-4d4b-9f59-0a4c0b7f3f10', runId: 'r', taskToken: 'AAdk…' });
    assert.equal(fields.clusterId, '6f1f8a9e-2a43-4d4b-9f59-0a4c0b7f3f10');
    assert.equal('taskToken' in fields, false, 'activity task tokens stay out of the logs');
    assert.equal(fields.workflowId, 'cluster-subscription-6f1f8a9e-2a43-4d4b-9f59-0a4c0b7f3f10');
  });

  it("follow LOG_LEVEL in the SDK's own logs too; silent means nothing (it used to mean INFO)", () => {
    assert.deepEqual(
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map(sdkLogLevel),
      ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'ERROR', undefined],
    );
  });

  it('redact secrets', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info({ clientSecret: 's3cret', headers: { authorization: 'Bearer eyJabc' }, access_token: 'eyJdef' }, 'hello');
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0]!, /s3cret|eyJabc|eyJdef/);
  });
});
