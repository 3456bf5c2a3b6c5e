import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tollgate/platform';
import { InvalidInterceptionEventError, type InterceptionEvent } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent } from '@tollgate/testing';
import { createDataSource, type TollgateDataSource } from './data-source.factory';
import { EmbeddedEventSink } from './embedded-event.sink';
import { ParentMissingError } from './interception-batch.flush';
import { InterceptionEventWriter } from './interception-event.writer';
import { runMigrations } from './migration.runner';

describe('EmbeddedEventSink on the embedded database', () => {
  let dataDir: string;
  let dataSource: TollgateDataSource;
  let logLines: Record<string, unknown>[];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(JSON.parse(line)) } });

  const newSink = (attempts = 20) =>
    new EmbeddedEventSink({ writer: new InterceptionEventWriter(dataSource), logger, attempts, backoffMs: 5, maxBackoffMs: 20, batchMaxWaitMs: 5 });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tollgate-embedded-sink-'));
    dataSource = await createDataSource({ dataDir, logger: createLogger({ level: 'silent', destination: { write: () => undefined } }) });
    await runMigrations(dataSource);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    logLines = [];
  });

  async function row(id: string): Promise<{ ended_at: Date | null; credential_hint: string; usages: number } | undefined> {
    const [found] = await dataSource.query(
      `SELECT ended_at, credential_hint, (SELECT count(*)::int FROM token_usages WHERE interception_id = i.id) AS usages
         FROM interceptions i WHERE id = $1`,
      [id],
    );
    return found;
  }

  it('records a started then an ended event, resolving once each is committed', async () => {
    const sink = newSink();
    const started = buildStartedEvent();
    await sink.publish(started);
    expect((await row(started.interceptionId))?.ended_at).toBeNull();
    const ended = buildEndedEvent(started, { credentialHint: 'sk-…emb1' });
    await sink.publish(ended);
    expect(await row(started.interceptionId)).toEqual({ ended_at: new Date(ended.endedAt), credential_hint: 'sk-…emb1', usages: 1 });
    await sink.close();
  });

  it('retries an ended event that arrives before its started event until the parent exists', async () => {
    const sink = newSink();
    const started = buildStartedEvent();
    const endedFirst = sink.publish(buildEndedEvent(started));
    const retried = () => logLines.some((line) => line.msg === 'recording event not recorded yet; retrying' && line.interceptionId === started.interceptionId);
    const deadline = Date.now() + 5_000;
    while (!retried() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(retried()).toBe(true);
    await sink.publish(started);
    await endedFirst;
    expect((await row(started.interceptionId))?.usages).toBe(1);
    await sink.close();
  });

  it('gives up on an event after its last attempt, rejecting and logging it as an error', async () => {
    const sink = newSink(3);
    const orphan = buildEndedEvent(buildStartedEvent());
    await expect(sink.publish(orphan)).rejects.toBeInstanceOf(ParentMissingError);
    const errors = logLines.filter((line) => line.level === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ interceptionId: orphan.interceptionId, event: 'interception.ended', attempt: 3 }),
    ]);
    await sink.close();
  });

  it('rejects an invalid event at once and writes nothing', async () => {
    const sink = newSink();
    const started = buildStartedEvent();
    const invalid = { ...started, providerType: 'gemini' } as unknown as InterceptionEvent;
    await expect(sink.publish(invalid)).rejects.toBeInstanceOf(InvalidInterceptionEventError);
    expect(await row(started.interceptionId)).toBeUndefined();
    await sink.close();
  });

  it('drains events in flight on close, then refuses new ones', async () => {
    const sink = newSink();
    const events = Array.from({ length: 25 }, () => buildStartedEvent());
    const publishing = events.flatMap((started) => [sink.publish(started), sink.publish(buildEndedEvent(started))]);
    await sink.close();
    await expect(Promise.all(publishing)).resolves.toHaveLength(50);
    const [{ ended }] = await dataSource.query('SELECT count(*)::int AS ended FROM interceptions WHERE id = ANY($1::uuid[]) AND ended_at IS NOT NULL', [
      events.map((event) => event.interceptionId),
    ]);
    expect(ended).toBe(25);
    await expect(sink.publish(buildStartedEvent())).rejects.toThrow('the recording sink is closed');
  });
});
