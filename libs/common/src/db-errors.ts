import { alreadyExists, type DomainError } from './domain-error.js';

/** MySQL and MariaDB report these with the same codes; TypeORM copies them onto QueryFailedError. */
const codeOf = (error: unknown): string | undefined => (error as { code?: string } | null)?.code;

export const isDuplicateKey = (error: unknown): boolean => codeOf(error) === 'ER_DUP_ENTRY';
export const isDeadlock = (error: unknown): boolean => codeOf(error) === 'ER_LOCK_DEADLOCK';
/** A deadlock victim or a lock wait that timed out: the transaction changed nothing and may run again. */
export const isLockConflict = (error: unknown): boolean =>
  isDeadlock(error) || codeOf(error) === 'ER_LOCK_WAIT_TIMEOUT';

/**
 * Runs an insert; a primary or unique key already taken becomes AlreadyExists (409) naming `what`,
 * or the error `what` makes instead.
 */
export async function insertOrConflict(insert: Promise<unknown>, what: string | (() => DomainError)): Promise<void> {
  try {
    await insert;
  } catch (error) {
    if (isDuplicateKey(error)) throw typeof what === 'string' ? alreadyExists(what) : what();
    throw error;
  }
}

/** InnoDB resolves a deadlock by rolling one transaction back; running it again is the documented remedy. */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isDeadlock(error)) throw error;
    }
  }
}
