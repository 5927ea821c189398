/**
 * How commands answer: one JSON document with --json (for machines), readable lines otherwise,
 * and user errors as one line on stderr with a non-zero exit.
 */

export interface OutputOptions {
  json?: boolean;
}

/** Prints `result` as JSON, or the human rendering. */
export function emit<T>(options: OutputOptions, result: T, human: (result: T) => string): void {
  const text = options.json ? JSON.stringify(result, null, 2) : human(result);
  if (text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** A plain-text table with aligned columns; numbers right-aligned. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const numeric = headers.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number'));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** One line for a user error; JSON when the caller asked for JSON. */
export function formatError(message: string, options: OutputOptions & { code?: string }): string {
  const line = message.replace(/\s*\n\s*/g, ' ').trim();
  return options.json ? JSON.stringify({ error: { code: options.code ?? 'invalid', message: line } }) : `crosslink: ${line}`;
}
