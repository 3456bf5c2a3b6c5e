// The benchmark harness (docs/benchmarks.md): `npm run bench` builds the bundles and runs this.
//   node dist/bench/main.js [--smoke] [--scenarios …] [--configs …] [--peers …|--no-peers] [--no-alloc] [--heap-profile]
//                           [--profile] [--out DIR]
//   node dist/bench/main.js profile-summary FILE.cpuprofile [--top 30] [--from-ms 0]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseBenchOptions, USAGE } from './bench-options';
import { killAllLaunched } from './child-process.launcher';
import { formatCpuProfileSummary, summarizeCpuProfile, type CpuProfile } from './cpu-profile.summary';
import { runBareProxy } from './bare-proxy.server';
import { runOtlpSink } from './otlp-sink.server';

/** dist/bench/main.js (or tools/bench/main.ts) → the workspace root. */
const WORKSPACE = resolve(__dirname, '../..');

async function main(argv: string[]): Promise<number | undefined> {
  const options = parseBenchOptions(argv);
  switch (options.command) {
    case 'help':
      console.log(USAGE);
      return 0;
    case 'otlp-sink':
      await runOtlpSink();
      return undefined; // serves until SIGTERM
    case 'bare-proxy':
      await runBareProxy(options.upstreams);
      return undefined;
    case 'profile-summary': {
      const profile = JSON.parse(readFileSync(options.file, 'utf8')) as CpuProfile;
      console.log(formatCpuProfileSummary(summarizeCpuProfile(profile, { top: options.top, fromMs: options.fromMs })));
      return 0;
    }
    case 'run':
      process.once('SIGINT', () => {
        killAllLaunched();
        process.exit(130);
      });
      // Loaded only here: the helper processes (bare proxy, OTLP sink) stay lean without the harness's dependencies.
      return (await import('./bench.run')).runBench(options, WORKSPACE);
  }
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    if (exitCode !== undefined) process.exit(exitCode);
  },
  (error: unknown) => {
    killAllLaunched();
    console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
