import { MemoryKeyStateStore } from '@tollgate/keypool';
import type { ProbeResult, RecordingTransportProbe } from '@tollgate/recording';
import { GatewayLifecycle } from './gateway-lifecycle';
import { Readiness } from './readiness';

class ScriptedProbe implements RecordingTransportProbe {
  result: ProbeResult = { ok: true, detail: 'queue reachable' };
  async check(): Promise<ProbeResult> {
    return this.result;
  }
}

describe('Readiness', () => {
  const started = () => {
    const lifecycle = new GatewayLifecycle();
    lifecycle.markReady();
    return lifecycle;
  };

  it('is ready with no recording probe, and lists no recording check', async () => {
    const report = await new Readiness(started(), new MemoryKeyStateStore(), undefined, true).report();
    expect(report).toEqual({ ready: true, body: { status: 'ready', checks: { config: 'ok', keyState: 'memory', keyStateDetail: undefined } } });
  });

  it('is not ready while the recording transport is down under failurePolicy closed, with the probe detail', async () => {
    const probe = new ScriptedProbe();
    const readiness = new Readiness(started(), new MemoryKeyStateStore(), probe, true);
    expect((await readiness.report()).body.checks).toMatchObject({ recording: 'ok', recordingDetail: 'queue reachable' });

    probe.result = { ok: false, detail: 'queue unreachable: connection refused' };
    expect(await readiness.report()).toMatchObject({
      ready: false,
      body: { status: 'unavailable', checks: { recording: 'unreachable', recordingDetail: 'queue unreachable: connection refused' } },
    });
  });

  it('stays ready under failurePolicy open (requests are served unrecorded), still naming the problem', async () => {
    const probe = new ScriptedProbe();
    probe.result = { ok: false, detail: 'database unreachable: timeout' };
    expect(await new Readiness(started(), new MemoryKeyStateStore(), probe, false).report()).toMatchObject({
      ready: true,
      body: { status: 'ready', checks: { recording: 'unreachable', recordingDetail: 'database unreachable: timeout' } },
    });
  });

  it('is not ready before start and while draining, whatever the probes say', async () => {
    const lifecycle = new GatewayLifecycle();
    const readiness = new Readiness(lifecycle, new MemoryKeyStateStore(), new ScriptedProbe(), true);
    expect(await readiness.report()).toMatchObject({ ready: false, body: { status: 'starting' } });
    lifecycle.markReady();
    lifecycle.startDraining();
    expect(await readiness.report()).toMatchObject({ ready: false, body: { status: 'draining' } });
  });
});
