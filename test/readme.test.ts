// The README's promises that code can check: its configuration tables are the
// ones the code reads, and CI runs its test command.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { devStackTable, workerTable } from '../scripts/config-table.js';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

function section(name: string): string {
  const match = new RegExp(`<!-- config-table:${name} -->\\n([\\s\\S]*?)\\n<!-- /config-table:${name} -->`).exec(readme);
  assert.ok(match, `README has the ${name} table markers`);
  return match[1]!;
}

describe('README', () => {
  it('lists every worker variable with its default (regenerate: node --import tsx scripts/config-table.ts)', () => {
    assert.equal(section('worker'), workerTable());
  });

  it('lists every dev stack variable', () => {
    assert.equal(section('dev-stack'), devStackTable());
  });

  it('shows the test command that .ci/run calls', () => {
    const ci = readFileSync(new URL('.ci/run', root), 'utf8');
    assert.match(readme, /`npm ci && npm test`/);
    assert.match(ci, /^npm ci && npm test$/m);
  });
});
