import { parseArgs } from 'node:util';

export const SCENARIOS = ['latency', 'saturation', 'streaming', 'streams', 'recorder'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/**
 * The configurations users run: all-in-one embedded, gateway + recorder over Redis/Postgres, the same with rate and
 * concurrency limits on, the same traced.
 */
export const CONFIGURATIONS = ['embedded', 'redis', 'limits', 'tracing'] as const;
export type ConfigurationName = (typeof CONFIGURATIONS)[number];

/** Other gateways measured in the same run, on the same mocks (installed on demand outside the project). */
export const PEERS = ['portkey'] as const;
export type PeerName = (typeof PEERS)[number];

export type BenchOptions =
  | {
      command: 'run';
      smoke: boolean;
      scenarios: ScenarioName[];
      configurations: ConfigurationName[];
      /** Also measure the bare Node.js proxy (the floor for any Node gateway on this machine). */
      floor: boolean;
      outDir: string;
      profile: boolean;
      /** Peer gateways to measure (default: all in full runs, none in smoke runs). */
      peers: PeerName[];
      /** Bytes allocated per request, with the inspector's sampling heap profiler (gateways, node-proxy, peers). */
      alloc: boolean;
      /** Print the top allocation sites of each process and keep the raw `.heapprofile` files (implies `alloc`). */
      heapProfile: boolean;
    }
  | { command: 'otlp-sink' }
  | { command: 'bare-proxy'; upstreams: Record<string, string> }
  | { command: 'profile-summary'; file: string; top: number; fromMs?: number }
  | { command: 'help' };

export const USAGE = `usage: node dist/bench/main.js [options]          (npm run bench -- [options])
  --smoke                 every scenario for a second or two, no thresholds (CI)
  --scenarios a,b         subset of ${SCENARIOS.join(',')} (default: all)
  --configs a,b           subset of ${CONFIGURATIONS.join(',')} (default: all)
  --no-floor              skip the bare Node.js proxy reference (the floor for any Node gateway here)
  --profile               run gateways and recorders under --cpu-prof and summarise their saturation window
  --peers a,b             peer gateways to measure too: ${PEERS.join(',')} or none (default: all; none with --smoke)
  --no-peers              measure no peer gateway
  --no-alloc              skip the bytes-allocated-per-request window (inspector + sampling heap profiler)
  --heap-profile          print the top allocation sites of each process and keep the .heapprofile files
  --out DIR               where the JSON result goes (default: bench-results)
other commands:
  profile-summary FILE.cpuprofile [--top 30] [--from-ms 0]   top self-time functions of a CPU profile
  otlp-sink               (internal) the OTLP receiver the tracing configuration exports to (counts spans)
  bare-proxy NAME=URL …   (internal) the bare Node.js proxy, /NAME/… forwarded to URL`;

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    allowNegative: true,
    options: {
      smoke: { type: 'boolean', default: false },
      floor: { type: 'boolean', default: true },
      scenarios: { type: 'string' },
      configs: { type: 'string' },
      profile: { type: 'boolean', default: false },
      peers: { type: 'string' },
      // Only so that parseArgs accepts `--no-peers`, which it then reports as `peers: false`.
      'no-peers': { type: 'boolean' },
      alloc: { type: 'boolean', default: true },
      'heap-profile': { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench-results' },
      top: { type: 'string', default: '30' },
      'from-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { command: 'help' };
  const [command, ...rest] = positionals;
  if (command === 'otlp-sink') return { command: 'otlp-sink' };
  if (command === 'bare-proxy') return { command: 'bare-proxy', upstreams: namedUrls(rest) };
  if (command === 'profile-summary') {
    if (rest.length !== 1) throw new Error('profile-summary needs exactly one .cpuprofile file');
    return {
      command: 'profile-summary',
      file: rest[0],
      top: positiveInteger('--top', values.top),
      fromMs: values['from-ms'] === undefined ? undefined : positiveInteger('--from-ms', values['from-ms']),
    };
  }
  if (command !== undefined) throw new Error(`unknown command "${command}"`);
  return {
    command: 'run',
    smoke: values.smoke,
    scenarios: listOf('--scenarios', values.scenarios, SCENARIOS),
    configurations: listOf('--configs', values.configs, CONFIGURATIONS),
    floor: values.floor,
    outDir: values.out,
    profile: values.profile,
    peers: peersOf(values.peers as string | boolean | undefined, values['no-peers'] === true, values.smoke),
    alloc: values.alloc || values['heap-profile'],
    heapProfile: values['heap-profile'],
  };
}

function peersOf(text: string | boolean | undefined, none: boolean, smoke: boolean): PeerName[] {
  if (none || text === false || text === 'none') return [];
  if (typeof text === 'string') return listOf('--peers', text, PEERS);
  return smoke ? [] : [...PEERS];
}

function listOf<T extends string>(flag: string, text: string | undefined, known: readonly T[]): T[] {
  if (text === undefined) return [...known];
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !known.includes(name as T));
  if (unknown.length > 0 || names.length === 0) throw new Error(`${flag}: expected some of ${known.join(', ')}, got "${text}"`);
  return known.filter((name) => names.includes(name));
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a non-negative integer, got "${text}"`);
  return value;
}

function namedUrls(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1 || !URL.canParse(pair.slice(at + 1))) throw new Error(`bare-proxy: expected NAME=URL, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}
