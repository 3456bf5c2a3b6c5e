import { interceptionJobId, type InterceptionEvent } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent, createTestRedisPrefix, startTcpProxy, testRedisUrl, type TestRedisPrefix } from '@tollgate/testing';
import { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { BullmqEventSink } from './bullmq-event.sink';

describe('BullmqEventSink against Redis', () => {
  const queueName = 'interceptions';
  let redisPrefix: TestRedisPrefix;
  let queue: Queue;
  let registry: Registry;
  let sink: BullmqEventSink;

  beforeEach(() => {
    redisPrefix = createTestRedisPrefix();
    registry = new Registry();
    queue = new Queue(queueName, { connection: { url: testRedisUrl() }, prefix: redisPrefix.prefix });
    sink = new BullmqEventSink({ redisUrl: testRedisUrl(), queueName, prefix: redisPrefix.prefix, attempts: 7, backoffMs: 250, registry });
  });

  afterEach(async () => {
    await sink.close();
    await queue.close();
    await redisPrefix.cleanup();
  });

  it('enqueues each event as a job named after it, with its deterministic id and retry options', async () => {
    const started = buildStartedEvent();
    const ended = buildEndedEvent(started);
    await sink.publish(started);
    await sink.publish(ended);

    const jobs = await queue.getWaiting();
    expect(jobs.map((job) => [job.id, job.name]).sort()).toEqual(
      [
        [interceptionJobId(started), 'interception.started'],
        [interceptionJobId(ended), 'interception.ended'],
      ].sort(),
    );
    const job = jobs.find((candidate) => candidate.name === 'interception.ended');
    expect(job?.data).toEqual(JSON.parse(JSON.stringify(ended)));
    expect(job?.opts).toMatchObject({ attempts: 7, backoff: { type: 'exponential', delay: 250 }, removeOnFail: false });
    expect(job?.opts.removeOnComplete).toEqual({ age: 900, count: 100_000 });
  });

  it('does not duplicate an event published again', async () => {
    const started = buildStartedEvent();
    await sink.publish(started);
    await sink.publish(started);
    await sink.publish({ ...started });
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('counts enqueued events by event name', async () => {
    const started = buildStartedEvent();
    await sink.publish(started);
    await sink.publish(buildEndedEvent(started));
    await sink.publish(buildStartedEvent());
    const metric = await registry.getSingleMetric('tollgate_recording_events_enqueued_total')?.get();
    expect(Object.fromEntries((metric?.values ?? []).map((value) => [value.labels.event, value.value]))).toEqual({
      'interception.started': 2,
      'interception.ended': 1,
    });
  });

  it('rejects an invalid event without enqueuing it', async () => {
    const invalid = { ...buildStartedEvent(), schemaVersion: 9 } as unknown as InterceptionEvent;
    await expect(sink.publish(invalid)).rejects.toThrow(/unsupported schemaVersion 9/);
    expect(await queue.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(0);
  });

  it('fails fast when Redis is unreachable instead of hanging', async () => {
    const redis = new URL(testRedisUrl());
    const proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    const cutOff = new BullmqEventSink({
      redisUrl: proxy.rewrite(testRedisUrl()),
      queueName,
      prefix: redisPrefix.prefix,
      attempts: 1,
      backoffMs: 1,
      publishTimeoutMs: 1_000,
    });
    try {
      await cutOff.publish(buildStartedEvent());
      proxy.cut();
      const startedAt = Date.now();
      await expect(cutOff.publish(buildStartedEvent())).rejects.toThrow();
      expect(Date.now() - startedAt).toBeLessThan(2_000);
    } finally {
      await cutOff.close().catch(() => undefined);
      await proxy.close();
    }
  });

  it('times out while Redis is unreachable at start, and works once Redis is back', async () => {
    const redis = new URL(testRedisUrl());
    const proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    proxy.cut();
    const late = new BullmqEventSink({
      redisUrl: proxy.rewrite(testRedisUrl()),
      queueName,
      prefix: redisPrefix.prefix,
      attempts: 1,
      backoffMs: 1,
      publishTimeoutMs: 300,
    });
    try {
      await expect(late.publish(buildStartedEvent())).rejects.toThrow('recording queue did not accept interception.started in time');
      proxy.resume();
      const event = buildStartedEvent();
      const deadline = Date.now() + 10_000;
      let published = false;
      while (!published && Date.now() < deadline) {
        published = await late.publish(event).then(
          () => true,
          () => false,
        );
        if (!published) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(published).toBe(true);
      expect(await queue.getJob(interceptionJobId(event))).toBeDefined();
    } finally {
      await late.close().catch(() => undefined);
      await proxy.close();
    }
  });

  it('refuses to publish after close', async () => {
    await sink.close();
    await expect(sink.publish(buildStartedEvent())).rejects.toThrow('the recording sink is closed');
  });
});
