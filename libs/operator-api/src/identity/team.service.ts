import {
  TeamAlreadyExistsError,
  TeamInUseError,
  UnknownUserError,
  type IdentityDirectory,
  type IdentityStore,
  type Page,
  type PageRequest,
  type TeamChanges,
  type TeamRecord,
} from '@tollgate/byok';
import { ApiError, notFound } from './api-error';
import { budgetView, type TeamView } from './identity-api.views';

/**
 * Teams and their members: the operations behind `/admin/v1/teams…`. Writes go to the store, then this replica
 * refreshes what changed at once (the team's settings, or the member's teams); the others follow the change log.
 */
export class TeamService {
  constructor(
    private readonly store: IdentityStore,
    private readonly directory: IdentityDirectory,
  ) {}

  async createTeam(input: { id: string; name: string }): Promise<TeamView> {
    try {
      const team = await this.store.createTeam(input);
      await this.directory.refreshTeam(team.id);
      return teamView(team);
    } catch (error) {
      if (error instanceof TeamAlreadyExistsError) throw new ApiError(409, 'conflict', `team ${input.id} already exists`);
      throw error;
    }
  }

  async listTeams(page: PageRequest): Promise<Page<TeamView>> {
    const found = await this.store.listTeams(page);
    return { items: found.items.map(teamView), next: found.next };
  }

  async getTeam(teamId: string): Promise<TeamView> {
    const team = await this.store.findTeam(teamId);
    if (!team) throw notFound(`no team ${teamId}`);
    return teamView(team);
  }

  async updateTeam(teamId: string, changes: TeamChanges): Promise<TeamView> {
    const team = await this.store.updateTeam(teamId, changes);
    if (!team) throw notFound(`no team ${teamId}`);
    await this.directory.refreshTeam(teamId);
    return teamView(team);
  }

  /** Returns the team as it was, for the audit log. */
  async deleteTeam(teamId: string): Promise<TeamView> {
    const team = await this.store.findTeam(teamId);
    if (!team) throw notFound(`no team ${teamId}`);
    try {
      if (!(await this.store.deleteTeam(teamId))) throw notFound(`no team ${teamId}`);
    } catch (error) {
      if (error instanceof TeamInUseError) {
        throw new ApiError(409, 'conflict', `team ${teamId} has ${error.activeTokens} active gateway token(s) scoped to it; revoke them first`);
      }
      throw error;
    }
    await this.directory.refreshTeam(teamId);
    for (const userId of team.members) await this.directory.refreshUser(userId);
    return teamView(team);
  }

  async addMember(teamId: string, userId: string): Promise<TeamView> {
    let team: TeamRecord | undefined;
    try {
      team = await this.store.addTeamMember(teamId, userId);
    } catch (error) {
      if (error instanceof UnknownUserError) throw notFound(`no user ${userId}`);
      throw error;
    }
    if (!team) throw notFound(`no team ${teamId}`);
    await this.directory.refreshUser(userId);
    return teamView(team);
  }

  async removeMember(teamId: string, userId: string): Promise<TeamView> {
    const team = await this.store.removeTeamMember(teamId, userId);
    if (!team) throw notFound(`no team ${teamId}`);
    await this.directory.refreshUser(userId);
    return teamView(team);
  }
}

function teamView(team: TeamRecord): TeamView {
  return {
    id: team.id,
    name: team.name,
    limits: team.limits,
    budget: budgetView(team.budget),
    models: team.models,
    members: team.members,
    createdAt: team.createdAt.toISOString(),
    updatedAt: team.updatedAt.toISOString(),
  };
}
