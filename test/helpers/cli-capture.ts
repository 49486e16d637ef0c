// Runs the CLI in-process (runCli never exits) and captures what a user would see.
import { PassThrough } from 'node:stream';
import { runCli } from '../../cli/index.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliCaptured(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), progressStream: new PassThrough(), env });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
