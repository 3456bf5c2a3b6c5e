import { randomUUID } from 'node:crypto';
import net from 'node:net';
import Redis, { type RedisOptions } from 'ioredis';
import { FakeClock } from '@tollgate/testing';
import { systemClock } from '@tollgate/time';
import { hint } from './hint';
import { KeyPool } from './key-pool';
import { modelScope } from './model-scope';
import { RedisKeyStateStore } from './redis-key-state.store';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const FILE_PREFIX = `tollgate-test:keypool-int:${randomUUID()}:`;
const FAST_RETRY = { retryStrategy: () => 20 };

/** ioredis options for the test Redis, optionally reached through another port (the outage proxy). */
function redisOptions(port?: number): RedisOptions {
  const url = new URL(REDIS_URL);
  return {
    host: url.hostname,
    port: port ?? Number(url.port || 6379),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    ...FAST_RETRY,
  };
}

/** Polls until `condition` holds; fails the test if it does not within `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await settle();
  }
}

/** Lets every ready promise continuation and I/O callback run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A TCP hop in front of Redis that can be cut (connections dropped, port refusing) and restored. */
class OutageProxy {
  port = 0;
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('RedisKeyStateStore (real Redis)', () => {
  const admin = new Redis(REDIS_URL);
  const stores: RedisKeyStateStore[] = [];
  const proxies: OutageProxy[] = [];
  let prefix: string;
  let testIndex = 0;

  function store(options: Partial<ConstructorParameters<typeof RedisKeyStateStore>[0]> = {}): RedisKeyStateStore {
    const created = new RedisKeyStateStore({ redis: redisOptions(), keyPrefix: prefix, ...options });
    stores.push(created);
    return created;
  }

  async function connectedReplicas(fingerprints: string[]): Promise<[RedisKeyStateStore, RedisKeyStateStore]> {
    const a = store();
    const b = store();
    await Promise.all([a.track(fingerprints), b.track(fingerprints)]);
    await waitFor(() => a.health().connected && b.health().connected, 3000, 'both replicas connected');
    return [a, b];
  }

  async function prefixKeys(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await admin.scan(cursor, 'MATCH', `${FILE_PREFIX}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  }

  beforeEach(() => {
    prefix = `${FILE_PREFIX}${testIndex++}:`;
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((created) => created.close()));
    await Promise.all(proxies.splice(0).map((proxy) => proxy.cut()));
  });

  afterAll(async () => {
    const keys = await prefixKeys();
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  // How fast a change propagates is measured by the benchmark (docs/benchmarks.md), not asserted here.
  it('a mark on one replica shows in the other replica’s local read', async () => {
    const [a, b] = await connectedReplicas(['fp-1']);
    const until = Date.now() + 30_000;

    a.mark('fp-1', { state: 'cooling', reason: 'rate_limited', until }, Date.now());
    expect(a.read('fp-1', Date.now())).toEqual({ state: 'cooling', reason: 'rate_limited', until });
    await waitFor(() => b.read('fp-1', Date.now()).state === 'cooling', 1000, 'cooling on B');
    expect(b.read('fp-1', Date.now())).toEqual({ state: 'cooling', reason: 'rate_limited', until });

    a.mark('fp-1', { state: 'disabled', reason: 'unauthorized' }, Date.now());
    await waitFor(() => b.read('fp-1', Date.now()).state === 'disabled', 1000, 'disabled on B');
    expect(b.read('fp-1', Date.now())).toEqual({ state: 'disabled', reason: 'unauthorized' });

    await a.enable('fp-1');
    expect(a.read('fp-1', Date.now())).toEqual({ state: 'valid' });
    await waitFor(() => b.read('fp-1', Date.now()).state === 'valid', 1000, 'valid on B');
    expect(await admin.exists(`${prefix}keypool:fp-1`)).toBe(0);
  });

  it("a key's per-model entry reaches the other replica without being tracked, expires in Redis, and leaves the key valid", async () => {
    const [a, b] = await connectedReplicas(['fp-model']);
    const scoped = 'fp-model' + modelScope('gpt-restricted');
    const until = Date.now() + 30_000;
    a.mark(scoped, { state: 'cooling', reason: 'model_denied', until }, Date.now());
    await waitFor(() => b.read(scoped, Date.now()).state === 'cooling', 1000, 'model denial on B');
    expect(b.read(scoped, Date.now())).toEqual({ state: 'cooling', reason: 'model_denied', until });
    expect(b.read('fp-model', Date.now())).toEqual({ state: 'valid' });
    // Bounded in Redis by its own TTL, under a fixed-length key that holds no model name.
    const stored = await admin.keys(`${prefix}keypool:*`);
    expect(stored).toEqual([`${prefix}keypool:${scoped}`]);
    expect(stored[0]).not.toContain('gpt-restricted');
    const ttl = await admin.pttl(stored[0]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('racing marks keep the later deadline, in Redis and on both replicas', async () => {
    const [a, b] = await connectedReplicas(['fp-race-1', 'fp-race-2']);
    const now = Date.now();
    const early = now + 5_000;
    const late = now + 9_000;
    // Same tick, so neither replica has seen the other's mark: the later deadline must win either way round.
    a.mark('fp-race-1', { state: 'cooling', reason: 'rate_limited', until: late }, now);
    b.mark('fp-race-1', { state: 'cooling', reason: 'rate_limited', until: early }, now);
    a.mark('fp-race-2', { state: 'cooling', reason: 'rate_limited', until: early }, now);
    b.mark('fp-race-2', { state: 'cooling', reason: 'rate_limited', until: late }, now);

    for (const fingerprint of ['fp-race-1', 'fp-race-2']) {
      await waitFor(
        () => a.read(fingerprint, Date.now()).until === late && b.read(fingerprint, Date.now()).until === late,
        1000,
        `${fingerprint} converged`,
      );
      expect(await admin.hgetall(`${prefix}keypool:${fingerprint}`)).toEqual({ state: 'cooling', reason: 'rate_limited', until: String(late) });
      const ttl = await admin.pttl(`${prefix}keypool:${fingerprint}`);
      expect(ttl).toBeGreaterThan(8_000);
      expect(ttl).toBeLessThanOrEqual(9_000);
    }
  });

  it('a disabled key on one replica is disabled on the other, and a racing cooldown never downgrades it', async () => {
    const [a, b] = await connectedReplicas(['fp-d']);
    const now = Date.now();
    a.mark('fp-d', { state: 'disabled', reason: 'forbidden' }, now);
    // B has not heard of it yet: its local view cools the key, Redis must keep it disabled.
    b.mark('fp-d', { state: 'cooling', reason: 'rate_limited', until: now + 60_000 }, now);
    await waitFor(() => a.read('fp-d', Date.now()).state === 'disabled' && b.read('fp-d', Date.now()).state === 'disabled', 1000, 'disabled on both');
    expect(b.read('fp-d', Date.now())).toEqual({ state: 'disabled', reason: 'forbidden' });
    expect(await admin.hgetall(`${prefix}keypool:fp-d`)).toEqual({ state: 'disabled', reason: 'forbidden' });
    expect(await admin.pttl(`${prefix}keypool:fp-d`)).toBe(-1);
  });

  it('a replica that starts later loads the current state of the keys it tracks', async () => {
    const [a] = await connectedReplicas(['fp-late']);
    a.mark('fp-late', { state: 'disabled', reason: 'unauthorized' }, Date.now());
    let written = 0;
    const deadline = Date.now() + 1000;
    while (written === 0 && Date.now() < deadline) written = await admin.exists(`${prefix}keypool:fp-late`);
    expect(written).toBe(1);
    const c = store();
    await c.track(['fp-late']);
    await waitFor(() => c.read('fp-late', Date.now()).state === 'disabled', 2000, 'late replica loaded the state');
  });

  it('whenSynced: a replica starting now has the shared state of its keys once it resolves, whenever it tracks them', async () => {
    const [a] = await connectedReplicas(['fp-start', 'fp-later']);
    a.mark('fp-start', { state: 'disabled', reason: 'unauthorized' }, Date.now());
    a.mark('fp-later', { state: 'disabled', reason: 'unauthorized' }, Date.now());
    const deadline = Date.now() + 1000;
    while ((await admin.exists(`${prefix}keypool:fp-start`, `${prefix}keypool:fp-later`)) < 2 && Date.now() < deadline);

    const starting = store();
    void starting.track(['fp-start']); // as a key pool does, without waiting
    expect(await starting.whenSynced(2_000)).toBe(true);
    expect(starting.read('fp-start', Date.now()).state).toBe('disabled');
    void starting.track(['fp-later']); // a pool built after the first sync (a config reload)
    expect(await starting.whenSynced(2_000)).toBe(true);
    expect(starting.read('fp-later', Date.now()).state).toBe('disabled');
  });

  it('whenSynced gives up after its timeout when Redis is unreachable at start', async () => {
    const clock = new FakeClock();
    const dead = store({ redis: { ...redisOptions(await freePort()), retryStrategy: () => 50 }, clock });
    void dead.track(['fp-y']);
    let synced: boolean | undefined;
    void dead.whenSynced(300).then((result) => (synced = result));
    clock.advance(299);
    await settle();
    expect(synced).toBeUndefined();
    clock.advance(1);
    await settle();
    expect(synced).toBe(false);
  });

  it('never writes or publishes a key (or its hint) — only fingerprints', async () => {
    const secrets = ['sk-proj-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'sk-proj-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', 'sk-proj-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC'];
    const messages: string[] = [];
    const listener = new Redis(REDIS_URL);
    listener.on('message', (_channel: string, message: string) => messages.push(message));
    await listener.subscribe(`${prefix}keypool:changes`);
    try {
      const a = store();
      const b = store();
      const options = { strategy: 'ordered', authFailure: 'disable', authCooldownMs: 60_000, defaultCooldownMs: 60_000, maxCooldownMs: 3_600_000 } as const;
      const poolA = new KeyPool({ provider: 'openai', keys: secrets, options, store: a, clock: systemClock, fingerprintSecret: 'fp-secret' });
      const poolB = new KeyPool({ provider: 'openai', keys: secrets, options, store: b, clock: systemClock, fingerprintSecret: 'fp-secret' });
      await waitFor(() => a.health().connected && b.health().connected, 3000, 'both replicas connected');

      const walker = poolA.startWalk();
      walker.next();
      expect(walker.report(429, { 'retry-after': '30' })).toBe('failover');
      walker.next();
      expect(walker.report(401, {})).toBe('failover');
      walker.next();
      expect(walker.report(403, {})).toBe('failover');
      await waitFor(() => poolB.counts().valid === 0, 1000, 'B sees every key failed');
      expect(await poolA.enable(2)).toBe(true);
      await waitFor(() => poolB.counts().valid === 1 && messages.length >= 4, 1000, 'enable seen');

      const keys = await prefixKeys();
      const ours = keys.filter((key) => key.startsWith(prefix));
      expect(ours).toHaveLength(2);
      const dump: string[] = [...keys, ...messages];
      for (const key of ours) {
        expect(key).toMatch(new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}keypool:[0-9a-f]{64}$`));
        expect(await admin.type(key)).toBe('hash');
        const fields = await admin.hgetall(key);
        dump.push(...Object.keys(fields), ...Object.values(fields));
      }
      const everything = dump.join('\n');
      for (const secret of secrets) {
        expect(everything).not.toContain(secret);
        expect(everything).not.toContain(secret.slice(8, 20));
        expect(everything).not.toContain(hint(secret));
      }
      expect(messages.length).toBeGreaterThanOrEqual(4);
    } finally {
      await listener.quit();
    }
  });

  it('with Redis unreachable from the start, reads and marks work locally and health says so', async () => {
    const port = await freePort();
    const changes: boolean[] = [];
    const dead = store({ redis: { ...redisOptions(port), retryStrategy: () => 50 }, onConnectivityChange: (connected) => changes.push(connected) });
    await dead.track(['fp-x']);
    await waitFor(() => changes.length > 0, 2000, 'connectivity callback');
    expect(changes).toEqual([false]);
    expect(dead.health()).toMatchObject({ shared: true, connected: false });
    expect(dead.health().detail).toMatch(/unreachable/i);

    const clock = new FakeClock(Date.now());
    expect(dead.mark('fp-x', { state: 'cooling', reason: 'rate_limited', until: clock.now() + 1_000 }, clock.now())).toEqual({ changed: true });
    expect(dead.read('fp-x', clock.now()).state).toBe('cooling');
    clock.advance(1_000);
    expect(dead.read('fp-x', clock.now()).state).toBe('valid');
    dead.mark('fp-x', { state: 'disabled', reason: 'unauthorized' }, clock.now());
    expect(dead.read('fp-x', clock.now()).state).toBe('disabled');
    // Enabling does not wait for Redis: it settles before any I/O could answer it.
    let enabled = false;
    void dead.enable('fp-x').then(() => (enabled = true));
    await settle();
    expect(enabled).toBe(true);
    expect(dead.read('fp-x', clock.now()).state).toBe('valid');
  });

  it('keeps serving through an outage and converges on both replicas when Redis is back', async () => {
    const target = redisOptions();
    const proxy = new OutageProxy({ host: target.host as string, port: target.port as number });
    proxies.push(proxy);
    await proxy.start();
    const changes: boolean[] = [];
    const a = store({ redis: redisOptions(proxy.port), onConnectivityChange: (connected) => changes.push(connected) });
    const b = store();
    const fingerprints = ['fp-o1', 'fp-o2', 'fp-o3'];
    await Promise.all([a.track(fingerprints), b.track(fingerprints)]);
    await waitFor(() => a.health().connected && b.health().connected, 3000, 'both replicas connected');
    b.mark('fp-o3', { state: 'disabled', reason: 'forbidden' }, Date.now());
    await waitFor(() => a.read('fp-o3', Date.now()).state === 'disabled', 1000, 'fp-o3 disabled on A before the outage');

    await proxy.cut();
    await waitFor(() => !a.health().connected, 2000, 'A notices the outage');
    expect(changes).toEqual([false]);
    expect(a.health().detail).toBeDefined();

    const until = Date.now() + 30_000;
    // A mark is synchronous: it never waits for Redis.
    expect(a.mark('fp-o1', { state: 'cooling', reason: 'rate_limited', until }, Date.now())).toEqual({ changed: true });
    expect(a.read('fp-o1', Date.now())).toMatchObject({ state: 'cooling', until });
    const published: string[] = [];
    const listener = new Redis(REDIS_URL);
    listener.on('message', (_channel: string, message: string) => published.push(message));
    await listener.subscribe(`${prefix}keypool:changes`);
    b.mark('fp-o2', { state: 'disabled', reason: 'unauthorized' }, Date.now());
    await b.enable('fp-o3');
    // B's changes went out through Redis (a connected subscriber has them); A, cut off, did not get them.
    await waitFor(() => published.length >= 2, 2000, "B's changes published");
    await listener.quit();
    // Neither replica can see the other's changes yet.
    expect(b.read('fp-o1', Date.now()).state).toBe('valid');
    expect(a.read('fp-o2', Date.now()).state).toBe('valid');
    expect(a.read('fp-o3', Date.now()).state).toBe('disabled');

    await proxy.start();
    await waitFor(
      () =>
        a.health().connected &&
        b.read('fp-o1', Date.now()).until === until &&
        a.read('fp-o2', Date.now()).state === 'disabled' &&
        a.read('fp-o3', Date.now()).state === 'valid',
      5000,
      'state converged after the outage',
    );
    expect(changes).toEqual([false, true]);
    expect(a.health()).toEqual({ shared: true, connected: true });
    expect(await admin.hgetall(`${prefix}keypool:fp-o1`)).toEqual({ state: 'cooling', reason: 'rate_limited', until: String(until) });
  });
});
