/**
 * Errors the domain throws. They carry a code, never an HTTP status, so the worker can reuse
 * the same services; the api maps each code to a status in one exhaustive switch.
 */
export type DomainErrorCode =
  | 'ValidationFailed'
  | 'NotFound'
  | 'AlreadyExists'
  | 'IllegalTransition'
  | 'VersionConflict'
  | 'IdempotencyKeyReused'
  | 'InvalidCredentials'
  | 'Forbidden'
  /** Too many attempts; `details.retryAfterSeconds` says when to come back. */
  | 'Throttled'
  /** A body or file over its size limit. */
  | 'TooLarge'
  /** Bytes of a kind the desk does not take (a file that is not a PDF, JPEG, PNG or OFD). */
  | 'UnsupportedType';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string | string[],
    readonly details: Record<string, unknown> = {},
  ) {
    super(Array.isArray(message) ? message.join('; ') : message);
    this.name = code;
    this.messages = Array.isArray(message) ? message : [message];
  }
  readonly messages: string[];
}

export const validationFailed = (messages: string | string[]) => new DomainError('ValidationFailed', messages);
export const notFound = (what: string) => new DomainError('NotFound', `${what} not found`);
export const alreadyExists = (what: string) => new DomainError('AlreadyExists', `${what} already exists`);

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
