// The Temporal versions the project pins, in one place: scripts/devserver/go.mod,
// whose module is the dev server of npm start and the tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEVSERVER_GO_MOD = fileURLToPath(new URL('../../scripts/devserver/go.mod', import.meta.url));

/** The release version (no "v") go.mod requires of a module; throws unless exactly one. */
export function pinnedVersion(module: string, goMod = readFileSync(DEVSERVER_GO_MOD, 'utf8')): string {
  const line = new RegExp(`^\\s*${module.replace(/\./g, '\\.')} v(\\d+\\.\\d+\\.\\d+)$`, 'gm');
  const found = [...goMod.matchAll(line)];
  if (found.length !== 1) throw new Error(`scripts/devserver/go.mod must require ${module} once, at a release version`);
  return found[0]![1]!;
}

export const SERVER_VERSION = pinnedVersion('go.temporal.io/server');
export const UI_VERSION = pinnedVersion('github.com/temporalio/ui-server/v2');
