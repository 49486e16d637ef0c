// The workflow checks payloads without zod (workflows/rules-check.ts over the generated
// workflows/generated/rules.ts): the generated rules are current, no module of the
// workflow bundle loads zod, and the checker answers exactly what zod's validate answers
// (value, or issues, fields, rules and their order) for every schema, rules 1 included,
// over thousands of generated payloads (fixed seed).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { objectRulesOf, renderWorkflowRules, WORKFLOW_RULES_PATH } from '../scripts/contract/workflow-rules.js';
import { bundleWorkflows } from '../worker/create-worker.js';
import * as W from '../workflows/adoption.js';
import * as C from '../workflows/rules-check.js';
import * as V from '../workflows/validation.js';

const PAIRS: [string, z.ZodType<unknown, unknown>, C.Schema<unknown>][] = [
  ['registration', V.registrationSchema, C.registrationSchema],
  ['rename', V.renameSchema, C.renameSchema],
  ['openshiftClusterId', V.openshiftClusterIdSchema, C.openshiftClusterIdSchema],
  ['consoleUrl', V.consoleUrlSchema, C.consoleUrlSchema],
  ['installFailed', V.installFailedSchema, C.installFailedSchema],
  ['deleted', V.deletedSchema, C.deletedSchema],
  ['deletionRun', V.deletionRunSchema, C.deletionRunSchema],
  ['registrationWait', V.registrationWaitSchema, C.registrationWaitSchema],
  ['adopted', V.adoptedSchema, W.adoptedSchema],
  ...(Object.keys(V.RULES_1_SCHEMAS) as (keyof typeof V.RULES_1_SCHEMAS)[]).map(
    (k): [string, z.ZodType<unknown, unknown>, C.Schema<unknown>] => [`rules1.${k}`, V.RULES_1_SCHEMAS[k], C.RULES_1_SCHEMAS[k]],
  ),
];

// mulberry32: a small seeded generator, so a failure names a payload that reproduces.
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const ASTRAL = '\u{1F600}';
const STRINGS = [
  UUID, UUID.toUpperCase(), UUID.slice(1), `${UUID} `, `{${UUID}}`, 'AbC12345-d9cb-469f-A165-70867728950E',
  '', ' ', '\t\n', '\u3000', '\ufeff', '\u2028', 'x', 'prod-east', ' name ', 'a\nb', 'a\tb', 'a\u0085b', 'a\u007fb', 'a\u0000b', 'a\rb',
  'x'.repeat(255), 'x'.repeat(256), ASTRAL.repeat(128), ASTRAL.repeat(127) + 'x', 'x'.repeat(2000), 'x'.repeat(2001), ASTRAL.repeat(1000),
  ASTRAL.repeat(1001), 'y'.repeat(2049), `https://a.example.com/${'p'.repeat(2030)}`,
  'https://console.example.com', 'HTTPS://Console.Example.com/x?y#z', 'http://console.example.com', 'https:foo', 'https://',
  'https://user:pw@console.example.com', 'https://@host', 'https://host:0', 'https://host:1', 'https://host:65535', 'https://host:65536',
  'https://host:00080/x', 'https://host:', 'https://[::1]:8443/', 'https://[fe80::1]', 'https://host/a b', 'https://host/\u0001',
  'https://-bad.example.com', 'https://host:123456', 'https://a.b.c/?q=@x', 'https://host#@frag',
  'user', 'garbage-collection', 'USER', 'registered', 'installing', 'finalizing', 'installed', 'failed', 'deleted',
  'sub-1', 'abc.DEF_123', 'sub id', 's/1', 'x'.repeat(256), 'reason\nwith lines', 'constructor', '__proto__',
];
const OTHERS: unknown[] = [
  undefined, null, true, false, 0, 1, 30, 299.5, 300, 301, -1, 1.5, 2 ** 53, -(2 ** 53), 1e300, NaN, Infinity, -Infinity,
  [], ['x'], new Array(2001).fill('x'), { a: 1 }, {}, { length: 5000 }, { length: 3 },
];
const FIELDS = ['clusterId', 'displayName', 'accountUsername', 'openshiftClusterId', 'consoleUrl', 'reason', 'by', 'waitSeconds',
  'subscriptionId', 'phase', 'deletedBy', 'extra', 'toString', 'constructor', '__proto__', 'a.b'];

