import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { MachineCpuMeter } from './process-usage.reader';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  kernel: string;
  node: string;
  /** 1-minute load average when the run started. */
  loadAverage1m: number;
  /** Busy cores before the run started (other tenants of the box), measured over one second. */
  backgroundBusyCores: number;
}

export interface CommitInfo {
  sha: string;
  /** Uncommitted changes were present in the working tree. */
  dirty: boolean;
}

export async function describeMachine(): Promise<MachineInfo> {
  const meter = new MachineCpuMeter();
  await sleep(1_000);
  const cores = availableParallelism();
  return {
    cpus: cores,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    kernel: release(),
    node: process.version,
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    backgroundBusyCores: Math.round(meter.busyCores(cores) * 100) / 100,
  };
}

export function describeCommit(workspace: string): CommitInfo {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace, encoding: 'utf8' }).trim();
  try {
    return { sha: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0 };
  } catch {
    return { sha: 'unknown', dirty: false };
  }
}
