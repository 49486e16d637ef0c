// adopt's pool without a reachable Temporal: the real client against an address where
// nothing listens. After a few connection failures in a row the pass stops and the
// rest of the file is reported as not attempted (a second pass picks it up), instead
// of failing every line of the file one by one.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseAdoptionFile } from '../cli/adopt/lines.js';
import { ADOPT_CONCURRENCY, ADOPT_MAX_UNREACHABLE_IN_A_ROW, countOutcomes, runAdoption } from '../cli/adopt/run.js';
import { openSession } from '../cli/connection.js';
import { loadTemporalConfig } from '../worker/config.js';

const NOWHERE = loadTemporalConfig({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
const file = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: randomUUID(), name: `c${i}`, user_name: 'alice', status: 'ready' })).join('\n');

describe('adopt when Temporal cannot be reached', () => {
  for (const dryRun of [false, true]) {
    it(`${dryRun ? 'dry run' : 'adopt'}: stops after ${ADOPT_MAX_UNREACHABLE_IN_A_ROW} connection failures in a row; the rest is not attempted`, async () => {
      const lines = parseAdoptionFile(`${file(30)}\n{ bad line`);
      const session = await openSession(NOWHERE, { callTimeoutMs: 2_000 });
      const rows = await runAdoption(session, lines, { dryRun, rate: 1000, timeoutMs: 2_000 });
      const counts = countOutcomes(rows);
      assert.equal(rows.length, 31);
      assert.ok((counts.failed ?? 0) >= ADOPT_MAX_UNREACHABLE_IN_A_ROW, JSON.stringify(counts));
      // At most the starts already in flight when the limit was reached fail beyond it.
      assert.ok((counts.failed ?? 0) < ADOPT_MAX_UNREACHABLE_IN_A_ROW + ADOPT_CONCURRENCY, JSON.stringify(counts));
      assert.equal((counts.failed ?? 0) + (counts['not-attempted'] ?? 0), 30);
      assert.equal(counts['skipped-bad-line'], 1, 'bad lines are still reported');
      const skipped = rows.find((r) => r.outcome === 'not-attempted');
      assert.match(skipped?.detail ?? '', /Temporal was unreachable \d+ times in a row; run adopt again/);
      assert.deepEqual(rows.map((r) => r.line), [...Array(31).keys()].map((i) => i + 1), 'one row a line, in file order');
    });
  }
});
