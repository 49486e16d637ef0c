// The dev server of npm start and the tests (scripts/devserver/, tools/bin/temporal-dev-server):
// the pinned Temporal server and Web UI, the CLI's `server start-dev` flags as the SDK
// and the dev stack pass them, clear errors, and a clean stop on SIGTERM and SIGINT.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { once } from 'node:events';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { findFreePort } from '../scripts/dev/ports.js';
import { TEMPORAL_BINARY } from '../scripts/dev/temporal-dev-server.js';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/definitions.js';
import { startDevServer } from './helpers/temporal-env.js';
import { SERVER_VERSION, UI_VERSION } from './helpers/versions.js';

describe('dev server, as the SDK starts it', () => {
  let env: TestWorkflowEnvironment;
  let uiPort: number;
  before(async () => {
    uiPort = await findFreePort();
    env = await startDevServer({ uiPort });
  });
  after(() => env?.teardown());

  it('runs the pinned Temporal server and Web UI, the UI fetching no newsfeed from the internet', async () => {
    const info = await env.connection.workflowService.getSystemInfo({});
    assert.equal(info.serverVersion, SERVER_VERSION);
    const settings = (await (await fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`)).json()) as { Version: string; DisableNewsFetch: boolean };
    assert.equal(settings.Version, UI_VERSION);
    assert.equal(settings.DisableNewsFetch, true);
  });

  it("registers the project's search attributes and offers the APIs the project uses", async () => {
    const namespace = env.namespace ?? 'default';
    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({ namespace });
    for (const key of SEARCH_ATTRIBUTE_KEYS) assert.ok(customAttributes?.[key.name], `${key.name} registered`);
    // Worker Deployment Versioning and schedules answer (an off switch would refuse).
    await env.connection.workflowService.listWorkerDeployments({ namespace });
    await env.connection.workflowService.listSchedules({ namespace });
  });
});

describe('dev server, started directly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'devserver-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an unknown flag or command with a clear message', () => {
    const unknown = spawnSync(TEMPORAL_BINARY, ['server', 'start-dev', '--headless', '--no-such-flag'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /flag provided but not defined: -no-such-flag/);
    const command = spawnSync(TEMPORAL_BINARY, ['server', 'start'], { encoding: 'utf8' });
    assert.equal(command.status, 2);
    assert.match(command.stderr, /usage: temporal-dev-server server start-dev/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`keeps its state in --db-filename, takes a repeated flag's last value, and stops cleanly on ${signal}`, async () => {
      const [unused, port] = [await findFreePort(), await findFreePort()];
      const dbFile = join(dir, `${signal}.sqlite`);
      const args = ['--headless', '--port', String(unused), '--port', String(port), '--db-filename', dbFile, '--log-level', 'error'];
      const child = spawn(TEMPORAL_BINARY, ['server', 'start-dev', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
      const deadline = Date.now() + 60_000;
      while (!output.includes('Temporal Persistence') && child.exitCode === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.match(output, new RegExp(`Temporal Server: +127\\.0\\.0\\.1:${port} \\(server ${SERVER_VERSION.replace(/\./g, '\\.')}\\)`));
      assert.ok(existsSync(dbFile), 'the SQLite file exists');
      const stopping = Date.now();
      child.kill(signal);
      assert.deepEqual(await exited, [0, null], 'exits 0 on its own');
      assert.ok(Date.now() - stopping < 15_000, 'within 15 s');
    });
  }
});
