import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The recording tables of the spec (docs: recording.md › Tables). Column names and types are a public contract. */
export class CreateRecordingTables1767225600000 implements MigrationInterface {
  readonly name = 'CreateRecordingTables1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "interceptions" (
        "id" uuid NOT NULL,
        "initiator_id" text NOT NULL,
        "provider" text NOT NULL,
        "provider_name" text NOT NULL,
        "model" text NOT NULL,
        "streaming" boolean NOT NULL,
        "client" text NOT NULL,
        "user_agent" text NOT NULL,
        "credential_kind" text NOT NULL,
        "credential_hint" varchar(32) NOT NULL DEFAULT '',
        "started_at" timestamptz NOT NULL,
        "ended_at" timestamptz NULL,
        "error_type" text NULL,
        "error_message" text NULL,
        "metadata" jsonb NOT NULL,
        CONSTRAINT "pk_interceptions" PRIMARY KEY ("id")
      )`);
    // "Who used what, when" and "usage per provider/model over time".
    await queryRunner.query(`CREATE INDEX "idx_interceptions_initiator_started" ON "interceptions" ("initiator_id", "started_at")`);
    await queryRunner.query(
      `CREATE INDEX "idx_interceptions_provider_model_started" ON "interceptions" ("provider", "model", "started_at")`,
    );

    await queryRunner.query(`
      CREATE TABLE "token_usages" (
        "id" uuid NOT NULL,
        "interception_id" uuid NOT NULL,
        "provider_response_id" text NOT NULL,
        "input_tokens" bigint NOT NULL,
        "output_tokens" bigint NOT NULL,
        "cache_read_input_tokens" bigint NOT NULL,
        "cache_write_input_tokens" bigint NOT NULL,
        "extra" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "pk_token_usages" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_token_usages_interception" ON "token_usages" ("interception_id")`);

    await queryRunner.query(`
      CREATE TABLE "user_prompts" (
        "id" uuid NOT NULL,
        "interception_id" uuid NOT NULL,
        "provider_response_id" text NOT NULL,
        "prompt" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "pk_user_prompts" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_user_prompts_interception" ON "user_prompts" ("interception_id")`);

    await queryRunner.query(`
      CREATE TABLE "tool_usages" (
        "id" uuid NOT NULL,
        "interception_id" uuid NOT NULL,
        "provider_response_id" text NOT NULL,
        "tool" text NOT NULL,
        "tool_call_id" text NOT NULL,
        "input" text NOT NULL,
        "injected" boolean NOT NULL,
        "invocation_error" text NULL,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "pk_tool_usages" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_tool_usages_interception" ON "tool_usages" ("interception_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "tool_usages"`);
    await queryRunner.query(`DROP TABLE "user_prompts"`);
    await queryRunner.query(`DROP TABLE "token_usages"`);
    await queryRunner.query(`DROP TABLE "interceptions"`);
  }
}
