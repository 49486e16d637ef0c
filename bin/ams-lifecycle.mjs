#!/usr/bin/env node
// Runs the TypeScript CLI straight from a clone (no build step): tsx compiles on load.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../cli/index.ts');
// Exit explicitly: a closed Temporal connection or SDK runtime may leave idle handles behind.
process.exit(await runCli(process.argv.slice(2)));
