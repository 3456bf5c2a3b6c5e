import { parseCommandStats, scriptCostBetween } from './redis-script.meter';

const BEFORE = `# Commandstats\r
cmdstat_evalsha:calls=1000,usec=50000,usec_per_call=50.00,rejected_calls=0,failed_calls=0\r
cmdstat_xadd:calls=400,usec=600,usec_per_call=1.50,rejected_calls=0,failed_calls=0\r
cmdstat_eval:calls=2,usec=400,usec_per_call=200.00,rejected_calls=0,failed_calls=0\r
`;
const AFTER = `# Commandstats\r
cmdstat_evalsha:calls=5000,usec=270000,usec_per_call=54.00,rejected_calls=0,failed_calls=0\r
cmdstat_xadd:calls=9000,usec=13000,usec_per_call=1.44,rejected_calls=0,failed_calls=0\r
cmdstat_eval:calls=2,usec=400,usec_per_call=200.00,rejected_calls=0,failed_calls=0\r
cmdstat_evalsha_ro:calls=100,usec=1000,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r
`;

describe('parseCommandStats', () => {
  it('reads calls and total microseconds per command', () => {
    const stats = parseCommandStats(BEFORE);
    expect(stats.get('evalsha')).toEqual({ calls: 1000, usec: 50000 });
    expect(stats.get('xadd')).toEqual({ calls: 400, usec: 600 });
    expect(stats.has('# commandstats')).toBe(false);
  });
});

describe('scriptCostBetween', () => {
  it('counts only script commands, only between the snapshots, per request', () => {
    const cost = scriptCostBetween(parseCommandStats(BEFORE), parseCommandStats(AFTER), 1000);
    // 4,000 EVALSHA (220,000 µs) + 100 EVALSHA_RO (1,000 µs); the XADDs and the unchanged EVAL do not count.
    expect(cost).toEqual({ callsPerRequest: 4.1, microsPerCall: 53.9, microsPerRequest: 221 });
  });

  it('answers nothing when no script ran or nothing was served', () => {
    expect(scriptCostBetween(parseCommandStats(BEFORE), parseCommandStats(BEFORE), 1000)).toBeUndefined();
    expect(scriptCostBetween(parseCommandStats(BEFORE), parseCommandStats(AFTER), 0)).toBeUndefined();
  });
});
