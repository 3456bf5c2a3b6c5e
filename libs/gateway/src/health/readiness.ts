import type { KeyStateStore } from '@tollgate/keypool';
import type { RecordingTransportProbe } from '@tollgate/recording';
import type { GatewayLifecycle } from './gateway-lifecycle';

export interface ReadinessReport {
  ready: boolean;
  body: {
    status: 'starting' | 'ready' | 'draining' | 'unavailable';
    checks: {
      config: 'ok';
      keyState: 'memory' | 'ok' | 'degraded';
      keyStateDetail?: string;
      recording?: 'ok' | 'unreachable';
      recordingDetail?: string;
      /** Recording events the gateway holds until the queue accepts them. */
      recordingPendingEvents?: number;
    };
  };
}

/** When the recording side makes the gateway refuse bridged requests (docs/recording.md, "Failure policy"). */
export interface RecordingGate {
  /** `failurePolicy: closed` with `startedAck: queued`: every request is refused while the transport is down. */
  refusesWhileUnreachable: boolean;
  /** Under `failurePolicy: closed`, whether the backlog of events is full, so new requests are refused. */
  refusingNow(): boolean;
  pendingEvents(): number;
}

/**
 * What `/readyz` answers. Not ready before start, while draining, and whenever bridged requests would be refused for
 * recording's sake: the backlog is full under `failurePolicy: closed`, or the transport is unreachable while each
 * request waits for its `started` event to be queued (`startedAck: queued`). Otherwise an unreachable transport only
 * shows in the detail: requests are served and their events held until it is back, which beats taking every replica
 * out of rotation. A lost key-state Redis only degrades too: key state is served from the local view.
 */
export class Readiness {
  constructor(
    private readonly lifecycle: GatewayLifecycle,
    private readonly keyStateStore: KeyStateStore,
    private readonly recordingProbe: RecordingTransportProbe | undefined,
    private readonly recording: RecordingGate,
  ) {}

  async report(): Promise<ReadinessReport> {
    const store = this.keyStateStore.health();
    const checks: ReadinessReport['body']['checks'] = {
      config: 'ok',
      keyState: !store.shared ? 'memory' : store.connected ? 'ok' : 'degraded',
      keyStateDetail: store.detail,
    };
    let recordingDown = this.recording.refusingNow();
    if (this.recordingProbe) {
      const recording = await this.recordingProbe.check();
      checks.recording = recording.ok ? 'ok' : 'unreachable';
      checks.recordingDetail = recording.detail;
      checks.recordingPendingEvents = this.recording.pendingEvents();
      recordingDown ||= !recording.ok && this.recording.refusesWhileUnreachable;
    }
    const status = this.lifecycle.isDraining
      ? 'draining'
      : !this.lifecycle.acceptsTraffic
        ? 'starting'
        : recordingDown
          ? 'unavailable'
          : 'ready';
    return { ready: status === 'ready', body: { status, checks } };
  }
}
