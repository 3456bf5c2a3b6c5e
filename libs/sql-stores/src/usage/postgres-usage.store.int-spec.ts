import { buildEndedEvent, buildStartedEvent } from '@tollgate/testing';
import { InterceptionEventWriter, type TollgateDataSource } from '@tollgate/persistence';
import type { SqlClient } from '@tollgate/platform';
import { PostgresUsageStore } from './postgres-usage.store';
import { SQL_BACKENDS } from '../sql-backends.test-support';

const usage = (inputTokens: number, outputTokens: number, cacheReadInputTokens = 0, cacheWriteInputTokens = 0) => ({
  providerResponseId: `r-${inputTokens}`,
  inputTokens,
  outputTokens,
  cacheReadInputTokens,
  cacheWriteInputTokens,
  extra: {},
});

describe.each(SQL_BACKENDS)('PostgresUsageStore on $name', (backend) => {
  let sql: SqlClient;
  let dataSource: TollgateDataSource;
  let dispose: () => Promise<unknown>;
  let store: PostgresUsageStore;
  const from = new Date('2026-11-01T00:00:00Z');
  const to = new Date('2026-12-01T00:00:00Z');

  beforeAll(async () => {
    ({ sql, dataSource, dispose } = await backend.open());
    store = new PostgresUsageStore(sql);
    const started = [
      buildStartedEvent({ initiatorId: 'alice', providerName: 'openai', model: 'gpt-4o-mini', occurredAt: '2026-11-01T00:00:00.000Z' }),
      buildStartedEvent({ initiatorId: 'alice', providerName: 'anthropic', model: 'claude-sonnet-4-5', occurredAt: '2026-11-02T23:59:59.999Z' }),
      buildStartedEvent({ initiatorId: 'bob', providerName: 'openai', model: 'gpt-4o-mini', occurredAt: '2026-11-02T12:00:00.000Z' }),
      // outside the range: `to` is exclusive
      buildStartedEvent({ initiatorId: 'bob', providerName: 'openai', model: 'gpt-4o-mini', occurredAt: '2026-12-01T00:00:00.000Z' }),
      // BYOK (in December, outside the ranges above): reported, never counted against a budget
      buildStartedEvent({
        initiatorId: 'alice',
        providerName: 'openai',
        model: 'gpt-4o-mini',
        occurredAt: '2026-12-15T00:00:00.000Z',
        credentialKind: 'byok',
        credentialHint: 'sk-…beef',
      }),
    ];
    const ended = [
      buildEndedEvent(started[0], { tokenUsages: [usage(1_000_000, 100_000, 200_000)] }),
      // two responses: 2 × (20 × 3 + 11 × 15 + 5 × 0.3 → 2 + 4 × 3.75) = 2 × 242
      buildEndedEvent(started[1], { tokenUsages: [usage(20, 11, 5, 4), { ...usage(20, 11, 5, 4), providerResponseId: 'r-2' }] }),
      buildEndedEvent(started[2], { tokenUsages: [] }),
      buildEndedEvent(started[3], { tokenUsages: [usage(5, 5)] }),
      buildEndedEvent(started[4], { tokenUsages: [usage(1000, 1000)] }),
    ];
    await new InterceptionEventWriter(dataSource).applyBatch([...started, ...ended]);
  }, 60_000);

  afterAll(async () => {
    await dispose?.();
  });

  // gpt-4o-mini: 1M × 0.15 + 100k × 0.6 + 200k × 0.075 = 150,000 + 60,000 + 15,000 µ$
  const aliceOpenai = { interceptions: 1, inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 200_000, cacheWriteTokens: 0, costMicros: 225_000 };
  const aliceAnthropic = { interceptions: 1, inputTokens: 40, outputTokens: 22, cacheReadTokens: 10, cacheWriteTokens: 8, costMicros: 484 };
  const bobOpenai = { interceptions: 1, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costMicros: 0 };

  it('groups by user, model, provider and UTC day over [from, to)', async () => {
    expect(await store.usageByGroup({ groupBy: 'user', from, to })).toEqual([
      { key: 'alice', interceptions: 2, inputTokens: 1_000_040, outputTokens: 100_022, cacheReadTokens: 200_010, cacheWriteTokens: 8, costMicros: 225_484 },
      { key: 'bob', ...bobOpenai },
    ]);
    expect(await store.usageByGroup({ groupBy: 'model', from, to })).toEqual([
      { key: 'claude-sonnet-4-5', ...aliceAnthropic },
      { key: 'gpt-4o-mini', ...aliceOpenai, interceptions: 2 },
    ]);
    expect(await store.usageByGroup({ groupBy: 'provider', from, to })).toEqual([
      { key: 'anthropic', ...aliceAnthropic },
      { key: 'openai', ...aliceOpenai, interceptions: 2 },
    ]);
    expect(await store.usageByGroup({ groupBy: 'day', from, to })).toEqual([
      { key: '2026-11-01', ...aliceOpenai },
      { key: '2026-11-02', ...aliceAnthropic, interceptions: 2 },
    ]);
  });

  it("sums one user's centralized spend over [from, to), without BYOK interceptions", async () => {
    expect(await store.centralizedSpendMicros('alice', from, to)).toBe(225_484);
    expect(await store.centralizedSpendMicros('alice', new Date('2026-11-02T00:00:00Z'), to)).toBe(484);
    expect(await store.centralizedSpendMicros('bob', new Date('2026-12-01T00:00:00Z'), new Date('2026-12-02T00:00:00Z'))).toBe(4);
    expect(await store.centralizedSpendMicros('nobody', from, to)).toBe(0);
    const december = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') };
    expect((await store.usageByGroup({ groupBy: 'user', ...december, initiatorId: 'alice' }))[0].costMicros).toBeGreaterThan(0);
    expect(await store.centralizedSpendMicros('alice', december.from, december.to)).toBe(0);
  });

  it('keeps to one initiator when asked, and answers nothing for an empty range', async () => {
    expect(await store.usageByGroup({ groupBy: 'provider', from, to, initiatorId: 'bob' })).toEqual([{ key: 'openai', ...bobOpenai }]);
    expect(await store.usageByGroup({ groupBy: 'user', from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00.001Z') })).toEqual([
      { key: 'bob', interceptions: 1, inputTokens: 5, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, costMicros: 4 },
    ]);
    expect(await store.usageByGroup({ groupBy: 'user', from: new Date('2020-01-01T00:00:00Z'), to: new Date('2020-02-01T00:00:00Z') })).toEqual([]);
  });
});
