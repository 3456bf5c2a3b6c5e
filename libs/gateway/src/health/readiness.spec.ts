import { MemoryKeyStateStore } from '@tollgate/keypool';
import type { ProbeResult, RecordingTransportProbe } from '@tollgate/recording';
import { GatewayLifecycle } from './gateway-lifecycle';
import { Readiness, type RecordingGate } from './readiness';

class ScriptedProbe implements RecordingTransportProbe {
  result: ProbeResult = { ok: true, detail: 'queue reachable' };
  async check(): Promise<ProbeResult> {
    return this.result;
  }
}

/** A recording gate as the gateway builds it, with the backlog's fullness set by the test. */
function gate(options: { refusesWhileUnreachable: boolean; full?: boolean; pending?: number }): RecordingGate {
  return {
    refusesWhileUnreachable: options.refusesWhileUnreachable,
    refusingNow: () => options.full ?? false,
    pendingEvents: () => options.pending ?? 0,
  };
}

describe('Readiness', () => {
  const started = () => {
    const lifecycle = new GatewayLifecycle();
    lifecycle.markReady();
    return lifecycle;
  };

  it('is ready with no recording probe, and lists no recording check', async () => {
    const report = await new Readiness(started(), new MemoryKeyStateStore(), undefined, gate({ refusesWhileUnreachable: true })).report();
    expect(report).toEqual({ ready: true, body: { status: 'ready', checks: { config: 'ok', keyState: 'memory', keyStateDetail: undefined } } });
  });

  it('is not ready while the transport is down when every request waits for it (startedAck queued, closed)', async () => {
    const probe = new ScriptedProbe();
    const readiness = new Readiness(started(), new MemoryKeyStateStore(), probe, gate({ refusesWhileUnreachable: true, pending: 3 }));
    expect((await readiness.report()).body.checks).toMatchObject({ recording: 'ok', recordingDetail: 'queue reachable', recordingPendingEvents: 3 });

    probe.result = { ok: false, detail: 'queue unreachable: connection refused' };
    expect(await readiness.report()).toMatchObject({
      ready: false,
      body: { status: 'unavailable', checks: { recording: 'unreachable', recordingDetail: 'queue unreachable: connection refused' } },
    });
  });

  it('stays ready while the transport is down but requests are served and their events held, naming the problem', async () => {
    const probe = new ScriptedProbe();
    probe.result = { ok: false, detail: 'database unreachable: timeout' };
    expect(await new Readiness(started(), new MemoryKeyStateStore(), probe, gate({ refusesWhileUnreachable: false, pending: 120 })).report()).toMatchObject({
      ready: true,
      body: { status: 'ready', checks: { recording: 'unreachable', recordingDetail: 'database unreachable: timeout', recordingPendingEvents: 120 } },
    });
  });

  it('is not ready while a full backlog makes it refuse requests (failurePolicy closed)', async () => {
    const readiness = new Readiness(started(), new MemoryKeyStateStore(), new ScriptedProbe(), gate({ refusesWhileUnreachable: false, full: true }));
    expect(await readiness.report()).toMatchObject({ ready: false, body: { status: 'unavailable', checks: { recording: 'ok' } } });
  });

  it('is not ready before start and while draining, whatever the probes say', async () => {
    const lifecycle = new GatewayLifecycle();
    const readiness = new Readiness(lifecycle, new MemoryKeyStateStore(), new ScriptedProbe(), gate({ refusesWhileUnreachable: true }));
    expect(await readiness.report()).toMatchObject({ ready: false, body: { status: 'starting' } });
    lifecycle.markReady();
    lifecycle.startDraining();
    expect(await readiness.report()).toMatchObject({ ready: false, body: { status: 'draining' } });
  });
});
