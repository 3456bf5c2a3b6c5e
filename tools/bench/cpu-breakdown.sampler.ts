import { availableParallelism } from 'node:os';
import { MachineCpuMeter, readProcessSample } from './process-usage.reader';

/** A part of the system under test and the processes it runs as. */
export interface Component {
  name: string;
  pids: number[];
}

export interface ComponentUsage {
  name: string;
  /** CPU over the window in % of one core (200% = both cores of a 2-core box). */
  cpuPercent: number;
  /** RSS at the end of the window, summed over the component's processes. */
  rssBytes: number;
  /**
   * CPU time per request served in the window: comparable between runs even when other work competes for the cores.
   * Absent when the component has no local process to read (a remote Postgres).
   */
  cpuMicrosPerRequest?: number;
}

export interface CpuBreakdown {
  windowSeconds: number;
  components: ComponentUsage[];
  /** The benchmark process itself: load generator and samplers. */
  loadGeneratorCpuPercent: number;
  /** Busy time of the whole machine in % of one core, and what no listed process accounts for (other tenants). */
  machineCpuPercent: number;
  unaccountedCpuPercent: number;
}

/** Measures who used the CPU between `start()` and `stop()`, from /proc. */
export class CpuBreakdownSampler {
  private readonly startedAt = performance.now();
  private readonly startCpu: Map<number, number>;
  private readonly startSelf = process.cpuUsage();
  private readonly machine = new MachineCpuMeter();

  constructor(private readonly components: Component[]) {
    this.startCpu = new Map(components.flatMap((component) => component.pids).map((pid) => [pid, readProcessSample(pid)?.cpuSeconds ?? Number.NaN]));
  }

  /** Ends the window; `requests` served in it gives each component's CPU time per request. */
  stop(requests?: number): CpuBreakdown {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const percent = (cpuSeconds: number) => Math.round((cpuSeconds / seconds) * 1000) / 10;
    const components = this.components.map((component): ComponentUsage => {
      let cpu = 0;
      let rss = 0;
      for (const pid of component.pids) {
        const now = readProcessSample(pid);
        const before = this.startCpu.get(pid);
        if (now && before !== undefined && Number.isFinite(before)) cpu += now.cpuSeconds - before;
        rss += now?.rssBytes ?? 0;
      }
      const usage: ComponentUsage = { name: component.name, cpuPercent: percent(cpu), rssBytes: rss };
      if (requests && component.pids.length > 0) usage.cpuMicrosPerRequest = Math.round((cpu / requests) * 1e6);
      return usage;
    });
    const self = process.cpuUsage(this.startSelf);
    const loadGeneratorCpuPercent = percent((self.user + self.system) / 1e6);
    const machineCpuPercent = Math.round(this.machine.busyCores(availableParallelism()) * 1000) / 10;
    const accounted = components.reduce((sum, component) => sum + component.cpuPercent, loadGeneratorCpuPercent);
    return {
      windowSeconds: Math.round(seconds * 10) / 10,
      components,
      loadGeneratorCpuPercent,
      machineCpuPercent,
      unaccountedCpuPercent: Math.round(Math.max(0, machineCpuPercent - accounted) * 10) / 10,
    };
  }
}
