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
    };
  };
}

/**
 * What `/readyz` answers. Not ready before start, while draining, and while the recording transport is unreachable
 * under `failurePolicy: closed` (every bridged request would be refused then). A lost key-state Redis only degrades:
 * key state is served from the local view, which beats taking every replica out of rotation; likewise an
 * unreachable recording transport under `failurePolicy: open`, where requests are served unrecorded.
 */
export class Readiness {
  constructor(
    private readonly lifecycle: GatewayLifecycle,
    private readonly keyStateStore: KeyStateStore,
    private readonly recordingProbe: RecordingTransportProbe | undefined,
    /** `failurePolicy: closed`: bridged requests are refused while recording is down. */
    private readonly recordingRequired: boolean,
  ) {}

  async report(): Promise<ReadinessReport> {
    const store = this.keyStateStore.health();
    const checks: ReadinessReport['body']['checks'] = {
      config: 'ok',
      keyState: !store.shared ? 'memory' : store.connected ? 'ok' : 'degraded',
      keyStateDetail: store.detail,
    };
    let recordingDown = false;
    if (this.recordingProbe) {
      const recording = await this.recordingProbe.check();
      checks.recording = recording.ok ? 'ok' : 'unreachable';
      checks.recordingDetail = recording.detail;
      recordingDown = !recording.ok && this.recordingRequired;
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
