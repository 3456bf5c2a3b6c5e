import type { MockUpstream } from '@tollgate/testing';

/** Two OpenAI-family pools (`openai`, `azure`), one unreachable (`down`), two Anthropic-family pools (`anthropic`, `bedrock`). */
export function aliasProviders(mock: MockUpstream, downPort: number): Array<Record<string, unknown>> {
  return [
    { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['oa-1-long-key', 'oa-2-long-key'] },
    { name: 'azure', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['az-1-long-key'] },
    { name: 'down', type: 'openai', baseUrl: `http://127.0.0.1:${downPort}/openai/v1`, keys: ['dn-1-long-key'] },
    { name: 'anthropic', type: 'anthropic', baseUrl: mock.anthropicBaseUrl, keys: ['an-1-long-key'] },
    { name: 'bedrock', type: 'anthropic', baseUrl: mock.anthropicBaseUrl, keys: ['br-1-long-key'] },
  ];
}

export const ALIASES = [
  { name: 'smart', targets: [{ provider: 'openai', model: 'gpt-primary' }, { provider: 'azure', model: 'gpt-backup' }] },
  { name: 'claude', targets: [{ provider: 'anthropic', model: 'claude-primary' }, { provider: 'bedrock', model: 'claude-backup' }] },
  { name: 'resilient', targets: [{ provider: 'down', model: 'gpt-primary' }, { provider: 'azure', model: 'gpt-backup' }] },
];
