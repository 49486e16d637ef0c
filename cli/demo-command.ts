// `ams-lifecycle demo`: see scripts/demo/. Exit 7 when AMS differs from the design.
import { randomInt } from 'node:crypto';
import type { Command } from 'commander';
import { DEMO_DEFAULTS, DemoSetupError, renderReport, runDemo } from '../scripts/demo/index.js';
import { emit, globalsOf, withSession, type CommandContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { integerBetween } from './parsers.js';

interface DemoCommandOptions {
  clusters: number;
  seed?: number;
  concurrency: number;
  amsUrl?: string;
  settleTimeout: number;
}

export function addDemoCommand(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description('drive N simulated clusters through realistic lives against the running stack and check AMS against the design')
    .option('--clusters <n>', 'how many clusters', integerBetween(1, 10_000), DEMO_DEFAULTS.clusters)
    .option('--seed <seed>', 'makes the run repeatable: same lives, names and ids (default: random, printed)', integerBetween(0, 2 ** 32 - 1))
    .option('--concurrency <n>', 'clusters driven at once', integerBetween(1, 256), DEMO_DEFAULTS.concurrency)
    .option('--ams-url <url>', `the AMS emulator the worker uses (default AMS_URL or ${DEMO_DEFAULTS.amsUrl})`)
    .option('--settle-timeout <seconds>', 'how long to wait for the workflows to apply everything', integerBetween(1, 3600), DEMO_DEFAULTS.settleTimeoutMs / 1000)
    .action(async (opts: DemoCommandOptions, command: Command) => {
      const json = Boolean(globalsOf(command).json);
      const seed = opts.seed ?? randomInt(0, 2 ** 32 - 1);
      if (!json) ctx.io.err(`demo: ${opts.clusters} clusters, seed ${seed} (repeat with --seed ${seed} against a fresh stack)`);
      const result = await withSession(ctx, command, async (session) => {
        try {
          return await runDemo({
            clusters: opts.clusters,
            seed,
            client: session.client,
            lifecycle: session.lifecycle,
            amsUrl: opts.amsUrl ?? (ctx.io.env.AMS_URL || undefined),
            concurrency: opts.concurrency,
            settleTimeoutMs: opts.settleTimeout * 1000,
            progress: json ? undefined : ctx.io.progressStream,
          });
        } catch (error) {
          if (error instanceof DemoSetupError) throw new CliError(error.message, EXIT.usage, 'demo-setup');
          throw error;
        }
      });
      emit(ctx, command, result, `${renderReport(result.rows, result.problems)}\n${result.clusters} clusters in ${(result.elapsedMs / 1000).toFixed(1)} s, seed ${seed}`);
      if (!result.allMatch) ctx.setExitCode(EXIT.demoMismatch);
    });
}
