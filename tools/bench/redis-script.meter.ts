import Redis from 'ioredis';

/** What the Redis server spent running Lua scripts (BullMQ's job scripts) during a window, per request served. */
export interface RedisScriptCost {
  /** Script calls (EVAL, EVALSHA and their read-only forms) per successful request. */
  callsPerRequest: number;
  /** Server time per script call, as Redis' INFO commandstats counts it. */
  microsPerCall: number;
  microsPerRequest: number;
}

export interface CommandStat {
  calls: number;
  usec: number;
}

const SCRIPT_COMMANDS = ['eval', 'evalsha', 'eval_ro', 'evalsha_ro'];
const STAT_LINE = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/;

/** Parses `INFO commandstats`: command name → calls and total microseconds. */
export function parseCommandStats(info: string): Map<string, CommandStat> {
  const stats = new Map<string, CommandStat>();
  for (const line of info.split(/\r?\n/)) {
    const match = STAT_LINE.exec(line);
    if (match) stats.set(match[1].toLowerCase(), { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/** The script calls between two snapshots, divided over `requests`. Server-wide: every client's scripts count. */
export function scriptCostBetween(before: Map<string, CommandStat>, after: Map<string, CommandStat>, requests: number): RedisScriptCost | undefined {
  let calls = 0;
  let usec = 0;
  for (const command of SCRIPT_COMMANDS) {
    calls += (after.get(command)?.calls ?? 0) - (before.get(command)?.calls ?? 0);
    usec += (after.get(command)?.usec ?? 0) - (before.get(command)?.usec ?? 0);
  }
  if (requests <= 0 || calls <= 0) return undefined;
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  return { callsPerRequest: round(calls / requests, 2), microsPerCall: round(usec / calls, 1), microsPerRequest: round(usec / requests, 0) };
}

/** Snapshots the server's command statistics now; `stop` answers the script cost since then. */
export async function meterRedisScripts(redisUrl: string): Promise<{ stop(requests: number): Promise<RedisScriptCost | undefined> }> {
  const before = await readCommandStats(redisUrl);
  return { stop: async (requests) => scriptCostBetween(before, await readCommandStats(redisUrl), requests) };
}

/** One short-lived connection per snapshot, so a load that fails in between leaves nothing open. */
async function readCommandStats(redisUrl: string): Promise<Map<string, CommandStat>> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return parseCommandStats(await redis.info('commandstats'));
  } finally {
    redis.disconnect();
  }
}
