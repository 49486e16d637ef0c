// The published contract (contract/ams-lifecycle.contract.json and the Go client's copy)
// is what the code builds, and its JSON Schemas carry the same rules as the zod schemas:
// a real JSON Schema validator accepts and refuses the same payloads.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { z } from 'zod';
import { buildContract, CONTRACT_PATHS, renderContract } from '../scripts/contract/build.js';
import * as V from '../workflows/validation.js';
import { FAILURE_TYPES, PHASES, SUBSCRIPTION_FIELDS } from '../workflows/values.js';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFile(new URL(path, root), 'utf8');

describe('the checked-in contract', () => {
  it('is what the code builds (else: run npm run contract)', async () => {
    assert.equal(await read(CONTRACT_PATHS[0]), renderContract(), `${CONTRACT_PATHS[0]} is stale: run npm run contract`);
  });

  it("the Go client's copy is identical", async () => {
    assert.equal(await read(CONTRACT_PATHS[1]), await read(CONTRACT_PATHS[0]), `${CONTRACT_PATHS[1]} differs: run npm run contract`);
  });

  it('names the workflow, its id scheme, signals, update, query, failures and value lists from the code', () => {
    const c = buildContract();
    assert.equal(c.workflow.type, 'clusterSubscription');
    assert.equal(c.workflow.taskQueue, 'ams-lifecycle');
    assert.equal(c.workflow.workflowId.prefix, 'cluster-subscription-');
    assert.deepEqual(
      c.signals.map((s) => s.name),
      ['rename', 'openshiftClusterId', 'consoleUrl', 'installSucceeded', 'installFailed', 'installRestarted', 'deleted', 'versionCheck'],
    );
    assert.deepEqual(c.updates.map((u) => u.name), ['registration']);
    assert.deepEqual(c.queries.map((q) => q.name), ['clusterState']);
    assert.deepEqual(c.failures.map((f) => f.type), FAILURE_TYPES);
    assert.ok(c.failures.every((f) => f.meaning.length > 0));
    assert.deepEqual(c.values.phases, PHASES);
    assert.deepEqual(c.values.subscriptionFields, SUBSCRIPTION_FIELDS);
    assert.ok(c.searchAttributes.some((a) => a.name === 'ClusterId' && a.type === 'KEYWORD'));
  });
});

/** Every pattern in the contract, for the portability check. */
function patterns(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => patterns(n, found));
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') found.push(value);
      else patterns(value, found);
    }
  return found;
}

