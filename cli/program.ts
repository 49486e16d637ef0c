// The `ams-lifecycle` command tree (commander). Errors are not printed here:
// runCli turns every failure into one line on stderr and an exit code.
import { Command } from 'commander';
import { CONFIG_VARIABLES } from '../worker/config.js';
import { addAdoptCommand } from './adopt/command.js';
import { addAmsCommands } from './ams-commands.js';
import { addClusterCommands } from './cluster-commands.js';
import type { CommandContext } from './context.js';
import { addDemoCommand } from './demo-command.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { integerBetween } from './parsers.js';
import { addServiceCommands } from './service-commands.js';
import { addSweepCommand } from './sweep-command.js';

const CONNECTION_VARIABLES = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CERT_PATH',
  'TEMPORAL_TLS_KEY_PATH',
] as const;

const ENVIRONMENT_HELP = [
  '',
  'Environment (flags win over variables; the worker command reads the full table in the README):',
  ...CONNECTION_VARIABLES.map((name) => {
    const { default: value, doc } = CONFIG_VARIABLES[name];
    return `  ${name.padEnd(24)} ${doc}${value ? ` (default ${value})` : ''}`;
  }),
  `  ${'AMS_URL'.padEnd(24)} operator commands (subscriptions, whoami, capabilities): the OCM API root;`,
  `  ${''.padEnd(24)} demo: the AMS emulator to check (default http://127.0.0.1:8000)`,
  `  ${'AMS_CLIENT_ID'.padEnd(24)} operator commands log in as the worker does: AMS_TOKEN_URL, AMS_CLIENT_ID with`,
  `  ${''.padEnd(24)} AMS_CLIENT_SECRET or AMS_CLIENT_SECRET_FILE, or AMS_TOKEN or AMS_TOKEN_FILE`,
].join('\n');

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('ams-lifecycle')
    .description('Drive and inspect the clusterSubscription workflows that keep AMS subscriptions in step with clusters.')
    .option('--json', 'machine-readable output (results on stdout, errors as one JSON object on stderr)')
    .option('--address <host:port>', 'Temporal frontend address (TEMPORAL_ADDRESS)')
    .option('--namespace <namespace>', 'Temporal namespace (TEMPORAL_NAMESPACE)')
    .option('--task-queue <queue>', 'task queue of the workers (TEMPORAL_TASK_QUEUE)')
    .option('--timeout <seconds>', 'deadline of each call to Temporal; register waits --wait on top (default 10)', integerBetween(1, 3600))
    .configureOutput({
      writeOut: (text) => ctx.io.out(text.replace(/\n$/, '')),
      writeErr: (text) => ctx.io.err(text.replace(/\n$/, '')),
      outputError: () => undefined, // runCli prints the one-line error
    })
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText('after', `${ENVIRONMENT_HELP}\n${EXIT_CODES_HELP}`);

  addClusterCommands(program, ctx);
  addSweepCommand(program, ctx);
  addServiceCommands(program, ctx);
  addDemoCommand(program, ctx);
  addAmsCommands(program, ctx);
  addAdoptCommand(program, ctx);
  return program;
}
