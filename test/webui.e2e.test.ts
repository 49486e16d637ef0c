// The Temporal Web UI tells an operator a cluster's whole story, proved in a real
// browser: dev server + Web UI, AMS emulator, worker and client library, all real;
// Debian's Chromium (playwright-core) searches runs by our search attributes, opens
// a run and reads its search attributes, summary, current details, activity and
// timer summaries and its query, and pauses, unpauses and resets a retrying activity. Screenshots go to test-results/webui/node-<version>/.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { workflowIdForCluster } from '../workflows/definitions.js';
import { eventually, newClusterId } from './helpers/lifecycle-harness.js';
import { WebUi } from './helpers/webui-browser.js';
import { startWebUiStack, type WebUiStack } from './helpers/webui-stack.js';

// One folder per Node version: npm test runs this on two versions at once.
const SCREENSHOTS = fileURLToPath(new URL(`../test-results/webui/node-${process.version}/`, import.meta.url));

// A cluster that went all the way: renamed, installed, Active in AMS.
const installed = {
  clusterId: newClusterId(),
  openshiftClusterId: newClusterId(),
  consoleUrl: 'https://console-openshift-console.apps.prod-east.example.com',
  subscriptionId: '',
};
// A cluster whose rename AMS keeps refusing with 503.
const failing = { clusterId: newClusterId(), subscriptionId: '' };
// A cluster whose rename AMS answers 429 with Retry-After: 10 min: its activity waits to retry.
const throttled = { clusterId: newClusterId(), subscriptionId: '' };
const THROTTLED_REASON = 'AMS rate limit: held by the operator';
const installedId = workflowIdForCluster(installed.clusterId);
const failingId = workflowIdForCluster(failing.clusterId);
const throttledId = workflowIdForCluster(throttled.clusterId);

let stack: WebUiStack | undefined;
let ui: WebUi | undefined;

before(async () => {
  stack = await startWebUiStack();
  const { lifecycle, admin } = stack;

  ({ subscriptionId: installed.subscriptionId } = await lifecycle.registerCluster({
    clusterId: installed.clusterId,
    displayName: 'prod-east',
    accountUsername: 'alice',
  }));
  await lifecycle.setOpenshiftClusterId(installed.clusterId, installed.openshiftClusterId);
  await lifecycle.renameCluster(installed.clusterId, 'prod-east-2');
  await lifecycle.setConsoleUrl(installed.clusterId, installed.consoleUrl);
  await lifecycle.markInstalled(installed.clusterId);
  await eventually(
    () => lifecycle.getClusterState(installed.clusterId),
    (s) => s.pending.length === 0 && s.phase === 'installed' && s.applied.status === 'Active',
    { what: 'the installed cluster to have no pending AMS work' },
  );

  ({ subscriptionId: throttled.subscriptionId } = await lifecycle.registerCluster({
    clusterId: throttled.clusterId,
    displayName: 'throttled',
    accountUsername: 'alice',
  }));
  // Added before the failing cluster's rule: the first rule a request matches decides.
  const route = `/api/accounts_mgmt/v1/subscriptions/${throttled.subscriptionId}`;
  await admin.addFault({ kind: 'rate_limit', retryAfterSeconds: 600, route, method: 'PATCH' });
  await lifecycle.renameCluster(throttled.clusterId, 'throttled-renamed');
  await eventually(pendingActivity, (a) => (a?.attempt ?? 0) >= 2, { what: 'the throttled rename to wait for its second attempt' });

  ({ subscriptionId: failing.subscriptionId } = await lifecycle.registerCluster({
    clusterId: failing.clusterId,
    displayName: 'flaky',
    accountUsername: 'alice',
  }));
  await admin.addFault({ kind: 'error', status: 503, route: '/api/accounts_mgmt/v1/subscriptions/:id', method: 'PATCH' });
  await lifecycle.renameCluster(failing.clusterId, 'flaky-renamed');
  await eventually(
    () => lifecycle.getClusterState(failing.clusterId),
    (s) => s.lastError?.status === 503 && s.pending.length > 0,
    { what: 'the failing cluster to record its AMS error' },
  );

  // Visibility lags the workflow a little; the UI's list shows what visibility has.
  await stack.waitForVisibility(`ClusterId = '${installed.clusterId}' AND Phase = 'installed' AND AmsSubscriptionStatus = 'Active'`, [installedId]);
  ui = await WebUi.launch({ uiUrl: stack.uiUrl, screenshotDir: SCREENSHOTS });
});

