// hasCapability against the AMS emulator over HTTP: the capability review's answer,
// the short cache (shared concurrent requests, expiry, clear), failures never kept,
// and bad input refused before anything is sent.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AmsOperatorClient } from '../ams/operator.js';
import type { AmsClientOptions } from '../ams/index.js';
import { CapabilityCheckError, CapabilityChecker, capabilityCheckerFromEnv, InvalidInputError } from '../client/index.js';
import { EmulatorAdmin } from '../emulator/admin-client.js';
import { ACME_ORG_ID, GLOBEX_ORG_ID, startEmulator, type RunningEmulator } from '../emulator/index.js';

const MULTIARCH = 'capability.organization.bare_metal_installer_multiarch';
const REVIEW = '/api/authorizations/v1/capability_review';

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let ams: AmsClientOptions;
let operator: AmsOperatorClient;

before(async () => {
  emulator = await startEmulator({ port: 0 });
  admin = new EmulatorAdmin(emulator.url);
  ams = { baseUrl: emulator.url, auth: { kind: 'client-credentials', tokenUrl: emulator.tokenUrl, ...emulator.credentials } };
  operator = new AmsOperatorClient(ams);
});

after(async () => {
  await emulator?.close();
});

beforeEach(async () => {
  await admin.clearFaults();
  await admin.clearRequests();
  for (const org of [ACME_ORG_ID, GLOBEX_ORG_ID]) {
    await operator.deleteOrganizationLabel(org, MULTIARCH).catch(() => undefined);
  }
});

const reviews = async () => (await admin.requests({ path: REVIEW })).length;

describe('hasCapability', () => {
  it("answers AMS's capability review: false, then true once the organisation label is set", async () => {
    const checker = new CapabilityChecker({ ams, cacheTtlMs: 0 });
    assert.equal(await checker.hasCapability(ACME_ORG_ID, 'bare_metal_installer_multiarch'), false);
    await operator.putOrganizationLabel(ACME_ORG_ID, { key: MULTIARCH, value: 'true', internal: true });
    assert.equal(await checker.hasCapability(ACME_ORG_ID, 'bare_metal_installer_multiarch'), true);
    assert.equal(await checker.hasCapability(ACME_ORG_ID, MULTIARCH), true, 'the whole key works too');
    assert.equal(await checker.hasCapability(GLOBEX_ORG_ID, MULTIARCH), false, 'another organisation does not have it');
  });

  it('reuses an answer for cacheTtlMs, asks again after it, and forgets everything on clear()', async () => {
    let now = 1_000_000;
    const checker = new CapabilityChecker({ ams, cacheTtlMs: 60_000, now: () => now });
    assert.equal(await checker.hasCapability(ACME_ORG_ID, 'bare_metal_installer_multiarch'), false);
    await operator.putOrganizationLabel(ACME_ORG_ID, { key: MULTIARCH, value: 'true', internal: true });
    now += 59_000;
    assert.equal(await checker.hasCapability(ACME_ORG_ID, MULTIARCH), false, 'the cached answer, same key in either spelling');
    assert.equal(await reviews(), 1);
    now += 2_000;
    assert.equal(await checker.hasCapability(ACME_ORG_ID, MULTIARCH), true, 'expired: asked again');
    assert.equal(await reviews(), 2);
    checker.clear();
    assert.equal(await checker.hasCapability(ACME_ORG_ID, MULTIARCH), true);
    assert.equal(await reviews(), 3);
  });

  it('concurrent calls for the same organisation and capability share one request; others get their own', async () => {
    const checker = new CapabilityChecker({ ams, accountUsername: 'service-account-ams-lifecycle' });
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => checker.hasCapability(ACME_ORG_ID, 'bare_metal_installer_multiarch')),
      checker.hasCapability(GLOBEX_ORG_ID, 'bare_metal_installer_multiarch'),
    ]);
    assert.deepEqual(answers, [false, false, false, false, false, false]);
    assert.equal(await reviews(), 2);
  });

  it('a failure is not cached: the caller gets CapabilityCheckError with the status, the next call asks again', async () => {
    const checker = new CapabilityChecker({ ams });
    await checker.hasCapability(GLOBEX_ORG_ID, 'hypershift'); // logs in and looks the account up first
    await admin.addFault({ kind: 'error', status: 503, route: REVIEW, count: 1 });
    const failed = await checker.hasCapability(ACME_ORG_ID, 'bare_metal_installer_multiarch').catch((e: unknown) => e);
    assert.ok(failed instanceof CapabilityCheckError, String(failed));
    assert.equal(failed.status, 503);
    assert.equal(failed.capability, MULTIARCH);
    assert.match(failed.message, /capability review of capability\.organization\.bare_metal_installer_multiarch for organization .* failed: .*503/);
    assert.equal(await checker.hasCapability(ACME_ORG_ID, 'bare_metal_installer_multiarch'), false);
    assert.equal(await reviews(), 3);
  });

  it('AMS refusing the credentials is a CapabilityCheckError too', async () => {
    const checker = new CapabilityChecker({ ams: { baseUrl: emulator.url, auth: { kind: 'static-token', token: 'not-a-token' } } });
    const failed = await checker.hasCapability(ACME_ORG_ID, 'x').catch((e: unknown) => e);
    assert.ok(failed instanceof CapabilityCheckError, String(failed));
    assert.equal(failed.status, 401);
  });

  it('bad input is refused with the field and the rule before anything is sent', async () => {
    const checker = new CapabilityChecker({ ams });
    const cases: [string, string, RegExp][] = [
      ['', 'x', /organizationId: must be an AMS id/],
      ['org/../x', 'x', /organizationId: must be an AMS id/],
      [ACME_ORG_ID, 'Bad Name', /capability: must be a capability key like capability\.organization\./],
      [ACME_ORG_ID, 'capability.organization', /capability: must be a capability key/],
    ];
    for (const [org, name, message] of cases) {
      const error = await checker.hasCapability(org, name).catch((e: unknown) => e);
      assert.ok(error instanceof InvalidInputError, String(error));
      assert.match(error.message, message);
    }
    assert.equal(await reviews(), 0);
  });

  it('bad options name the option and the rule; capabilityCheckerFromEnv reads the worker variables', () => {
    assert.throws(() => new CapabilityChecker({ ams, cacheTtlMs: -1 }), /cacheTtlMs: must be a whole number >= 0/);
    assert.throws(() => new CapabilityChecker({ ams, maxEntries: 0 }), /maxEntries: must be a whole number >= 1/);
    assert.throws(() => capabilityCheckerFromEnv({}), /AMS_URL: is required/);
    assert.ok(capabilityCheckerFromEnv({ AMS_URL: emulator.url, AMS_TOKEN: 't' }) instanceof CapabilityChecker);
  });
});
