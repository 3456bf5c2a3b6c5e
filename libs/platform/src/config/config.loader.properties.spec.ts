import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from './config.loader';
import type { TollgateConfig } from './tollgate-config';

// Property-based tests (docs/fuzzing.md). fast-check prints the seed and path of any counterexample.
const RUNS = { numRuns: 100 };

/** The longest delay a Node timer honours; a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** A duration as an operator writes it, with the milliseconds it must load as. */
const validDuration = fc.oneof(
  fc.integer({ min: 0, max: MAX_TIMER_MS }).map((ms) => ({ written: ms as string | number, ms })),
  fc
    .constantFrom<keyof typeof UNIT_MS>('ms', 's', 'm', 'h')
    .chain((unit) => fc.integer({ min: 0, max: Math.floor(MAX_TIMER_MS / UNIT_MS[unit]) }).map((n) => ({ written: `${n}${unit}`, ms: n * UNIT_MS[unit] }))),
);

const providerName = fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}$/).filter((name) => !['v1', 'admin', 'healthz', 'readyz', 'metrics', 'console'].includes(name));
const key = fc.string({ unit: fc.mapToConstant({ num: 94, build: (v) => String.fromCharCode(0x21 + v) }), minLength: 1, maxLength: 30 });

const provider = fc.record({
  name: providerName,
  type: fc.constantFrom('openai', 'anthropic', 'gemini'),
  baseUrl: fc.webUrl({ validSchemes: ['http', 'https'] }),
  keys: fc.array(key, { maxLength: 3 }),
  strategy: fc.constantFrom('ordered', 'round-robin'),
  authFailure: fc.constantFrom('disable', 'cooldown'),
  authCooldown: validDuration,
  maxCooldown: validDuration,
});

const validConfig = fc.record({
  port: fc.integer({ min: 0, max: 65535 }),
  maxBodyBytes: fc.integer({ min: 1, max: 2 ** 40 }),
  firstByteTimeout: validDuration,
  grace: validDuration,
  providers: fc.uniqueArray(provider, { selector: (entry) => entry.name, maxLength: 3 }),
  tokens: fc.uniqueArray(fc.record({ token: key.map((rest) => `tg_${rest}_12345`), user: key }), { selector: (entry) => entry.token, maxLength: 3 }),
  failurePolicy: fc.constantFrom('closed', 'open'),
  maxEvents: fc.integer({ min: 1, max: 10_000 }),
  logLevel: fc.constantFrom('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
});

type Generated = typeof validConfig extends fc.Arbitrary<infer T> ? T : never;

function documentOf(generated: Generated): Record<string, unknown> {
  return {
    server: {
      port: generated.port,
      maxBodyBytes: generated.maxBodyBytes,
      upstream: { firstByteTimeout: generated.firstByteTimeout.written },
      shutdown: { grace: generated.grace.written },
    },
    providers: generated.providers.map((entry) => ({ ...entry, authCooldown: entry.authCooldown.written, maxCooldown: entry.maxCooldown.written })),
    auth: { tokens: generated.tokens },
    recording: { failurePolicy: generated.failurePolicy, batch: { maxEvents: generated.maxEvents } },
    logging: { level: generated.logLevel },
  };
}

function setField(document: Record<string, unknown>, path: string[], value: unknown): void {
  let parent = document;
  for (const name of path.slice(0, -1)) parent = parent[name] as Record<string, unknown>;
  parent[path[path.length - 1]] = value;
}

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-config-properties-'));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function loadYamlText(text: string): TollgateConfig {
  const path = join(workDir, 'tollgate.yaml');
  writeFileSync(path, text);
  return loadConfig({ path, env: {} });
}

/** Loads, and turns anything but a ConfigError into a test failure (a crash, not a refusal). */
function loadOrRefuse(load: () => TollgateConfig): TollgateConfig | ConfigError {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw new Error(`loadConfig crashed instead of refusing: ${String(error)}`);
  }
}

/** Every field that ends in `Ms`, wherever it sits in the loaded config. */
/** Periods compared with timestamps or sent to Redis as TTLs, never given to a timer (and `retention` may be unset). */
const NOT_TIMERS = new Set(['recording.retentionMs', 'storedObjects.ownerTtlMs']);

function durationsOf(value: unknown, path = ''): Array<[string, unknown]> {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([name, field]) =>
    name.endsWith('Ms') ? (NOT_TIMERS.has(`${path}${name}`) ? [] : [[`${path}${name}`, field] as [string, unknown]]) : durationsOf(field, `${path}${name}.`),
  );
}

