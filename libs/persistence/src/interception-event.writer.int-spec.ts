import { randomBytes } from 'node:crypto';
import type { InterceptionEvent, InterceptionStarted } from '@tollgate/recording';
import { observeBlocking, type BridgedApi, type TokenUsage } from '@tollgate/providers';
import { buildEndedEvent, buildStartedEvent, MOCK_ANTHROPIC_USAGE, MOCK_CHAT_USAGE, MOCK_RESPONSES_USAGE } from '@tollgate/testing';
import { createPriceTable, DEFAULT_PRICES_DATE } from '@tollgate/usage';
import type { TollgateDataSource } from './data-source.factory';
import { flushInterceptionEvents, ParentMissingError } from './interception-batch.flush';
import { InterceptionEventWriter } from './interception-event.writer';
import { runMigrations } from './migration.runner';
import { DATABASE_BACKENDS } from './database-backends.test-support';

describe.each(DATABASE_BACKENDS)('recording persistence on $name', (backend) => {
  let dataSource: TollgateDataSource;
  let dispose: () => Promise<void>;
  let writer: InterceptionEventWriter;

  beforeAll(async () => {
    ({ dataSource, dispose } = await backend.open());
    expect(await runMigrations(dataSource)).toEqual(['CreateRecordingTables1767225600000', 'CreateIdentityTables1767312000000', 'AddUsageCosts1767398400000', 'AddUserBudgets1767484800000', 'AddPoolKeyUseIndex1767571200000', 'AddToolUsageServer1767657600000', 'CreateAdminAuditLog1767744000000', 'AddTeamsAndScopedTokens1767830400000', 'AddInterceptionRequestedModel1767916800000']);
    writer = new InterceptionEventWriter(dataSource);
  }, 60_000);

  afterAll(async () => {
    await dispose?.();
  });

  describe('schema', () => {
    it('has exactly the spec columns', async () => {
      const columns: { table_name: string; column_name: string; data_type: string; is_nullable: string; max: number | null }[] =
        await dataSource.query(
          `SELECT table_name, column_name, data_type, is_nullable, character_maximum_length AS max
             FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name IN ('interceptions', 'token_usages', 'user_prompts', 'tool_usages')
            ORDER BY table_name, ordinal_position`,
        );
      const describe = (table: string) =>
        columns
          .filter((column) => column.table_name === table)
          .map((c) => `${c.column_name} ${c.data_type}${c.max ? `(${c.max})` : ''}${c.is_nullable === 'YES' ? ' null' : ''}`);
      expect(describe('interceptions')).toEqual([
        'id uuid',
        'initiator_id text',
        'provider text',
        'provider_name text',
        'model text',
        'streaming boolean',
        'client text',
        'user_agent text',
        'credential_kind text',
        'credential_hint character varying(32)',
        'started_at timestamp with time zone',
        'ended_at timestamp with time zone null',
        'error_type text null',
        'error_message text null',
        'metadata jsonb',
        'credential_source text',
        'cost_micros bigint',
        'price_version text null',
        'requested_model text null',
      ]);
      expect(describe('token_usages')).toEqual([
        'id uuid',
        'interception_id uuid',
        'provider_response_id text',
        'input_tokens bigint',
        'output_tokens bigint',
        'cache_read_input_tokens bigint',
        'cache_write_input_tokens bigint',
        'extra jsonb',
        'created_at timestamp with time zone',
        'cost_micros bigint',
        'priced boolean',
      ]);
      expect(describe('user_prompts')).toEqual([
        'id uuid',
        'interception_id uuid',
        'provider_response_id text',
        'prompt text',
        'created_at timestamp with time zone',
      ]);
      expect(describe('tool_usages')).toEqual([
        'id uuid',
        'interception_id uuid',
        'provider_response_id text',
        'tool text',
        'tool_call_id text',
        'input text',
        'injected boolean',
        'invocation_error text null',
        'created_at timestamp with time zone',
        'server text null',
      ]);
    });

    it('has the indexes operators query by', async () => {
      const indexes: { indexdef: string }[] = await dataSource.query(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'idx_%' ORDER BY indexname`,
      );
      expect(indexes.map((index) => index.indexdef.replace(/ USING btree/, '').replace(/public\./g, ''))).toEqual([
        'CREATE INDEX idx_admin_audit_log_actor_at ON admin_audit_log (actor, at)',
        'CREATE INDEX idx_admin_audit_log_at ON admin_audit_log (at, id)',
        'CREATE INDEX idx_admin_audit_log_target_at ON admin_audit_log (target, at)',
        'CREATE INDEX idx_gateway_tokens_team ON gateway_tokens (team_id)',
        'CREATE INDEX idx_gateway_tokens_user_created ON gateway_tokens (user_id, created_at)',
        'CREATE INDEX idx_interceptions_initiator_started ON interceptions (initiator_id, started_at) INCLUDE (cost_micros)',
        "CREATE INDEX idx_interceptions_pool_key_started ON interceptions (provider_name, credential_hint, started_at) WHERE (credential_kind = 'centralized'::text)",
        'CREATE INDEX idx_interceptions_provider_model_started ON interceptions (provider, model, started_at)',
        'CREATE INDEX idx_interceptions_started ON interceptions (started_at)',
        'CREATE INDEX idx_team_members_user ON team_members (user_id, team_id)',
        'CREATE INDEX idx_token_usages_interception ON token_usages (interception_id)',
        'CREATE INDEX idx_tool_usages_interception ON tool_usages (interception_id)',
        'CREATE INDEX idx_user_prompts_interception ON user_prompts (interception_id)',
      ]);
    });

    it('migrating again does nothing', async () => {
      expect(await runMigrations(dataSource)).toEqual([]);
    });
  });

  describe('applyBatch', () => {
    it('records a centralized interception and sets its hint at the end', async () => {
      const started = buildStartedEvent({ credentialKind: 'centralized', credentialHint: '' });
      const ended = buildEndedEvent(started, { credentialHint: 'sk-…k2k2', error: { type: 'rate_limited', message: 'all keys cooling down' } });

      expect(await writer.applyBatch([started])).toEqual({ outcomes: ['recorded'] });
      expect((await interceptionRow(started.interceptionId)).credential_hint).toBe('');
      expect(await writer.applyBatch([ended])).toEqual({ outcomes: ['recorded'] });

      expect(await interceptionRow(started.interceptionId)).toEqual({
        id: started.interceptionId,
        initiator_id: started.initiatorId,
        provider: 'openai',
        provider_name: started.providerName,
        model: started.model,
        streaming: false,
        client: started.client,
        user_agent: started.userAgent,
        credential_kind: 'centralized',
        credential_source: 'pool',
        credential_hint: 'sk-…k2k2',
        started_at: started.occurredAt,
        ended_at: ended.endedAt,
        error_type: 'rate_limited',
        error_message: 'all keys cooling down',
        metadata: started.metadata,
        cost_micros: expect.any(String),
        price_version: `default-${DEFAULT_PRICES_DATE}`,
        requested_model: null,
      });
    });

    it('keeps a BYOK hint from the start even when the ended event carries another one', async () => {
      const started = buildStartedEvent({ credentialKind: 'byok', credentialHint: 'sk-…user' });
      const ended = buildEndedEvent(started, { credentialHint: 'sk-…pool' });
      await writer.applyBatch([started]);
      await writer.applyBatch([ended]);
      const row = await interceptionRow(started.interceptionId);
      expect(row.credential_hint).toBe('sk-…user');
      expect(row.ended_at).toBe(ended.endedAt);
    });

    it('records where the credential came from, deriving it for events that do not say', async () => {
      const stored = buildStartedEvent({ credentialKind: 'byok', credentialSource: 'stored', credentialHint: 'sk-…stor' });
      const request = buildStartedEvent({ credentialKind: 'byok', credentialSource: 'request', credentialHint: 'sk-…reqs' });
      const legacyByok = buildStartedEvent({ credentialKind: 'byok', credentialHint: 'sk-…old1' });
      const legacyPool = buildStartedEvent({ credentialKind: 'centralized' });
      await writer.applyBatch([stored, request, legacyByok, legacyPool]);
      await writer.applyBatch([buildEndedEvent(stored, { credentialHint: 'sk-…pool' })]);

      const source = async (started: InterceptionStarted) => (await interceptionRow(started.interceptionId)).credential_source;
      expect(await source(stored)).toBe('stored');
      expect((await interceptionRow(stored.interceptionId)).credential_hint).toBe('sk-…stor');
      expect(await source(request)).toBe('request');
      expect(await source(legacyByok)).toBe('request');
      expect(await source(legacyPool)).toBe('pool');
    });

    it('writes token usages, the prompt and tool usages exactly', async () => {
      const started = buildStartedEvent({ providerType: 'anthropic', streaming: true });
      const ended = buildEndedEvent(started, {
        tokenUsages: [
          { providerResponseId: 'msg_1', inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 3, cacheWriteInputTokens: 7, extra: {} },
          {
            providerResponseId: 'msg_2',
            inputTokens: 9_007_199_254, // beyond int4
            outputTokens: 0,
            cacheReadInputTokens: 0,
            cacheWriteInputTokens: 0,
            extra: { web_search_requests: 2, reasoning_tokens: 40 },
          },
        ],
        prompt: { providerResponseId: 'msg_2', text: 'Summarise this file' },
        toolUsages: [
          { providerResponseId: 'msg_1', tool: 'read_file', toolCallId: 'toolu_1', input: '{"path":"a.ts"}', injected: false },
          { providerResponseId: 'msg_2', tool: 'search', toolCallId: 'toolu_2', input: '{}', injected: true, server: 'docs', invocationError: 'timeout' },
        ],
      });
      await writer.applyBatch([started, ended]);

      expect(await childRows(started.interceptionId)).toEqual({
        tokenUsages: [
          {
            provider_response_id: 'msg_1',
            input_tokens: '10',
            output_tokens: '5',
            cache_read_input_tokens: '3',
            cache_write_input_tokens: '7',
            extra: {},
            created_at: ended.endedAt,
            cost_micros: expect.any(String),
            priced: expect.any(Boolean),
          },
          {
            provider_response_id: 'msg_2',
            input_tokens: '9007199254',
            output_tokens: '0',
            cache_read_input_tokens: '0',
            cache_write_input_tokens: '0',
            extra: { web_search_requests: 2, reasoning_tokens: 40 },
            created_at: ended.endedAt,
            cost_micros: expect.any(String),
            priced: expect.any(Boolean),
          },
        ],
        prompts: [{ provider_response_id: 'msg_2', prompt: 'Summarise this file', created_at: ended.endedAt }],
        toolUsages: [
          { provider_response_id: 'msg_1', tool: 'read_file', tool_call_id: 'toolu_1', input: '{"path":"a.ts"}', injected: false, invocation_error: null, created_at: ended.endedAt, server: null },
          { provider_response_id: 'msg_2', tool: 'search', tool_call_id: 'toolu_2', input: '{}', injected: true, invocation_error: 'timeout', created_at: ended.endedAt, server: 'docs' },
        ],
      });
    });

    it('writes no prompt row when there is no prompt, and no child rows for an empty ended event', async () => {
      const started = buildStartedEvent();
      await writer.applyBatch([started, buildEndedEvent(started, { prompt: undefined, tokenUsages: [], toolUsages: [] })]);
      expect(await childRows(started.interceptionId)).toEqual({ tokenUsages: [], prompts: [], toolUsages: [] });
      expect((await interceptionRow(started.interceptionId)).ended_at).not.toBeNull();
    });

    it('changes nothing when events are replayed, alone or within one batch', async () => {
      const started = buildStartedEvent({ credentialKind: 'centralized' });
      const ended = buildEndedEvent(started);
      await writer.applyBatch([started, ended]);
      const before = await fullSnapshot(started.interceptionId);

      const replayedEnded = { ...ended, endedAt: new Date(Date.now() + 60_000).toISOString(), credentialHint: 'sk-…late', error: { type: 'x', message: 'y' } };
      expect(await writer.applyBatch([started])).toEqual({ outcomes: ['duplicate'] });
      expect(await writer.applyBatch([ended])).toEqual({ outcomes: ['duplicate'] });
      expect(await writer.applyBatch([replayedEnded, started, ended, started])).toEqual({
        outcomes: ['duplicate', 'duplicate', 'duplicate', 'duplicate'],
      });
      expect(await fullSnapshot(started.interceptionId)).toEqual(before);
    });

    it('writes the same rows whether both events of an interception come in one batch or in two', async () => {
      for (const credentialKind of ['centralized', 'byok'] as const) {
        const hint = credentialKind === 'byok' ? 'sk-…user' : '';
        const together = buildStartedEvent({ credentialKind, credentialHint: hint });
        const apart = { ...together, interceptionId: buildStartedEvent().interceptionId };
        const endOf = (started: InterceptionStarted) => buildEndedEvent(started, { endedAt: together.occurredAt, credentialHint: 'sk-…k2k2', error: { type: 'upstream_error', message: 'x' } });
        expect(await writer.applyBatch([together, endOf(together)])).toEqual({ outcomes: ['recorded', 'recorded'] });
        expect(await writer.applyBatch([apart])).toEqual({ outcomes: ['recorded'] });
        expect(await writer.applyBatch([endOf(apart)])).toEqual({ outcomes: ['recorded'] });

        const withoutIds = async (id: string) => {
          const { id: _id, ...row } = await interceptionRow(id);
          return { row, ...(await childRows(id)) };
        };
        const recorded = await withoutIds(together.interceptionId);
        expect(recorded).toEqual(await withoutIds(apart.interceptionId));
        // The spec's hint rule in both paths: centralized takes the ended event's hint, BYOK keeps its own.
        expect(recorded.row.credential_hint).toBe(credentialKind === 'byok' ? 'sk-…user' : 'sk-…k2k2');
      }
    });

    it('ends a row recorded before when its started event is replayed together with its ended event', async () => {
      const started = buildStartedEvent({ credentialKind: 'centralized' });
      const ended = buildEndedEvent(started, { credentialHint: 'sk-…late' });
      expect(await writer.applyBatch([started])).toEqual({ outcomes: ['recorded'] });
      expect(await writer.applyBatch([ended, started])).toEqual({ outcomes: ['recorded', 'duplicate'] });
      expect((await interceptionRow(started.interceptionId)).credential_hint).toBe('sk-…late');
      expect((await childRows(started.interceptionId)).tokenUsages).toHaveLength(1);
    });

    it('deduplicates an event delivered twice in the same batch', async () => {
      const started = buildStartedEvent();
      const ended = buildEndedEvent(started);
      expect(await writer.applyBatch([started, started, ended, ended])).toEqual({
        outcomes: ['recorded', 'duplicate', 'recorded', 'duplicate'],
      });
      const children = await childRows(started.interceptionId);
      expect([children.tokenUsages.length, children.prompts.length, children.toolUsages.length]).toEqual([1, 1, 1]);
    });

    it('reports an ended event without its started row as parent-missing, then applies it after the started', async () => {
      const started = buildStartedEvent({ credentialKind: 'centralized' });
      const ended = buildEndedEvent(started, { credentialHint: 'sk-…late' });

      expect(await writer.applyBatch([ended])).toEqual({ outcomes: ['parent-missing'] });
      expect(await countRows(started.interceptionId)).toEqual({ interceptions: 0, token_usages: 0, user_prompts: 0, tool_usages: 0 });

      expect(await writer.applyBatch([started])).toEqual({ outcomes: ['recorded'] });
      expect(await writer.applyBatch([ended])).toEqual({ outcomes: ['recorded'] });

      // Same final rows as the in-order case.
      const inOrder = buildStartedEvent({ credentialKind: 'centralized' });
      await writer.applyBatch([inOrder]);
      await writer.applyBatch([{ ...ended, interceptionId: inOrder.interceptionId }]);
      const outOfOrderRows = await fullSnapshot(started.interceptionId);
      const inOrderRows = await fullSnapshot(inOrder.interceptionId);
      expect(withoutIds(outOfOrderRows, started)).toEqual(withoutIds(inOrderRows, inOrder));
      expect(outOfOrderRows.interception.credential_hint).toBe('sk-…late');
    });

    it('applies a batch mixing many interceptions, in any order, in one go', async () => {
      const complete = Array.from({ length: 30 }, (_, i) => buildStartedEvent({ initiatorId: `batch-user-${i}` }));
      const onlyStarted = Array.from({ length: 10 }, () => buildStartedEvent());
      const orphans = Array.from({ length: 5 }, () => buildStartedEvent());
      const batch: InterceptionEvent[] = [
        // ended before started in the same batch: started rows are inserted first
        ...complete.map((started) => buildEndedEvent(started)),
        ...complete,
        ...onlyStarted,
        ...orphans.map((started) => buildEndedEvent(started)),
      ];
      const { outcomes } = await writer.applyBatch(batch);

      expect(outcomes.filter((outcome) => outcome === 'recorded')).toHaveLength(30 + 30 + 10);
      expect(outcomes.slice(-5)).toEqual(Array(5).fill('parent-missing'));
      const ids = complete.map((started) => started.interceptionId);
      const [{ ended, usages, prompts, tools }] = await dataSource.query(
        `SELECT (SELECT count(*) FROM interceptions WHERE id = ANY($1::uuid[]) AND ended_at IS NOT NULL)::int AS ended,
                (SELECT count(*) FROM token_usages WHERE interception_id = ANY($1::uuid[]))::int AS usages,
                (SELECT count(*) FROM user_prompts WHERE interception_id = ANY($1::uuid[]))::int AS prompts,
                (SELECT count(*) FROM tool_usages WHERE interception_id = ANY($1::uuid[]))::int AS tools`,
        [ids],
      );
      expect({ ended, usages, prompts, tools }).toEqual({ ended: 30, usages: 30, prompts: 30, tools: 30 });
      const [{ open }] = await dataSource.query(`SELECT count(*)::int AS open FROM interceptions WHERE id = ANY($1::uuid[]) AND ended_at IS NULL`, [
        onlyStarted.map((started) => started.interceptionId),
      ]);
      expect(open).toBe(10);
      expect((await countRows(orphans[0].interceptionId)).interceptions).toBe(0);
    });

    it('records text containing NUL characters (which Postgres rejects) with a replacement character', async () => {
      const started = buildStartedEvent({ metadata: { note: 'a\u0000b' } });
      const ended = buildEndedEvent(started, { prompt: { providerResponseId: 'r', text: 'before\u0000after' } });
      expect(await writer.applyBatch([started, ended])).toEqual({ outcomes: ['recorded', 'recorded'] });
      expect((await childRows(started.interceptionId)).prompts[0].prompt).toBe('before\uFFFDafter');
      expect((await interceptionRow(started.interceptionId)).metadata).toEqual({ note: 'a\uFFFDb' });
    });

    it('writes nothing of a batch the database rejects', async () => {
      const started = buildStartedEvent();
      // Bypasses the contract on purpose: varchar(32) overflow makes Postgres reject the statement.
      const poison = buildEndedEvent(started, { credentialHint: 'x'.repeat(40) });
      await expect(writer.applyBatch([started, poison])).rejects.toThrow();
      expect((await countRows(started.interceptionId)).interceptions).toBe(0);
    });
  });

  describe('cost', () => {
    /** What the gateway records for one of the mock upstream's default answers. */
    const mockUsage = (api: BridgedApi, id: string, usage: unknown): TokenUsage[] => observeBlocking(api, { id, usage }).tokenUsages;

    async function costs(id: string) {
      const [interception] = await dataSource.query('SELECT cost_micros, price_version FROM interceptions WHERE id = $1', [id]);
      const rows = await dataSource.query('SELECT provider_response_id, cost_micros, priced FROM token_usages WHERE interception_id = $1 ORDER BY provider_response_id', [id]);
      return { interception, rows };
    }

    it('prices OpenAI chat, Responses and Anthropic usage per row, cache reads and writes separately', async () => {
      const chat = buildStartedEvent({ providerName: 'openai', model: 'gpt-4o-mini' });
      const responses = buildStartedEvent({ providerName: 'openai', model: 'gpt-4.1' });
      const messages = buildStartedEvent({ providerType: 'anthropic', providerName: 'anthropic', model: 'claude-sonnet-4-5' });
      const chatUsage = mockUsage('openai-chat', 'chatcmpl-1', MOCK_CHAT_USAGE);
      const responsesUsage = mockUsage('openai-responses', 'resp_1', MOCK_RESPONSES_USAGE);
      const messagesUsage = mockUsage('anthropic-messages', 'msg_1', MOCK_ANTHROPIC_USAGE);
      // The mapping the costs below rest on: input excludes cache reads; Anthropic reports cache writes.
      expect(chatUsage).toMatchObject([{ inputTokens: 10, outputTokens: 7, cacheReadInputTokens: 2, cacheWriteInputTokens: 0 }]);
      expect(responsesUsage).toMatchObject([{ inputTokens: 12, outputTokens: 9, cacheReadInputTokens: 3, cacheWriteInputTokens: 0 }]);
      expect(messagesUsage).toMatchObject([{ inputTokens: 20, outputTokens: 11, cacheReadInputTokens: 5, cacheWriteInputTokens: 4 }]);

      await writer.applyBatch([chat, responses, messages]);
      await writer.applyBatch([
        buildEndedEvent(chat, { tokenUsages: chatUsage }),
        buildEndedEvent(responses, { tokenUsages: responsesUsage }),
        // Two responses (a tool loop): each row priced on its own, the interception holds the sum.
        buildEndedEvent(messages, { tokenUsages: [...messagesUsage, ...mockUsage('anthropic-messages', 'msg_2', MOCK_ANTHROPIC_USAGE)] }),
      ]);

      const version = `default-${DEFAULT_PRICES_DATE}`;
      // gpt-4o-mini $0.15/$0.60/$0.075: 10 × 0.15 = 1.5 → 2, 7 × 0.6 = 4.2 → 4, 2 × 0.075 = 0.15 → 0
      expect(await costs(chat.interceptionId)).toEqual({
        interception: { cost_micros: '6', price_version: version },
        rows: [{ provider_response_id: 'chatcmpl-1', cost_micros: '6', priced: true }],
      });
      // gpt-4.1 $2/$8/$0.50: 12 × 2 = 24, 9 × 8 = 72, 3 × 0.5 = 1.5 → 2
      expect(await costs(responses.interceptionId)).toEqual({
        interception: { cost_micros: '98', price_version: version },
        rows: [{ provider_response_id: 'resp_1', cost_micros: '98', priced: true }],
      });
      // claude-sonnet-4-5 $3/$15/$0.30/$3.75: 20 × 3 = 60, 11 × 15 = 165, 5 × 0.3 = 1.5 → 2, 4 × 3.75 = 15
      expect(await costs(messages.interceptionId)).toEqual({
        interception: { cost_micros: '484', price_version: version },
        rows: [
          { provider_response_id: 'msg_1', cost_micros: '242', priced: true },
          { provider_response_id: 'msg_2', cost_micros: '242', priced: true },
        ],
      });
    });

    it('a model alias: the row names the alias and the target that served, priced at its model, in one batch or two', async () => {
      const usage = mockUsage('openai-chat', 'chatcmpl-1', MOCK_CHAT_USAGE);
      const served = { providerName: 'azure', model: 'gpt-4.1' };
      // Started as the first target (gpt-4o-mini, $0.15/$0.60), served by the second (gpt-4.1, $2/$8).
      const apart = buildStartedEvent({ providerName: 'openai', model: 'gpt-4o-mini', requestedModel: 'smart' });
      const together = buildStartedEvent({ providerName: 'openai', model: 'gpt-4o-mini', requestedModel: 'smart' });
      await writer.applyBatch([apart]);
      await writer.applyBatch([buildEndedEvent(apart, { served, tokenUsages: usage }), together, buildEndedEvent(together, { served, tokenUsages: usage })]);
      for (const id of [apart.interceptionId, together.interceptionId]) {
        expect(await interceptionRow(id)).toMatchObject({ provider_name: 'azure', model: 'gpt-4.1', requested_model: 'smart' });
        // 10 × 2 = 20, 7 × 8 = 56, 2 × 0.5 = 1 → 77
        expect((await costs(id)).interception.cost_micros).toBe('77');
      }
    });

    it('an end naming no serving target leaves provider and model as they started', async () => {
      const started = buildStartedEvent({ providerName: 'openai', model: 'gpt-4o-mini' });
      await writer.applyBatch([started]);
      await writer.applyBatch([buildEndedEvent(started)]);
      expect(await interceptionRow(started.interceptionId)).toMatchObject({ provider_name: 'openai', model: 'gpt-4o-mini', requested_model: null });
    });

    it('charges an unknown model nothing and flags its rows unpriced', async () => {
      const started = buildStartedEvent({ model: 'my-finetune-v3' });
      await writer.applyBatch([started, buildEndedEvent(started, { tokenUsages: mockUsage('openai-chat', 'c1', MOCK_CHAT_USAGE) })]);
      expect(await costs(started.interceptionId)).toEqual({
        interception: { cost_micros: '0', price_version: `default-${DEFAULT_PRICES_DATE}` },
        rows: [{ provider_response_id: 'c1', cost_micros: '0', priced: false }],
      });
    });

    it('uses the configured prices, by provider instance, and records their version', async () => {
      const prices = createPriceTable({ useDefaults: true, entries: [{ provider: 'azure-east', model: 'gpt-4o*', input: 1, output: 1, cacheRead: 1000 }] });
      const configured = new InterceptionEventWriter(dataSource, { prices });
      const azure = buildStartedEvent({ providerName: 'azure-east', model: 'gpt-4o-mini' });
      const openai = buildStartedEvent({ providerName: 'openai', model: 'gpt-4o-mini' });
      const usage = mockUsage('openai-chat', 'c1', MOCK_CHAT_USAGE);
      await configured.applyBatch([azure, openai, buildEndedEvent(azure, { tokenUsages: usage }), buildEndedEvent(openai, { tokenUsages: usage })]);
      // 10 × 1 + 7 × 1 + 2 × 1000
      expect((await costs(azure.interceptionId)).interception).toEqual({ cost_micros: '2017', price_version: prices.version });
      expect((await costs(openai.interceptionId)).interception).toEqual({ cost_micros: '6', price_version: prices.version });
    });

    it('does not count a replayed or out-of-order ended event twice', async () => {
      const started = buildStartedEvent({ providerType: 'anthropic', providerName: 'anthropic', model: 'claude-sonnet-4-5' });
      const ended = buildEndedEvent(started, { tokenUsages: mockUsage('anthropic-messages', 'msg_1', MOCK_ANTHROPIC_USAGE) });
      expect(await writer.applyBatch([ended])).toEqual({ outcomes: ['parent-missing'] });
      await writer.applyBatch([started]);
      expect(await writer.applyBatch([ended, ended])).toEqual({ outcomes: ['recorded', 'duplicate'] });
      expect(await writer.applyBatch([ended])).toEqual({ outcomes: ['duplicate'] });
      const { interception, rows } = await costs(started.interceptionId);
      expect(interception.cost_micros).toBe('242');
      expect(rows).toEqual([{ provider_response_id: 'msg_1', cost_micros: '242', priced: true }]);
    });
  });

  describe('flushInterceptionEvents', () => {
    it('isolates an event the database rejects so the rest of its batch is recorded', async () => {
      const good = buildStartedEvent();
      const goodEnded = buildEndedEvent(good);
      const other = buildStartedEvent();
      const poison = buildEndedEvent(other, { credentialHint: 'x'.repeat(40) });
      const orphan = buildEndedEvent(buildStartedEvent());

      const results = await flushInterceptionEvents(writer, [good, other, poison, goodEnded, orphan]);

      expect(results.map((result) => (result.ok ? result.value : result.error.name))).toEqual([
        'recorded',
        'recorded',
        'EventRejectedError',
        'recorded',
        'ParentMissingError',
      ]);
      expect((results[4] as { error: Error }).error).toBeInstanceOf(ParentMissingError);
      expect((await interceptionRow(good.interceptionId)).ended_at).toBe(goodEnded.endedAt);
      expect((await interceptionRow(other.interceptionId)).ended_at).toBeNull();
    });

    it('isolates an event too large for an index row (SQLSTATE class 54) like any other data error', async () => {
      const good = buildStartedEvent();
      // Random hex does not compress: the model column's btree entry exceeds the index row limit.
      const poison = buildStartedEvent({ model: randomBytes(4_000).toString('hex') });

      const results = await flushInterceptionEvents(writer, [good, poison]);

      expect(results[0]).toEqual({ ok: true, value: 'recorded' });
      expect(results[1]).toMatchObject({ ok: false, error: { name: 'EventRejectedError', sqlState: '54000' } });
      expect((await interceptionRow(good.interceptionId)).model).toBe(good.model);
    });

    it('finds one bad event among many in a few statements, not one statement per event', async () => {
      const events = Array.from({ length: 64 }, () => buildStartedEvent());
      events[41] = buildStartedEvent({ model: randomBytes(4_000).toString('hex') });
      const applied = jest.spyOn(writer, 'applyBatch');

      const results = await flushInterceptionEvents(writer, events);

      expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, error: expect.objectContaining({ sqlState: '54000' }) }]);
      expect(results[41].ok).toBe(false);
      // The whole batch, then two halves per level down to the event: 1 + 2·log2(64) statements at most.
      expect(applied.mock.calls.length).toBeLessThanOrEqual(13);
      applied.mockRestore();
    });

    it('a lone surrogate or a NUL in a recorded string is stored as U+FFFD, not refused', async () => {
      const started = buildStartedEvent({ userAgent: 'agent\ud800', client: 'a\u0000b', metadata: { 'key\udc00': 'value\ud800', text: '\\u0000' } });
      expect(await flushInterceptionEvents(writer, [started])).toEqual([{ ok: true, value: 'recorded' }]);
      const row = await interceptionRow(started.interceptionId);
      expect([row.user_agent, row.client]).toEqual(['agent\ufffd', 'a\ufffdb']);
      // In JSON too; a backslash written as text followed by u0000 is text, kept as it is.
      expect(row.metadata).toEqual({ 'key\ufffd': 'value\ufffd', text: '\\u0000' });
    });
  });

  async function interceptionRow(id: string): Promise<Record<string, unknown>> {
    const rows: Record<string, unknown>[] = await dataSource.query('SELECT * FROM interceptions WHERE id = $1', [id]);
    expect(rows).toHaveLength(1);
    return isoDates(rows[0]);
  }

  async function childRows(id: string) {
    const select = async (table: string, order: string) =>
      ((await dataSource.query(`SELECT * FROM ${table} WHERE interception_id = $1 ORDER BY ${order}`, [id])) as Record<string, unknown>[]).map(
        ({ id: _id, interception_id: _interceptionId, ...row }) => isoDates(row),
      );
    return {
      tokenUsages: await select('token_usages', 'provider_response_id'),
      prompts: await select('user_prompts', 'provider_response_id'),
      toolUsages: await select('tool_usages', 'tool_call_id'),
    };
  }

  async function fullSnapshot(id: string) {
    const interception = await interceptionRow(id);
    const children = await dataSource.query(
      `SELECT 'token' AS kind, id FROM token_usages WHERE interception_id = $1
       UNION ALL SELECT 'prompt', id FROM user_prompts WHERE interception_id = $1
       UNION ALL SELECT 'tool', id FROM tool_usages WHERE interception_id = $1 ORDER BY 1, 2`,
      [id],
    );
    return { interception, childIds: children, children: await childRows(id) };
  }

  function withoutIds(snapshot: Awaited<ReturnType<typeof fullSnapshot>>, started: InterceptionStarted) {
    const { id: _id, started_at: _startedAt, ...interception } = snapshot.interception;
    expect(snapshot.interception.started_at).toBe(started.occurredAt);
    return { interception, children: snapshot.children, childCount: snapshot.childIds.length };
  }

  async function countRows(id: string) {
    const [counts] = await dataSource.query(
      `SELECT (SELECT count(*) FROM interceptions WHERE id = $1)::int AS interceptions,
              (SELECT count(*) FROM token_usages WHERE interception_id = $1)::int AS token_usages,
              (SELECT count(*) FROM user_prompts WHERE interception_id = $1)::int AS user_prompts,
              (SELECT count(*) FROM tool_usages WHERE interception_id = $1)::int AS tool_usages`,
      [id],
    );
    return counts as Record<string, number>;
  }
});

function isoDates(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]));
}
