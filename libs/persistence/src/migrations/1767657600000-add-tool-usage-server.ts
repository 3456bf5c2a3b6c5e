import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The MCP server that ran an injected tool call (null for tools the client defined). */
export class AddToolUsageServer1767657600000 implements MigrationInterface {
  name = 'AddToolUsageServer1767657600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tool_usages" ADD COLUMN "server" text NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tool_usages" DROP COLUMN "server"`);
  }
}
