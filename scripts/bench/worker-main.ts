// The bench's worker process: the probe first, then the project's real entry point
// (worker/main.ts) unchanged. Not a `--import` of the probe: the SDK's workflow thread
// inherits the process's flags and cannot load a TypeScript preload.
import './probe.js';

await import('../../worker/main.js');
