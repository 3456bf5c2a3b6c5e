import { buildEndedEvent, buildStartedEvent } from '@tollgate/testing';
import type { InterceptionStarted } from '@tollgate/recording';
import { InterceptionEventWriter, type TollgateDataSource } from '@tollgate/persistence';
import type { SqlClient } from '@tollgate/platform';
import { PostgresInterceptionStore } from './postgres-interception.store';
import { SQL_BACKENDS } from '../sql-backends.test-support';

const usage = (providerResponseId: string, inputTokens: number, outputTokens: number) => ({
  providerResponseId,
  inputTokens,
  outputTokens,
  cacheReadInputTokens: 0,
  cacheWriteInputTokens: 0,
  extra: {},
});

describe.each(SQL_BACKENDS)('PostgresInterceptionStore on $name', (backend) => {
  let sql: SqlClient;
  let dataSource: TollgateDataSource;
  let dispose: () => Promise<unknown>;
  let store: PostgresInterceptionStore;
  let started: InterceptionStarted[];

  beforeAll(async () => {
    ({ sql, dataSource, dispose } = await backend.open());
    store = new PostgresInterceptionStore(sql);
    const at = (minute: number, second = 0) => new Date(Date.UTC(2026, 10, 3, 12, minute, second)).toISOString();
    started = [
      buildStartedEvent({ initiatorId: 'alice', providerName: 'openai', model: 'gpt-4o-mini', occurredAt: at(0, 10) }),
      buildStartedEvent({ initiatorId: 'alice', providerName: 'openai', model: 'gpt-4o-mini', occurredAt: at(0, 50) }),
      // Asked for the model alias `claude`, whose first target is anthropic/claude-sonnet-4-5.
      buildStartedEvent({ initiatorId: 'bob', providerName: 'anthropic', providerType: 'anthropic', model: 'claude-sonnet-4-5', requestedModel: 'claude', occurredAt: at(2, 0) }),
      // BYOK, still in flight
      buildStartedEvent({ initiatorId: 'bob', providerName: 'openai', model: 'gpt-4o', occurredAt: at(3, 0), credentialKind: 'byok', credentialSource: 'stored', credentialHint: 'sk-u...7890' }),
    ];
    await new InterceptionEventWriter(dataSource).applyBatch([
      ...started,
      buildEndedEvent(started[0], { credentialHint: 'k0...ey', tokenUsages: [usage('r-1', 1_000_000, 100_000), usage('r-2', 10, 5)] }),
      buildEndedEvent(started[1], { credentialHint: 'k1...ey', tokenUsages: [], error: { type: 'rate_limited', message: 'all configured keys are rate-limited' } }),
      buildEndedEvent(started[2], { credentialHint: 'k0...ey', tokenUsages: [usage('r-3', 100, 50)] }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await dispose?.();
  });

  it('lists newest first with token totals, cost and status, one keyset page at a time', async () => {
    const first = await store.list({ limit: 3 });
    expect(first.items.map((item) => [item.initiatorId, item.status])).toEqual([
      ['bob', 'in_flight'],
      ['bob', 'ok'],
      ['alice', 'error'],
    ]);
    expect(first.items[0]).toMatchObject({ credentialKind: 'byok', credentialSource: 'stored', credentialHint: 'sk-u...7890', endedAt: null });
    expect(first.items[2]).toMatchObject({ errorType: 'rate_limited', credentialHint: 'k1...ey', inputTokens: 0, costMicros: 0 });
    expect(first.next).toEqual(expect.any(String));

    const second = await store.list({ limit: 3, after: first.next });
    expect(second.next).toBeUndefined();
    expect(second.items).toEqual([
      expect.objectContaining({
        id: started[0].interceptionId,
        status: 'ok',
        inputTokens: 1_000_010,
        outputTokens: 100_005,
        // gpt-4o-mini: 1,000,010 × 0.15 + 100,005 × 0.6 µ$ per token, rounded per row
        costMicros: 150_000 + 60_000 + 2 + 3,
        startedAt: new Date(started[0].occurredAt),
      }),
    ]);
  });

  it('filters by user, provider, model, status and time', async () => {
    const ids = async (filter: Parameters<PostgresInterceptionStore['list']>[0]) => (await store.list(filter)).items.map((item) => item.id);
    expect(await ids({ limit: 10, initiatorId: 'alice' })).toEqual([started[1].interceptionId, started[0].interceptionId]);
    expect(await ids({ limit: 10, providerName: 'anthropic' })).toEqual([started[2].interceptionId]);
    expect(await ids({ limit: 10, model: 'gpt-4o' })).toEqual([started[3].interceptionId]);
    expect(await ids({ limit: 10, status: 'error' })).toEqual([started[1].interceptionId]);
    expect(await ids({ limit: 10, status: 'ok', providerName: 'openai' })).toEqual([started[0].interceptionId]);
    expect(await ids({ limit: 10, from: new Date(started[1].occurredAt), to: new Date(started[3].occurredAt) })).toEqual([
      started[2].interceptionId,
      started[1].interceptionId,
    ]);
    await expect(store.list({ limit: 10, after: 'not-a-cursor' })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });

  it('finds one interception with each upstream response it recorded', async () => {
    const detail = await store.find(started[0].interceptionId);
    expect(detail).toMatchObject({ userAgent: 'curl/8.5.0', metadata: { route: '/openai/v1/chat/completions' }, priceVersion: expect.any(String) });
    expect(detail?.tokenUsages.map((row) => [row.providerResponseId, row.inputTokens, row.outputTokens, row.priced])).toEqual([
      ['r-1', 1_000_000, 100_000, true],
      ['r-2', 10, 5, true],
    ]);
    expect(detail?.requestedModel).toBeNull();
    expect(await store.find(started[2].interceptionId)).toMatchObject({ requestedModel: 'claude', providerName: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(await store.find('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await store.find('not-a-uuid')).toBeUndefined();
  });

  it('counts interceptions, errors, tokens and cost per bucket, aligned on from', async () => {
    const from = new Date(Date.UTC(2026, 10, 3, 12, 0));
    const buckets = await store.activity({ from, to: new Date(from.getTime() + 5 * 60_000), bucketSeconds: 60 });
    expect(buckets.map((bucket) => [bucket.start.toISOString(), bucket.interceptions, bucket.errors, bucket.inputTokens, bucket.outputTokens])).toEqual([
      ['2026-11-03T12:00:00.000Z', 2, 1, 1_000_010, 100_005],
      ['2026-11-03T12:02:00.000Z', 1, 0, 100, 50],
      ['2026-11-03T12:03:00.000Z', 1, 0, 0, 0],
    ]);
    expect(buckets[0].costMicros).toBe(210_005);
  });

  it("answers each pool key's last recorded use, centralized interceptions only", async () => {
    const uses = await store.poolKeyUses([
      { providerName: 'openai', hint: 'k0...ey' },
      { providerName: 'openai', hint: 'k1...ey' },
      { providerName: 'openai', hint: 'k2...ey' },
      { providerName: 'anthropic', hint: 'k0...ey' },
      { providerName: 'openai', hint: 'sk-u...7890' },
    ]);
    expect(uses.map((use) => [use.providerName, use.hint, use.lastUsedAt.toISOString()]).sort()).toEqual([
      ['anthropic', 'k0...ey', started[2].occurredAt],
      ['openai', 'k0...ey', started[0].occurredAt],
      ['openai', 'k1...ey', started[1].occurredAt],
    ]);
    expect(await store.poolKeyUses([])).toEqual([]);
  });
});
