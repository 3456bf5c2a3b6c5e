/** Where a command prints: the answer on stdout (JSON with --json, else readable lines), words for people on stderr. */
export interface Output {
  readonly json: boolean;
  /** The answer: pretty JSON with --json, else the lines `readable` builds. */
  result(body: unknown, readable: () => readonly string[]): void;
  /** A line for people (a warning, a next step), on stderr so stdout holds only the answer. */
  note(line: string): void;
}

export function createOutput(json: boolean, stdout: (line: string) => void, stderr: (line: string) => void): Output {
  return {
    json,
    result(body, readable) {
      if (json) {
        if (body !== undefined) stdout(JSON.stringify(body, null, 2));
        return;
      }
      for (const line of readable()) stdout(line);
    },
    note: stderr,
  };
}

export type Cell = string | number | boolean | null | undefined;

/** Absent values read as `-`; ISO timestamps lose their milliseconds. */
export function cell(value: Cell): string {
  if (value === null || value === undefined || value === '') return '-';
  const text = String(value);
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/.test(text) ? text.replace(/\.\d+Z$/, 'Z') : text;
}

/** Aligned columns under upper-case headers; `empty` when there are no rows. */
export function table<Row>(rows: readonly Row[], columns: ReadonlyArray<readonly [header: string, value: (row: Row) => Cell]>, empty: string): string[] {
  if (rows.length === 0) return [empty];
  const grid = [columns.map(([header]) => header.toUpperCase()), ...rows.map((row) => columns.map(([, value]) => cell(value(row))))];
  const widths = columns.map((_, index) => Math.max(...grid.map((line) => line[index].length)));
  return grid.map((line) => line.map((text, index) => (index === line.length - 1 ? text : text.padEnd(widths[index]))).join('  '));
}

/** `label  value` lines, labels aligned. */
export function fields(entries: ReadonlyArray<readonly [label: string, value: Cell]>): string[] {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `${label.padEnd(width)}  ${cell(value)}`);
}
