import { BYOK_MODES } from '@tollgate/byok';
import { z } from 'zod';

// Request bodies of the user and admin APIs: strict, so an unknown (or misspelt) field is an error, not ignored.

export const userIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, {
  message: 'must be 1-128 characters: letters, digits, and . _ @ - (not first)',
});

export const teamIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
  message: 'must be 1-128 characters: letters, digits, and . _ - (not first)',
});

/** A limit set (docs/limits.md): every field optional, each a whole number ≥ 1. */
const limits = z
  .object({
    requestsPerMinute: z.number().int().min(1).max(1_000_000_000).optional(),
    tokensPerMinute: z.number().int().min(1).max(1_000_000_000_000).optional(),
    concurrent: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

const modelPatterns = z.array(z.string().min(1).max(512)).max(500);

/** A model policy (docs/configuration.md `models`): patterns with `*`, matching `provider/model` or `model`. */
const models = z.object({ allow: modelPatterns.optional(), deny: modelPatterns.optional() }).strict();

const byokMode = z.enum(BYOK_MODES);

export const createUserSchema = z
  .object({ id: userIdSchema, displayName: z.string().max(200).default(''), byokMode: byokMode.nullable().default(null) })
  .strict();

const budget = z
  .object({ amountUsd: z.number().finite().min(0).max(1_000_000_000), period: z.enum(['day', 'week', 'month']) })
  .strict()
  .transform((value) => ({ micros: Math.round(value.amountUsd * 1_000_000), period: value.period }));

export const updateUserSchema = z
  .object({
    displayName: z.string().max(200).optional(),
    byokMode: byokMode.nullable().optional(),
    budget: budget.nullable().optional(),
    limits: limits.nullable().optional(),
    models: models.nullable().optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'give displayName, byokMode, budget, limits and/or models',
  });

export const issueTokenSchema = z
  .object({
    name: z.string().max(100).default(''),
    expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' }).transform((value) => new Date(value)).optional(),
    limits: limits.optional(),
    models: models.optional(),
    team: teamIdSchema.optional(),
  })
  .strict();

export const createTeamSchema = z.object({ id: teamIdSchema, name: z.string().max(200).default('') }).strict();

export const updateTeamSchema = z
  .object({
    name: z.string().max(200).optional(),
    limits: limits.nullable().optional(),
    budget: budget.nullable().optional(),
    models: models.nullable().optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'give name, limits, budget and/or models' });

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
