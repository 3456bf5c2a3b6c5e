import { type AdminCommand, parseInteger, PROGRAM } from './admin-command';
import type { PoolKeyView } from './gateway-api.types';
import { cell } from './output.formatter';
import { poolTable } from './resource.views';

const segment = encodeURIComponent;

export const KEY_POOL_COMMANDS: readonly AdminCommand[] = [
  {
    words: ['pool', 'list'],
    args: [{ name: 'provider' }],
    options: {},
    credential: 'admin',
    summary: "Show a provider's key pool: position, hint and state of each configured key",
    examples: [`${PROGRAM} pool list openai`],
    async run(context) {
      const answer = await context.api.request<{ provider: string; keys: PoolKeyView[] }>('GET', `/admin/v1/providers/${segment(context.args.provider)}/keys`);
      context.out.result(answer, () => poolTable(answer.keys));
    },
  },
  {
    words: ['pool', 'enable'],
    args: [{ name: 'provider' }, { name: 'position' }],
    options: {},
    credential: 'admin',
    summary: 'Put a pool key back in service (e.g. one disabled after an auth failure)',
    examples: [`${PROGRAM} pool enable openai 1`],
    async run(context) {
      const position = parseInteger(context.args.position, 'the position', 0);
      const answer = await context.api.request<{ provider: string; key: PoolKeyView }>(
        'POST',
        `/admin/v1/providers/${segment(context.args.provider)}/keys/${position}/enable`,
      );
      context.out.result(answer, () => [`${answer.provider} key ${answer.key.position} (${answer.key.hint}): ${cell(answer.key.state)}`]);
    },
  },
];
