import { generateKeyEncryptionKey, KeyRing } from '@tollgate/byok';
import { hint } from '@tollgate/keypool';
import { startMockUpstream, type MockUpstream } from '@tollgate/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the CLI is a workspace tool, not a project with an alias; run in process
import { runAdminCli } from '../../../tools/admin/admin-cli';
import { ADMIN_TOKEN, KEYS, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

const PROVIDER_KEY = 'sk-alice-openai-key-0001';

describe('admin CLI against a real gateway', () => {
  let identity: IdentityDatabase;
  let mock: MockUpstream;
  let harness: Harness;
  /** Everything the CLI printed, to scan for secrets at the end. */
  const printed: string[] = [];

  /** One CLI run in process, pointed at the harness through the environment, as an operator's shell would be. */
  async function cli(argv: string[], options: { env?: Record<string, string>; stdin?: string } = {}) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runAdminCli(argv, {
      env: { TOLLGATE_URL: harness.url, TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN, ...options.env },
      stdin: async () => options.stdin ?? '',
      stdout: (line) => stdout.push(line),
      stderr: (line) => stderr.push(line),
      fetch,
    });
    printed.push(...stdout, ...stderr);
    return { code, out: stdout.join('\n'), err: stderr.join('\n') };
  }

  beforeAll(async () => {
    identity = await createIdentityDatabase();
    mock = await startMockUpstream();
    harness = await startHarness({
      mock,
      identityStore: identity.store,
      env: { TOLLGATE_ENCRYPTION_KEYS: generateKeyEncryptionKey('test1') },
    });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await mock?.close();
    await identity?.drop();
  });

  it('creates, lists (every page), shows and re-modes users', async () => {
    const created = await cli(['users', 'create', 'alice', '--name', 'Alice Liddell', '--mode', 'prefer']);
    expect(created).toMatchObject({ code: 0, err: '' });
    expect(created.out).toMatch(/^displayName\s+Alice Liddell$/m);
    expect(created.out).toMatch(/^byokMode\s+prefer$/m);
    for (const id of ['bob', 'carol']) expect((await cli(['users', 'create', id])).code).toBe(0);

    const listed = await cli(['users', 'list', '--all', '--limit', '1', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out).items.map((user: { id: string }) => user.id)).toEqual(['alice', 'bob', 'carol']);
    const firstPage = await cli(['users', 'list', '--limit', '2']);
    expect(firstPage.out.split('\n')).toHaveLength(3);
    expect(firstPage.err).toContain('more users: add --after ');

    const fetched = await cli(['users', 'get', 'alice', '--json']);
    expect(JSON.parse(fetched.out)).toMatchObject({ id: 'alice', displayName: 'Alice Liddell', byokMode: 'prefer', effectiveByokMode: 'prefer' });

    const required = await cli(['users', 'set-mode', 'bob', 'require', '--json']);
    expect(JSON.parse(required.out)).toMatchObject({ id: 'bob', byokMode: 'require', effectiveByokMode: 'require' });
    const reset = await cli(['users', 'set-mode', 'bob', 'default']);
    expect(reset.code).toBe(0);
    expect(reset.out).toMatch(/^byokMode\s+default$/m);
    expect(JSON.parse((await cli(['users', 'get', 'bob', '--json'])).out).byokMode).toBeNull();

    const budgeted = await cli(['users', 'set-budget', 'bob', '25', '--period', 'week']);
    expect(budgeted.code).toBe(0);
    expect(budgeted.out).toMatch(/^budget\s+\$25 per week$/m);
    expect(JSON.parse((await cli(['users', 'get', 'bob', '--json'])).out)).toMatchObject({ budget: { amountUsd: 25, period: 'week' } });
    expect((await cli(['users', 'set-budget', 'bob', 'none'])).out).toMatch(/^budget\s+default$/m);
  });

  it('issues a token that works on `me`, lists it by hint, and revokes it', async () => {
    const issued = await cli(['tokens', 'issue', 'alice', '--name', 'laptop']);
    expect(issued.code).toBe(0);
    const token = /^token\s+(tg_\S+)$/m.exec(issued.out)?.[1];
    expect(token).toBeDefined();
    expect(issued.err).toContain('cannot be shown again');
    const tokenId = /^id\s+(\S+)$/m.exec(issued.out)![1];

    const me = await cli(['me', '--token', token!]);
    expect(me.code).toBe(0);
    expect(me.out).toMatch(/^id\s+alice$/m);

    const listed = await cli(['tokens', 'list', 'alice']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(hint(token!));
    expect(listed.out).toContain(tokenId);
    expect(listed.out).not.toContain(token!);

    const revoked = await cli(['tokens', 'revoke', tokenId]);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toMatch(/^revokedAt\s+\d{4}-/m);

    const refused = await cli(['me'], { env: { TOLLGATE_TOKEN: token! } });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^error authentication_error: .+ \(HTTP 401\)$/);
    expect(refused.out).toBe('');
  });

  it('stores a key read from stdin and shows it by hint only, to the user and to an operator', async () => {
    const token = JSON.parse((await cli(['tokens', 'issue', 'alice', '--json'])).out).token as string;
    const asAlice = { TOLLGATE_TOKEN: token };

    const stored = await cli(['me', 'set-key', 'openai'], { env: asAlice, stdin: `${PROVIDER_KEY}\n` });
    expect(stored).toMatchObject({ code: 0, out: `stored your openai key ${hint(PROVIDER_KEY)}` });

    const mine = await cli(['me', 'keys'], { env: asAlice });
    expect(mine.code).toBe(0);
    expect(mine.out).toMatch(new RegExp(`^openai\\s+${escape(hint(PROVIDER_KEY))}\\s`, 'm'));

    const operator = await cli(['keys', 'list', 'alice', '--json']);
    expect(JSON.parse(operator.out).keys).toEqual([expect.objectContaining({ provider: 'openai', hint: hint(PROVIDER_KEY) })]);

    const empty = await cli(['me', 'set-key', 'openai'], { env: asAlice, stdin: '' });
    expect([empty.code, empty.err]).toEqual([2, expect.stringContaining('no key on stdin')]);

    expect((await cli(['me', 'remove-key', 'openai'], { env: asAlice })).code).toBe(0);
    expect((await cli(['me', 'keys'], { env: asAlice })).out).toBe('no stored keys');
  });

  it('shows the key pool and puts a key back in service', async () => {
    const pool = await cli(['pool', 'list', 'openai', '--json']);
    expect(pool.code).toBe(0);
    expect(JSON.parse(pool.out)).toEqual({
      provider: 'openai',
      keys: KEYS.map((key, position) => ({ position, hint: hint(key), state: 'valid' })),
    });
    const table = await cli(['pool', 'list', 'openai']);
    expect(table.out.split('\n')[1]).toMatch(new RegExp(`^0\\s+${escape(hint(KEYS[0]))}\\s+valid`));

    expect(await cli(['pool', 'enable', 'openai', '1'])).toMatchObject({ code: 0, out: `openai key 1 (${hint(KEYS[1])}): valid` });
    const missing = await cli(['pool', 'enable', 'openai', '9']);
    expect([missing.code, missing.err]).toEqual([1, 'error not_found: no key at position 9 (HTTP 404)']);
  });

  it('manages a team, user limits and model access, issues a scoped token, and shows its holder their limits', async () => {
    expect((await cli(['users', 'create', 'dana'])).code).toBe(0);
    const created = await cli(['teams', 'create', 'red', '--name', 'Red team']);
    expect(created).toMatchObject({ code: 0, err: '' });
    expect(created.out).toMatch(/^name\s+Red team$/m);
    expect((await cli(['teams', 'add-member', 'red', 'dana'])).out).toMatch(/^members\s+dana$/m);
    expect((await cli(['teams', 'set-limits', 'red', '--rpm', '100', '--tpm', '500000'])).code).toBe(0);
    expect((await cli(['teams', 'set-budget', 'red', '20', '--period', 'week'])).code).toBe(0);
    expect((await cli(['teams', 'set-models', 'red', '--deny', 'gpt-4.5*'])).code).toBe(0);
    expect(JSON.parse((await cli(['teams', 'get', 'red', '--json'])).out)).toMatchObject({
      id: 'red',
      name: 'Red team',
      limits: { requestsPerMinute: 100, tokensPerMinute: 500_000 },
      budget: { amountUsd: 20, period: 'week' },
      models: { deny: ['gpt-4.5*'] },
      members: ['dana'],
    });
    expect((await cli(['teams', 'list'])).out).toMatch(/^red\s+Red team\s+1\s+100 requests\/min, 500000 tokens\/min\s+\$20 per week\s+deny gpt-4\.5\*$/m);

    const limited = await cli(['users', 'set-limits', 'dana', '--rpm', '3']);
    expect(limited.out).toMatch(/^limits\s+3 requests\/min$/m);
    expect(limited.out).toMatch(/^teams\s+red$/m);
    expect(JSON.parse((await cli(['users', 'set-models', 'dana', '--allow', 'gpt-4o*', '--json'])).out)).toMatchObject({ models: { allow: ['gpt-4o*'] } });

    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const issued = await cli(['tokens', 'issue', 'dana', '--name', 'ci', '--team', 'red', '--expires-at', expiresAt, '--concurrent', '2', '--deny', 'gpt-4o', '--json']);
    expect(issued.code).toBe(0);
    const token = JSON.parse(issued.out) as { id: string; token: string };
    expect(JSON.parse(issued.out)).toMatchObject({ team: 'red', expiresAt, limits: { concurrent: 2 }, models: { deny: ['gpt-4o'] } });
    const listed = (await cli(['tokens', 'list', 'dana'])).out;
    expect(listed).toMatch(new RegExp(`^${token.id}\\s+ci\\s+\\S+\\s+red\\s+${expiresAt.replace(/\.\d+Z$/, 'Z')}\\s`, 'm'));

    const mine = await cli(['me', 'limits', '--json'], { env: { TOLLGATE_TOKEN: token.token } });
    expect(mine.code).toBe(0);
    const answer = JSON.parse(mine.out) as { items: Array<Record<string, unknown>>; models: Array<Record<string, unknown>> };
    expect(answer.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ scope: 'user', id: 'dana', kind: 'request', limit: 3, remaining: 3 }),
        expect.objectContaining({ scope: 'team', id: 'red', kind: 'request', limit: 100 }),
        expect.objectContaining({ scope: 'team', id: 'red', kind: 'token', limit: 500_000 }),
        expect.objectContaining({ scope: 'token', id: token.id, kind: 'concurrency', limit: 2 }),
      ]),
    );
    expect(answer.models).toEqual(
      expect.arrayContaining([
        { level: 'team', id: 'red', policy: { deny: ['gpt-4.5*'] } },
        { level: 'user', id: 'dana', policy: { allow: ['gpt-4o*'] } },
        { level: 'token', id: token.id, policy: { deny: ['gpt-4o'] } },
      ]),
    );
    const table = await cli(['me', 'limits'], { env: { TOLLGATE_TOKEN: token.token } });
    expect(table.out).toMatch(/^user\s+dana\s+requests\/min\s+3\s+3\s+-$/m);
    expect(table.out).toContain('models (token ');

    expect((await cli(['teams', 'remove-member', 'red', 'dana'])).out).toMatch(/^members\s+none$/m);
    expect((await cli(['users', 'clear-limits', 'dana'])).out).toMatch(/^limits\s+default \(limits\.default\)$/m);
    expect((await cli(['users', 'clear-models', 'dana'])).out).toMatch(/^models\s+any$/m);
    const refused = await cli(['teams', 'delete', 'red']);
    expect([refused.code, refused.err]).toEqual([1, expect.stringMatching(/^error conflict: .*active gateway token.* \(HTTP 409\)$/)]);
    expect((await cli(['tokens', 'revoke', token.id])).code).toBe(0);
    expect(await cli(['teams', 'delete', 'red'])).toMatchObject({ code: 0, out: 'deleted team red' });
    const gone = await cli(['teams', 'get', 'red']);
    expect([gone.code, gone.err]).toEqual([1, expect.stringMatching(/^error not_found: .* \(HTTP 404\)$/)]);
  });

  it('exits 1 with the API’s error type and message', async () => {
    const unknown = await cli(['users', 'get', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^error not_found: .*nobody.* \(HTTP 404\)$/);
    const duplicate = await cli(['users', 'create', 'alice']);
    expect([duplicate.code, duplicate.err]).toEqual([1, expect.stringMatching(/^error \w+: .*already exists.* \(HTTP 409\)$/)]);
    const wrongToken = await cli(['users', 'list', '--token', 'tg_not_an_admin_token']);
    expect([wrongToken.code, wrongToken.err]).toEqual([1, 'error authentication_error: a valid admin token is required (HTTP 401)']);
  });

  it('generates a key-encryption key entry the gateway accepts', async () => {
    const generated = await cli(['kek', 'generate', 'k2026'], { env: { TOLLGATE_URL: 'http://127.0.0.1:1' } });
    expect(generated.code).toBe(0);
    expect(KeyRing.parse(generated.out).ids).toEqual(['k2026']);
    const second = await startHarness({ mock, env: { TOLLGATE_ENCRYPTION_KEYS: `${generated.out},${generateKeyEncryptionKey('test1')}` } });
    await second.close();
  });

  it('never printed the admin token or a provider key', () => {
    const all = printed.join('\n');
    expect(all).not.toContain(ADMIN_TOKEN);
    expect(all).not.toContain(PROVIDER_KEY);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
