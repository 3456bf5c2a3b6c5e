import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { MockStep } from './mock-upstream.types';
import type { JsonPlan, ResponsePlan, StreamPlan } from './response-plan';

export interface WriteOptions {
  status: number;
  headers: Record<string, string>;
  step: MockStep;
  chunkDelayMs: number;
  /** Aborted when the connection closes. */
  signal: AbortSignal;
  /** Called just before the writer destroys the socket on purpose (so it is not taken for a client abort). */
  onDrop(): void;
}

type Interruption = { kind: 'error' | 'drop' | 'stall'; after: number };

/** Sends a plan, honouring the step's delay, chunk pacing and interruptions. Never rejects. */
export async function writePlan(res: ServerResponse, plan: ResponsePlan, options: WriteOptions): Promise<void> {
  try {
    const waitMs = options.step.delayMs ?? 0;
    if (waitMs > 0) await delay(waitMs, undefined, { signal: options.signal });
    if (options.signal.aborted) return;
    if (plan.kind === 'json') writeJson(res, plan, options);
    else await writeStream(res, plan, options);
  } catch (error) {
    if (options.signal.aborted) return; // the client went away while we were waiting
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `mock upstream failure: ${String(error)}`, type: 'mock_error' } }));
  }
}

function writeJson(res: ServerResponse, plan: JsonPlan, options: WriteOptions): void {
  const isText = typeof plan.body === 'string';
  const payload = Buffer.from(isText ? (plan.body as string) : JSON.stringify(plan.body));
  const cut = interruption(options.step, false);
  if (cut?.after === 0) {
    if (cut.kind === 'drop') destroy(res, options);
    return; // stall: no headers, no body, until the client gives up
  }
  res.writeHead(options.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': String(payload.length),
    ...options.headers,
  });
  if (cut === undefined) {
    res.end(payload);
    return;
  }
  const half = payload.subarray(0, Math.floor(payload.length / 2));
  if (cut.kind === 'drop') res.write(half, () => destroy(res, options));
  else res.write(half);
}

async function writeStream(res: ServerResponse, plan: StreamPlan, options: WriteOptions): Promise<void> {
  res.writeHead(options.status, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...options.headers,
  });
  const cut = interruption(options.step, true);
  const stopAt = cut === undefined ? undefined : Math.min(cut.after, plan.deltas.length);
  // Frames are gathered and written together unless the stream is paced, so a fast stream costs one write.
  let pending = plan.head.join('');
  for (let sent = 0; ; sent++) {
    if (cut !== undefined && sent === stopAt) {
      interrupt(res, cut.kind, pending, plan.errorFrame(plan.head.length + sent), options);
      return;
    }
    if (sent === plan.deltas.length) break;
    if (options.chunkDelayMs > 0) {
      res.write(pending);
      pending = '';
      await delay(options.chunkDelayMs, undefined, { signal: options.signal });
    }
    pending += plan.deltas[sent];
  }
  res.end(pending + plan.tail.join(''));
}

function interrupt(
  res: ServerResponse,
  kind: Interruption['kind'],
  pending: string,
  errorFrame: string,
  options: WriteOptions,
): void {
  if (kind === 'error') res.end(pending + errorFrame);
  else if (kind === 'drop') res.write(pending, () => destroy(res, options));
  else res.write(pending);
}

function destroy(res: ServerResponse, options: WriteOptions): void {
  options.onDrop();
  res.socket?.destroy();
  res.destroy();
}

/** The first interruption the step asks for (the smallest N; on a tie error, then drop, then stall). */
function interruption(step: MockStep, streaming: boolean): Interruption | undefined {
  const candidates: Array<[Interruption['kind'], number | undefined]> = [
    ['error', streaming ? step.errorAfterChunks : undefined],
    ['drop', step.dropAfterChunks],
    ['stall', step.stallAfterChunks],
  ];
  let first: Interruption | undefined;
  for (const [kind, after] of candidates) {
    if (after !== undefined && (first === undefined || after < first.after)) first = { kind, after: Math.max(0, after) };
  }
  return first;
}
