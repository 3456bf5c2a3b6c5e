import { ConfigError, loadConfig } from './config.loader';

describe('the console section of the configuration', () => {
  it('serves the built console from ./dist/console by default, without trace links', () => {
    expect(loadConfig({ document: {}, env: {} }).console).toEqual({ enabled: true, assetsDir: './dist/console', jaegerService: 'tollgate-gateway' });
  });

  it('takes a Jaeger UI URL and service, and refuses anything but an http(s) URL', () => {
    const config = loadConfig({ document: { console: { jaegerUrl: 'http://localhost:16686', jaegerService: 'gw' } }, env: {} });
    expect(config.console).toMatchObject({ jaegerUrl: 'http://localhost:16686', jaegerService: 'gw' });
    expect(() => loadConfig({ document: { console: { jaegerUrl: 'localhost:16686' } }, env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ document: { console: { jaegerUrl: 'localhost:16686' } }, env: {} })).toThrow(/console\.jaegerUrl: must be an http\(s\) URL/);
  });
});
