// The lifecycle commands: one per client-library function, plus status and list.
import { Option, type Command } from 'commander';
import { REGISTRATION_WAIT_MAX_SECONDS } from '../workflows/validation.js';
import { DELETED_BY, type DeletedBy } from '../workflows/values.js';
import { emit, withSession, type CommandContext } from './context.js';
import { listClusters, PHASES, renderList, SUBSCRIPTION_STATUSES } from './list-clusters.js';
import { integerBetween } from './parsers.js';
import { renderStatus } from './status-view.js';
import type { ClusterLifecycleClient } from '../client/cluster-client.js';

type Send = (lifecycle: ClusterLifecycleClient, clusterId: string, arg: string | undefined, opts: Record<string, string>) => Promise<unknown>;

interface SignalCommand {
  usage: string;
  description: string;
  event: string;
  /** The library call; it checks the input (InvalidInputError names the field and the rule) before sending. */
  send: Send;
  option?: [flags: string, description: string];
}

const SIGNAL_COMMANDS: SignalCommand[] = [
  {
    usage: 'rename <clusterId> <name>',
    description: 'rename the cluster (AMS display_name)',
    event: 'rename',
    send: (l, id, name) => l.renameCluster(id, name!),
  },
  {
    usage: 'set-openshift-id <clusterId> <uuid>',
    description: 'set the OpenShift cluster id (AMS external_cluster_id)',
    event: 'openshift cluster id',
    send: (l, id, uuid) => l.setOpenshiftClusterId(id, uuid!),
  },
  {
    usage: 'set-console-url <clusterId> <url>',
    description: 'set the console URL (absolute https URL; AMS console_url)',
    event: 'console URL',
    send: (l, id, url) => l.setConsoleUrl(id, url!),
  },
  {
    usage: 'installed <clusterId>',
    description: 'the install succeeded: the subscription becomes Active',
    event: 'install succeeded',
    send: (l, id) => l.markInstalled(id),
  },
  {
    usage: 'install-failed <clusterId>',
    description: 'the install failed: no AMS call, the subscription stays Reserved',
    event: 'install failed',
    send: (l, id, _arg, opts) => l.markInstallFailed(id, opts.reason),
    option: ['--reason <text>', 'why it failed (kept in the workflow state and shown in its details, at most 2000 characters)'],
  },
  {
    usage: 'restart-install <clusterId>',
    description: 'the install restarts: the next OpenShift id overwrites the obsolete one',
    event: 'install restarted',
    send: (l, id) => l.restartInstall(id),
  },
];

/** A command that sends one lifecycle event and reports that it was accepted. */
function addSignalCommand(program: Command, ctx: CommandContext, spec: SignalCommand): void {
  const command = program.command(spec.usage).description(spec.description);
  if (spec.option) command.option(...spec.option);
  command.action(async (clusterId: string, ...rest: unknown[]) => {
    const opts = command.opts<Record<string, string>>();
    const arg = typeof rest[0] === 'string' ? rest[0] : undefined;
    await withSession(ctx, command, (s) => spec.send(s.lifecycle, clusterId, arg, opts));
    emit(
      ctx,
      command,
      { ok: true, clusterId, event: spec.event, ...(arg !== undefined ? { value: arg } : {}) },
      `cluster ${clusterId}: ${spec.event} sent${arg !== undefined ? ` (${arg})` : ''}; the workflow applies it to AMS (see: status ${clusterId})`,
    );
  });
}

export function addClusterCommands(program: Command, ctx: CommandContext): void {
  program
    .command('register <clusterId>')
    .description('register a cluster: starts its workflow and prints the AMS subscription id')
    .requiredOption('--name <displayName>', 'cluster display name')
    .requiredOption('--account <username>', "AMS account that owns the subscription (the installer's user)")
    .option('--wait <seconds>', 'how long to wait for AMS before exit 6 (pending)', integerBetween(1, REGISTRATION_WAIT_MAX_SECONDS), 30)
    .action(async (clusterId: string, opts: { name: string; account: string; wait: number }, command: Command) => {
      const registration = { clusterId, displayName: opts.name, accountUsername: opts.account };
      const result = await withSession(ctx, command, (s) => s.lifecycle.registerCluster(registration), {
        registrationWaitSeconds: opts.wait,
      });
      emit(ctx, command, { clusterId, ...result }, result.subscriptionId);
    });

  for (const spec of SIGNAL_COMMANDS) addSignalCommand(program, ctx, spec);

  program
    .command('delete <clusterId>')
    .description(
      'the cluster is deleted: a Reserved subscription is deleted, an Active one left untouched. Exit 0 with "already deleted" ' +
        'when there is nothing of this service\'s to delete (deletion done, registration refused by AMS, or no run: never ' +
        'registered or forgotten after the retention); a cluster whose run an operator terminated or cancelled gets a short run that does it',
    )
    .addOption(new Option('--by <who>', 'who deleted it').choices(DELETED_BY).default('user'))
    .action(async (clusterId: string, opts: { by: DeletedBy }, command: Command) => {
      const { alreadyDeleted } = await withSession(ctx, command, (s) => s.lifecycle.deleteCluster(clusterId, opts.by));
      emit(
        ctx,
        command,
        { ok: true, clusterId, event: 'deleted', by: opts.by, alreadyDeleted },
        alreadyDeleted
          ? `cluster ${clusterId} was already deleted: nothing to do`
          : `cluster ${clusterId}: deletion (by ${opts.by}) sent; the workflow applies it to AMS`,
      );
    });

  program
    .command('status <clusterId>')
    .description('desired vs applied AMS state, pending AMS work, phase and last AMS error')
    .action(async (clusterId: string, _opts: unknown, command: Command) => {
      const view = await withSession(ctx, command, (s) => s.lifecycle.getClusterState(clusterId));
      emit(ctx, command, view, renderStatus(view));
    });

  program
    .command('list')
    .description('list cluster workflows by their search attributes (needs a server with visibility, e.g. the dev server)')
    .addOption(new Option('--phase <phase>', 'only this phase').choices(PHASES))
    .addOption(new Option('--status <status>', 'only this AMS subscription status').choices(SUBSCRIPTION_STATUSES))
    .option('--query <query>', "extra visibility query, e.g. \"ClusterId = '…'\" or \"OpenshiftClusterId = '…'\"")
    .option('--limit <n>', 'at most this many', integerBetween(1, 10_000), 50)
    .action(async (opts: { phase?: string; status?: string; query?: string; limit: number }, command: Command) => {
      const items = await withSession(ctx, command, (s) => listClusters(s.client, opts, opts.limit));
      emit(ctx, command, items, renderList(items));
    });
}
