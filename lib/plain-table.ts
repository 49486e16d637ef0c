// One table look for the CLI and the demo: no colours (they break pipes), no rule between rows.
import Table from 'cli-table3';

type TableOptions = ConstructorParameters<typeof Table>[0];

export function plainTable(head: string[], options: TableOptions = {}): InstanceType<typeof Table> {
  return new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    ...options,
  });
}
