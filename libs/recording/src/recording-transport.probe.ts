import { withTimeout } from '@tollgate/time';

export interface ProbeResult {
  ok: boolean;
  /** For the `/readyz` body and logs: what was checked and, when down, why. Never a credential. */
  detail: string;
}

/**
 * Whether the recording transport of an `InterceptionEventSink` (the queue's Redis, or the database the all-in-one
 * writes to) is reachable right now. Sinks do not have to implement it; the app that builds a sink supplies one.
 */
export interface RecordingTransportProbe {
  /** Resolves within the probe's own timeout and never rejects. */
  check(): Promise<ProbeResult>;
  /** Releases what the probe opened itself. */
  close?(): Promise<void>;
}

/** `target reachable` once `work` resolves; `target unreachable: why` if it rejects or takes longer than `timeoutMs`. */
export async function probeReachability(target: string, timeoutMs: number, work: () => Promise<unknown>): Promise<ProbeResult> {
  try {
    await withTimeout(work(), timeoutMs, () => {
      throw new Error(`no answer within ${timeoutMs} ms`);
    });
    return { ok: true, detail: `${target} reachable` };
  } catch (error) {
    return { ok: false, detail: `${target} unreachable: ${(error as Error).message}` };
  }
}
