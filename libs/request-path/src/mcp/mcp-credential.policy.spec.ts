import { Agent } from 'undici';
import type { CredentialPlan } from '../bridge/upstream-attempts';
import { mcpToolsAllowed } from './mcp-credential.policy';

const pool: CredentialPlan = { kind: 'centralized' };
const userKey: CredentialPlan = { kind: 'byok', source: 'request', credential: 'sk-user', header: 'authorization', hint: 'sk-u...user' };
const storedKey: CredentialPlan = { ...userKey, source: 'stored' };
const userEndpoint: CredentialPlan = { ...storedKey, dispatcher: new Agent() };

describe('mcpToolsAllowed', () => {
  it.each([
    ['pool key', pool, { userKeys: false, userEndpoints: false }, true],
    ['user key sent with the request', userKey, { userKeys: false, userEndpoints: false }, false],
    ['stored user key', storedKey, { userKeys: false, userEndpoints: false }, false],
    ['user endpoint', userEndpoint, { userKeys: false, userEndpoints: false }, false],
    ['user key, userKeys on', userKey, { userKeys: true, userEndpoints: false }, true],
    ['stored user key, userKeys on', storedKey, { userKeys: true, userEndpoints: false }, true],
    ['user endpoint, only userKeys on', userEndpoint, { userKeys: true, userEndpoints: false }, false],
    ['user endpoint, userEndpoints on', userEndpoint, { userKeys: false, userEndpoints: true }, true],
    ['user key, only userEndpoints on', userKey, { userKeys: false, userEndpoints: true }, false],
  ] as const)('%s → %s', (_case, plan, settings, allowed) => {
    expect(mcpToolsAllowed(plan, settings)).toBe(allowed);
  });
});
