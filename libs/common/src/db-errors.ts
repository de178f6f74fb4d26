import { alreadyExists, type DomainError } from './domain-error.js';

/** MySQL and MariaDB report these with the same codes; TypeORM copies them onto QueryFailedError. */
const codeOf = (error: unknown): string | undefined => (error as { code?: string } | null)?.code;

export const isDuplicateKey = (error: unknown): boolean => codeOf(error) === 'ER_DUP_ENTRY';
export const isDeadlock = (error: unknown): boolean => codeOf(error) === 'ER_LOCK_DEADLOCK';
/** A deadlock victim or a lock wait that timed out: the transaction changed nothing and may run again. */
export const isLockConflict = (error: unknown): boolean =>
  isDeadlock(error) || codeOf(error) === 'ER_LOCK_WAIT_TIMEOUT';

/** What MySQL, MariaDB and mysql2 say of a server going away, shutting down, or out of connections. */
const SERVER_GONE = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
]);
/** The socket's own errors: the database's only when its driver raised them (see below). */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * The database could not be reached, or went away in the middle of the work: nothing of a transaction
 * was committed unless its COMMIT had been sent (then it is all there), and trying again later is
 * the remedy. TypeORM copies the driver's code onto its QueryFailedError (with the query); mysql2
 * marks an error that ends its connection `fatal`, and refuses a command on a closed connection with
 * no code at all. A socket error of anything else (files in S3, a webhook's receiver) is not this.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; fatal?: unknown; message?: unknown; query?: unknown; driverError?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (SERVER_GONE.has(code)) return true;
  const fromDriver = e.fatal === true || typeof e.query === 'string' || e.driverError !== undefined;
  if (NETWORK.has(code) && fromDriver) return true;
  if (typeof e.message === 'string' && /connection is in closed state|^Pool is closed/.test(e.message)) return true;
  return e.driverError !== undefined && e.driverError !== error && isDatabaseUnavailable(e.driverError);
}

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
