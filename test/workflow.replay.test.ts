// Replay safety: every saved history (test/histories/, recorded by
// scripts/record-histories.ts and kept forever) must replay against the current
// workflow code, or open clusters would be stranded by the next deploy. Also
// proves the guard can fail, and that the histories hold no secrets.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DeterminismViolationError } from '@temporalio/workflow';
import { DEFAULT_SERVICE_ACCOUNT } from '../emulator/index.js';
import { bundleWorkflows } from '../worker/create-worker.js';
import { describeReplayFailure, replayHistoryFiles, type ReplayOutcome } from './helpers/replay-check.js';
import {
  listHistoryFiles,
  readHistoryText,
  readManifest,
  REQUIRED_SCENARIOS,
  type Manifest,
} from './helpers/replay-histories.js';
import { BREAKING_EDITS, bundleWorkflowCopy, PATCHED_EDIT, type WorkflowEdit } from './helpers/replay-mutants.js';
import { findSecrets } from './helpers/replay-secrets.js';

// Enumerated up front so each file gets its own named test.
const files = await listHistoryFiles();
const manifest: Manifest = await readManifest();

describe('saved histories', () => {
  it('the manifest lists every history file, and every listed file exists', () => {
    const listed = manifest.histories.map((e) => e.file);
    assert.deepEqual(files.filter((f) => !listed.includes(f)), [], 'files missing from test/histories/manifest.json');
    assert.deepEqual(listed.filter((f) => !files.includes(f)), [], 'manifest entries without a file');
    assert.equal(new Set(listed).size, listed.length, 'each file is listed once');
  });

  it('there is at least one history of every required scenario, and every chain is complete', () => {
    const recorded = new Set(manifest.histories.map((e) => e.scenario));
    assert.deepEqual(REQUIRED_SCENARIOS.filter((s) => !recorded.has(s)), [], 'scenarios without a history');
    for (const entry of manifest.histories) {
      assert.ok(entry.file.startsWith(`${entry.scenario}.v${entry.workflowCodeVersion}.`), `${entry.file} is named after its scenario and version`);
      const chain = manifest.histories.filter(
        (e) => e.scenario === entry.scenario && e.workflowCodeVersion === entry.workflowCodeVersion && e.workflowId === entry.workflowId,
      );
      assert.deepEqual(chain.map((e) => e.run).sort(), Array.from({ length: entry.runs }, (_, i) => i + 1), `${entry.file}: all ${entry.runs} runs are saved`);
    }
    const continued = manifest.histories.filter((e) => e.scenario === 'continue-as-new');
    assert.ok(continued.some((e) => e.closedWith === 'continued-as-new'), 'a run that continued as new');
    assert.ok(continued.some((e) => e.closedWith === 'completed'), 'the run that finished the chain');
  });
});

describe('every saved history replays against the current workflow code', () => {
  let outcomes: Promise<Map<string, ReplayOutcome>>;
  before(() => {
    // One bundle and one replay worker for all files; each test then reads its own result.
    outcomes = bundleWorkflows()
      .then((bundle) => replayHistoryFiles(files, bundle))
      .then((list) => new Map(list.map((o) => [o.file, o])));
  });

  for (const file of files) {
    it(file, async () => {
      const outcome = (await outcomes).get(file);
      assert.ok(outcome, `${file} was replayed`);
      if (outcome.error) assert.fail(describeReplayFailure(outcome));
    });
  }
});

describe('the guard fails when the workflow changes incompatibly', () => {
  let sample: string;
  before(() => {
    // The oldest happy-path history: the one most likely to be broken by a change.
    const entry = manifest.histories.find((e) => e.scenario === 'happy-path');
    assert.ok(entry, 'a happy-path history to replay');
    sample = entry.file;
  });

  const replayWith = async (edit?: WorkflowEdit) => {
    const [outcome] = await replayHistoryFiles([sample], await bundleWorkflowCopy(edit));
    assert.ok(outcome);
    return outcome;
  };

  it('an unchanged copy of the workflow replays (so it is the edit that breaks it)', async () => {
    const outcome = await replayWith();
    assert.equal(outcome.error, undefined, outcome.error && describeReplayFailure(outcome));
  });

  for (const edit of Object.values(BREAKING_EDITS)) {
    it(`${edit.name}: replay fails with a determinism error naming the workflow and the mismatch`, async () => {
      const outcome = await replayWith(edit);
      assert.ok(outcome.error instanceof DeterminismViolationError, `expected a DeterminismViolationError, got ${String(outcome.error)}`);
      const report = describeReplayFailure(outcome);
      assert.match(report, new RegExp(`^${sample.replace(/\./g, '\\.')} \\(workflow cluster-subscription-[0-9a-f-]{36}, run `));
      assert.match(report, /Nondeterminism error: .*HistoryEvent\(id: \d+/);
    });
  }

  it(`${PATCHED_EDIT.name} replays`, async () => {
    const outcome = await replayWith(PATCHED_EDIT);
    assert.equal(outcome.error, undefined, outcome.error && describeReplayFailure(outcome));
  });
});

describe('histories hold no secrets', () => {
  const secrets = [DEFAULT_SERVICE_ACCOUNT.clientSecret];

  it('the scan finds a planted secret, bearer token or JWT, also base64 inside a payload', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    const payload = (text: string) => Buffer.from(JSON.stringify(text)).toString('base64');
    const planted = (data: string, message = 'ok') =>
      JSON.stringify({ events: [{ eventId: '1', failure: { message }, input: { payloads: [{ metadata: {}, data }] } }] });
    assert.deepEqual(findSecrets(planted(payload('hello')), secrets), []);
    assert.deepEqual(findSecrets(planted(payload(secrets[0]!)), secrets).map((f) => [f.what, f.where]), [['a client secret', 'decoded payload']]);
    assert.deepEqual(findSecrets(planted(payload(`Bearer ${jwt}`)), secrets).map((f) => f.what), ['a bearer token', 'a JWT']);
    assert.deepEqual(findSecrets(planted(payload('x'), `token ${jwt}`), secrets).map((f) => [f.what, f.where]), [['a JWT', 'raw text']]);
  });

  for (const file of files) {
    it(`${file} holds no client secret, bearer token or JWT`, async () => {
      const findings = findSecrets(await readHistoryText(file), secrets);
      assert.deepEqual(findings.map((f) => `${file}: ${f.what} in its ${f.where} after '${f.excerpt}'`), []);
    });
  }
});
