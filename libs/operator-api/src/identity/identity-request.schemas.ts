import { BYOK_MODES } from '@tollgate/byok';
import { z } from 'zod';

// Request bodies of the user and admin APIs: strict, so an unknown (or misspelt) field is an error, not ignored.

export const userIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, {
  message: 'must be 1-128 characters: letters, digits, and . _ @ - (not first)',
});

const byokMode = z.enum(BYOK_MODES);

export const createUserSchema = z
  .object({ id: userIdSchema, displayName: z.string().max(200).default(''), byokMode: byokMode.nullable().default(null) })
  .strict();

const budget = z
  .object({ amountUsd: z.number().finite().min(0).max(1_000_000_000), period: z.enum(['day', 'week', 'month']) })
  .strict()
  .transform((value) => ({ micros: Math.round(value.amountUsd * 1_000_000), period: value.period }));

export const updateUserSchema = z
  .object({ displayName: z.string().max(200).optional(), byokMode: byokMode.nullable().optional(), budget: budget.nullable().optional() })
  .strict()
  .refine((body) => body.displayName !== undefined || body.byokMode !== undefined || body.budget !== undefined, {
    message: 'give displayName, byokMode and/or budget',
  });

export const issueTokenSchema = z.object({ name: z.string().max(100).default('') }).strict();

export const putKeySchema = z
  .object({
    // Provider keys are a few hundred characters at most; a bound keeps a client from storing anything it likes.
    key: z.string({ message: 'is required' }).max(4096),
    verify: z.boolean().default(false),
    baseUrl: z.string().max(2048).optional(),
  })
  .strict();

export const pageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: z.string().max(512).optional(),
  })
  .strict();
