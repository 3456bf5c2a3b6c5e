import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UseFilters, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { Audited } from '../audit/audited.decorator';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import { ApiErrorFilter } from './api-error';
import { createTeamSchema, pageQuerySchema, updateTeamSchema } from './identity-request.schemas';
import { requireTeams } from './identity-availability';
import type { TeamView } from './identity-api.views';

/** Operators manage teams: their limits, budget and model policy, and who belongs to them (docs/limits.md). */
@Controller('admin/v1')
@UseGuards(AdminTokenGuard)
@UseFilters(ApiErrorFilter)
export class TeamAdminController {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  @Post('teams')
  @HttpCode(201)
  @Audited<TeamView>('team.create', ({ result }) => ({ target: result.id, details: { name: result.name } }))
  createTeam(@Body() body: unknown) {
    return requireTeams(this.runtime).createTeam(createTeamSchema.parse(body ?? {}));
  }

  @Get('teams')
  listTeams(@Query() query: unknown) {
    return requireTeams(this.runtime).listTeams(pageQuerySchema.parse(query ?? {}));
  }

  @Get('teams/:id')
  getTeam(@Param('id') id: string) {
    return requireTeams(this.runtime).getTeam(id);
  }

  @Patch('teams/:id')
  // The body passed the strict schema (name, limits, budget, models): it is the change, as the operator asked it.
  @Audited('team.update', ({ params, body }) => ({ target: params.id, details: { changes: body } }))
  updateTeam(@Param('id') id: string, @Body() body: unknown) {
    return requireTeams(this.runtime).updateTeam(id, updateTeamSchema.parse(body ?? {}));
  }

  @Delete('teams/:id')
  @HttpCode(204)
  @Audited<TeamView>('team.delete', ({ params, result }) => ({ target: params.id, details: { name: result.name, members: result.members } }))
  async deleteTeam(@Param('id') id: string) {
    return requireTeams(this.runtime).deleteTeam(id);
  }

  @Put('teams/:id/members/:userId')
  @Audited('team.member.add', ({ params }) => ({ target: params.id, details: { user: params.userId } }))
  addMember(@Param('id') id: string, @Param('userId') userId: string) {
    return requireTeams(this.runtime).addMember(id, userId);
  }

  @Delete('teams/:id/members/:userId')
  @Audited('team.member.remove', ({ params }) => ({ target: params.id, details: { user: params.userId } }))
  removeMember(@Param('id') id: string, @Param('userId') userId: string) {
    return requireTeams(this.runtime).removeMember(id, userId);
  }
}
