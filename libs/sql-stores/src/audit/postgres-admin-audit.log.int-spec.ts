import type { SqlClient } from '@tollgate/platform';
import { SQL_BACKENDS } from '../sql-backends.test-support';
import { InvalidPageCursorError } from '../identity/page-cursor';
import { PostgresAdminAuditLog } from './postgres-admin-audit.log';

describe.each(SQL_BACKENDS)('PostgresAdminAuditLog on $name', (backend) => {
  let sql: SqlClient;
  let dispose: () => Promise<unknown>;
  let log: PostgresAdminAuditLog;
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 4, minute));

  beforeAll(async () => {
    ({ sql, dispose } = await backend.open());
    log = new PostgresAdminAuditLog(sql);
    await log.append({ actor: 'admin tg_a...oken', action: 'user.create', target: 'alice', requestId: 'req-1', details: { byokMode: null } }, at(0));
    await log.append({ actor: 'admin tg_a...oken', action: 'token.issue', target: 'alice', requestId: 'req-2', details: { hint: 'tg_x...abcd' } }, at(1));
    await log.append({ actor: 'admin tg_b...oken', action: 'user.update', target: 'bob', requestId: 'req-3', details: { budget: { amountUsd: 5 } } }, at(2));
    await log.append({ actor: 'admin tg_b...oken', action: 'pool_key.enable', target: 'openai/1', requestId: 'req-4', details: { hint: 'k1...ey' } }, at(3));
  }, 60_000);

  afterAll(async () => {
    await dispose?.();
  });

  it('lists newest first, every field as appended, one keyset page at a time', async () => {
    const first = await log.list({ limit: 3 });
    expect(first.items.map((item) => item.requestId)).toEqual(['req-4', 'req-3', 'req-2']);
    expect(first.items[1]).toEqual({
      id: expect.any(String),
      at: at(2),
      actor: 'admin tg_b...oken',
      action: 'user.update',
      target: 'bob',
      requestId: 'req-3',
      details: { budget: { amountUsd: 5 } },
    });
    const second = await log.list({ limit: 3, after: first.next });
    expect(second.items.map((item) => item.requestId)).toEqual(['req-1']);
    expect(second.next).toBeUndefined();
  });

  it('filters by actor, action, target and time', async () => {
    const ids = async (filter: Parameters<PostgresAdminAuditLog['list']>[0]) => (await log.list(filter)).items.map((item) => item.requestId);
    expect(await ids({ limit: 10, actor: 'admin tg_a...oken' })).toEqual(['req-2', 'req-1']);
    expect(await ids({ limit: 10, action: 'pool_key.enable' })).toEqual(['req-4']);
    expect(await ids({ limit: 10, target: 'alice', action: 'token.issue' })).toEqual(['req-2']);
    expect(await ids({ limit: 10, from: at(1), to: at(3) })).toEqual(['req-3', 'req-2']);
  });

  it('refuses a cursor it did not hand out', async () => {
    await expect(log.list({ limit: 1, after: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidPageCursorError);
  });
});
