// A stand-in for the dev stack in test/dev-stack.emulator-process.test.ts: starts the
// emulator child as npm start does, prints where it is, and waits to be killed.
import { startEmulatorProcess } from '../../scripts/dev/emulator-process.js';

const dataFile = process.argv[2];
if (!dataFile) throw new Error('usage: emulator-parent.ts DATA_FILE');
const emu = await startEmulatorProcess({ port: 0, dataFile }, { signal: new AbortController().signal, log: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${JSON.stringify({ url: emu.url, tokenUrl: emu.tokenUrl, credentials: emu.credentials, pid: emu.pid })}\n`);
setInterval(() => undefined, 60_000);
