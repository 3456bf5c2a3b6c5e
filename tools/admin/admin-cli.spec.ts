import { KeyRing } from '@tollgate/byok';
import { runAdminCli } from './admin-cli';
import { ADMIN_COMMANDS } from './command.table';
import { usageLine } from './help.renderer';

const ADMIN = 'tg_admin_secret_value_0001';
const USER = 'tg_user_secret_value_0002';
const PROVIDER_KEY = 'sk-provider-secret-key-0003';

interface SentRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

type Answer = { status: number; body?: unknown; text?: string };
type Route = (request: SentRequest) => Answer;

const user = (id: string, byokMode: string | null = null) => ({
  id,
  displayName: '',
  byokMode,
  effectiveByokMode: byokMode ?? 'prefer',
  budget: null,
  effectiveBudget: null,
  limits: null,
  models: null,
  teams: [],
  createdAt: '2025-06-01T10:00:00.123Z',
  updatedAt: '2025-06-01T10:00:00.123Z',
});
const tokenView = {
  id: '3f2b8c1e-9d4a-4e6b-8f0c-5a7d2e1b9c40',
  user: 'alice',
  name: 'laptop',
  hint: 'tg_ab...yz',
  createdAt: '2025-06-01T10:00:00Z',
  revokedAt: null,
  expiresAt: null,
  limits: null,
  models: null,
  team: null,
  lastUsedAt: null,
};
const team = (id: string, changes: Record<string, unknown> = {}) => ({
  id,
  name: id,
  limits: null,
  budget: null,
  models: null,
  members: [],
  createdAt: '2025-06-01T10:00:00.123Z',
  updatedAt: '2025-06-01T10:00:00.123Z',
  ...changes,
});

/** Runs the CLI against a scripted gateway: `routes` keyed by `METHOD /path`, the rest 404 in the API's shape. */
async function run(argv: string[], options: { env?: Record<string, string>; stdin?: string; routes?: Record<string, Route>; fallback?: Route } = {}) {
  const requests: SentRequest[] = [];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const fetchStub = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const request: SentRequest = {
      method: init?.method ?? 'GET',
      url,
      headers: init?.headers as Record<string, string>,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    const route = options.routes?.[`${request.method} ${url.pathname}`] ?? options.fallback;
    const answer = route ? route(request) : { status: 404, body: { error: { type: 'not_found', message: `no route ${url.pathname}` } } };
    const text = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    return new Response(answer.status === 204 ? null : text, { status: answer.status });
  }) as typeof fetch;
  const code = await runAdminCli(argv, {
    env: { TOLLGATE_ADMIN_TOKEN: ADMIN, TOLLGATE_TOKEN: USER, ...options.env },
    stdin: async () => options.stdin ?? '',
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    fetch: fetchStub,
  });
  return { code, out: stdout.join('\n'), err: stderr.join('\n'), requests };
}

/** Arguments that satisfy a command's positionals. */
function sampleArgs(words: readonly string[]): string[] {
  const samples: Record<string, string[]> = {
    'users set-mode': ['alice', 'prefer'],
    'users set-budget': ['alice', '50'],
    'pool enable': ['openai', '1'],
    'users set-limits': ['alice', '--rpm', '60'],
    'users set-models': ['alice', '--allow', 'gpt-*'],
    'teams set-limits': ['red', '--concurrent', '2'],
    'teams set-models': ['red', '--deny', '*-preview'],
    'teams set-budget': ['red', '100'],
    'teams add-member': ['red', 'alice'],
    'teams remove-member': ['red', 'alice'],
    'teams rename': ['red', 'Red team'],
  };
  const command = ADMIN_COMMANDS.find((candidate) => candidate.words.join(' ') === words.join(' '))!;
  return [...words, ...(samples[words.join(' ')] ?? command.args.map(() => 'alice'))];
}

