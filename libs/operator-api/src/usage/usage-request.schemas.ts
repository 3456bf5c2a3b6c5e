import { CREDENTIAL_KINDS, USAGE_GROUP_BYS, type UsageGroupBy } from '@tollgate/usage';
import { z } from 'zod';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z' });

function usageQuerySchema(groupBys: readonly [UsageGroupBy, ...UsageGroupBy[]]) {
  return z
    .object({
      groupBy: z.enum(groupBys, { message: `must be one of ${groupBys.join(', ')}` }),
      from: instant.optional(),
      to: instant.optional(),
      credentialKind: z.enum(CREDENTIAL_KINDS, { message: `must be one of ${CREDENTIAL_KINDS.join(', ')}` }).optional(),
    })
    .strict();
}

/** `GET /admin/v1/usage`: any grouping. */
export const adminUsageQuerySchema = usageQuerySchema(USAGE_GROUP_BYS);

/** `GET /v1/me/usage`: the caller's own usage, so grouping by user says nothing. */
export const myUsageQuerySchema = usageQuerySchema(['model', 'provider', 'day']);

export type UsageRequest = z.output<typeof adminUsageQuerySchema>;