// A good value per field, so that a fair share of the payloads is accepted.
const GOOD: Record<string, unknown[]> = {
  clusterId: [UUID, UUID.toUpperCase()],
  openshiftClusterId: [UUID, 'AbC12345-d9cb-469f-A165-70867728950E'],
  displayName: ['prod-east', ' name ', 'x'.repeat(255)],
  accountUsername: ['alice', ASTRAL.repeat(127)],
  consoleUrl: ['https://console.example.com', 'https://[::1]:8443/', 'https://host:00080/x'],
  reason: ['reason\nwith lines', 'x'.repeat(2000)],
  by: ['user', 'garbage-collection'],
  deletedBy: ['user', 'garbage-collection'],
  waitSeconds: [1, 30, 300],
  subscriptionId: ['sub-1', 'abc.DEF_123'],
  phase: ['registered', 'installing', 'installed', 'failed'],
};

function payloads(schema: C.Schema<unknown>, count: number, seed: number): unknown[] {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const own = Object.keys(schema.fields);
  const anyValue = (key = '') => (GOOD[key] && rnd() < 0.8 ? pick(GOOD[key]) : rnd() < 0.75 ? pick(STRINGS) : pick(OTHERS));
  const out: unknown[] = [undefined, null, 'x', 1, [], {}];
  while (out.length < count) {
    const roll = rnd();
    if (roll < 0.03) {
      out.push(anyValue());
      continue;
    }
    // Mostly the schema's own fields, each present with some chance; now and then a stranger.
    const entries: [string, unknown][] = [];
    for (const key of own) if (rnd() < 0.9) entries.push([key, anyValue(key)]);
    while (rnd() < 0.15) entries.push([pick(FIELDS), anyValue()]);
    if (rnd() < 0.3) entries.reverse();
    // JSON.parse makes '__proto__' an own key, as a payload arriving from Temporal would have it.
    out.push(rnd() < 0.1 ? JSON.parse(JSON.stringify(Object.fromEntries(entries))) : Object.fromEntries(entries));
  }
  return out;
}

const canonical = (v: unknown) => JSON.stringify(v, (_k, x) => (x === undefined ? '(undefined)' : typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));

describe("the workflow's rules without zod", () => {
  it('workflows/generated/rules.ts is what the zod schemas generate (else: run npm run contract)', async () => {
    assert.equal(await readFile(new URL(`../${WORKFLOW_RULES_PATH}`, import.meta.url), 'utf8'), renderWorkflowRules(), `${WORKFLOW_RULES_PATH} is stale: run npm run contract`);
  });

  for (const [name, zodSchema, schema] of PAIRS) {
    it(`${name}: the checker answers as zod for 4,000 generated payloads`, () => {
      let accepted = 0;
      for (const [i, payload] of payloads(schema, 4000, name.length * 7919 + 13).entries()) {
        const expected = V.validate(zodSchema, payload);
        const actual = C.validate(schema, payload);
        if (expected.ok) accepted++;
        assert.equal(canonical(actual), canonical(expected), `${name} payload #${i}: ${canonical(payload)?.slice(0, 300)}`);
        assert.deepEqual(actual, expected);
      }
      assert.ok(accepted > 20 && accepted < 3900, `${name}: the payloads exercise both answers (accepted ${accepted} of 4000)`);
    });
  }

  it('the generator refuses a rule the checker could not reproduce, naming the schema and field', () => {
    assert.throws(() => objectRulesOf(z.strictObject({ a: z.string().transform((s) => s.trim()) }), 'x'), /x\.a: only the lowerCase transform/);
    assert.throws(() => objectRulesOf(z.strictObject({ a: z.string() }).refine(() => true), 'x'), /x: object-level checks cannot be published/);
    assert.throws(() => objectRulesOf(z.strictObject({ a: z.string().regex(/a/i, { error: 'm' }) }), 'x'), /a string_format \(regex\) check cannot be published/);
    assert.throws(() => objectRulesOf(z.strictObject({ a: z.array(z.string()) }), 'x'), /x\.a: a array field cannot be published/);
    assert.throws(() => objectRulesOf(z.string(), 'x'), /x is not an object schema/);
  });

  it('an ISSUES_KEPT cap and long keys are reported alike', () => {
    const payload = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}${'z'.repeat(300)}`, i]));
    for (const [name, zodSchema, schema] of PAIRS) assert.deepEqual(C.validate(schema, payload), V.validate(zodSchema, payload), name);
  });

  it('no module of the workflow bundle imports zod', async () => {
    const { code } = await bundleWorkflows();
    assert.ok(code.includes('clusterSubscription'), 'the bundle holds the workflow');
    assert.doesNotMatch(code, /node_modules[\\/]zod|\$ZodType|from ['"]zod['"]/, 'the workflow bundle carries zod');
  });
});
