// Terminal logs: pretty when the output is a terminal, pino's JSON lines otherwise, and
// the secrets' redaction holds in both.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { it } from 'node:test';
import { createLogger } from '../worker/logger.js';
import { prettyWhenTerminal, type LogOutput } from '../worker/pretty-log.js';

function output(isTTY: boolean): { out: LogOutput; text: () => string } {
  const out = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { out, text: () => text };
}

const SECRET = 'client-secret-value-9f2c';

it('a terminal gets readable lines: time, level, message, fields; no JSON, no secret', async () => {
  const { out, text } = output(true);
  const destination = await prettyWhenTerminal(out);
  assert.ok(destination, 'a terminal gets the pretty destination');
  createLogger('info', destination).info({ clusterId: 'c-1', config: { auth: { clientSecret: SECRET } } }, 'subscription reserved');
  await new Promise((r) => setImmediate(r));
  const plain = text().replace(/\u001b\[[0-9;]*m/g, ''); // colours off for the match
  assert.match(plain, /^\[\d\d:\d\d:\d\d\] INFO \(ams-lifecycle\): subscription reserved\n/);
  assert.match(plain, /clusterId: "c-1"/);
  assert.throws(() => JSON.parse(plain.split('\n')[0]!), SyntaxError);
  assert.ok(!plain.includes(SECRET), 'redacted in pretty output too');
  assert.match(plain, /\[redacted\]/);
});

it('anything else (a pipe, a file, a collector) keeps JSON lines', async () => {
  const { out } = output(false);
  assert.equal(await prettyWhenTerminal(out), undefined);
  const json = new PassThrough();
  let line = '';
  json.on('data', (chunk: Buffer) => (line += chunk.toString()));
  createLogger('info', json).info({ clusterId: 'c-1' }, 'subscription reserved');
  await new Promise((r) => setImmediate(r));
  const parsed = JSON.parse(line) as { msg: string; clusterId: string; level: number };
  assert.deepEqual([parsed.msg, parsed.clusterId, parsed.level], ['subscription reserved', 'c-1', 30]);
});
