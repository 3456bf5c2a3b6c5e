import type { Exhaustion, HandedOutKey, KeySource, KeyWalker } from '@tollgate/keypool';
import { describeProvider } from '@tollgate/providers';
import { startMockUpstream, type MockUpstream } from '@tollgate/testing';
import { UpstreamClient } from '../upstream/upstream.client';
import { sendWithFailover, type AttemptSummary } from './upstream-attempts';

/** A key source that is not a KeyPool: hands out its keys in order and fails over on any 429. */
class ListedKeys implements KeySource {
  readonly reports: number[] = [];
  constructor(readonly keys: string[]) {}

  startWalk(): KeyWalker {
    return new ListedWalker(this);
  }
}

class ListedWalker implements KeyWalker {
  lastHint = '';
  handedOut = 0;
  constructor(private readonly source: ListedKeys) {}

  next(): HandedOutKey | undefined {
    const position = this.handedOut;
    if (position >= this.source.keys.length) return undefined;
    this.handedOut += 1;
    this.lastHint = `hint-${position}`;
    return { key: this.source.keys[position], position, hint: this.lastHint };
  }

  report(status: number): 'failover' | 'final' {
    this.source.reports.push(status);
    return status === 429 ? 'failover' : 'final';
  }

  exhausted(): Exhaustion {
    return { outcome: 'auth_failed', message: 'none left' };
  }
}

describe('sendWithFailover over the KeySource port', () => {
  let mock: MockUpstream;
  let client: UpstreamClient;
  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new UpstreamClient({ connectTimeoutMs: 1_000, firstByteTimeoutMs: 5_000, idleTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await client.close();
    await mock.close();
  });
  beforeEach(() => mock.reset());

  /** Every attempt the metric saw: [status, seconds]. */
  let attempts: [string, number][];
  beforeEach(() => (attempts = []));
  const metrics = { upstreamAttempted: (_provider: string, _route: string, status: string, seconds: number) => void attempts.push([status, seconds]) };

  const send = (keys: KeySource, summary: AttemptSummary) =>
    sendWithFailover({
      client,
      provider: { keys, config: { name: 'listed' }, description: describeProvider('openai') },
      route: 'openai-chat',
      plan: { kind: 'centralized' },
      request: {
        target: { origin: new URL(mock.openaiBaseUrl).origin, path: new URL('chat/completions', mock.openaiBaseUrl).pathname },
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ model: 'm', messages: [] })),
        signal: new AbortController().signal,
      },
      summary,
      metrics,
    });

  it('walks any KeySource: reports each answer, moves on when told to, and sums up the last key handed out', async () => {
    const keys = new ListedKeys(['first-listed-key', 'second-listed-key']);
    mock.script('first-listed-key', { status: 429 });
    const summary: AttemptSummary = { hint: '', handedOut: 0 };
    const result = await send(keys, summary);
    expect(result.kind === 'response' && result.response.statusCode).toBe(200);
    if (result.kind === 'response') await result.response.body.dump();
    expect(mock.keysSeen()).toEqual(['first-listed-key', 'second-listed-key']);
    expect(attempts.map(([status]) => status)).toEqual(['429', '200']);
    for (const [, seconds] of attempts) expect(seconds).toBeGreaterThan(0);
    expect(keys.reports).toEqual([429, 200]);
    expect(summary).toEqual({ hint: 'hint-1', handedOut: 2 });
  });

  it('ends with the walker when the source has no key left', async () => {
    const keys = new ListedKeys(['only-listed-key']);
    mock.script('only-listed-key', { status: 429 });
    const summary: AttemptSummary = { hint: '', handedOut: 0 };
    const result = await send(keys, summary);
    expect(result.kind).toBe('exhausted');
    expect(result.kind === 'exhausted' && result.walker.exhausted()).toEqual({ outcome: 'auth_failed', message: 'none left' });
    expect(summary).toEqual({ hint: 'hint-0', handedOut: 1 });
  });
});