after(async () => {
  await ui?.close();
  await stack?.close();
});

/** The throttled run's pending activity, as the server describes it. */
async function pendingActivity() {
  const { raw } = await stack!.env.client.workflow.getHandle(throttledId).describe();
  return raw.pendingActivities?.[0];
}

/** Requests AMS has refused the throttled cluster so far. */
async function throttledRequests(): Promise<number> {
  const rules = await stack!.admin.faults();
  return rules.find((rule) => rule.route?.endsWith(`/${throttled.subscriptionId}`))?.hits ?? 0;
}

function browser(): WebUi {
  assert.ok(ui, 'the browser started');
  return ui;
}

describe('Temporal Web UI', () => {
  it('lists the run when searched by ClusterId, with its phase and subscription status as columns', async () => {
    const web = browser();
    await web.openWorkflowList(`ClusterId = '${installed.clusterId}'`);
    await web.workflowRow(installedId);
    // What an operator would pick to see every cluster's state at a glance.
    await web.configureColumns({ remove: ['Run ID', 'Type', 'End'], add: ['Phase', 'AmsSubscriptionStatus', 'AmsSubscriptionId'] });
    const row = await web.workflowRow(installedId);
    const text = await web.waitForText(row, /installed/, 'the run row');
    assert.match(text, /Running/i); // 2.55 shows it upper-case
    assert.match(text, new RegExp(installed.clusterId));
    assert.match(text, /\bActive\b/);
    assert.match(text, new RegExp(installed.subscriptionId));
    assert.equal(await web.page.getByRole('link', { name: failingId }).count(), 0, 'only the searched cluster is listed');
    await web.screenshot('list');
  });

  it("finds installed, Active clusters with AmsSubscriptionStatus = 'Active' AND Phase = 'installed'", async () => {
    const web = browser();
    await web.openWorkflowList(`AmsSubscriptionStatus = 'Active' AND Phase = 'installed'`);
    await web.workflowRow(installedId);
    assert.equal(await web.page.getByRole('link', { name: failingId }).count(), 0, 'the failing, Reserved cluster is not listed');
    await web.screenshot('list-active-installed');
  });

  it('shows the run with a summary on every AMS activity in its history', async () => {
    const web = browser();
    await web.openRun(installedId);
    const text = await web.eventHistory(/PATCH status → 'Active'/, 'the event history');
    assert.match(text, /POST cluster_authorizations: reserve subscription for 'prod-east'/);
    assert.match(text, /PATCH display_name → 'prod-east-2'/);
    assert.match(text, new RegExp(`PATCH external_cluster_id → '${installed.openshiftClusterId}'`));
    assert.match(text, /PATCH console_url → 'https:\/\/console-openshift-console/);
    await web.screenshot('run-summary');
  });

  it('shows the custom search attributes of the run', async () => {
    const web = browser();
    await web.openRun(installedId);
    await web.openTab('Search Attributes');
    const text = await web.waitForText(web.page.locator('main'), /"Phase": "installed"/, 'the search attributes');
    assert.match(text, new RegExp(`"ClusterId": "${installed.clusterId}"`));
    assert.match(text, new RegExp(`"AmsSubscriptionId": "${installed.subscriptionId}"`));
    assert.match(text, /"AmsSubscriptionStatus": "Active"/);
    assert.match(text, new RegExp(`"OpenshiftClusterId": "${installed.openshiftClusterId}"`));
    await web.screenshot('run-search-attributes');
  });

  it('shows the static summary, the current details (desired vs applied) and the activity summaries', async () => {
    const web = browser();
    await web.openRun(installedId);
    await web.openTab('User Metadata');
    const summary = await web.markdownPanel('Summary', /AMS subscription/);
    assert.match(summary, new RegExp(`Cluster 'prod-east' \\(${installed.clusterId}\\) ↔ AMS subscription`));

    const details = await web.markdownPanel('Current Details', /Pending AMS work/);
    assert.match(details, /Phase: installed/);
    assert.match(details, new RegExp(`AMS subscription: ${installed.subscriptionId} \\(Active\\)`));
    assert.match(details, /field\s+desired\s+applied by this run\s+AMS last answered/);
    assert.match(details, /display_name\s+prod-east-2\s+prod-east-2/);
    assert.match(details, /status\s+Active\s+Active\s+Active/);
    assert.match(details, /Pending AMS work: none/);
    assert.doesNotMatch(details, /Last AMS error/);

    const events = await web.eventHistory(/PATCH status → 'Active'/, 'events with metadata');
    assert.match(events, /^Activity PATCH display_name → 'prod-east-2' \| .* patchSubscriptionField /m);
    assert.match(events, /^Timer Registration: wait up to \d+s for the AMS subscription id/m, 'the registration wait is labelled too');
    await web.screenshot('run-details');
  });

  it('lists the clusterState query in the Queries tab and answers it', async () => {
    const web = browser();
    await web.openRun(installedId);
    await web.openTab('Queries');
    await web.page.getByTestId('query-select-button').click();
    await web.page.getByRole('option').first().waitFor(); // the UI asks the worker which queries the run has
    const queries = await web.page.getByRole('option').allInnerTexts();
    const listed = queries.find((q) => q.trim().split('\n')[0] === 'clusterState');
    assert.ok(listed, `clusterState among ${JSON.stringify(queries)}`);
    assert.match(listed, /Desired vs applied AMS state/, 'with its description');
    await web.page.getByRole('option', { name: /^clusterState/ }).click();
    await web.page.getByRole('button', { name: 'Run Query' }).click();
    const text = await web.waitForText(web.page.locator('main'), /"phase": "installed"/, 'the query result');
    assert.match(text, /"pending": \[\]/);
    await web.screenshot('run-query');
  });

  it('shows a failing cluster: pending AMS work, the last AMS error with its time, and a summary on its retry timer', async () => {
    const web = browser();
    await web.openRun(failingId);
    await web.openTab('User Metadata');
    const details = await web.markdownPanel('Current Details', /Last AMS error/);
    assert.match(details, /Phase: registered/);
    assert.match(details, /display_name\s+flaky-renamed\s+flaky\s+flaky/);
    assert.match(details, /Pending AMS work: PATCH display_name → 'flaky-renamed'/);
    assert.match(details, /Last AMS error at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(patch, failing, \d+ in a row\)/);
    assert.match(details, /answered 503/);

    const events = await web.eventHistory(/^Timer Retry in \d+s/m, 'the retry timer');
    // All three attempts made (the compact view shows no outcome; the timer's summary says it failed).
    assert.match(events, /^Activity PATCH display_name → 'flaky-renamed' \| .* Attempt 3\b/m);
    // 10 s spread by ±20 %, so clusters failing together do not retry in lockstep.
    assert.match(events, /^Timer Retry in (8|9|10|11|12)s: PATCH display_name → 'flaky-renamed' \(AMS 503, failure 1\)/m);
    await web.screenshot('run-error');
  });

  it('pauses, unpauses and resets an activity AMS keeps refusing, each reaching the server', async () => {
    const web = browser();
    await web.openRun(throttledId);
    await web.openTab('Pending Activities');
    const main = web.page.locator('main');
    const card = await web.waitForText(main, /SCHEDULED\s+patchSubscriptionField\s+Pause\s+Update\s+Reset/, 'the retrying activity');
    assert.match(card, /Attempt\s+2\s*\/\s*3/);
    assert.match(card, /answered 429/);
    await web.screenshot('activity-retrying');

    await web.activityAction('Pause', THROTTLED_REASON);
    const paused = await eventually(pendingActivity, (a) => a?.paused === true, { what: 'the activity to be paused' });
    assert.equal(paused!.pauseInfo?.manual?.reason, THROTTLED_REASON);
    await web.waitForText(main, /PAUSED\s+patchSubscriptionField\s+Unpause/, 'the paused activity');
    await web.screenshot('activity-paused');

    // Unpausing sends the next attempt at once, as does a reset (to attempt 1).
    const refused = await throttledRequests();
    await web.activityAction('Unpause');
    await eventually(pendingActivity, (a) => a?.paused === false, { what: 'the activity to be unpaused' });
    await eventually(throttledRequests, (n) => n > refused, { what: 'AMS to be asked again after the unpause' });
    await web.waitForText(main, /SCHEDULED\s+patchSubscriptionField\s+Pause/, 'the unpaused activity');

    const beforeReset = await throttledRequests();
    await web.activityAction('Reset');
    await eventually(throttledRequests, (n) => n > beforeReset, { what: 'AMS to be asked again after the reset' });
    await web.screenshot('activity-reset');
  });
});
