import { hint } from '@tollgate/keypool';
import { PostgresAdminAuditLog } from '@tollgate/sql-stores';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the CLI is a workspace tool, not a project with an alias; run in process
import { runAdminCli } from '../../../tools/admin/admin-cli';
import { ADMIN_TOKEN, KEYS, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

describe('npm run admin -- audit list, against a real gateway', () => {
  let identity: IdentityDatabase;
  let harness: Harness;
  const printed: string[] = [];

  async function cli(argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runAdminCli(argv, {
      env: { TOLLGATE_URL: harness.url, TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN },
      stdin: async () => '',
      stdout: (line) => stdout.push(line),
      stderr: (line) => stderr.push(line),
      fetch,
    });
    printed.push(...stdout, ...stderr);
    return { code, out: stdout.join('\n'), err: stderr.join('\n') };
  }

  beforeAll(async () => {
    identity = await createIdentityDatabase();
    harness = await startHarness({ identityStore: identity.store, adminAuditLog: new PostgresAdminAuditLog(identity.sql) });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await identity?.drop();
  });

  it('lists what the other admin commands did, filtered and paged, without a secret', async () => {
    expect((await cli(['users', 'create', 'alice'])).code).toBe(0);
    expect((await cli(['users', 'set-budget', 'alice', '25', '--period', 'week'])).code).toBe(0);
    const issued = JSON.parse((await cli(['tokens', 'issue', 'alice', '--name', 'laptop', '--json'])).out) as { id: string; token: string };
    expect((await cli(['tokens', 'revoke', issued.id])).code).toBe(0);
    expect((await cli(['pool', 'enable', 'openai', '2'])).code).toBe(0);

    const listed = await cli(['audit', 'list']);
    expect(listed).toMatchObject({ code: 0, err: '' });
    const lines = listed.out.split('\n');
    expect(lines[0]).toMatch(/^AT\s+ACTOR\s+ACTION\s+TARGET\s+REQUEST\s+DETAILS$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/)[2])).toEqual(['pool_key.enable', 'token.revoke', 'token.issue', 'user.update', 'user.create']);
    expect(lines[1]).toContain(`admin ${hint(ADMIN_TOKEN)}`);
    expect(lines[1]).toContain(`"hint":"${hint(KEYS[2])}"`);

    const issues = JSON.parse((await cli(['audit', 'list', '--action', 'token.issue', '--json'])).out);
    expect(issues).toEqual({
      items: [expect.objectContaining({ action: 'token.issue', target: 'alice', details: { tokenId: issued.id, name: 'laptop', hint: hint(issued.token) } })],
      next: null,
    });
    expect(JSON.parse((await cli(['audit', 'list', '--target', 'alice', '--json'])).out).items).toHaveLength(3);

    const firstPage = await cli(['audit', 'list', '--limit', '2']);
    expect(firstPage.out.split('\n')).toHaveLength(3);
    expect(firstPage.err).toContain('more entries: add --after ');
    const everything = JSON.parse((await cli(['audit', 'list', '--all', '--limit', '2', '--json'])).out);
    expect(everything.items).toHaveLength(5);

    const wrong = await cli(['audit', 'list', '--action', 'user.delete']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('--action must be one of user.create');

    // The issue command printed the token once, as it must; nothing the audit commands printed holds it.
    const auditOutput = printed.slice(printed.findIndex((line) => line.startsWith('AT ')));
    for (const secret of [issued.token, ADMIN_TOKEN, ...KEYS]) expect(auditOutput.join('\n')).not.toContain(secret);
  });
});
