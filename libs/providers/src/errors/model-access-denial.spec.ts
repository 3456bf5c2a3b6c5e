import { bedrockDescription } from '../bedrock/bedrock.description';
import { isModelAccessDenial } from './model-access-denial';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('isModelAccessDenial (403 bodies as the providers send them)', () => {
  it('OpenAI: a project without access to the model (code model_not_found) is a model denial', () => {
    const denied = body({
      error: { message: 'Project `proj_AbC123` does not have access to model `gpt-4.1`', type: 'invalid_request_error', param: null, code: 'model_not_found' },
    });
    expect(isModelAccessDenial('openai', denied, 'gpt-4.1')).toBe(true);
    // The marker alone is enough, whatever name the client used (an alias, a snapshot).
    expect(isModelAccessDenial('openai', denied, 'gpt-4.1-2025-04-14')).toBe(true);
    expect(isModelAccessDenial('openai', body({ error: { message: 'You do not have access to model gpt-5', code: null } }), 'x')).toBe(false);
    expect(isModelAccessDenial('openai', body({ error: { message: 'Organization org-1 does not have access to model o3', code: null } }), 'x')).toBe(true);
  });

  it('OpenAI: key-level 403s are not (unsupported region, key without the permission, org disabled)', () => {
    expect(isModelAccessDenial('openai', body({ error: { message: 'Country, region, or territory not supported', type: 'request_forbidden', code: 'unsupported_country_region_territory' } }), 'gpt-4.1')).toBe(false);
    expect(isModelAccessDenial('openai', body({ error: { message: 'You have insufficient permissions for this operation. Missing scopes: model.request.', type: 'invalid_request_error', code: null } }), 'gpt-4.1')).toBe(false);
  });

  it('Bedrock: AccessDeniedException for a model not enabled is a model denial; an unrecognised signature is not', () => {
    const bedrock = bedrockDescription('us-east-1');
    expect(isModelAccessDenial(bedrock, body({ message: "You don't have access to the model with the specified model ID." }), 'claude-sonnet-4-5')).toBe(true);
    expect(isModelAccessDenial(bedrock, body({ message: 'The security token included in the request is invalid.' }), 'claude-sonnet-4-5')).toBe(false);
  });

  it('Anthropic: a permission_error naming the requested model is a model denial; a generic one is not', () => {
    expect(
      isModelAccessDenial('anthropic', body({ type: 'error', error: { type: 'permission_error', message: 'Your organization does not have access to claude-opus-4-1. Please contact sales.' } }), 'claude-opus-4-1'),
    ).toBe(true);
    expect(
      isModelAccessDenial('anthropic', body({ type: 'error', error: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' } }), 'claude-opus-4-1'),
    ).toBe(false);
  });

  it('anything unreadable is key-level', () => {
    expect(isModelAccessDenial('openai', Buffer.from('<html>forbidden</html>'), 'gpt-4.1')).toBe(false);
    expect(isModelAccessDenial('anthropic', Buffer.from('null'), 'claude')).toBe(false);
    expect(isModelAccessDenial('anthropic', body({ error: { message: 'denied' } }), '')).toBe(false);
  });
});
