import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident memory of a process in bytes, from the `VmRSS:` line of /proc/<pid>/status. */
export function parseRssBytes(statusText: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** utime + stime (clock ticks) from /proc/<pid>/stat; the command name may contain spaces and parentheses. */
export function parseCpuTicks(statText: string): number | undefined {
  const afterName = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  // Fields after the name start at field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(afterName[14 - 3]);
  const stime = Number(afterName[15 - 3]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** Busy and total clock ticks of the whole machine, from the first line of /proc/stat. */
export function parseMachineTicks(procStat: string): { busy: number; total: number } | undefined {
  const line = procStat.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (!line) return undefined;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

let ticksPerSecond: number | undefined;

export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcessSample {
  rssBytes: number;
  cpuSeconds: number;
}

/** RSS and CPU time used so far by a live process; undefined when it is gone or not readable. */
export function readProcessSample(pid: number): ProcessSample | undefined {
  try {
    const rssBytes = parseRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const ticks = parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (rssBytes === undefined || ticks === undefined) return undefined;
    return { rssBytes, cpuSeconds: ticks / clockTicksPerSecond() };
  } catch {
    return undefined;
  }
}

/** Busy cores of the whole machine between two readings of /proc/stat. */
export class MachineCpuMeter {
  private last = readMachineTicks();

  /** Average number of busy cores since the previous call (or construction). */
  busyCores(cores: number): number {
    const now = readMachineTicks();
    const before = this.last;
    this.last = now;
    if (!now || !before || now.total === before.total) return Number.NaN;
    return ((now.busy - before.busy) / (now.total - before.total)) * cores;
  }
}

function readMachineTicks(): { busy: number; total: number } | undefined {
  try {
    return parseMachineTicks(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}
