import { extractCredentials } from '../credentials/credentials.extractor';
import { headersToForward } from '../credentials/forward-headers';
import { applyCredential, byokUpstreamHeader } from '../credentials/upstream-credential';
import { ANTHROPIC } from '../description/anthropic.description';
import { OPENAI } from '../description/openai.description';
import { parseUpstreamBase } from '../routes/upstream-url';
import { azureDeploymentPath, azureDeploymentRequest, azureDeploymentTarget, azureBodyModel, azureOpenaiDescription, deploymentOf, type AzureDeploymentForm } from './azure-openai';

const FORM: AzureDeploymentForm = { apiVersion: '2024-10-21', deployments: { 'gpt-4o': 'prod-gpt4o', 'text-embedding-3-small': 'emb small' } };

describe('Azure OpenAI', () => {
  describe('deployment of a model', () => {
    it('is the mapped deployment, else the model name itself (never an inherited property)', () => {
      expect(deploymentOf(FORM, 'gpt-4o')).toBe('prod-gpt4o');
      expect(deploymentOf(FORM, 'gpt-4.1')).toBe('gpt-4.1');
      expect(deploymentOf(FORM, 'constructor')).toBe('constructor');
      expect(deploymentOf(FORM, 'toString')).toBe('toString');
    });
  });

  describe('classic-form paths', () => {
    it.each([
      ['/chat/completions', 'gpt-4o', '/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21'],
      ['/embeddings', 'text-embedding-3-small', '/openai/deployments/emb%20small/embeddings?api-version=2024-10-21'],
      ['/chat/completions', 'ft:gpt-4o:org/x', '/openai/deployments/ft%3Agpt-4o%3Aorg%2Fx/chat/completions?api-version=2024-10-21'],
      ['/responses', 'gpt-4o', '/openai/responses?api-version=2024-10-21'],
      ['/models', undefined, '/openai/models?api-version=2024-10-21'],
      ['/responses/resp_1/input_items', undefined, '/openai/responses/resp_1/input_items?api-version=2024-10-21'],
    ])('%s of %s → %s', (path, model, expected) => {
      expect(azureDeploymentPath(FORM, path, model)).toBe(expected);
    });

    it('under the base URL, with the base query and the client query after api-version', () => {
      const base = parseUpstreamBase('https://res.openai.azure.com/');
      expect(azureDeploymentTarget(base, FORM, '/chat/completions', 'gpt-4o')).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
      expect(azureDeploymentTarget(base, FORM, '/models', undefined, '?after=x')).toBe('/openai/models?api-version=2024-10-21&after=x');
      const proxied = parseUpstreamBase('https://proxy.example/azure?tenant=1');
      expect(azureDeploymentTarget(proxied, { ...FORM, apiVersion: '2025-04-01-preview' }, '/embeddings', 'x')).toBe(
        '/azure/openai/deployments/x/embeddings?tenant=1&api-version=2025-04-01-preview',
      );
    });
  });

  describe('Responses body', () => {
    it('is the same buffer when the model is its own deployment, else the top-level model is replaced in place', () => {
      const base = parseUpstreamBase('https://res.openai.azure.com');
      const raw = Buffer.from('{"model":"gpt-4.1","input":"hi"}');
      expect(azureDeploymentRequest(base, FORM, '/responses', 'gpt-4.1', raw).body).toBe(raw);
      const replaced = azureDeploymentRequest(base, FORM, '/responses', 'gpt-4o', Buffer.from('{"model":"gpt-4o","input":"hi","metadata":{"model":"keep"}}'));
      expect(replaced.body.toString()).toBe('{"model":"prod-gpt4o","input":"hi","metadata":{"model":"keep"}}');
      expect([azureBodyModel(FORM, '/responses', 'gpt-4o'), azureBodyModel(FORM, '/chat/completions', 'gpt-4o')]).toEqual(['prod-gpt4o', 'gpt-4o']);
    });

    it('one request form for every caller: the Responses API gets the deployment in the body, other routes in the path', () => {
      const base = parseUpstreamBase('https://res.openai.azure.com');
      const body = Buffer.from('{"model":"gpt-4o","input":"hi"}');
      const responses = azureDeploymentRequest(base, FORM, '/responses', 'gpt-4o', body);
      expect(responses.path).toBe('/openai/responses?api-version=2024-10-21');
      expect(responses.body.toString()).toBe('{"model":"prod-gpt4o","input":"hi"}');
      const chat = azureDeploymentRequest(base, FORM, '/chat/completions', 'gpt-4o', body, '?x=1');
      expect(chat).toEqual({ path: '/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21&x=1', body });
    });
  });

  describe('description of an instance', () => {
    it('leaves a plain OpenAI instance on the OpenAI description itself', () => {
      expect(azureOpenaiDescription(OPENAI, 'bearer', undefined)).toBe(OPENAI);
    });

    it('auth: api-key: keys go in api-key, a client key is taken from api-key or a Bearer; no sk- prefix is required', () => {
      const description = azureOpenaiDescription(OPENAI, 'api-key', undefined);
      expect(description).toMatchObject({ credentialHeader: 'api-key', clientCredentialHeaders: ['api-key', 'authorization'], keyFormat: { prefix: '' } });
      expect(description.keyCheck).toEqual(OPENAI.keyCheck);
      expect(applyCredential(description, { authorization: 'Bearer tg_x', 'api-key': 'other', accept: '*/*' }, 'pool-key')).toEqual({ accept: '*/*', 'api-key': 'pool-key' });
    });

    it('the deployment form checks a key against /openai/models with the api-version, whatever the auth', () => {
      for (const auth of ['api-key', 'bearer'] as const) {
        const description = azureOpenaiDescription(OPENAI, auth, FORM);
        expect(description.keyCheck.path).toBe('/openai/models?api-version=2024-10-21');
        expect(description.keyFormat.prefix).toBe('');
      }
    });
  });

  describe('credentials of a client', () => {
    const azure = azureOpenaiDescription(OPENAI, 'api-key', undefined);

    it("finds the client's own Azure key in api-key (first) or as a Bearer, next to a gateway token", () => {
      expect(extractCredentials(azure, { 'x-tollgate-token': 'tg_a', 'api-key': ' azkey ', authorization: 'Bearer other' })).toEqual({
        gatewayToken: 'tg_a',
        gatewayTokenHeader: 'x-tollgate-token',
        byokCredential: 'azkey',
        byokHeader: 'api-key',
      });
      expect(extractCredentials(azure, { 'x-tollgate-token': 'tg_a', authorization: 'Bearer azkey' })).toMatchObject({ byokCredential: 'azkey', byokHeader: 'authorization' });
      expect(extractCredentials(azure, { authorization: 'Bearer tg_a' })).toEqual({ gatewayToken: 'tg_a', gatewayTokenHeader: 'authorization' });
    });

    it('a gateway token in api-key is never a provider key, and never a gateway token either', () => {
      expect(extractCredentials(azure, { 'api-key': 'tg_a' })).toEqual({});
    });

    it('other providers never read api-key', () => {
      expect(extractCredentials(OPENAI, { 'x-tollgate-token': 'tg_a', 'api-key': 'azkey' })).toEqual({ gatewayToken: 'tg_a', gatewayTokenHeader: 'x-tollgate-token' });
    });

    it('a BYOK key goes upstream in api-key on Azure whatever header carried it; elsewhere as sent', () => {
      expect(byokUpstreamHeader(azure, 'authorization')).toBe('api-key');
      expect(byokUpstreamHeader(azure, 'api-key')).toBe('api-key');
      expect(byokUpstreamHeader(OPENAI, 'authorization')).toBe('authorization');
      expect(byokUpstreamHeader(ANTHROPIC, 'authorization')).toBe('authorization');
      expect(byokUpstreamHeader(ANTHROPIC, undefined)).toBe('authorization');
    });

    it('a client api-key header is forwarded only when it carries the BYOK key', () => {
      const headers = { 'x-tollgate-token': 'tg_a', 'api-key': 'azkey', accept: 'application/json' };
      expect(headersToForward(azure, headers)).toEqual({ 'api-key': 'azkey', accept: 'application/json' });
      expect(headersToForward(OPENAI, headers)).toEqual({ accept: 'application/json' });
    });
  });
});
