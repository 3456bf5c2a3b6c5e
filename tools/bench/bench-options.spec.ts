import { parseBenchOptions } from './bench-options';

describe('parseBenchOptions', () => {
  it('runs everything by default', () => {
    expect(parseBenchOptions([])).toEqual({
      command: 'run',
      smoke: false,
      scenarios: ['latency', 'saturation', 'streaming', 'streams', 'recorder'],
      configurations: ['embedded', 'redis', 'limits', 'tracing'],
      floor: true,
      outDir: 'bench-results',
      profile: false,
      peers: ['portkey'],
      alloc: true,
      heapProfile: false,
    });
  });

  it('measures the peers in full runs and skips them in smoke runs unless asked', () => {
    expect(parseBenchOptions(['--smoke'])).toMatchObject({ peers: [] });
    expect(parseBenchOptions(['--smoke', '--peers', 'portkey'])).toMatchObject({ peers: ['portkey'] });
    expect(parseBenchOptions(['--peers=portkey'])).toMatchObject({ peers: ['portkey'] });
    expect(parseBenchOptions(['--no-peers'])).toMatchObject({ peers: [] });
    expect(parseBenchOptions(['--peers', 'none'])).toMatchObject({ peers: [] });
    expect(() => parseBenchOptions(['--peers', 'kong'])).toThrow('--peers: expected some of portkey');
    expect(() => parseBenchOptions(['--peers'])).toThrow();
  });

  it('measures allocation unless told not to; a heap-profile print implies it', () => {
    expect(parseBenchOptions(['--smoke'])).toMatchObject({ alloc: true, heapProfile: false });
    expect(parseBenchOptions(['--no-alloc'])).toMatchObject({ alloc: false });
    expect(parseBenchOptions(['--no-alloc', '--heap-profile'])).toMatchObject({ alloc: true, heapProfile: true });
  });

  it('takes subsets in the canonical order', () => {
    const options = parseBenchOptions(['--smoke', '--scenarios', 'streams,latency', '--configs', 'tracing,redis', '--profile', '--no-floor']);
    expect(options).toMatchObject({ smoke: true, scenarios: ['latency', 'streams'], configurations: ['redis', 'tracing'], profile: true, floor: false });
  });

  it('rejects unknown names and flags', () => {
    expect(() => parseBenchOptions(['--scenarios', 'latency,speed'])).toThrow('--scenarios: expected some of');
    expect(() => parseBenchOptions(['--configs', ''])).toThrow('--configs');
    expect(() => parseBenchOptions(['--fast'])).toThrow();
    expect(() => parseBenchOptions(['benchmark'])).toThrow('unknown command "benchmark"');
  });

  it('parses the helper commands', () => {
    expect(parseBenchOptions(['otlp-sink'])).toEqual({ command: 'otlp-sink' });
    expect(parseBenchOptions(['profile-summary', 'x.cpuprofile', '--top', '10', '--from-ms', '2500'])).toEqual({
      command: 'profile-summary',
      file: 'x.cpuprofile',
      top: 10,
      fromMs: 2500,
    });
    expect(() => parseBenchOptions(['profile-summary'])).toThrow('exactly one');
    expect(parseBenchOptions(['bare-proxy', 'fast=http://127.0.0.1:9100', 'slow=http://127.0.0.1:9102'])).toEqual({
      command: 'bare-proxy',
      upstreams: { fast: 'http://127.0.0.1:9100', slow: 'http://127.0.0.1:9102' },
    });
    expect(() => parseBenchOptions(['bare-proxy', 'fast'])).toThrow('expected NAME=URL');
  });
});
