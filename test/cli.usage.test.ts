// The CLI without a server: help texts, usage errors, invalid input and
// configuration errors, exit codes and the --json error shape.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXIT, runCli } from '../cli/index.js';
import { REGISTRATION_WAIT_MAX_SECONDS } from '../workflows/validation.js';

const BIN = fileURLToPath(new URL('../bin/ams-lifecycle.mjs', import.meta.url));
const CLUSTER = '8c1e3a8e-5d2b-4c4f-9f0a-2b7e6d1c3a44';
// Nothing listens on port 1: a command that got past validation would fail with exit 1.
const NOWHERE = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

async function cli(args: string[], env: Record<string, string | undefined> = NOWHERE) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), progressStream: new PassThrough(), env });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('ams-lifecycle help', () => {
  it('lists every command, the environment and the exit codes', async () => {
    const { code, stdout } = await cli(['--help']);
    assert.equal(code, EXIT.ok);
    for (const command of ['register', 'rename', 'set-openshift-id', 'set-console-url', 'installed', 'install-failed', 'restart-install', 'delete', 'status', 'list', 'emulator', 'worker', 'demo', 'subscriptions', 'whoami', 'capabilities']) {
      assert.match(stdout, new RegExp(`^  ${command} `, 'm'), `help lists ${command}`);
    }
    assert.match(stdout, /TEMPORAL_ADDRESS\s+.*default 127\.0\.0\.1:7233/);
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7]) assert.match(stdout, new RegExp(`^  ${n}  \\S`, 'm'), `exit code ${n} documented`);
  });

  it('command help names its options and defaults', async () => {
    const help = async (command: string) => {
      const { code, stdout } = await cli([command, '--help']);
      assert.equal(code, EXIT.ok);
      return stdout.replace(/\s+/g, ' '); // commander wraps to the terminal width
    };
    const register = await help('register');
    assert.match(register, /--name <displayName>/);
    assert.match(register, /--account <username>/);
    assert.match(register, /--wait <seconds> how long to wait for AMS before exit 6 \(pending\) \(default: 30\)/);
    assert.match(register, /Global Options: --json .* --address <host:port>/);
    assert.match(await help('list'), /--phase <phase> only this phase \(choices: "registered", "installing", "finalizing", "installed", "failed", "deleted", "refused"\)/);
    const del = await help('delete');
    assert.match(del, /--by <who> who deleted it \(choices: "user", "garbage-collection", default: "user"\)/);
    // What deleteCluster does: no run (never registered, or forgotten) is "already deleted", no short run.
    assert.match(del, /Exit 0 with "already deleted" when there is nothing of this service's to delete \(deletion done, registration refused by AMS, or no run: never registered or forgotten after the retention\)/);
    assert.match(del, /a cluster whose run an operator terminated or cancelled gets a short run that does it/);
    assert.doesNotMatch(del, /closed or forgotten gets a short run/);
    const adopt = await help('adopt');
    assert.match(adopt, /--rate <n> starts per second \(default: 10\) /, 'the default said once');
    assert.match(adopt, /8 when a cluster's run was ended by an operator or refused by AMS/);
  });

  it('no command at all is a usage error', async () => {
    const { code } = await cli([]);
    assert.equal(code, EXIT.usage);
  });
});

describe('ams-lifecycle usage errors (exit 2)', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['regster', CLUSTER], /unknown command 'regster'.*Did you mean register\?/],
    ['missing required option', ['register', CLUSTER, '--name', 'x'], /required option '--account <username>' not specified/],
    ['missing argument', ['rename', CLUSTER], /missing required argument 'name'/],
    ['bad --limit', ['list', '--limit', '0'], /--limit <n>.*must be a whole number from 1 to 10000/],
    ['bad --wait', ['register', CLUSTER, '--name', 'x', '--account', 'alice', '--wait', String(REGISTRATION_WAIT_MAX_SECONDS + 1)], new RegExp(`--wait.*from 1 to ${REGISTRATION_WAIT_MAX_SECONDS}`)],
    ['bad --by', ['delete', CLUSTER, '--by', 'robot'], /--by <who>.*Allowed choices are user, garbage-collection/],
    ['bad --phase', ['list', '--phase', 'done'], /--phase.*Allowed choices are registered/],
    ['cluster id not a UUID', ['status', 'cluster-1'], /invalid input: clusterId: must be a UUID/],
    ['empty name', ['rename', CLUSTER, ' '], /invalid input: displayName: must not be empty/],
    ['name too long', ['register', CLUSTER, '--name', 'n'.repeat(256), '--account', 'alice'], /displayName: must be at most 255 characters/],
    ['OpenShift id not a UUID', ['set-openshift-id', CLUSTER, 'abc'], /openshiftClusterId: must be a UUID/],
    ['console URL not https', ['set-console-url', CLUSTER, 'http://console.example.com'], /consoleUrl: must be an absolute https URL/],
    ['bad --address', ['--address', 'no-port', 'status', CLUSTER], /configuration: --address: must be host:port \(got 'no-port'\)/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: one line on stderr, exit 2`, async () => {
      const { code, stdout, stderr } = await cli(args);
      assert.equal(code, EXIT.usage, stderr);
      assert.match(stderr, message);
      assert.match(stderr, /^ams-lifecycle: [^\n]+$/, 'one line');
      assert.equal(stdout, '');
    });
  }

  it('a bad variable in the environment is named', async () => {
    const { code, stderr } = await cli(['status', CLUSTER], { TEMPORAL_ADDRESS: 'http://x' });
    assert.equal(code, EXIT.usage);
    assert.match(stderr, /TEMPORAL_ADDRESS: must be host:port/);
  });

  it('the worker names a missing AMS_URL', async () => {
    const { code, stderr } = await cli(['worker'], {});
    assert.equal(code, EXIT.usage);
    assert.match(stderr, /configuration: AMS_URL: is required/);
  });

  it('--json: the error is one JSON object on stderr with code, exit code and the issues', async () => {
    const { code, stderr } = await cli(['--json', 'set-console-url', CLUSTER, 'ftp://x']);
    assert.equal(code, EXIT.usage);
    const { error } = JSON.parse(stderr);
    assert.equal(error.code, 'invalid-input');
    assert.equal(error.exitCode, 2);
    assert.deepEqual(error.issues, [{ field: 'consoleUrl', rule: 'must be an absolute https URL' }]);
  });
});

describe('ams-lifecycle without a reachable Temporal', () => {
  it('valid input against an address where nothing listens: exit 1 naming the address', async () => {
    const { code, stderr } = await cli(['--json', 'status', CLUSTER]);
    assert.equal(code, EXIT.failure);
    const { error } = JSON.parse(stderr);
    assert.equal(error.code, 'temporal-unreachable');
    assert.match(error.message, /cannot reach Temporal at 127\.0\.0\.1:1/);
  });
});

describe('bin/ams-lifecycle.mjs', () => {
  it('runs the TypeScript CLI from a clone and passes the exit code on', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: ams-lifecycle /);
    const bad = spawnSync(process.execPath, [BIN, 'status', 'nope'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, 'ams-lifecycle: invalid input: clusterId: must be a UUID\n');
  });
});
