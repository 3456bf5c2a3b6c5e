import type { QueryRunner } from 'typeorm';

// Postgres allows 65 535 bind parameters per statement; stay well below it.
const MAX_PARAMETERS = 30_000;

export interface BulkInsert {
  table: string;
  columns: readonly string[];
  rows: readonly unknown[][];
  /** e.g. `ON CONFLICT ("id") DO NOTHING RETURNING "id"`. */
  suffix?: string;
}

/** Multi-row INSERTs (as few statements as the parameter limit allows). Returns the RETURNING rows, if any. */
export async function bulkInsert<Row = unknown>(queryRunner: QueryRunner, insert: BulkInsert): Promise<Row[]> {
  const rowsPerStatement = Math.max(1, Math.floor(MAX_PARAMETERS / insert.columns.length));
  const returned: Row[] = [];
  for (let start = 0; start < insert.rows.length; start += rowsPerStatement) {
    const chunk = insert.rows.slice(start, start + rowsPerStatement);
    const parameters: unknown[] = [];
    const tuples = chunk.map((row) => {
      const placeholders = row.map((value) => {
        parameters.push(value);
        return `$${parameters.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    const columnList = insert.columns.map((column) => `"${column}"`).join(', ');
    const sql = `INSERT INTO "${insert.table}" (${columnList}) VALUES ${tuples.join(', ')} ${insert.suffix ?? ''}`.trimEnd();
    const result = await queryRunner.query(sql, parameters, true);
    returned.push(...((result.records ?? []) as Row[]));
  }
  return returned;
}