describe('the published patterns', () => {
  const all = patterns(buildContract());
  it('are found', () => assert.ok(all.length >= 8));
  // Go's RE2 has no lookaround or backreferences, reads no \u, and its \s \d \w \S are ASCII only.
  for (const [what, bad] of [
    ['lookaround', /\(\?[=!<]/],
    ['backreferences', /\\[1-9]/],
    ['\\u escapes', /\\u/],
    ['\\p classes', /\\[pP]/],
    ['\\s, \\S, \\d, \\D, \\w, \\W (ASCII-only in RE2, Unicode in ECMAScript)', /\\[sSdDwW]/],
  ] as const) {
    it(`use no ${what}`, () => assert.deepEqual(all.filter((p) => bad.test(p)), []));
  }
  it('compile as ECMAScript with and without the u flag', () => {
    for (const p of all) for (const flags of ['', 'u']) assert.doesNotThrow(() => new RegExp(p, flags), p);
  });
});

// A real validator of JSON Schema 2020-12 that implements the contract's one extension.
const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addKeyword({
  keyword: 'x-maxUtf16Length',
  type: 'string',
  schemaType: 'number',
  validate: (max: number, data: string) => data.length <= max,
});
ajv.addKeyword({
  keyword: 'x-risingItems',
  type: 'array',
  schemaType: 'boolean',
  validate: (rising: boolean, data: unknown[]) => !rising || data.every((n, i) => i === 0 || (n as number) > (data[i - 1] as number)),
});

const contract = buildContract();
const signalSchema = (name: string) => contract.signals.find((s) => s.name === name)!.payload!;
const published: Record<string, [object, z.ZodType]> = {
  registration: [contract.workflow.input.schema, V.registrationSchema],
  rename: [signalSchema('rename'), V.renameSchema],
  openshiftClusterId: [signalSchema('openshiftClusterId'), V.openshiftClusterIdSchema],
  consoleUrl: [signalSchema('consoleUrl'), V.consoleUrlSchema],
  installFailed: [signalSchema('installFailed'), V.installFailedSchema],
  deleted: [signalSchema('deleted'), V.deletedSchema],
  registrationWait: [contract.updates[0]!.argument, V.registrationWaitSchema],
  afterInstall: [contract.workflow.input.optionalFields.afterInstall.schema, V.afterInstallSchema],
};

const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
const reg = (over: object) => ({ clusterId: id, displayName: 'prod-east', accountUsername: 'alice', ...over });
const url = (consoleUrl: unknown) => ({ consoleUrl });
// [schema, payload, accepted, what]
const samples: [string, unknown, boolean, string][] = [
  ['registration', reg({}), true, 'good'],
  ['registration', reg({ clusterId: id.toUpperCase() }), true, 'upper-case UUID'],
  ['registration', reg({ clusterId: 'cluster-1' }), false, 'not a UUID'],
  ['registration', reg({ displayName: '' }), false, 'empty name'],
  ['registration', reg({ displayName: ' \t\u3000\ufeff ' }), false, 'blank name (Unicode white space)'],
  ['registration', reg({ displayName: 'prod\neast' }), false, 'newline in the name'],
  ['registration', reg({ accountUsername: 'alice\u0000' }), false, 'NUL in the account'],
  ['registration', reg({ displayName: 'a\u0085b' }), false, 'C1 control'],
  ['registration', reg({ displayName: 'n'.repeat(255) }), true, '255 characters'],
  ['registration', reg({ displayName: 'n'.repeat(256) }), false, '256 characters'],
  ['registration', reg({ displayName: '😀'.repeat(127) }), true, '254 UTF-16 units'],
  ['registration', reg({ displayName: '😀'.repeat(128) }), false, '256 UTF-16 units (128 code points)'],
  ['registration', reg({ displayName: 'Zürich 東京' }), true, 'non-ASCII name'],
  ['registration', reg({ extra: 1 }), false, 'unknown field'],
  ['registration', { clusterId: id, displayName: 'n' }, false, 'missing field'],
  ['rename', { displayName: 42 }, false, 'a number'],
  ['rename', { displayName: 'x\u2028y' }, true, 'a line separator is not a control character'],
  ['openshiftClusterId', { openshiftClusterId: id }, true, 'good'],
  ['openshiftClusterId', { openshiftClusterId: `${id}0` }, false, 'too long'],
  ['consoleUrl', url('https://console-openshift-console.apps.prod.example.com'), true, 'good'],
  ['consoleUrl', url('HTTPS://Console.Example.COM/path?q=1#f'), true, 'upper case'],
  ['consoleUrl', url('https://[fd00::1]:6443/'), true, 'IPv6 literal and port'],
  ['consoleUrl', url('http://console.example.com'), false, 'http URL'],
  ['consoleUrl', url('https:console.example.com'), false, 'no //'],
  ['consoleUrl', url('javascript:alert(1)'), false, 'javascript URL'],
  ['consoleUrl', url('https://user:pw@console.example.com'), false, 'user-info URL'],
  ['consoleUrl', url('https://token@console.example.com'), false, 'user without password'],
  ['consoleUrl', url('https://console.example.com:0/'), false, 'port 0'],
  ['consoleUrl', url('https://console.example.com:65536/'), false, 'port 65536'],
  ['consoleUrl', url('https://console.example.com:65535/'), true, 'port 65535'],
  ['consoleUrl', url('https://console.example.com:00443'), true, 'port with leading zeros'],
  ['consoleUrl', url('https://console.example.com:123456/'), false, 'six-digit port'],
  ['consoleUrl', url('https://console.example.com/\r\nSet-Cookie: a=b'), false, 'CRLF'],
  ['consoleUrl', url('https://console.example.com/a\u0085'), false, 'C1 control in the path'],
  ['consoleUrl', url('https://console.example.com/a\u00a0b'), false, 'no-break space in the path'],
  ['consoleUrl', url('https://-bad.example.com/'), false, 'label starting with a hyphen'],
  ['consoleUrl', url(`https://console.example.com/${'p'.repeat(2020)}`), true, '2048 characters'],
  ['consoleUrl', url(`https://console.example.com/${'p'.repeat(2021)}`), false, '2049 characters'],
  ['installFailed', {}, true, 'no reason'],
  ['installFailed', { reason: 'disk full\n\tat line 3' }, true, 'tabs and newlines kept'],
  ['installFailed', { reason: 'disk\u0000full' }, false, 'NUL in the reason'],
  ['installFailed', { reason: 'r'.repeat(2001) }, false, '2001 characters'],
  ['deleted', { by: 'user' }, true, 'user'],
  ['deleted', { by: 'garbage-collection' }, true, 'garbage-collection'],
  ['deleted', { by: 'cron' }, false, 'unknown value'],
  ['registrationWait', {}, true, 'no wait'],
  ['registrationWait', { waitSeconds: 30 }, true, '30 s'],
  ['registrationWait', { waitSeconds: 0 }, false, '0 s'],
  ['registrationWait', { waitSeconds: 301 }, false, '301 s'],
  ['registrationWait', { waitSeconds: 1.5 }, false, 'not whole'],
  ['afterInstall', {}, true, 'the defaults'],
  ['afterInstall', { telemetryCheckSeconds: [60, 120], driftCheckSeconds: 3600 }, true, 'both given'],
  ['afterInstall', { telemetryCheckSeconds: [] }, false, 'no telemetry check'],
  ['afterInstall', { telemetryCheckSeconds: [120, 60] }, false, 'falling checks'],
  ['afterInstall', { telemetryCheckSeconds: [60, 60] }, false, 'a repeated check'],
  ['afterInstall', { telemetryCheckSeconds: [1.5] }, false, 'a fractional check'],
  ['afterInstall', { telemetryCheckSeconds: [0] }, false, 'a check at 0 s'],
  ['afterInstall', { telemetryCheckSeconds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }, false, 'eleven checks'],
  ['afterInstall', { telemetryCheckSeconds: '60' }, false, 'not an array'],
  ['afterInstall', { driftCheckSeconds: 31_536_001 }, false, 'a drift check past a year'],
  ['afterInstall', { driftCheckSecond: 60 }, false, 'an unknown field'],
];

describe('the published JSON Schemas accept and refuse what the zod schemas do', () => {
  for (const [name, payload, accepted, what] of samples) {
    it(`${name}: ${what} is ${accepted ? 'accepted' : 'refused'} by both`, () => {
      const [jsonSchema, zodSchema] = published[name]!;
      assert.equal(V.validate(zodSchema, payload).ok, accepted, 'zod');
      assert.equal(ajv.validate(jsonSchema, payload), accepted, `JSON Schema: ${ajv.errorsText()}`);
    });
  }
});

/** The message of the first rule in `x-rules` that the value breaks, as another client would find it. */
function firstBrokenRule(fieldSchema: { 'x-rules'?: { message?: string }[] }, value: unknown): string | undefined {
  for (const { message, abort: _, ...keyword } of (fieldSchema['x-rules'] ?? []) as { message?: string; abort?: boolean }[]) {
    if (!ajv.validate(keyword, value)) return message;
  }
  return undefined;
}

describe("the published x-rules name the same first broken rule, in the same words, as the zod schemas", () => {
  for (const [name, payload, accepted, what] of samples) {
    if (accepted || payload === null || typeof payload !== 'object') continue;
    const [jsonSchema, zodSchema] = published[name]!;
    const checked = V.validate(zodSchema, payload);
    const issue = checked.ok ? undefined : checked.issues[0];
    const properties = (jsonSchema as { properties: Record<string, object> }).properties;
    // Unknown and missing fields are the object's rules (additionalProperties, required), not a field's.
    if (!issue || !(issue.field in properties) || !(issue.field in payload)) continue;
    it(`${name}: ${what}: ${issue.field}: ${issue.rule}`, () => {
      assert.equal(firstBrokenRule(properties[issue.field]!, (payload as Record<string, unknown>)[issue.field]), issue.rule);
    });
  }
});
