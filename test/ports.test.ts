// The ports tests and chaos runs choose for their servers: free, and out of the range
// the kernel hands out by itself, so two test passes at once cannot take each other's
// (a port-0 listener or an outgoing connection of the other pass never lands there).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { findFreePort, isPortFree } from '../scripts/dev/ports.js';

const ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

describe('findFreePort', () => {
  it('picks distinct free ports from 10000 up, below 32768 and below the kernel ephemeral range', async () => {
    const taken = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const port = await findFreePort('127.0.0.1', taken);
      assert.ok(port >= 10_000 && port < Math.min(32_768, ephemeralStart), `port ${port}`);
      assert.ok(!taken.has(port), `port ${port} was taken`);
      taken.add(port);
    }
    const port = await findFreePort();
    const server = createServer().listen({ host: '127.0.0.1', port });
    await once(server, 'listening');
    try {
      assert.equal(await isPortFree('127.0.0.1', port), false, 'a listened port is not free');
    } finally {
      server.close();
    }
  });
});
