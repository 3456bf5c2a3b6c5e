import { USAGE_GROUP_BYS, type UsageGroupBy } from '@tollgate/usage';
import { type AdminCommand, type CommandContext, type OptionSpec, PROGRAM, stringOption, UsageError } from './admin-command';
import type { UsageView } from './gateway-api.types';
import { cell } from './output.formatter';
import { usageTable } from './resource.views';

const MY_GROUP_BYS: readonly UsageGroupBy[] = ['model', 'provider', 'day'];

const rangeOptions = (groupBys: readonly UsageGroupBy[], fallback: UsageGroupBy): Record<string, OptionSpec> => ({
  'group-by': { type: 'string', value: groupBys.join('|'), description: `what each row totals (default ${fallback})` },
  from: { type: 'string', value: 'iso', description: 'start, inclusive (default: the first of this month, UTC)' },
  to: { type: 'string', value: 'iso', description: 'end, exclusive (default: the first of next month, UTC)' },
});

const RANGE_DETAILS = [
  'Dates are ISO 8601 date-times with a zone, e.g. 2026-11-01T00:00:00Z. Costs come from the recorder’s price table',
  '(docs/usage.md); a model without a price counts its tokens at cost 0.',
];

export const USAGE_COMMANDS: readonly AdminCommand[] = [
  {
    words: ['usage'],
    args: [],
    options: rangeOptions(USAGE_GROUP_BYS, 'user'),
    credential: 'admin',
    summary: 'Show tokens and cost of every caller, by user, model, provider or UTC day',
    details: RANGE_DETAILS,
    examples: [`${PROGRAM} usage --group-by model`, `${PROGRAM} usage --group-by day --from 2026-11-01T00:00:00Z --to 2026-11-08T00:00:00Z`],
    async run(context) {
      await showUsage(context, '/admin/v1/usage', USAGE_GROUP_BYS, 'user');
    },
  },
  {
    words: ['me', 'usage'],
    args: [],
    options: rangeOptions(MY_GROUP_BYS, 'model'),
    credential: 'user',
    summary: 'Show your own tokens and cost, by model, provider or UTC day',
    details: RANGE_DETAILS,
    examples: [`${PROGRAM} me usage`, `${PROGRAM} me usage --group-by day --json`],
    async run(context) {
      await showUsage(context, '/v1/me/usage', MY_GROUP_BYS, 'model');
    },
  },
];

async function showUsage(context: CommandContext, path: string, groupBys: readonly UsageGroupBy[], fallback: UsageGroupBy): Promise<void> {
  const groupBy = stringOption(context, 'group-by') ?? fallback;
  if (!groupBys.includes(groupBy as UsageGroupBy)) throw new UsageError(`--group-by must be one of ${groupBys.join(', ')}`);
  const usage = await context.api.request<UsageView>('GET', path, {
    query: { groupBy, from: stringOption(context, 'from'), to: stringOption(context, 'to') },
  });
  context.out.result(usage, () => [`from ${cell(usage.from)} to ${cell(usage.to)} (exclusive)`, '', ...usageTable(usage)]);
}
