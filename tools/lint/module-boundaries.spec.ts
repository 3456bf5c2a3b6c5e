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

  it('keeps the gateway composition root away from the database library', async () => {
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
    const messages = await boundaryMessages('libs/keypool/src/zz-probe.ts', "import { createGatewayServer } from '@tollgate/request-path';\nexport const probe = createGatewayServer;\n");
    expect(messages.length).toBeGreaterThan(0);
    const composition = await boundaryMessages('libs/keypool/src/zz-probe.ts', "import { createGatewayApp } from '@tollgate/gateway';\nexport const probe = createGatewayApp;\n");
    expect(composition.length).toBeGreaterThan(0);
  });

  it('keeps the request path away from the operator API and the composition root', async () => {
    const operatorApi = await boundaryMessages('libs/request-path/src/zz-probe.ts', "import { MeController } from '@tollgate/operator-api';\nexport const probe = MeController;\n");
    // Reported as a cycle (the operator API builds on the request path) before the layer constraint is checked.
    expect(operatorApi.join('\n')).toMatch(/request-path/);
    const composition = await boundaryMessages('libs/request-path/src/zz-probe.ts', "import { GatewayRuntime } from '@tollgate/gateway';\nexport const probe = GatewayRuntime;\n");
    expect(composition.length).toBeGreaterThan(0);
  });

  it('keeps the operator API away from the composition root', async () => {
    const messages = await boundaryMessages('libs/operator-api/src/zz-probe.ts', "import { GatewayRuntime } from '@tollgate/gateway';\nexport const probe = GatewayRuntime;\n");
    expect(messages.join('\n')).toMatch(/operator-api/);
  });

  it('keeps the gateway process away from the TypeORM library, and its libraries away from every data library', async () => {
    const app = await boundaryMessages('apps/gateway/src/zz-probe.ts', "import { createDataSource } from '@tollgate/persistence';\nexport const probe = createDataSource;\n");
    expect(app.join('\n')).toMatch(/scope:gateway/);
    const requestPath = await boundaryMessages('libs/request-path/src/zz-probe.ts', "import { PostgresUsageStore } from '@tollgate/sql-stores';\nexport const probe = PostgresUsageStore;\n");
    expect(requestPath.length).toBeGreaterThan(0);
  });

  it('lets apps import the composition root only, not a gateway library inside it', async () => {
    const messages = await boundaryMessages('apps/gateway/src/zz-probe.ts', "import { LiveConfiguration } from '@tollgate/request-path';\nexport const probe = LiveConfiguration;\n");
    expect(messages.join('\n')).toMatch(/type:app/);
  });

  it('allows what the layering allows', async () => {
    expect(await boundaryMessages('libs/gateway/src/zz-probe.ts', "import { hint } from '@tollgate/keypool';\nexport const probe = hint;\n")).toEqual([]);
    const allowed: [string, string][] = [
      ['libs/operator-api/src/zz-probe.ts', "import { LiveConfiguration } from '@tollgate/request-path';\nexport const probe = LiveConfiguration;\n"],
      ['libs/gateway/src/zz-probe.ts', "import { MeController } from '@tollgate/operator-api';\nimport { LiveConfiguration } from '@tollgate/request-path';\nexport const probe = [MeController, LiveConfiguration];\n"],
      ['apps/gateway/src/zz-probe.ts', "import { PostgresUsageStore } from '@tollgate/sql-stores';\nexport const probe = PostgresUsageStore;\n"],
      ['apps/tollgate/src/zz-probe.ts', "import { createDataSource } from '@tollgate/persistence';\nexport const probe = createDataSource;\n"],
    ];
    for (const [path, source] of allowed) expect(await boundaryMessages(path, source)).toEqual([]);
  });
});
