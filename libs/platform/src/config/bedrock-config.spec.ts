import { decodeAwsCredential } from './aws-credential';
import { ConfigError, loadConfig } from './config.loader';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('an anthropic provider with upstream: bedrock', () => {
  const env = { AWS_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET: SECRET, BEDROCK_API_KEY: 'ABSK-example' };
  const bedrock = (fields: Record<string, unknown>) => ({ providers: [{ name: 'claude', type: 'anthropic', upstream: 'bedrock', region: 'us-east-1', ...fields }] });

  it('takes AWS access keys (interpolated, optional session token dropped when unset) and Bedrock API keys, in order', () => {
    const config = loadConfig({
      env,
      document: bedrock({
        keys: [
          { accessKeyId: '${AWS_ID}', secretAccessKey: '${AWS_SECRET}', sessionToken: '${AWS_SESSION_TOKEN:-}' },
          '${BEDROCK_API_KEY}',
          { accessKeyId: '${UNSET_ID:-}', secretAccessKey: '${UNSET_SECRET:-}' },
        ],
        modelIds: { fast: 'anthropic.claude-haiku-4-5-20251001-v1:0' },
      }),
    });
    const [provider] = config.providers;
    expect(provider.bedrock).toEqual({ region: 'us-east-1', modelIds: { fast: 'anthropic.claude-haiku-4-5-20251001-v1:0' } });
    expect(provider.keys).toHaveLength(2);
    expect(decodeAwsCredential(provider.keys[0])).toEqual({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET });
    expect(provider.keys[1]).toBe('ABSK-example');
    expect(decodeAwsCredential(provider.keys[1])).toBeUndefined();
  });

  it('names each bad field by its path, never printing a secret', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env,
        document: {
          providers: [
            { name: 'a', type: 'anthropic', upstream: 'bedrock', keys: [{ accessKeyId: '', secretAccessKey: '${AWS_SECRET}' }] },
            { name: 'b', type: 'openai', upstream: 'bedrock', region: 'us-east-1' },
            { name: 'c', type: 'anthropic', modelIds: {}, keys: [{ accessKeyId: 'x', secretAccessKey: '${AWS_SECRET}' }] },
            { name: 'd', type: 'anthropic', upstream: 'bedrock', region: 'nowhere' },
          ],
        },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'providers[0].region: is required with upstream: bedrock',
        'providers[0].keys[0].accessKeyId: must not be empty',
        'providers[1].upstream: bedrock is an upstream of the anthropic type only',
        'providers[3].region: must be an AWS region such as us-east-1',
        'providers[2].modelIds: is only for upstream: bedrock',
        'providers[2].keys[0]: an AWS access key is only for upstream: bedrock; a key is a string',
      ]),
    );
    expect(problems.join('\n')).not.toContain(SECRET);
  });
});
