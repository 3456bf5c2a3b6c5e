// Faults with real processes: the test stops and restarts a redis-server of its own, terminates its database's
// Postgres backends, and kills the built gateway and recorder processes mid-load; then it checks in SQL that every
// interception that got a response is recorded exactly once and that the key pool converged. The figures are in
// docs/reliability.md.
import { waitFor } from '@tollgate/testing';
import { ProcessFaultRig, FAULT_TOKEN, PacedLoad } from './process-faults.harness';

const KEYS = ['k0-fault-key', 'k1-fault-key'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** k0 answers one 429 with a long Retry-After: the gateway fails over to k1 and marks k0 cooling. */
const coolFirstKey = (rig: ProcessFaultRig) => rig.mock.script(KEYS[0], { status: 429, headers: { 'retry-after': '300' } });
const exactlyOnce = (responded: number) => ({ responded, recordedOnce: responded, lost: [], duplicates: 0 });

describe('faults with real processes: every interception that got a response is recorded exactly once', () => {
  let rig: ProcessFaultRig;

  beforeEach(async () => {
    rig = new ProcessFaultRig();
    await rig.setUp();
  }, 30_000);
  afterEach(() => rig.close(), 30_000);

  it('Redis killed (SIGKILL) and restarted under load: requests are served meanwhile, their events delivered after', async () => {
    await rig.startRecorder();
    const gateway = await rig.startGateway(KEYS);
    const load = new PacedLoad(() => gateway.url, 120, { intervalMs: 15, streamEvery: 3 });
    await load.waitUntilSent(30);

    await rig.redis.stop('SIGKILL');
    coolFirstKey(rig); // marked while Redis is down: written to Redis once it is back
    await sleep(1_500);
    const heldDuringOutage = await rig.gatewayMetric(gateway, 'tollgate_recording_pending_events');
    await rig.redis.start();
    const results = await load.done;

    expect(heldDuringOutage).toBeGreaterThan(0); // the outage was real: events waited in the gateway

    expect(results.filter((result) => !result.complete)).toEqual([]);
    expect(await rig.audit(results)).toEqual(exactlyOnce(120));
    expect(await rig.keyPoolConverged(gateway, KEYS)).toEqual(['cooling', 'valid']);
    expect(await rig.queue.getFailedCount()).toBe(0);
  }, 90_000);

  it("Postgres unavailable under load (the database's backends terminated, connections refused for 1.5 s)", async () => {
    await rig.startRecorder();
    const gateway = await rig.startGateway(KEYS);
    const load = new PacedLoad(() => gateway.url, 120, { intervalMs: 15, streamEvery: 3 });
    await load.waitUntilSent(30);

    expect(await rig.cutDatabase()).toBeGreaterThan(0); // the recorder's connections
    coolFirstKey(rig);
    const cutUntil = Date.now() + 1_500;
    // The outage is real: jobs fail and wait in BullMQ's backoff.
    await waitFor(() => rig.queue.getDelayedCount(), (delayed) => delayed > 0, 'jobs retrying while Postgres refuses connections', 1_500);
    await sleep(cutUntil - Date.now());
    await rig.allowConnections();
    const results = await load.done;

    expect(results.filter((result) => !result.complete)).toEqual([]);
    expect(await rig.audit(results)).toEqual(exactlyOnce(120));
    expect(await rig.keyPoolConverged(gateway, KEYS)).toEqual(['cooling', 'valid']);
    expect(await rig.queue.getFailedCount()).toBe(0);
  }, 90_000);

  it('recorder SIGKILLed with batches in hand: another recorder takes its jobs over', async () => {
    const first = await rig.startRecorder(1_500); // holds each job up to 1.5 s for a group commit
    const gateway = await rig.startGateway(KEYS);
    const load = new PacedLoad(() => gateway.url, 120, { intervalMs: 15, streamEvery: 3 });
    await load.waitUntilSent(40);
    await waitFor(() => rig.queue.getActiveCount(), (active) => active > 0, 'jobs held by the first recorder');

    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    expect(await rig.queue.getActiveCount()).toBeGreaterThan(0); // locked by the dead recorder until the lock expires
    coolFirstKey(rig);
    await rig.startRecorder();
    const results = await load.done;

    expect(results.filter((result) => !result.complete)).toEqual([]);
    expect(await rig.audit(results)).toEqual(exactlyOnce(120));
    expect(await rig.keyPoolConverged(gateway, KEYS)).toEqual(['cooling', 'valid']);
    expect(await rig.queue.getFailedCount()).toBe(0);
  }, 90_000);

  it('gateway SIGTERM with streams open: every stream it answered finishes, then it refuses connections and exits 0', async () => {
    await rig.startRecorder();
    const gateway = await rig.startGateway(KEYS);
    rig.mock.script('*', ...Array.from({ length: 60 }, () => ({ chunks: 8, chunkDelayMs: 100 })));
    const load = new PacedLoad(() => gateway.url, 60, { intervalMs: 20, streamEvery: 1 });
    await load.waitUntilSent(20);

    const exited = gateway.stop('SIGTERM');
    const results = await load.done;

    expect(await exited).toBe(0);
    const answered = results.filter((result) => result.id !== undefined);
    expect(answered.length).toBeGreaterThanOrEqual(20);
    expect(answered.filter((result) => !result.complete)).toEqual([]);
    // The rest never reached a provider: refused once the listener closed, or (on a keep-alive connection) 503.
    const refused = results.filter((result) => result.id === undefined);
    for (const result of refused) {
      if (result.status === undefined) continue;
      expect(result.status).toBe(503);
      expect(JSON.parse(result.errorBody!)).toMatchObject({ error: { type: 'server_error', code: 'service_unavailable' } });
    }
    expect(rig.mock.keysSeen()).toHaveLength(answered.length);
    expect(await rig.audit(results)).toEqual(exactlyOnce(answered.length));
    expect(await rig.queue.getFailedCount()).toBe(0);
  }, 90_000);

  it('gateway SIGKILLed mid-load: only what it held in its last moments is lost; a new gateway carries on', async () => {
    await rig.startRecorder();
    const first = await rig.startGateway(KEYS);
    rig.mock.script('*', ...Array.from({ length: 120 }, () => ({ chunks: 4, chunkDelayMs: 50 })));
    const load = new PacedLoad(() => first.url, 120, { intervalMs: 15, streamEvery: 3 });
    await load.waitUntilSent(20);
    coolFirstKey(rig);
    await load.waitUntilSent(80);

    const killedAt = Date.now();
    await first.stop('SIGKILL');
    const results = await load.done;

    // Events wait at most batch.maxDelay (5 ms) before they go to Redis: a response finished 500 ms before the kill
    // is long recorded. Newer ones, and requests in flight, may be lost (their started row may stay unended).
    const settled = results.filter((result) => result.complete && result.finishedAt < killedAt - 500);
    expect(settled.length).toBeGreaterThan(10);
    expect(await rig.audit(results, settled)).toEqual(exactlyOnce(settled.length));

    rig.mock.reset();
    const second = await rig.startGateway(KEYS);
    const after = await new PacedLoad(() => second.url, 40, { intervalMs: 10, streamEvery: 3 }).done;
    expect(await rig.audit(after)).toEqual(exactlyOnce(40));
    // The mark the killed gateway made reached Redis; the new gateway loads it before it serves (k0 is never tried).
    expect(await rig.keyPoolConverged(second, KEYS)).toEqual(['cooling', 'valid']);
    expect(rig.mock.keysSeen().every((key) => key === KEYS[1])).toBe(true);
    expect(await rig.queue.getFailedCount()).toBe(0);
  }, 90_000);

  it('config reload (SIGHUP) under load: no request fails, the new keys are used, everything is recorded once', async () => {
    await rig.startRecorder();
    const gateway = await rig.startGateway(KEYS);
    const load = new PacedLoad(() => gateway.url, 120, { intervalMs: 15, streamEvery: 3 });
    await load.waitUntilSent(40);

    const reloadedKeys = [KEYS[1], 'k2-fault-key'];
    rig.reconfigure(rig.gatewayConfig(reloadedKeys, [{ token: FAULT_TOKEN, user: 'faults' }]));
    gateway.child.kill('SIGHUP');
    await waitFor(async () => rig.mock.keysSeen().at(-1), (key) => key === KEYS[1], 'the reloaded pool in use');
    rig.mock.script(KEYS[1], { status: 429, headers: { 'retry-after': '300' } });
    const results = await load.done;

    expect(results.filter((result) => !result.complete)).toEqual([]);
    expect(await rig.audit(results)).toEqual(exactlyOnce(120));
    expect(rig.mock.keysSeen().at(-1)).toBe('k2-fault-key');
    expect(await rig.keyPoolConverged(gateway, reloadedKeys)).toEqual(['cooling', 'valid']);
    expect(await rig.queue.getFailedCount()).toBe(0);
  }, 90_000);
});
