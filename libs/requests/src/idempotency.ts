import { DomainError } from '#common';
import type { JsonValue } from '#database';
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** The isolation of an idempotent change (TypeORM names MySQL's levels this way). */
export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** How long a key is remembered (API.md: the same key from the same user within 24 h). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

/** What an Idempotency-Key protects: the user, the key, and which operation on what input. */
export interface IdempotencyContext {
  userId: string;
  key: string;
  /** A digest of the operation and its input: a key reused for something else is refused. */
  fingerprint: string;
}

/** JSON with object keys sorted, so the same input in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function fingerprintOf(operation: string, input: unknown): string {
  return createHash('sha256').update(operation).update('\n').update(canonicalJson(input)).digest('hex');
}

interface StoredKey {
  fingerprint: string;
  response: JsonValue | string | null;
  created_at: Date;
}

const isDuplicateKey = (error: unknown) => (error as { code?: string } | null)?.code === 'ER_DUP_ENTRY';

function replayOf<T>(stored: StoredKey, context: IdempotencyContext): T {
  if (stored.fingerprint !== context.fingerprint) {
    throw new DomainError(
      'IdempotencyKeyReused',
      'Idempotency-Key was already used for a different request; use a new key for a new request',
    );
  }
  // mysql2 returns JSON columns parsed on MySQL and as text on MariaDB.
  const response = typeof stored.response === 'string' ? JSON.parse(stored.response) : stored.response;
  return response as T;
}

/**
 * Idempotency keys stored in MySQL. The key row is inserted in the same transaction as the change
 * and holds its response, so a change and its key commit together: a replay returns the first
 * response and changes nothing. Two requests with one key at once queue on the key's unique
 * index; the second sees the first's committed row and replays it. Only successful responses are
 * kept: a request that failed changed nothing, so sending it again simply tries again.
 */
export class IdempotencyStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly now: () => Date,
  ) {}

  /** The stored response for this key, if it is within its window. */
  async find<T>(context: IdempotencyContext): Promise<{ response: T } | null> {
    const stored = await this.read(this.dataSource.manager, context);
    return stored ? { response: replayOf<T>(stored, context) } : null;
  }

  /**
   * Runs `work` in a transaction that also records the key and the response; when the key turns
   * out to be taken meanwhile, returns the response stored under it instead.
   */
  async run<T>(
    context: IdempotencyContext | undefined,
    work: (manager: EntityManager) => Promise<T>,
    isolation: IsolationLevel | 'server default' = 'READ COMMITTED',
  ): Promise<T> {
    const transaction = <R>(body: (manager: EntityManager) => Promise<R>): Promise<R> =>
      isolation === 'server default' ? this.dataSource.transaction(body) : this.dataSource.transaction(isolation, body);
    if (!context) return transaction(work);
    try {
      return await transaction(async (manager) => {
        const now = this.now();
        await manager.query(
          'DELETE FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ? AND created_at < ?',
          [context.userId, context.key, new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS)],
        );
        await manager.query(
          'INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, created_at) VALUES (?, ?, ?, ?)',
          [context.userId, context.key, context.fingerprint, now],
        );
        const response = await work(manager);
        await manager.query(
          'UPDATE idempotency_keys SET status_code = 200, response = ? WHERE user_id = ? AND idempotency_key = ?',
          [JSON.stringify(response), context.userId, context.key],
        );
        return response;
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const replay = await this.find<T>(context);
      if (!replay) throw error;
      return replay.response;
    }
  }

  private async read(manager: EntityManager, context: IdempotencyContext): Promise<StoredKey | null> {
    const rows = (await manager.query(
      'SELECT fingerprint, response, created_at FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ? AND created_at >= ? AND response IS NOT NULL',
      [context.userId, context.key, new Date(this.now().getTime() - IDEMPOTENCY_WINDOW_MS)],
    )) as StoredKey[];
    return rows[0] ?? null;
  }
}
