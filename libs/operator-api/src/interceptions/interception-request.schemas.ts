import { INTERCEPTION_STATUSES } from '@tollgate/usage';
import { z } from 'zod';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z' });
const text = z.string().min(1).max(200);

/** `GET /admin/v1/interceptions`: every filter optional, newest first. */
export const interceptionListQuerySchema = z
  .object({
    user: text.optional(),
    provider: text.optional(),
    model: text.optional(),
    status: z.enum(INTERCEPTION_STATUSES, { message: `must be one of ${INTERCEPTION_STATUSES.join(', ')}` }).optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: z.string().max(512).optional(),
  })
  .strict();

/** At most this many buckets per activity answer (a day of minutes). */
export const MAX_ACTIVITY_BUCKETS = 1440;

/** `GET /admin/v1/activity`: defaults to the last hour in one-minute buckets. */
export const activityQuerySchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    bucketSeconds: z.coerce.number().int().min(10).max(86_400).default(60),
  })
  .strict();
