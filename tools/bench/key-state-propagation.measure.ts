// How fast a key's state reaches another gateway replica through Redis: two RedisKeyStateStores (the replicas) on
// one Redis; replica A marks a key cooling, disabled, then enables it again, round after round, and the time until
// replica B's local read shows each change is measured (pub/sub message + B's merge; no HTTP). The tests only check
// that changes arrive; this is where their speed is measured.
//   node tools/build.mjs key-state-propagation && node dist/key-state-propagation/main.js [--rounds 200]
// Redis: REDIS_URL, default redis://127.0.0.1:6379; every key it writes is under a prefix of its own, removed after.
import { randomUUID } from 'node:crypto';
import { RedisKeyStateStore, type KeyMark, type KeyStatus } from '@tollgate/keypool';
import { openRedis, REDIS_PRESETS } from '@tollgate/platform';
import { summarizeLatencies } from './latency-summary';

const FINGERPRINT = 'bench-key';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

/** Milliseconds until `replica` reads the key in `state`. */
async function timeUntil(replica: RedisKeyStateStore, state: KeyStatus['state'], change: () => unknown): Promise<number> {
  const started = performance.now();
  await change();
  while (replica.read(FINGERPRINT, Date.now()).state !== state) {
    if (performance.now() - started > 10_000) throw new Error(`replica B never read ${state}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - started;
}

async function main(): Promise<void> {
  const rounds = option('--rounds', 200);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const keyPrefix = `tollgate-bench:propagation:${randomUUID()}:`;
  const [a, b] = [new RedisKeyStateStore({ redis: redisUrl, keyPrefix }), new RedisKeyStateStore({ redis: redisUrl, keyPrefix })];
  const timings: Record<string, number[]> = { cooling: [], disabled: [], enabled: [] };
  try {
    await Promise.all([a.track([FINGERPRINT]), b.track([FINGERPRINT])]);
    if (!(await a.whenSynced(5_000)) || !(await b.whenSynced(5_000))) throw new Error(`Redis at ${redisUrl} is not reachable`);
    for (let round = 0; round < rounds; round += 1) {
      const cooling: KeyMark = { state: 'cooling', reason: 'rate_limited', until: Date.now() + 60_000 };
      timings.cooling.push(await timeUntil(b, 'cooling', () => a.mark(FINGERPRINT, cooling, Date.now())));
      timings.disabled.push(await timeUntil(b, 'disabled', () => a.mark(FINGERPRINT, { state: 'disabled', reason: 'unauthorized' }, Date.now())));
      timings.enabled.push(await timeUntil(b, 'valid', () => a.enable(FINGERPRINT)));
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
    const admin = openRedis(redisUrl, REDIS_PRESETS.queueAdmin);
    const keys = await admin.keys(`${keyPrefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  }
  for (const [change, samples] of Object.entries(timings)) {
    const summary = summarizeLatencies(samples);
    process.stdout.write(`${change} A → B over ${samples.length} changes: p50 ${summary.p50.toFixed(2)} ms, p99 ${summary.p99.toFixed(2)} ms, max ${summary.max.toFixed(2)} ms\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
