// After a chaos run: no token, client secret or URL user-info in any workflow history,
// worker log line or error message the installer saw.
import { readFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { historyToProtoJson } from '../../test/helpers/replay-proto-json.js';
import { findSecrets, findSecretsInText, type SecretFinding } from '../../test/helpers/replay-secrets.js';
import { mapWithConcurrency } from '../demo/pool.js';

export interface SecretsScan {
  histories: number;
  logFiles: number;
  messages: number;
  findings: (SecretFinding & { source: string })[];
}

export async function scanForSecrets(input: {
  client: Client;
  workflowIds: string[];
  logFiles: string[];
  messages: string[];
  secrets: string[];
}): Promise<SecretsScan> {
  const findings: SecretsScan['findings'] = [];
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
  return { histories: input.workflowIds.length, logFiles: input.logFiles.length, messages: input.messages.length, findings };
}
