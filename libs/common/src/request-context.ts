import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The id of the HTTP request a piece of work is done for, carried across awaits: the api sets it per
 * request (from X-Request-Id when a proxy sent a well-formed one), the outbox row a change writes
 * keeps it, and the worker runs that row's jobs under it, so every log line of one person's action,
 * in the api and in the worker, carries the same `requestId`.
 */
const storage = new AsyncLocalStorage<{ requestId: string }>();

/** A request id as a proxy may send it: letters, digits, `_`, `.`, `-`, up to 64. */
export const REQUEST_ID_PATTERN = /^[\w.-]{1,64}$/;

export const requestContext = {
  /** The id of the work under way, if any. */
  id(): string | undefined {
    return storage.getStore()?.requestId;
  },
  /** Runs `work` under `requestId` (a new one when none or a malformed one is given). */
  run<T>(requestId: unknown, work: () => T): T {
    const id = typeof requestId === 'string' && REQUEST_ID_PATTERN.test(requestId) ? requestId : randomUUID();
    return storage.run({ requestId: id }, work);
  },
  /** Runs `work` under `requestId` when one is given, else as it is. */
  within<T>(requestId: unknown, work: () => T): T {
    return typeof requestId === 'string' && REQUEST_ID_PATTERN.test(requestId)
      ? storage.run({ requestId }, work)
      : work();
  },
};
