/**
 * Errors a user can cause (bad input, unknown names, duplicates). The CLI and API turn them
 * into one clear line or a problem+json body; anything else is a bug and keeps its stack.
 */

export type UserErrorCode = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable';

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly code: UserErrorCode = 'invalid',
  ) {
    super(message);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
