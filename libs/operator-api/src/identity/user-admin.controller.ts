import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { Audited } from '../audit/audited.decorator';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import { ApiErrorFilter } from './api-error';
import { createUserSchema, issueTokenSchema, pageQuerySchema, updateUserSchema } from './identity-request.schemas';
import { requireIdentity } from './identity-availability';
import type { TokenView, UserView } from './identity-api.views';

/**
 * Operators manage users (BYOK mode, budget, limits, model policy), their gateway tokens (shown once, optionally scoped)
 * and see their stored keys' hints.
 */
@Controller('admin/v1')
@UseGuards(AdminTokenGuard)
@UseFilters(ApiErrorFilter)
export class UserAdminController {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  @Post('users')
  @HttpCode(201)
  @Audited<UserView>('user.create', ({ result }) => ({ target: result.id, details: { displayName: result.displayName, byokMode: result.byokMode } }))
  createUser(@Body() body: unknown) {
    return requireIdentity(this.runtime).createUser(createUserSchema.parse(body ?? {}));
  }

  @Get('users')
  listUsers(@Query() query: unknown) {
    return requireIdentity(this.runtime).listUsers(pageQuerySchema.parse(query ?? {}));
  }

  @Get('users/:id')
  getUser(@Param('id') id: string) {
    return requireIdentity(this.runtime).getUser(id);
  }

  @Patch('users/:id')
  // The body passed the strict schema (displayName, byokMode, budget, limits, models): it is the change, as asked.
  @Audited('user.update', ({ params, body }) => ({ target: params.id, details: { changes: body } }))
  updateUser(@Param('id') id: string, @Body() body: unknown) {
    return requireIdentity(this.runtime).updateUser(id, updateUserSchema.parse(body ?? {}));
  }

  @Post('users/:id/tokens')
  @HttpCode(201)
  @Audited<TokenView>('token.issue', ({ params, result }) => ({
    target: params.id,
    details: { tokenId: result.id, name: result.name, hint: result.hint, ...tokenScopeDetails(result) },
  }))
  issueToken(@Param('id') id: string, @Body() body: unknown) {
    const { name, expiresAt, limits, models, team } = issueTokenSchema.parse(body ?? {});
    return requireIdentity(this.runtime).issueToken(id, name, { expiresAt: expiresAt ?? null, limits: limits ?? null, models: models ?? null, teamId: team ?? null });
  }

  @Get('users/:id/tokens')
  listTokens(@Param('id') id: string, @Query() query: unknown) {
    return requireIdentity(this.runtime).listTokens(id, pageQuerySchema.parse(query ?? {}));
  }

  @Delete('tokens/:id')
  @Audited<TokenView>('token.revoke', ({ params, result }) => ({ target: params.id, details: { user: result.user, name: result.name, hint: result.hint } }))
  revokeToken(@Param('id') id: string) {
    return requireIdentity(this.runtime).revokeToken(id);
  }

  @Get('users/:id/keys')
  async listUserKeys(@Param('id') id: string) {
    const identity = requireIdentity(this.runtime);
    await identity.getUser(id);
    return { keys: await identity.listKeys(id) };
  }
}

/** The scope a token was issued with, for its audit entry: only what was set. */
function tokenScopeDetails(token: TokenView): Record<string, unknown> {
  const { expiresAt, limits, models, team } = token;
  return Object.fromEntries(Object.entries({ expiresAt, limits, models, team }).filter(([, value]) => value !== null));
}
