import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each pool key was last handed out (the console's key pools page): the recorded hint of centralized
 * interceptions, per provider instance, newest first, so the last use of a key is one index lookup.
 */
export class AddPoolKeyUseIndex1767571200000 implements MigrationInterface {
  readonly name = 'AddPoolKeyUseIndex1767571200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_interceptions_pool_key_started" ON "interceptions" ("provider_name", "credential_hint", "started_at") WHERE "credential_kind" = 'centralized'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_interceptions_pool_key_started"`);
  }
}
