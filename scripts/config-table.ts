// Prints the README's configuration tables from the code that reads the variables,
// so the README cannot drift: test/readme.test.ts compares them.
import { DEV_VARIABLES } from './dev/options.js';
import { CONFIG_VARIABLES } from '../worker/config.js';

type Table = Record<string, { default: string; doc: string }>;

export function markdownTable(variables: Table): string {
  const rows = Object.entries(variables).map(
    ([name, v]) => `| \`${name}\` | ${v.default ? `\`${v.default}\`` : '—'} | ${v.doc} |`,
  );
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export const workerTable = (): string => markdownTable(CONFIG_VARIABLES);
export const devStackTable = (): string => markdownTable(DEV_VARIABLES);

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`${workerTable()}\n\n${devStackTable()}`);
}
