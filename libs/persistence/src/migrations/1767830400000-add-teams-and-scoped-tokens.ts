import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Teams, model access and scoped gateway tokens (docs/configuration.md `models`, docs/usage.md "Team budgets"):
 * teams with their limits, budget and model policy; team membership; limits and a model policy per user; expiry,
 * limits, a model policy, a team and the last use per gateway token. The directory's change log also names teams.
 */
export class AddTeamsAndScopedTokens1767830400000 implements MigrationInterface {
  readonly name = 'AddTeamsAndScopedTokens1767830400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "teams" (
        "id" text NOT NULL,
        "name" text NOT NULL DEFAULT '',
        "limits" jsonb NULL,
        "budget_micros" bigint NULL,
        "budget_period" text NULL,
        "models" jsonb NULL,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "pk_teams" PRIMARY KEY ("id"),
        CONSTRAINT "chk_teams_budget" CHECK (("budget_micros" IS NULL AND "budget_period" IS NULL) OR ("budget_micros" >= 0 AND "budget_period" IN ('day', 'week', 'month')))
      )`);

    await queryRunner.query(`
      CREATE TABLE "team_members" (
        "team_id" text NOT NULL,
        "user_id" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "pk_team_members" PRIMARY KEY ("team_id", "user_id"),
        CONSTRAINT "fk_team_members_team" FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_team_members_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_team_members_user" ON "team_members" ("user_id", "team_id")`);

    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "limits" jsonb NULL`);
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "models" jsonb NULL`);

    await queryRunner.query(`ALTER TABLE "gateway_tokens" ADD COLUMN "expires_at" timestamptz NULL`);
    await queryRunner.query(`ALTER TABLE "gateway_tokens" ADD COLUMN "limits" jsonb NULL`);
    await queryRunner.query(`ALTER TABLE "gateway_tokens" ADD COLUMN "models" jsonb NULL`);
    // No foreign key (the team has no entity): the store checks the team when issuing, and refuses to delete a team
    // while active tokens are scoped to it; a revoked token keeps the id of a team deleted since.
    await queryRunner.query(`ALTER TABLE "gateway_tokens" ADD COLUMN "team_id" text NULL`);
    await queryRunner.query(`CREATE INDEX "idx_gateway_tokens_team" ON "gateway_tokens" ("team_id")`);
    await queryRunner.query(`ALTER TABLE "gateway_tokens" ADD COLUMN "last_used_at" timestamptz NULL`);

    // A change names a user (their entry is reloaded) or a team (its settings are reloaded).
    await queryRunner.query(`ALTER TABLE "directory_changes" ALTER COLUMN "user_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "directory_changes" ADD COLUMN "team_id" text NULL`);
    await queryRunner.query(
      `ALTER TABLE "directory_changes" ADD CONSTRAINT "chk_directory_changes_subject" CHECK ("user_id" IS NOT NULL OR "team_id" IS NOT NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "directory_changes" WHERE "user_id" IS NULL`);
    await queryRunner.query(`ALTER TABLE "directory_changes" DROP CONSTRAINT "chk_directory_changes_subject"`);
    await queryRunner.query(`ALTER TABLE "directory_changes" DROP COLUMN "team_id"`);
    await queryRunner.query(`ALTER TABLE "directory_changes" ALTER COLUMN "user_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "gateway_tokens" DROP COLUMN "last_used_at"`);
    await queryRunner.query(`ALTER TABLE "gateway_tokens" DROP COLUMN "team_id"`);
    await queryRunner.query(`ALTER TABLE "gateway_tokens" DROP COLUMN "models"`);
    await queryRunner.query(`ALTER TABLE "gateway_tokens" DROP COLUMN "limits"`);
    await queryRunner.query(`ALTER TABLE "gateway_tokens" DROP COLUMN "expires_at"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "models"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "limits"`);
    await queryRunner.query(`DROP TABLE "team_members"`);
    await queryRunner.query(`DROP TABLE "teams"`);
  }
}
