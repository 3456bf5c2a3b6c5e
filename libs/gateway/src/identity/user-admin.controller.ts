import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { GatewayRuntime } from '../gateway-runtime';
import { ApiErrorFilter } from './api-error';
import { createUserSchema, issueTokenSchema, pageQuerySchema, updateUserSchema } from './identity-request.schemas';
import { requireIdentity } from './identity-availability';

/** Operators manage users, their BYOK mode, their gateway tokens (shown once) and see their stored keys' hints. */
@Controller('admin/v1')
@UseGuards(AdminTokenGuard)
@UseFilters(ApiErrorFilter)
export class UserAdminController {
  constructor(@Inject(GatewayRuntime) private readonly runtime: GatewayRuntime) {}

  @Post('users')
  @HttpCode(201)
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
  updateUser(@Param('id') id: string, @Body() body: unknown) {
    return requireIdentity(this.runtime).updateUser(id, updateUserSchema.parse(body ?? {}));
  }

  @Post('users/:id/tokens')
  @HttpCode(201)
  issueToken(@Param('id') id: string, @Body() body: unknown) {
    return requireIdentity(this.runtime).issueToken(id, issueTokenSchema.parse(body ?? {}).name);
  }

  @Get('users/:id/tokens')
  listTokens(@Param('id') id: string, @Query() query: unknown) {
    return requireIdentity(this.runtime).listTokens(id, pageQuerySchema.parse(query ?? {}));
  }

  @Delete('tokens/:id')
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
