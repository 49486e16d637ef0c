// The operator commands' AMS client: the worker's AMS configuration (AMS_URL,
// AMS_TOKEN_URL, AMS_CLIENT_ID with AMS_CLIENT_SECRET[_FILE], or AMS_TOKEN[_FILE]),
// with --ams-url/--ams-token-url/--ams-client-id on top. Secrets come from the
// environment or files only: a flag would show them in `ps`.
import type { Command } from 'commander';
import { AmsOperatorClient } from '../ams/operator.js';
import { loadAmsConfig } from '../worker/config.js';
import { envWithOverrides, withFlagNames, type Overrides } from './connection.js';
import type { CommandContext } from './context.js';

const AMS_OVERRIDES: Overrides = [
  ['amsUrl', 'AMS_URL', '--ams-url'],
  ['amsTokenUrl', 'AMS_TOKEN_URL', '--ams-token-url'],
  ['amsClientId', 'AMS_CLIENT_ID', '--ams-client-id'],
];

/** Adds the AMS connection flags to an operator command. */
export function withAmsOptions(command: Command): Command {
  return command
    .option('--ams-url <url>', 'OCM API root (AMS_URL), e.g. the emulator at http://127.0.0.1:8000')
    .option('--ams-token-url <url>', 'OAuth2 token endpoint for client credentials (AMS_TOKEN_URL)')
    .option('--ams-client-id <id>', 'service account client id (AMS_CLIENT_ID; the secret from AMS_CLIENT_SECRET or AMS_CLIENT_SECRET_FILE)');
}

/** An AMS client configured as the worker's is, the command's flags laid over the environment. */
export function amsClientFor(ctx: CommandContext, command: Command): AmsOperatorClient {
  const opts = command.optsWithGlobals();
  const config = withFlagNames(opts, () => loadAmsConfig(envWithOverrides(ctx.io.env, opts, AMS_OVERRIDES)), AMS_OVERRIDES);
  return new AmsOperatorClient(config);
}
