import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-user budget overrides (docs: usage.md, "Budgets"): an amount in micro-dollars per period; both null means
 * the deployment default applies.
 */
export class AddUserBudgets1767484800000 implements MigrationInterface {
  readonly name = 'AddUserBudgets1767484800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "budget_micros" bigint NULL`);
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "budget_period" text NULL`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "chk_users_budget" CHECK (("budget_micros" IS NULL AND "budget_period" IS NULL) OR ("budget_micros" >= 0 AND "budget_period" IN ('day', 'week', 'month')))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "chk_users_budget"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "budget_period"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "budget_micros"`);
  }
}
