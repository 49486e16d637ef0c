// An external Temporal may not know the project's search attributes yet: add the
// missing ones (a dev server or self-hosted cluster allows it), or say exactly
// what to run where it does not (Temporal Cloud manages them in its own tools).
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TemporalConfig } from '../../worker/config.js';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/definitions.js';

const KEYWORD = proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/** Returns the names it added (empty when all were there). */
export async function ensureSearchAttributes(config: TemporalConfig): Promise<string[]> {
  const connection = await Connection.connect({ address: config.address, apiKey: config.apiKey, tls: config.tls });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: config.namespace });
    const missing = SEARCH_ATTRIBUTE_KEYS.map((key) => key.name).filter((name) => !(name in (customAttributes ?? {})));
    if (missing.length === 0) return [];
    try {
      await connection.operatorService.addSearchAttributes({
        namespace: config.namespace,
        searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
      });
    } catch (error) {
      const commands = missing.map((name) => `temporal operator search-attribute create --namespace ${config.namespace} --name ${name} --type Keyword`);
      throw new Error(
        `namespace ${config.namespace} at ${config.address} lacks the search attributes ${missing.join(', ')} and they could not be added ` +
          `(${(error as Error).message}); add them first, e.g.: ${commands.join(' && ')}`,
      );
    }
    return missing;
  } finally {
    await connection.close();
  }
}
