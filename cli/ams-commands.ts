// The operator's AMS commands: subscriptions get/search/for-cluster, whoami and
// capabilities list/enable/disable/check. Each is one AMS client method; bad
// input is refused by that client (or by AMS), never checked again here.
import type { Command } from 'commander';
import { CapabilityChecker } from '../client/capabilities.js';
import { ClusterNotFoundError, LifecycleTimeoutError } from '../client/errors.js';
import { CliError, describeFailure, type CliFailure } from './exit-codes.js';
import { amsClientFor, withAmsOptions } from './ams-session.js';
import { compareWithRun, renderAccount, renderComparison, renderLabels, renderSubscription, renderSubscriptionList } from './ams-views.js';
import { emit, withSession, type CommandContext } from './context.js';
import { AmsInputError, capabilityKey } from '../ams/operator.js';
import { integerBetween } from './parsers.js';

/** Temporal unreachable, or no answer in time: the run's side is unknown, AMS's can still be shown. */
function isTemporalSilent(error: unknown): boolean {
  return error instanceof LifecycleTimeoutError || (error instanceof CliError && error.code === 'temporal-unreachable');
}

export function addAmsCommands(program: Command, ctx: CommandContext): void {
  const subscriptions = program.command('subscriptions').description('read AMS subscriptions (operator; AMS credentials as the worker reads them)');

  withAmsOptions(subscriptions.command('get <subscriptionId>').description('one AMS subscription'))
    .action(async (id: string, _opts: unknown, command: Command) => {
      const sub = await amsClientFor(ctx, command).getSubscription(id);
      emit(ctx, command, sub, renderSubscription(sub));
    });

  withAmsOptions(
    subscriptions
      .command('search <expression>')
      .description(`subscriptions matching an AMS search expression, e.g. "cluster_id = '…'" or "status = 'Reserved'"`)
      .option('--page <n>', 'page number', integerBetween(1, 1_000_000), 1)
      .option('--size <n>', 'subscriptions per page', integerBetween(1, 1000), 100)
      .option('--order <orderBy>', "AMS orderBy, e.g. 'created_at desc'"),
  ).action(async (search: string, opts: { page: number; size: number; order?: string }, command: Command) => {
    const input = { search, page: opts.page, size: opts.size, ...(opts.order ? { orderBy: opts.order } : {}) };
    const list = await amsClientFor(ctx, command).listSubscriptions(input);
    emit(ctx, command, list, renderSubscriptionList(list));
  });

  withAmsOptions(
    subscriptions
      .command('for-cluster <clusterId>')
      .description(
        "the cluster's AMS subscription(s) beside its run's view (the workflow's state query), with the differences; a status AMS moved on " +
          "by itself (Active to Stale, …) is a note, not a difference. When Temporal or the worker does not answer, AMS's side is shown " +
          'alone with a note, and the exit code is that failure\'s (1 unreachable, 9 no answer in time)',
      ),
  ).action(async (clusterId: string, _opts: unknown, command: Command) => {
    const ams = amsClientFor(ctx, command);
    let runUnknown: CliFailure | undefined;
    const view = await withSession(ctx, command, async (s) => {
      try {
        return await s.lifecycle.getClusterState(clusterId);
      } catch (error) {
        if (error instanceof ClusterNotFoundError) return undefined;
        throw error;
      }
    }).catch((error: unknown) => {
      if (!isTemporalSilent(error)) throw error;
      runUnknown = describeFailure(error);
      return undefined;
    });
    const found = await ams.findSubscriptionsByClusterId(view?.registration.clusterId ?? clusterId.toLowerCase()); // ids are one cluster in any case
    if (!view && !runUnknown && found.length === 0) throw new ClusterNotFoundError(clusterId);
    const comparison = compareWithRun(clusterId, found, view, runUnknown?.message);
    emit(ctx, command, comparison, renderComparison(comparison));
    if (runUnknown) ctx.setExitCode(runUnknown.exitCode);
  });

  withAmsOptions(program.command('whoami').description('the AMS account these credentials log in as')).action(async (_opts: unknown, command: Command) => {
    const account = await amsClientFor(ctx, command).getCurrentAccount();
    emit(ctx, command, account, renderAccount(account));
  });

  addCapabilityCommands(program, ctx);
}

function addCapabilityCommands(program: Command, ctx: CommandContext): void {
  const capabilities = program
    .command('capabilities')
    .description('organisation capabilities (AMS organisation labels such as capability.organization.bare_metal_installer_multiarch)');
  const withOrg = (command: Command) => withAmsOptions(command.requiredOption('--org <organizationId>', 'AMS organisation id (whoami shows yours)'));

  withOrg(capabilities.command('list').description("the organisation's capability labels")).action(async (opts: { org: string }, command: Command) => {
    const labels = (await amsClientFor(ctx, command).listOrganizationLabels(opts.org)).filter((l) => l.key.startsWith('capability.'));
    emit(ctx, command, { organizationId: opts.org, capabilities: labels }, renderLabels(opts.org, labels));
  });

  withOrg(capabilities.command('enable <name>').description('set the capability label to "true" (internal: true); needs a label-admin role')).action(
    async (name: string, opts: { org: string }, command: Command) => {
      const key = capabilityKey('enableCapability', name);
      const label = await amsClientFor(ctx, command).putOrganizationLabel(opts.org, { key, value: 'true', internal: true });
      emit(ctx, command, { organizationId: opts.org, capability: key, enabled: true, label }, `capability ${key} enabled for organization ${opts.org}`);
    },
  );

  withOrg(capabilities.command('disable <name>').description('delete the capability label (exit 3 if it is not there)')).action(
    async (name: string, opts: { org: string }, command: Command) => {
      const key = capabilityKey('disableCapability', name);
      await amsClientFor(ctx, command).deleteOrganizationLabel(opts.org, key);
      emit(ctx, command, { organizationId: opts.org, capability: key, enabled: false }, `capability ${key} disabled for organization ${opts.org}`);
    },
  );

  withOrg(
    capabilities
      .command('check <name>')
      .description("AMS's capability review: does the organisation have it? (exit 0 either way; --json for scripts)")
      .option('--account <username>', 'account reviewed (default: the one these credentials log in as)'),
  ).action(async (name: string, opts: { org: string; account?: string }, command: Command) => {
    const capability = capabilityKey('reviewCapability', name);
    if (opts.account === '') throw new AmsInputError('reviewCapability', 'accountUsername', 'must be a non-empty string (--account)');
    // The library's checker, uncached: the same account fallback (username, else id) as the installer gets.
    const checker = new CapabilityChecker({ ams: amsClientFor(ctx, command), cacheTtlMs: 0, ...(opts.account === undefined ? {} : { accountUsername: opts.account }) });
    const enabled = await checker.hasCapability(opts.org, capability);
    const accountUsername = await checker.reviewedAccount();
    emit(
      ctx,
      command,
      { organizationId: opts.org, capability, accountUsername, enabled },
      `capability ${capability} is ${enabled ? 'enabled' : 'not enabled'} for organization ${opts.org} (reviewed for ${accountUsername})`,
    );
  });
}