describe('admin CLI', () => {
  describe('help', () => {
    it('lists every command with its usage at the top level', async () => {
      for (const argv of [['--help'], ['-h']]) {
        const result = await run(argv);
        expect(result.code).toBe(0);
        for (const command of ADMIN_COMMANDS) expect(result.out).toContain(usageLine(command));
        expect(result.requests).toEqual([]);
      }
    });

    it.each(ADMIN_COMMANDS.map((command) => [command.words.join(' '), command] as const))('%s --help shows its usage, options and an example', async (_name, command) => {
      const result = await run([...command.words, '--help']);
      expect(result.code).toBe(0);
      expect(result.out).toContain(`usage: npm run admin -- ${usageLine(command)}`);
      for (const option of Object.keys(command.options)) expect(result.out).toContain(`--${option}`);
      expect(result.out).toContain(command.examples[0]);
      expect(result.requests).toEqual([]);
    });

    it('shows a group’s commands, and help wins over missing arguments', async () => {
      const group = await run(['tokens', '--help']);
      expect(group.code).toBe(0);
      expect(group.out).toContain('tokens issue <user> [--name <name>]');
      expect(group.out).not.toContain('users create');
      expect((await run(['users', 'get', '-h'])).out).toContain('usage: npm run admin -- users get <id>');
    });
  });

  describe('argument parsing', () => {
    it('takes global options before or after the command, and `--opt=value`', async () => {
      const routes = { 'POST /admin/v1/users': () => ({ status: 201, body: user('alice', 'prefer') }) };
      const first = await run(['--url', 'http://gw.test:9000/', '--json', 'users', 'create', 'alice', '--name=Alice L', '--mode', 'prefer'], { routes });
      expect(first.code).toBe(0);
      expect(first.requests).toHaveLength(1);
      expect(first.requests[0].url.href).toBe('http://gw.test:9000/admin/v1/users');
      expect(first.requests[0].body).toEqual({ id: 'alice', displayName: 'Alice L', byokMode: 'prefer' });
      expect(first.requests[0].headers.authorization).toBe(`Bearer ${ADMIN}`);
      expect(JSON.parse(first.out)).toMatchObject({ id: 'alice', byokMode: 'prefer' });

      const second = await run(['users', '--token', 'tg_other_admin_token', 'create', 'bob', '--mode', 'default'], { routes, env: { TOLLGATE_URL: 'http://env.test' } });
      expect(second.requests[0].url.origin).toBe('http://env.test');
      expect(second.requests[0].headers.authorization).toBe('Bearer tg_other_admin_token');
      expect(second.requests[0].body).toEqual({ id: 'bob', byokMode: null });
    });

    it('uses 127.0.0.1:8080 by default, and the "me" commands send TOLLGATE_TOKEN', async () => {
      const result = await run(['me'], { routes: { 'GET /v1/me': () => ({ status: 200, body: { ...user('alice'), keys: [] } }) } });
      expect(result.code).toBe(0);
      expect(result.requests[0].url.origin).toBe('http://127.0.0.1:8080');
      expect(result.requests[0].headers.authorization).toBe(`Bearer ${USER}`);
      expect(result.out).toMatch(/^id\s+alice$/m);
      expect(result.out).toMatch(/^byokMode\s+default$/m);
    });

    it('maps set-mode default to null and everything else as given', async () => {
      const routes = { 'PATCH /admin/v1/users/alice': (request: SentRequest) => ({ status: 200, body: user('alice', (request.body as { byokMode: string | null }).byokMode) }) };
      expect((await run(['users', 'set-mode', 'alice', 'default'], { routes })).requests[0].body).toEqual({ byokMode: null });
      expect((await run(['users', 'set-mode', 'alice', 'require'], { routes })).requests[0].body).toEqual({ byokMode: 'require' });
    });

    it('sets a budget in US dollars per period (month by default), and none clears it', async () => {
      const routes = { 'PATCH /admin/v1/users/alice': () => ({ status: 200, body: user('alice') }) };
      expect((await run(['users', 'set-budget', 'alice', '50'], { routes })).requests[0].body).toEqual({ budget: { amountUsd: 50, period: 'month' } });
      expect((await run(['users', 'set-budget', 'alice', '2.5', '--period', 'day'], { routes })).requests[0].body).toEqual({ budget: { amountUsd: 2.5, period: 'day' } });
      expect((await run(['users', 'set-budget', 'alice', 'none'], { routes })).requests[0].body).toEqual({ budget: null });
      for (const [argv, message] of [
        [['users', 'set-budget', 'alice', 'lots'], 'the amount must be a number'],
        [['users', 'set-budget', 'alice', '5', '--period', 'year'], 'the period must be one of day, week, month'],
        [['users', 'set-budget', 'alice', 'none', '--period', 'day'], 'none takes no --period'],
      ] as const) {
        const result = await run([...argv], { routes });
        expect([argv, result.code]).toEqual([argv, 2]);
        expect(result.err).toContain(message);
        expect(result.requests).toEqual([]);
      }
    });

    it('encodes ids in paths, and takes one that starts with a dash after --', async () => {
      expect((await run(['users', 'get', 'a/b?c'])).requests[0].url.pathname).toBe('/admin/v1/users/a%2Fb%3Fc');
      expect((await run(['users', 'get', '--', '-dash'])).requests[0].url.pathname).toBe('/admin/v1/users/-dash');
    });

    it('pages: one page with --limit/--after (the next cursor on stderr), every page with --all', async () => {
      const pages: Record<string, { items: unknown[]; next?: string }> = {
        '': { items: [user('a'), user('b')], next: 'c1' },
        c1: { items: [user('c'), user('d')], next: 'c2' },
        c2: { items: [user('e')] },
      };
      const routes = { 'GET /admin/v1/users': (request: SentRequest) => ({ status: 200, body: pages[request.url.searchParams.get('after') ?? ''] }) };

      const one = await run(['users', 'list', '--limit', '2', '--after', 'c1'], { routes });
      expect(Object.fromEntries(one.requests[0].url.searchParams)).toEqual({ limit: '2', after: 'c1' });
      expect(one.out.split('\n')).toEqual([expect.stringMatching(/^ID\s+NAME\s+MODE\s+EFFECTIVE\s+CREATED$/), expect.stringMatching(/^c\s+-\s+default\s+prefer\s+2025-06-01T10:00:00Z$/), expect.stringMatching(/^d\s/)]);
      expect(one.err).toContain('--after c2');

      const all = await run(['users', 'list', '--all', '--json'], { routes });
      expect(all.requests.map((request) => request.url.search)).toEqual(['?limit=200', '?limit=200&after=c1', '?limit=200&after=c2']);
      expect(JSON.parse(all.out).items.map((item: { id: string }) => item.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('lists every token page, and revokes and enables by path', async () => {
      const routes = {
        'GET /admin/v1/users/alice/tokens': (request: SentRequest) =>
          request.url.searchParams.get('after') ? { status: 200, body: { items: [{ ...tokenView, id: 't2' }] } } : { status: 200, body: { items: [tokenView], next: 'n' } },
        'DELETE /admin/v1/tokens/t2': () => ({ status: 200, body: { ...tokenView, id: 't2', revokedAt: '2025-06-02T00:00:00Z' } }),
        'POST /admin/v1/providers/openai/keys/2/enable': () => ({ status: 200, body: { provider: 'openai', key: { position: 2, hint: 'k2...ey', state: 'valid' } } }),
      };
      const list = await run(['tokens', 'list', 'alice'], { routes });
      expect(list.requests).toHaveLength(2);
      expect(list.out).toContain('t2');
      expect((await run(['tokens', 'revoke', 't2'], { routes })).out).toMatch(/^revokedAt\s+2025-06-02T00:00:00Z$/m);
      expect((await run(['pool', 'enable', 'openai', '2'], { routes })).out).toBe('openai key 2 (k2...ey): valid');
    });

    it('shows each MCP server with its state and injected tools', async () => {
      const servers = [
        { name: 'docs', url: 'http://127.0.0.1:9/mcp', up: true, lastRefreshAt: '2026-12-01T10:00:00.000Z', tools: [{ name: 'mcp_docs_search', serverToolName: 'search', description: 'Search' }] },
        { name: 'tickets', url: 'http://127.0.0.1:10/mcp', up: false, lastRefreshAt: '2026-12-01T10:00:00.000Z', lastError: 'fetch failed', tools: [] },
      ];
      const routes = { 'GET /admin/v1/mcp/servers': () => ({ status: 200, body: { servers } }) };
      const lines = (await run(['mcp', 'servers'], { routes })).out.split('\n');
      expect(lines[0]).toMatch(/^SERVER\s+STATE\s+LAST REFRESH\s+TOOLS$/);
      expect(lines[1]).toMatch(/^docs\s+up\s+2026-12-01T10:00:00Z\s+mcp_docs_search$/);
      expect(lines[2]).toMatch(/^tickets\s+down\s+2026-12-01T10:00:00Z\s+none \(fetch failed\)$/);
      const none = { 'GET /admin/v1/mcp/servers': () => ({ status: 200, body: { servers: [] } }) };
      expect((await run(['mcp', 'servers'], { routes: none })).out).toBe('no MCP servers configured (mcp.servers in the configuration)');
    });

    it('prints an issued token once, with the line that says it cannot be shown again', async () => {
      const issued = { ...tokenView, token: 'tg_freshly_issued_token' };
      const routes = { 'POST /admin/v1/users/alice/tokens': () => ({ status: 201, body: issued }) };
      const result = await run(['tokens', 'issue', 'alice', '--name', 'laptop'], { routes });
      expect(result.requests[0].body).toEqual({ name: 'laptop' });
      expect(result.out.split('tg_freshly_issued_token')).toHaveLength(2);
      expect(result.err).toContain('cannot be shown again');
      const json = await run(['tokens', 'issue', 'alice', '--json'], { routes });
      expect(JSON.parse(json.out).token).toBe('tg_freshly_issued_token');
      expect(json.requests[0].body).toEqual({});
    });

    it('sends the key from stdin, trimmed, with --verify and --base-url', async () => {
      const routes = {
        'PUT /v1/me/keys/openai': () => ({ status: 200, body: { provider: 'openai', hint: 'sk-pr...0003', baseUrl: 'https://llm.example/v1', createdAt: '', updatedAt: '', lastUsedAt: null } }),
      };
      const result = await run(['me', 'set-key', 'openai', '--verify', '--base-url', 'https://llm.example/v1'], { routes, stdin: `${PROVIDER_KEY}\n` });
      expect(result.code).toBe(0);
      expect(result.requests[0].body).toEqual({ key: PROVIDER_KEY, verify: true, baseUrl: 'https://llm.example/v1' });
      expect(result.out).toContain('stored your openai key sk-pr...0003 (verified)');
    });

    it('generates a key-encryption key entry offline', async () => {
      const result = await run(['kek', 'generate', 'k2026']);
      expect(result.code).toBe(0);
      expect(result.requests).toEqual([]);
      expect(KeyRing.parse(result.out).ids).toEqual(['k2026']);
      expect(JSON.parse((await run(['kek', 'generate', 'k1', '--json'])).out)).toMatchObject({ id: 'k1', entry: expect.stringMatching(/^k1:/) });
    });
  });

  describe('usage', () => {
    const usageAnswer = (groupBy: string, rows: Array<{ key: string; costMicros: number }>) => {
      const full = rows.map((row) => ({ interceptions: 2, inputTokens: 10, outputTokens: 7, cacheReadTokens: 2, cacheWriteTokens: 0, costUsd: row.costMicros / 1e6, ...row }));
      const costMicros = rows.reduce((sum, row) => sum + row.costMicros, 0);
      return {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        groupBy,
        rows: full,
        totals: { interceptions: 2 * rows.length, inputTokens: 10 * rows.length, outputTokens: 7 * rows.length, cacheReadTokens: 2 * rows.length, cacheWriteTokens: 0, costMicros, costUsd: costMicros / 1e6 },
      };
    };

    it('asks the admin route, by user unless told, with the range as given, and prints a table with a total', async () => {
      const routes = { 'GET /admin/v1/usage': (request: SentRequest) => ({ status: 200, body: usageAnswer(request.url.searchParams.get('groupBy')!, [{ key: 'alice', costMicros: 1_234_567 }, { key: 'bob', costMicros: 6 }]) }) };
      const byUser = await run(['usage'], { routes });
      expect(byUser.code).toBe(0);
      expect(byUser.requests[0].headers.authorization).toBe(`Bearer ${ADMIN}`);
      expect(Object.fromEntries(byUser.requests[0].url.searchParams)).toEqual({ groupBy: 'user' });
      expect(byUser.out.split('\n')).toEqual([
        'from 2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z (exclusive)',
        '',
        expect.stringMatching(/^USER\s+INTERCEPTIONS\s+INPUT\s+OUTPUT\s+CACHE READ\s+CACHE WRITE\s+COST USD$/),
        expect.stringMatching(/^alice\s+2\s+10\s+7\s+2\s+0\s+1\.234567$/),
        expect.stringMatching(/^bob\s+2\s+10\s+7\s+2\s+0\s+0\.000006$/),
        expect.stringMatching(/^TOTAL\s+4\s+20\s+14\s+4\s+0\s+1\.234573$/),
      ]);

      const ranged = await run(['usage', '--group-by', 'day', '--from', '2026-11-01T00:00:00Z', '--to=2026-11-08T00:00:00Z', '--json'], { routes });
      expect(Object.fromEntries(ranged.requests[0].url.searchParams)).toEqual({ groupBy: 'day', from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z' });
      expect(JSON.parse(ranged.out)).toMatchObject({ groupBy: 'day', totals: { costMicros: 1_234_573 } });
    });

    it('me usage asks the self-service route with the gateway token, by model unless told', async () => {
      const routes = { 'GET /v1/me/usage': (request: SentRequest) => ({ status: 200, body: usageAnswer(request.url.searchParams.get('groupBy')!, []) }) };
      const mine = await run(['me', 'usage'], { routes });
      expect(mine.code).toBe(0);
      expect(mine.requests[0].headers.authorization).toBe(`Bearer ${USER}`);
      expect(Object.fromEntries(mine.requests[0].url.searchParams)).toEqual({ groupBy: 'model' });
      expect(mine.out).toContain('no usage in this range');
      const byProvider = await run(['me', 'usage', '--group-by', 'provider'], { routes });
      expect(byProvider.requests[0].url.searchParams.get('groupBy')).toBe('provider');
    });

    it('shows the API’s answer to a bad range', async () => {
      const routes = { 'GET /admin/v1/usage': () => ({ status: 400, body: { error: { type: 'invalid_request', message: 'from must be before to (to is exclusive)' } } }) };
      const result = await run(['usage', '--from', '2026-12-01T00:00:00Z', '--to', '2026-11-01T00:00:00Z'], { routes });
      expect([result.code, result.err]).toEqual([1, 'error invalid_request: from must be before to (to is exclusive) (HTTP 400)']);
    });
  });

  describe('teams, limits, model policies and scoped tokens', () => {
    it('creates a team (the id as its name unless given), lists every page and shows one', async () => {
      const routes = {
        'POST /admin/v1/teams': (request: SentRequest) => ({ status: 201, body: team((request.body as { id: string }).id, { name: (request.body as { name: string }).name }) }),
        'GET /admin/v1/teams': (request: SentRequest) =>
          request.url.searchParams.get('after')
            ? { status: 200, body: { items: [team('red', { members: ['alice', 'bob'], limits: { requestsPerMinute: 600 }, budget: { amountUsd: 500, period: 'month' } })] } }
            : { status: 200, body: { items: [team('blue', { models: { allow: ['gpt-4o*'], deny: ['*-preview'] } })], next: 'blue' } },
        'GET /admin/v1/teams/red': () => ({ status: 200, body: team('red', { members: ['alice'], limits: { requestsPerMinute: 600, concurrent: 8 } }) }),
      };
      const created = await run(['teams', 'create', 'red'], { routes });
      expect(created.requests[0].body).toEqual({ id: 'red', name: 'red' });
      expect(created.out).toMatch(/^limits\s+none$/m);
      expect((await run(['teams', 'create', 'blue', '--name', 'Blue team'], { routes })).requests[0].body).toEqual({ id: 'blue', name: 'Blue team' });

      const one = await run(['teams', 'list'], { routes });
      expect(one.out.split('\n')).toEqual([
        expect.stringMatching(/^ID\s+NAME\s+MEMBERS\s+LIMITS\s+BUDGET\s+MODELS$/),
        expect.stringMatching(/^blue\s+blue\s+0\s+-\s+-\s+allow gpt-4o\*; deny \*-preview$/),
      ]);
      expect(one.err).toContain('more teams: add --after blue');
      const all = await run(['teams', 'list', '--all'], { routes });
      expect(all.requests.map((request) => request.url.search)).toEqual(['?limit=200', '?limit=200&after=blue']);
      expect(all.out).toMatch(/^red\s+red\s+2\s+600 requests\/min\s+\$500 per month\s+-$/m);

      const shown = await run(['teams', 'get', 'red'], { routes });
      expect(shown.out).toMatch(/^limits\s+600 requests\/min, 8 concurrent$/m);
      expect(shown.out).toMatch(/^members\s+alice$/m);
      expect(shown.out).toMatch(/^models\s+any$/m);
    });

    it('patches a team: name, limits, budget, models, and null to clear each', async () => {
      const routes = { 'PATCH /admin/v1/teams/red': (request: SentRequest) => ({ status: 200, body: team('red', request.body as Record<string, unknown>) }) };
      const sent = async (...argv: string[]) => {
        const result = await run(['teams', ...argv], { routes });
        expect([argv, result.code, result.err]).toEqual([argv, 0, '']);
        return result.requests[0].body;
      };
      expect(await sent('rename', 'red', 'Red team')).toEqual({ name: 'Red team' });
      expect(await sent('set-limits', 'red', '--rpm', '600', '--tpm', '2000000', '--concurrent', '8')).toEqual({ limits: { requestsPerMinute: 600, tokensPerMinute: 2_000_000, concurrent: 8 } });
      expect(await sent('set-limits', 'red', '--limits', '{"tokensPerMinute":1000}')).toEqual({ limits: { tokensPerMinute: 1000 } });
      expect(await sent('clear-limits', 'red')).toEqual({ limits: null });
      expect(await sent('set-budget', 'red', '500')).toEqual({ budget: { amountUsd: 500, period: 'month' } });
      expect(await sent('set-budget', 'red', '20', '--period', 'week')).toEqual({ budget: { amountUsd: 20, period: 'week' } });
      expect(await sent('set-budget', 'red', 'none')).toEqual({ budget: null });
      expect(await sent('set-models', 'red', '--allow', 'openai/*, claude-*', '--deny', 'gpt-4.5*')).toEqual({ models: { allow: ['openai/*', 'claude-*'], deny: ['gpt-4.5*'] } });
      expect(await sent('set-models', 'red', '--models', '{"deny":["*-preview"]}')).toEqual({ models: { deny: ['*-preview'] } });
      expect(await sent('clear-models', 'red')).toEqual({ models: null });

      const shown = await run(['teams', 'set-models', 'red', '--allow', 'gpt-4o*', '--deny', '*-preview'], { routes });
      expect(shown.out).toMatch(/^models\s+allow gpt-4o\*; deny \*-preview$/m);
    });

    it('adds and removes members by path, and deletes a team', async () => {
      const routes = {
        'PUT /admin/v1/teams/red/members/a%40b.c': () => ({ status: 200, body: team('red', { members: ['a@b.c'] }) }),
        'DELETE /admin/v1/teams/red/members/a%40b.c': () => ({ status: 200, body: team('red') }),
        'DELETE /admin/v1/teams/red': () => ({ status: 204 }),
      };
      expect((await run(['teams', 'add-member', 'red', 'a@b.c'], { routes })).out).toMatch(/^members\s+a@b\.c$/m);
      expect((await run(['teams', 'remove-member', 'red', 'a@b.c'], { routes })).out).toMatch(/^members\s+none$/m);
      const deleted = await run(['teams', 'delete', 'red'], { routes });
      expect([deleted.code, deleted.out]).toEqual([0, 'deleted team red']);
      expect(deleted.requests[0].method).toBe('DELETE');
    });

    it("sets and clears a user's limits and model policy, and shows them with the user's teams", async () => {
      const routes = {
        'PATCH /admin/v1/users/alice': (request: SentRequest) => ({ status: 200, body: { ...user('alice'), teams: ['red', 'blue'], ...(request.body as Record<string, unknown>) } }),
      };
      const limited = await run(['users', 'set-limits', 'alice', '--rpm', '60', '--concurrent', '2'], { routes });
      expect(limited.requests[0].body).toEqual({ limits: { requestsPerMinute: 60, concurrent: 2 } });
      expect(limited.out).toMatch(/^limits\s+60 requests\/min, 2 concurrent$/m);
      expect(limited.out).toMatch(/^teams\s+red, blue$/m);
      const cleared = await run(['users', 'clear-limits', 'alice'], { routes });
      expect(cleared.requests[0].body).toEqual({ limits: null });
      expect(cleared.out).toMatch(/^limits\s+default \(limits\.default\)$/m);
      expect((await run(['users', 'set-models', 'alice', '--deny', 'gpt-4.5*'], { routes })).requests[0].body).toEqual({ models: { deny: ['gpt-4.5*'] } });
      expect((await run(['users', 'clear-models', 'alice'], { routes })).requests[0].body).toEqual({ models: null });
    });

    it('issues a scoped token: expiry (sent as UTC), team, limits and model policy', async () => {
      const routes = {
        'POST /admin/v1/users/alice/tokens': (request: SentRequest) => ({ status: 201, body: { ...tokenView, ...(request.body as Record<string, unknown>), token: 'tg_scoped_token_value' } }),
      };
      const result = await run(
        ['tokens', 'issue', 'alice', '--name', 'ci', '--expires-at', '2027-01-01T01:00:00+01:00', '--team', 'red', '--tpm', '50000', '--allow', 'gpt-4o-mini'],
        { routes },
      );
      expect(result.code).toBe(0);
      expect(result.requests[0].body).toEqual({ name: 'ci', expiresAt: '2027-01-01T00:00:00.000Z', team: 'red', limits: { tokensPerMinute: 50_000 }, models: { allow: ['gpt-4o-mini'] } });
      expect(result.out).toMatch(/^team\s+red$/m);
      expect(result.out).toMatch(/^limits\s+50000 tokens\/min$/m);
      expect(result.out).toMatch(/^models\s+allow gpt-4o-mini$/m);
      expect(result.out).toMatch(/^expiresAt\s+2027-01-01T00:00:00Z$/m);
      expect(result.out).toMatch(/^token\s+tg_scoped_token_value$/m);

      const json = await run(['tokens', 'issue', 'alice', '--limits', '{"requestsPerMinute":5}', '--models', '{"allow":["claude-*"]}'], { routes });
      expect(json.requests[0].body).toEqual({ limits: { requestsPerMinute: 5 }, models: { allow: ['claude-*'] } });
    });

    it('lists tokens with team, expiry and last use', async () => {
      const used = { ...tokenView, team: 'red', expiresAt: '2027-01-01T00:00:00.000Z', lastUsedAt: '2026-12-02T09:30:00.456Z' };
      const routes = { 'GET /admin/v1/users/alice/tokens': () => ({ status: 200, body: { items: [used, { ...tokenView, id: 't2', name: '' }] } }) };
      const lines = (await run(['tokens', 'list', 'alice'], { routes })).out.split('\n');
      expect(lines[0]).toMatch(/^ID\s+NAME\s+HINT\s+TEAM\s+EXPIRES\s+LAST USED\s+CREATED\s+REVOKED$/);
      expect(lines[1]).toMatch(/^3f2b8c1e\S+\s+laptop\s+tg_ab\.\.\.yz\s+red\s+2027-01-01T00:00:00Z\s+2026-12-02T09:30:00Z\s+2025-06-01T10:00:00Z\s+-$/);
      expect(lines[2]).toMatch(/^t2\s+-\s+tg_ab\.\.\.yz\s+-\s+-\s+-\s+2025-06-01T10:00:00Z\s+-$/);
    });

    it('me limits shows each of the caller’s limits with what is left, and the model policies', async () => {
      const answer = {
        items: [
          { scope: 'user', id: 'alice', kind: 'request', limit: 60, remaining: 57, resetsAt: '2026-12-03T08:00:03.000Z' },
          { scope: 'team', id: 'red', kind: 'concurrency', limit: 8, remaining: 8, resetsAt: null },
        ],
        models: [
          { level: 'deployment', policy: { deny: ['*-preview'] } },
          { level: 'team', id: 'red', policy: { allow: ['gpt-4o*'] } },
        ],
      };
      const routes = { 'GET /v1/me/limits': () => ({ status: 200, body: answer }) };
      const result = await run(['me', 'limits'], { routes });
      expect(result.requests[0].headers.authorization).toBe(`Bearer ${USER}`);
      expect(result.out.split('\n')).toEqual([
        expect.stringMatching(/^SCOPE\s+ID\s+KIND\s+LIMIT\s+REMAINING\s+RESETS$/),
        expect.stringMatching(/^user\s+alice\s+requests\/min\s+60\s+57\s+2026-12-03T08:00:03Z$/),
        expect.stringMatching(/^team\s+red\s+concurrent\s+8\s+8\s+-$/),
        '',
        'models (deployment): deny *-preview',
        'models (team red): allow gpt-4o*',
      ]);
      const none = await run(['me', 'limits'], { routes: { 'GET /v1/me/limits': () => ({ status: 200, body: { items: [], models: [] } }) } });
      expect(none.out).toBe('no rate or concurrency limits apply to you\n\nmodels: every configured model');
      expect(JSON.parse((await run(['me', 'limits', '--json'], { routes })).out)).toEqual(answer);
    });
  });

  describe('usage errors exit 2 and send nothing', () => {
    it.each([
      [[], 'no command given'],
      [['frob'], 'unknown command "frob"'],
      [['users'], '"users" needs a command'],
      [['users', 'frob'], 'unknown command "users frob"'],
      [['users', 'get'], 'missing <id>'],
      [['users', 'get', ''], '<id> is empty'],
      [['users', 'get', 'alice', 'bob'], 'too many arguments: "users get" takes <id>'],
      [['me', 'keys', 'extra'], 'too many arguments: "me keys" takes no arguments'],
      [['users', 'get', 'alice', '--all'], 'unknown option --all for "users get"'],
      [['users', 'create', 'alice', '--name'], "Option '--name <value>' argument missing"],
      [['users', 'create', 'alice', '--mode', 'sometimes'], '--mode must be one of disabled, prefer, require, default'],
      [['users', 'set-mode', 'alice', 'always'], 'the mode must be one of'],
      [['users', 'list', '--limit', '0'], '--limit must be a whole number from 1 to 200'],
      [['users', 'list', '--limit', '201'], '--limit must be a whole number from 1 to 200'],
      [['users', 'list', '--limit', 'ten'], '--limit must be a whole number'],
      [['pool', 'enable', 'openai', '-1'], 'unknown option -1 for "pool enable"'],
      [['pool', 'enable', 'openai', 'first'], 'the position must be a whole number from 0 up'],
      [['users', 'list', '--url', 'ftp://gw.test'], 'the gateway URL (--url) is not an http(s) URL'],
      [['users', 'list', '--url', 'http://gw.test/?x=1'], 'without query or fragment'],
      [['users', 'list', '--url', 'http://admin:pw@gw.test'], 'holds credentials'],
      [['kek', 'generate', 'not valid!'], 'key id must be 1 to 32 characters'],
      [['usage', '--group-by', 'team'], '--group-by must be one of user, model, provider, day'],
      [['me', 'usage', '--group-by', 'user'], '--group-by must be one of model, provider, day'],
      [['usage', 'extra'], 'too many arguments'],
      [['teams', 'set-limits', 'red'], 'give at least one of --rpm, --tpm, --concurrent'],
      [['users', 'set-limits', 'alice', '--rpm', '0'], '--rpm must be a whole number from 1 up'],
      [['users', 'set-limits', 'alice', '--rpm', '60', '--limits', '{}'], '--limits takes the whole set: leave out --rpm'],
      [['users', 'set-limits', 'alice', '--limits', '{"rpm":60}'], '--limits: unknown field "rpm"'],
      [['users', 'set-limits', 'alice', '--limits', '{"concurrent":1.5}'], '--limits: concurrent must be a whole number'],
      [['users', 'set-limits', 'alice', '--limits', 'sixty'], '--limits is not valid JSON'],
      [['users', 'set-models', 'alice'], 'give --allow, --deny or --models'],
      [['users', 'set-models', 'alice', '--allow', 'gpt-*,,claude-*'], '--allow holds an empty pattern'],
      [['users', 'set-models', 'alice', '--models', '{"allow":"gpt-*"}'], '--models: allow must be a list'],
      [['users', 'set-models', 'alice', '--models', '[]'], '--models must be a JSON object'],
      [['tokens', 'issue', 'alice', '--expires-at', '2027-01-01'], '--expires-at must be an ISO 8601 date-time with a zone'],
      [['teams', 'set-budget', 'red', 'lots'], 'the amount must be a number'],
      [['teams', 'add-member', 'red'], 'missing <user>'],
    ])('%j → %s', async (argv, message) => {
      const result = await run(argv);
      expect([result.code, result.err]).toEqual([2, expect.stringContaining(message)]);
      expect(result.err).toMatch(/^usage error: /);
      expect(result.out).toBe('');
      expect(result.requests).toEqual([]);
    });

    it('needs a token for each kind of command, from --token or the environment', async () => {
      const admin = await run(['users', 'list'], { env: { TOLLGATE_ADMIN_TOKEN: '' } });
      expect([admin.code, admin.err]).toEqual([2, expect.stringContaining('pass --token or set TOLLGATE_ADMIN_TOKEN')]);
      const me = await run(['me'], { env: { TOLLGATE_TOKEN: '' } });
      expect([me.code, me.err]).toEqual([2, expect.stringContaining('pass --token or set TOLLGATE_TOKEN')]);
      const spaced = await run(['me', '--token', 'tg_a b']);
      expect([spaced.code, spaced.err]).toEqual([2, expect.stringContaining('spaces or control characters')]);
    });

    it('refuses an empty stdin, or more than one line, for me set-key', async () => {
      for (const stdin of ['', '  \n']) {
        const result = await run(['me', 'set-key', 'openai'], { stdin });
        expect([result.code, result.err]).toEqual([2, expect.stringContaining('no key on stdin')]);
        expect(result.requests).toEqual([]);
      }
      const twoLines = await run(['me', 'set-key', 'openai'], { stdin: `${PROVIDER_KEY}\nsecond` });
      expect([twoLines.code, twoLines.err]).toEqual([2, expect.stringContaining('more than one line')]);
    });

    it('does not echo a key typed on the command line', async () => {
      const result = await run(['me', 'set-key', 'openai', PROVIDER_KEY], { stdin: PROVIDER_KEY });
      expect([result.code, result.err]).toEqual([2, expect.stringContaining('the key itself is read from stdin')]);
      expect(result.err).not.toContain(PROVIDER_KEY);
      expect((await run([PROVIDER_KEY])).err).not.toContain(PROVIDER_KEY);
    });
  });

  describe('failures exit 1', () => {
    it('prints the API error type, message and status', async () => {
      const result = await run(['users', 'get', 'nobody'], { routes: { 'GET /admin/v1/users/nobody': () => ({ status: 404, body: { error: { type: 'not_found', message: 'no user "nobody"' } } }) } });
      expect([result.code, result.err, result.out]).toEqual([1, 'error not_found: no user "nobody" (HTTP 404)', '']);
    });

    it('quotes an answer that is not the API’s error shape', async () => {
      const result = await run(['users', 'list'], { fallback: () => ({ status: 502, text: '<html>\n<h1>Bad Gateway</h1>\n</html>' }) });
      expect([result.code, result.err]).toEqual([1, 'error http_502: <html> <h1>Bad Gateway</h1> </html> (HTTP 502)']);
    });

    it('says so when the gateway cannot be reached', async () => {
      const code = await runAdminCli(['users', 'list'], {
        env: { TOLLGATE_ADMIN_TOKEN: ADMIN },
        stdin: async () => '',
        stdout: () => undefined,
        stderr: (line) => expect(line).toBe('error connection: cannot reach http://127.0.0.1:8080: ECONNREFUSED'),
        fetch: (() => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))) as typeof fetch,
      });
      expect(code).toBe(1);
    });
  });

  describe('secrets', () => {
    /** A gateway that puts whatever credential it got into its answers, success and error alike. */
    const echoing: Route = (request) => {
      const echoed = `${request.headers.authorization} ${JSON.stringify(request.body ?? null)}`;
      return request.method === 'GET' && request.url.pathname.endsWith('/tokens')
        ? { status: 200, body: { items: [{ ...tokenView, name: echoed }] } }
        : { status: 400, body: { error: { type: 'invalid_request', message: echoed } } };
    };

    it.each(ADMIN_COMMANDS.filter((command) => command.credential !== 'none').map((command) => [command.words.join(' ')]))(
      '%s never prints the token it was given (env or --token) nor a provider key',
      async (name) => {
        const argv = sampleArgs(name.split(' '));
        for (const viaFlag of [false, true]) {
          const secret = viaFlag ? 'tg_flag_secret_token_9' : undefined;
          const result = await run(viaFlag ? [...argv, '--token', secret!] : argv, { fallback: echoing, stdin: PROVIDER_KEY });
          expect(result.requests.length).toBeGreaterThan(0);
          const printed = `${result.out}\n${result.err}`;
          expect(printed).toContain('[redacted]');
          for (const value of [ADMIN, USER, PROVIDER_KEY, ...(secret ? [secret] : [])]) expect(printed).not.toContain(value);
        }
      },
    );

    it('keeps a --token value out of usage errors', async () => {
      const result = await run(['--token=tg_typo_secret_token', 'users', 'get', 'a', 'b']);
      expect(result.code).toBe(2);
      expect(result.err).not.toContain('tg_typo_secret_token');
    });
  });
});
