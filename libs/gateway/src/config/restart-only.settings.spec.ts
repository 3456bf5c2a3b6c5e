import { loadConfig } from '@tollgate/platform';
import { restartOnlyChanges } from './restart-only.settings';

const providers = [{ name: 'openai', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', keys: ['sk-test-key-0000'] }];
const configWith = (limits: Record<string, unknown>) => loadConfig({ env: {}, document: { providers, limits } });

describe('restartOnlyChanges', () => {
  it('applies default limits and the BYOK setting live, but not the concurrency lease length', () => {
    const current = configWith({ default: { requestsPerMinute: 60 } });
    expect(restartOnlyChanges(current, configWith({ default: { concurrent: 2 }, byok: 'exempt' }))).toEqual([]);
    expect(restartOnlyChanges(current, configWith({ default: { requestsPerMinute: 60 }, concurrencyLease: '10s' }))).toEqual(['limits.concurrencyLease']);
  });
});
