// Which process of the stack a measurement keeps busy: CPU time each used over a
// stretch of wall time, in cores (CPU seconds per second), read from /proc (Linux's
// clock ticks are 100 a second). The profile behind the throughput figures.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** utime + stime of a process (its threads included), in seconds; undefined once it is gone. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is the first, utime the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Names and how to find each process now (a restarted worker has a new pid); 'self' is this process. */
export type CpuTargets = Record<string, number | 'self'>;

function read(target: number | 'self'): number | undefined {
  if (target !== 'self') return cpuSeconds(target);
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Starts measuring; the returned function gives each process's cores used since (NaN if it was not there throughout). */
export function startCpuMeter(targets: CpuTargets): () => Record<string, number> {
  const startedAt = performance.now();
  const before = Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, read(t)]));
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    return Object.fromEntries(
      Object.entries(targets).map(([name, t]) => {
        const [a, b] = [before[name], read(t)];
        return [name, a === undefined || b === undefined ? Number.NaN : (b - a) / seconds];
      }),
    );
  };
}
