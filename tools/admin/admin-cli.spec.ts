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
  createdAt: '2025-06-01T10:00:00.123Z',
  updatedAt: '2025-06-01T10:00:00.123Z',
});
const tokenView = { id: '3f2b8c1e-9d4a-4e6b-8f0c-5a7d2e1b9c40', user: 'alice', name: 'laptop', hint: 'tg_ab...yz', createdAt: '2025-06-01T10:00:00Z', revokedAt: null };

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
