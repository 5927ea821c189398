/** Recognises PostgreSQL errors the store turns into user errors. */

function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

export const isUniqueViolation = (error: unknown): boolean => sqlState(error) === '23505';
export const isForeignKeyViolation = (error: unknown): boolean => sqlState(error) === '23503';
/** Raised by the append-only triggers (SQLSTATE CX001). */
export const isAppendOnlyViolation = (error: unknown): boolean => sqlState(error) === 'CX001';
