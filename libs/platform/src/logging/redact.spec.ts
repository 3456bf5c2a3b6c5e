import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { REDACTED, redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('redacts credential headers and any *key*/*token* field, keeps hints', () => {
    const redacted = redactSecrets({
      headers: { authorization: 'Bearer sk-1', 'x-api-key': 'sk-ant-2', 'x-tollgate-token': 'tg_3', accept: 'json' },
      provider: { apiKey: 'sk-4', keys: ['sk-5'], keyHint: 'sk...5', credentialHint: 'k0...ey' },
      nested: [{ token: 'tg_6' }],
      other: { api_key: 'sk-7', gatewayToken: 'tg_8', fingerprintSecret: 's', Authorization: 'Bearer x', keyState: 'memory', keyPool: 'x', tokenCount: 3 },
    });
    expect(redacted).toEqual({
      headers: { authorization: REDACTED, 'x-api-key': REDACTED, 'x-tollgate-token': REDACTED, accept: 'json' },
      provider: { apiKey: REDACTED, keys: REDACTED, keyHint: 'sk...5', credentialHint: 'k0...ey' },
      nested: [{ token: REDACTED }],
      other: { api_key: REDACTED, gatewayToken: REDACTED, fingerprintSecret: REDACTED, Authorization: REDACTED, keyState: 'memory', keyPool: 'x', tokenCount: 3 },
    });
  });

  it('is applied to every log line', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination });
    logger.info({ req: { headers: { authorization: 'Bearer sk-secret-value' } }, keyHint: 'sk...ue' }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('sk-secret-value');
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'hello', keyHint: 'sk...ue', req: { headers: { authorization: REDACTED } } });
  });
});
