import { ADMIN_AUDIT_ACTIONS } from '@tollgate/usage';
import { z } from 'zod';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z' });
const text = z.string().min(1).max(200);

/** `GET /admin/v1/audit`: every filter optional, newest first. */
export const adminAuditListQuerySchema = z
  .object({
    actor: text.optional(),
    action: z.enum(ADMIN_AUDIT_ACTIONS, { message: `must be one of ${ADMIN_AUDIT_ACTIONS.join(', ')}` }).optional(),
    target: text.optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: z.string().max(512).optional(),
  })
  .strict();
