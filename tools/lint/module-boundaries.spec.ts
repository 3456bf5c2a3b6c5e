import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const WORKSPACE = resolve(__dirname, '../..');

/** Lints a made-up file at `path` (not written to disk) and returns the module-boundary messages. */
async function boundaryMessages(path: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: WORKSPACE });
  const [result] = await eslint.lintText(source, { filePath: resolve(WORKSPACE, path) });
  return result.messages.filter((message) => message.ruleId === '@nx/enforce-module-boundaries').map((message) => message.message);
}

describe('module boundaries (eslint)', () => {
  beforeAll(() => {
    // What `npm run lint` does first: the rule reads the cached project graph and is skipped without one.
    execFileSync('npx', ['nx', 'show', 'projects'], { cwd: WORKSPACE, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
  }, 120_000);

  it('keeps Nest, TypeORM, BullMQ and ioredis out of the event contract', async () => {
    const messages = await boundaryMessages('libs/recording/src/zz-probe.ts', "import { Queue } from 'bullmq';\nexport const probe = Queue;\n");
    expect(messages.join('\n')).toMatch(/bullmq/);
  });

  it('keeps the gateway library away from the database library', async () => {
    const messages = await boundaryMessages('libs/gateway/src/zz-probe.ts', "import { runMigrations } from '@tollgate/persistence';\nexport const probe = runMigrations;\n");
    expect(messages.length).toBeGreaterThan(0);
  });

  it('keeps TypeORM out of the SQL stores, which the standalone gateway loads', async () => {
    const messages = await boundaryMessages('libs/sql-stores/src/zz-probe.ts', "import { DataSource } from 'typeorm';\nexport const probe = DataSource;\n");
    expect(messages.join('\n')).toMatch(/typeorm/);
    const viaLib = await boundaryMessages('libs/sql-stores/src/zz-probe.ts', "import { runMigrations } from '@tollgate/persistence';\nexport const probe = runMigrations;\n");
    expect(viaLib.length).toBeGreaterThan(0);
  });

  it('forbids a domain library from importing a feature library', async () => {
    const messages = await boundaryMessages('libs/keypool/src/zz-probe.ts', "import { createGatewayApp } from '@tollgate/gateway';\nexport const probe = createGatewayApp;\n");
    expect(messages.length).toBeGreaterThan(0);
  });

  it('allows what the layering allows', async () => {
    expect(await boundaryMessages('libs/gateway/src/zz-probe.ts', "import { hint } from '@tollgate/keypool';\nexport const probe = hint;\n")).toEqual([]);
  });
});