describe('loadConfig properties', () => {
  it('loads every valid config, and the YAML file gives the same config as the parsed document', () => {
    fc.assert(
      fc.property(validConfig, (generated) => {
        const document = documentOf(generated);
        const fromDocument = loadConfig({ document, env: {} });
        const fromFile = loadYamlText(stringify(document));
        expect({ ...fromFile, configPath: '' }).toEqual({ ...fromDocument, configPath: '' });

        expect(fromFile.server).toMatchObject({ port: generated.port, maxBodyBytes: generated.maxBodyBytes });
        expect(fromFile.server.upstream.firstByteTimeoutMs).toBe(generated.firstByteTimeout.ms);
        expect(fromFile.server.shutdown.graceMs).toBe(generated.grace.ms);
        expect(fromFile.providers.map((entry) => [entry.name, entry.keys, entry.authCooldownMs, entry.maxCooldownMs])).toEqual(
          generated.providers.map((entry) => [entry.name, entry.keys, entry.authCooldown.ms, entry.maxCooldown.ms]),
        );
        expect(fromFile.auth.tokens).toEqual(generated.tokens);
        expect(fromFile.recording.batch.maxEvents).toBe(generated.maxEvents);
        expect(fromFile.logging.level).toBe(generated.logLevel);
      }),
      RUNS,
    );
  });

  it('a wrong value in one field is refused with a ConfigError naming that field', () => {
    const wrongValues: Array<[string, string[], unknown]> = [
      ['server.port', ['server', 'port'], 70_000],
      ['server.maxBodyBytes', ['server', 'maxBodyBytes'], 'lots'],
      ['server.upstream.firstByteTimeout', ['server', 'upstream', 'firstByteTimeout'], 'soon'],
      ['server.shutdown.grace', ['server', 'shutdown', 'grace'], -1],
      ['recording.batch.maxEvents', ['recording', 'batch', 'maxEvents'], 0],
      ['logging.level', ['logging', 'level'], 'loud'],
      ['auth.tokens', ['auth', 'tokens'], 'tg_everyone'],
      ['(root)', ['unexpected'], true],
    ];
    fc.assert(
      fc.property(validConfig, fc.constantFrom(...wrongValues), (generated, [field, path, wrong]) => {
        const document = documentOf(generated);
        setField(document, path, wrong);
        const refused = loadOrRefuse(() => loadConfig({ document, env: {} }));
        expect(refused).toBeInstanceOf(ConfigError);
        expect((refused as ConfigError).problems.some((problem) => problem.startsWith(`${field}:`))).toBe(true);
      }),
      RUNS,
    );
  });

  it('every loaded duration is a finite number of milliseconds a timer can wait for; longer ones are refused', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<keyof typeof UNIT_MS>('ms', 's', 'm', 'h'),
        fc.oneof(fc.integer({ min: 0, max: 10 ** 7 }), fc.stringMatching(/^\d{8,400}(\.\d{1,3})?$/)),
        (unit, amount) => {
          const written = `${amount}${unit}`;
          const loaded = loadOrRefuse(() => loadConfig({ document: { server: { upstream: { idleTimeout: written } } }, env: {} }));
          const expectedMs = Number(amount) * UNIT_MS[unit];
          if (expectedMs > MAX_TIMER_MS) {
            expect(loaded).toBeInstanceOf(ConfigError);
            expect((loaded as ConfigError).problems).toEqual([expect.stringMatching(/^server\.upstream\.idleTimeout: must be at most /)]);
          } else {
            expect(loaded).not.toBeInstanceOf(ConfigError);
            expect((loaded as TollgateConfig).server.upstream.idleTimeoutMs).toBe(Math.round(expectedMs));
          }
        },
      ),
      RUNS,
    );
  });

  it('every loaded body limit is a positive whole number of bytes; 0 and sizes past 2^53 are refused', () => {
    const factors = { '': 1, b: 1, kb: 1e3, KiB: 1024, MB: 1e6, mib: 1024 ** 2, GB: 1e9, GiB: 1024 ** 3 } as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(factors) as Array<keyof typeof factors>)),
        fc.oneof(fc.integer({ min: 0, max: 10 ** 6 }).map(String), fc.stringMatching(/^\d{10,400}$/)),
        (unit, amount) => {
          const loaded = loadOrRefuse(() => loadConfig({ document: { server: { maxBodyBytes: `${amount}${unit}` } }, env: {} }));
          const expectedBytes = Number(amount) * factors[unit];
          if (expectedBytes > 0 && Number.isSafeInteger(expectedBytes)) {
            expect((loaded as TollgateConfig).server?.maxBodyBytes).toBe(expectedBytes);
          } else {
            expect(loaded).toBeInstanceOf(ConfigError);
            expect((loaded as ConfigError).problems).toEqual([expect.stringMatching(/^server\.maxBodyBytes: /)]);
          }
        },
      ),
      RUNS,
    );
  });

  it('regression: "600h" (25 days) is refused rather than firing after 1 ms', () => {
    const refused = loadOrRefuse(() => loadConfig({ document: { server: { upstream: { firstByteTimeout: '600h' } } }, env: {} }));
    expect(refused).toBeInstanceOf(ConfigError);
  });

  it('any document and any YAML text either loads or is refused with a ConfigError, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom('server', 'providers', 'auth', 'recording', 'mcp', 'byok', 'budgets'), fc.anything())), (document) => {
        const loaded = loadOrRefuse(() => loadConfig({ document, env: {} }));
        if (!(loaded instanceof ConfigError)) expect(durationsOf(loaded).every(([, ms]) => typeof ms === 'number' && ms >= 0 && ms <= MAX_TIMER_MS)).toBe(true);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        loadOrRefuse(() => loadYamlText(text));
      }),
      RUNS,
    );
  });

  it('a refusal never quotes the value that was refused', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 12, maxLength: 40 }).map((secret) => `sk-${secret.replace(/\$/g, '')}`), (secret) => {
        const refused = loadOrRefuse(() =>
          loadConfig({ document: { providers: [{ name: 'openai', type: 'openai', keys: secret }], auth: { tokens: [{ token: secret, user: 'x' }] } }, env: {} }),
        );
        expect(refused).toBeInstanceOf(ConfigError);
        expect((refused as ConfigError).message).not.toContain(secret);
      }),
      RUNS,
    );
  });
});
