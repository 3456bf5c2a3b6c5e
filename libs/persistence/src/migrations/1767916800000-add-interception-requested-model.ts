import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The model alias a client asked for (routing.aliases; null when it named a model). The row's provider_name, model and
 * credential_hint are the target that served it.
 */
export class AddInterceptionRequestedModel1767916800000 implements MigrationInterface {
  name = 'AddInterceptionRequestedModel1767916800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "interceptions" ADD COLUMN "requested_model" text NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "interceptions" DROP COLUMN "requested_model"`);
  }
}
