// After a chaos run: no token, client secret or URL user-info in any workflow history,
// worker log line, error message the installer saw, or Web UI page (what the UI's API
// serves its pages: the list, each run's description, history and current details).
import { readFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { historyToProtoJson } from '../../test/helpers/replay-proto-json.js';
import { findSecrets, findSecretsInText, type SecretFinding } from '../../test/helpers/replay-secrets.js';
import { mapWithConcurrency } from '../demo/pool.js';

export interface SecretsScan {
  histories: number;
  logFiles: number;
  messages: number;
  uiPages: number;
  findings: (SecretFinding & { source: string })[];
}

export async function scanForSecrets(input: {
  client: Client;
  workflowIds: string[];
  logFiles: string[];
  messages: string[];
  /** Each run's clusterState: what the query and the current details show. */
  states: unknown[];
  secrets: string[];
  /** The Web UI, when the server has one. */
  uiUrl?: string;
}): Promise<SecretsScan> {
  const findings: SecretsScan['findings'] = [];
  let uiPages = 0;
  if (input.uiUrl) {
    const api = `${input.uiUrl}/api/v1/namespaces/default/workflows`;
    const pages = [api, ...input.workflowIds.flatMap((id) => [`${api}/${id}`, `${api}/${id}/history`])];
    await mapWithConcurrency(pages, 8, async (url) => {
      const text = await (await fetch(url)).text();
      uiPages += 1;
      for (const f of findSecrets(text, input.secrets)) findings.push({ ...f, source: `Web UI ${url.slice(input.uiUrl!.length)}` });
    });
  }
  await mapWithConcurrency(input.workflowIds, 8, async (workflowId) => {
    const history = await input.client.workflow.getHandle(workflowId).fetchHistory();
    // Proto JSON, as the CLI and the Web UI export it: payload data as base64, decoded by the scan.
    const text = JSON.stringify(historyToProtoJson(history));
    for (const f of findSecrets(text, input.secrets)) findings.push({ ...f, source: `history of ${workflowId}` });
  });
  for (const file of input.logFiles) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const f of findSecretsInText(text, input.secrets, 'log')) findings.push({ ...f, source: file });
  }
  for (const f of findSecretsInText(input.messages.join('\n'), input.secrets, 'error messages')) findings.push({ ...f, source: 'client errors' });
  for (const f of findSecretsInText(JSON.stringify(input.states), input.secrets, 'run states')) findings.push({ ...f, source: 'clusterState queries' });
  return { histories: input.workflowIds.length, logFiles: input.logFiles.length, messages: input.messages.length, uiPages, findings };
}
