import { encodeAwsCredential } from '@tollgate/platform';
import { parseUpstreamBase } from '@tollgate/providers';
import { verifySignature } from '@tollgate/testing';
import { GatewayError } from '../errors/gateway-error';
import { BedrockDialect } from './bedrock.dialect';
import type { DialectCall } from './upstream-dialect';

const CREDENTIAL = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-value-0123456789' };
const ENTRY = encodeAwsCredential(CREDENTIAL);
const base = parseUpstreamBase('https://bedrock-runtime.us-west-2.amazonaws.com');
const dialect = new BedrockDialect({ region: 'us-west-2', modelIds: {} }, base, [ENTRY, 'ABSK-api-key-value']);

function call(body: unknown): DialectCall {
  const made = dialect.bridgedCall({ target: { origin: base.origin, path: '/v1/messages' }, headers: {}, body: Buffer.from(JSON.stringify(body)) }, undefined);
  if (made instanceof GatewayError) throw made;
  return made;
}

describe('BedrockDialect', () => {
  it('calls invoke-with-response-stream on the mapped id, its colon escaped as the AWS SDKs send it', () => {
    expect(call({ model: 'claude-opus-4-1', stream: true, max_tokens: 1, messages: [] }).target).toEqual({
      origin: 'https://bedrock-runtime.us-west-2.amazonaws.com',
      path: '/model/us.anthropic.claude-opus-4-1-20250805-v1%3A0/invoke-with-response-stream',
    });
  });

  it('signs each attempt with SigV4 (session token included) so that the same secret verifies it', async () => {
    const made = call({ model: 'claude-sonnet-4-5', max_tokens: 1, messages: [] });
    const headers = await dialect.authorize(made, 'POST', ENTRY, false);
    expect(headers['x-amz-security-token']).toBe(CREDENTIAL.sessionToken);
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-west-2\/bedrock\/aws4_request/);
    const request = { method: 'POST', path: made.target.path, headers, body: made.body! };
    expect(await verifySignature(request, [CREDENTIAL], 'us-west-2')).toEqual({ ok: true, accessKeyId: CREDENTIAL.accessKeyId });
    // Another secret, or another body, does not verify.
    expect(await verifySignature(request, [{ ...CREDENTIAL, secretAccessKey: 'another-secret' }], 'us-west-2')).toMatchObject({ ok: false, errorType: 'InvalidSignatureException' });
    expect(await verifySignature({ ...request, body: Buffer.from('{}') }, [CREDENTIAL], 'us-west-2')).toMatchObject({ ok: false, errorType: 'InvalidSignatureException' });
  });

  it('sends a Bedrock API key, and any client key, as a Bearer token', async () => {
    const made = call({ model: 'claude-sonnet-4-5', max_tokens: 1, messages: [] });
    expect((await dialect.authorize(made, 'POST', 'ABSK-api-key-value', false)).authorization).toBe('Bearer ABSK-api-key-value');
    expect((await dialect.authorize(made, 'POST', ENTRY, true)).authorization).toBe(`Bearer ${ENTRY}`);
  });

  it('hints an AWS credential by its access key id only', () => {
    expect(dialect.hintOf(ENTRY)).toBe('AKIA...MPLE');
    expect(dialect.hintOf('ABSK-api-key-value')).toBe('AB...ue');
  });

  it('refuses an Anthropic key sent as the client\'s own', () => {
    const refused = dialect.bridgedCall({ target: { origin: base.origin, path: '/v1/messages' }, headers: {}, body: Buffer.from('{"model":"claude-sonnet-4-5"}') }, 'sk-ant-api03-xyz');
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).kind).toBe('unauthorized');
  });
});

describe('BedrockDialect passthrough routes', () => {
  const call: DialectCall = { target: { origin: base.origin, path: '/v1/models' }, headers: {} };

  it('answers one model of the map, and 404 for one not in it (whatever its escaping)', () => {
    expect(dialect.passthrough({ kind: 'passthrough', upstreamPath: '/v1/models/claude-haiku-4-5', modelCatalog: { kind: 'model', id: 'claude-haiku-4-5' } }, call)).toMatchObject({
      kind: 'answer',
      status: 200,
    });
    for (const id of ['gpt-4o', '%E0%A4%A']) {
      const refused = dialect.passthrough({ kind: 'passthrough', upstreamPath: `/v1/models/${id}`, modelCatalog: { kind: 'model', id } }, call);
      expect(refused).toMatchObject({ kind: 'refused', error: { kind: 'not_found' } });
    }
  });
});
