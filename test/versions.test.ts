// One Temporal generation everywhere. scripts/devserver/go.mod is the pin: it builds the
// dev server of npm start and the tests; scripts/setup-tools.sh builds the native
// cluster's server at the version it reads there; docker-compose.yml's server,
// admin-tools and Web UI images carry the same tags; the README states them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { SERVER_VERSION, UI_VERSION } from './helpers/versions.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('Temporal versions', () => {
  it('docker-compose.yml runs the server, admin tools and Web UI the dev server is built with', () => {
    const { services } = parse(read('docker-compose.yml')) as { services: Record<string, { image?: string }> };
    const tag = (name: string) => services[name]?.image?.split(':')[1];
    for (const name of ['temporal', 'temporal-schema', 'temporal-setup']) {
      assert.equal(tag(name), SERVER_VERSION, `${name}: compose and the dev server run one Temporal server`);
    }
    assert.equal(tag('temporal-ui'), UI_VERSION, 'temporal-ui: compose and the dev server serve one Web UI');
  });

  it('scripts/setup-tools.sh takes the server version from scripts/devserver/go.mod, and has no pin of its own', () => {
    const script = read('scripts/setup-tools.sh');
    assert.doesNotMatch(script, /^TEMPORAL_SERVER_VERSION=v\d/m, 'no second pin');
    // Its own lines, run: the version it builds the native cluster's server at.
    const lines = script.split('\n');
    const first = lines.findIndex((line) => line.startsWith('devserver_dir='));
    const last = lines.findIndex((line) => line.startsWith('esac'));
    assert.ok(first >= 0 && last > first, 'setup-tools reads the pin between devserver_dir= and esac');
    const snippet = [`root=${JSON.stringify(ROOT)}`, ...lines.slice(first, last + 1), 'echo "$TEMPORAL_SERVER_VERSION"'].join('\n');
    const result = spawnSync('bash', ['-euo', 'pipefail', '-c', snippet], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), `v${SERVER_VERSION}`);
  });

  it('the installed native-cluster server is that version (setup-tools rebuilds it when the pin moves)', () => {
    const result = spawnSync(join(ROOT, 'tools/bin/temporal-server'), ['--version'], { encoding: 'utf8' });
    assert.equal(result.status, 0, `tools/bin/temporal-server: run 'bash scripts/setup-tools.sh' (${result.stderr})`);
    assert.equal(result.stdout.trim(), `temporal version ${SERVER_VERSION}`);
  });

  it('the README states the server and Web UI versions, and no other', () => {
    const readme = read('README.md');
    assert.ok(readme.includes(`Temporal server ${SERVER_VERSION}`), `README.md names "Temporal server ${SERVER_VERSION}"`);
    assert.ok(readme.includes(`Web UI ${UI_VERSION}`), `README.md names "Web UI ${UI_VERSION}"`);
    for (const [, what, version] of readme.matchAll(/(Temporal server|Web UI) v?(\d+\.\d+(?:\.\d+)?)/g)) {
      assert.equal(version, what === 'Web UI' ? UI_VERSION : SERVER_VERSION, `README.md: "${what} ${version}"`);
    }
  });
});
