import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cost accounting (docs: usage.md): each token-usage row's cost and whether a price matched its model, each
 * interception's total and the price table it was priced with; indexes for usage over a time range, overall and per
 * user (the per-user one carries the cost, so a user's spend in a period is read from the index alone).
 */
export class AddUsageCosts1767398400000 implements MigrationInterface {
  readonly name = 'AddUsageCosts1767398400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "token_usages" ADD COLUMN "cost_micros" bigint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "token_usages" ADD COLUMN "priced" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "interceptions" ADD COLUMN "cost_micros" bigint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "interceptions" ADD COLUMN "price_version" text NULL`);
    await queryRunner.query(`CREATE INDEX "idx_interceptions_started" ON "interceptions" ("started_at")`);
    // Replaces the plain (initiator_id, started_at) index: same lookups, plus the cost without a heap visit.
    await queryRunner.query(`DROP INDEX "idx_interceptions_initiator_started"`);
    await queryRunner.query(
      `CREATE INDEX "idx_interceptions_initiator_started" ON "interceptions" ("initiator_id", "started_at") INCLUDE ("cost_micros")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_interceptions_initiator_started"`);
    await queryRunner.query(`CREATE INDEX "idx_interceptions_initiator_started" ON "interceptions" ("initiator_id", "started_at")`);
    await queryRunner.query(`DROP INDEX "idx_interceptions_started"`);
    await queryRunner.query(`ALTER TABLE "interceptions" DROP COLUMN "price_version"`);
    await queryRunner.query(`ALTER TABLE "interceptions" DROP COLUMN "cost_micros"`);
    await queryRunner.query(`ALTER TABLE "token_usages" DROP COLUMN "priced"`);
    await queryRunner.query(`ALTER TABLE "token_usages" DROP COLUMN "cost_micros"`);
  }
}
