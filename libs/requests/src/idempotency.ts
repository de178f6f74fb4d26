import { Clock, DomainError, isDuplicateKey, isLockConflict } from '#common';
import { type JsonValue, readCommitted } from '#database';
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

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

/** The idempotency context of an action, or none when the caller sent no Idempotency-Key. */
export function idempotencyContextOf(
  userId: string,
  key: string | undefined,
  operation: string,
  input: unknown,
): IdempotencyContext | undefined {
  return key === undefined ? undefined : { userId, key, fingerprint: fingerprintOf(operation, input) };
}

export function fingerprintOf(operation: string, input: unknown): string {
  return createHash('sha256').update(operation).update('\n').update(canonicalJson(input)).digest('hex');
}

interface StoredKey {
  fingerprint: string;
  response: JsonValue | string | null;
  created_at: Date;
}

const MAX_ATTEMPTS = 3;

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
 * kept: a request that failed changed nothing, so sending it again simply tries again. Expired keys
 * are freed when reused and swept daily by the worker (`idempotency.prune`).
 */
@Injectable()
export class IdempotencyStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  private now(): Date {
    return this.clock.now();
  }

  /** The stored response for this key, if it is within its window. */
  async find<T>(context: IdempotencyContext): Promise<{ response: T } | null> {
    const stored = await this.read(this.dataSource.manager, context);
    return stored ? { response: replayOf<T>(stored, context) } : null;
  }

  /**
   * Runs `work` in a transaction that also records the key and the response; when the key turns
   * out to be taken meanwhile, returns the response stored under it instead. A transaction that
   * InnoDB rolls back to break a deadlock changed nothing, so it is simply run again.
   */
  async run<T>(
    context: IdempotencyContext | undefined,
    work: (manager: EntityManager) => Promise<T>,
    isolation: IsolationLevel = 'READ COMMITTED',
  ): Promise<T> {
    const transaction = <R>(body: (manager: EntityManager) => Promise<R>): Promise<R> =>
      isolation === 'READ COMMITTED'
        ? readCommitted(this.dataSource, body)
        : this.dataSource.transaction(isolation, body);
    for (let attempt = 1; ; attempt++) {
      let keyTaken = false;
      try {
        if (!context) return await transaction(work);
        return await transaction(async (manager) => {
          try {
            await manager.query(
              'INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, created_at) VALUES (?, ?, ?, ?)',
              [context.userId, context.key, context.fingerprint, this.now()],
            );
          } catch (error) {
            keyTaken = isDuplicateKey(error);
            throw error;
          }
          const response = await work(manager);
          await manager.query('UPDATE idempotency_keys SET response = ? WHERE user_id = ? AND idempotency_key = ?', [
            JSON.stringify(response),
            context.userId,
            context.key,
          ]);
          return response;
        });
      } catch (error) {
        if (keyTaken && context) {
          const stored = await this.readAny(context);
          if (stored && !this.expired(stored)) return replayOf<T>(stored, context);
          if (attempt >= MAX_ATTEMPTS) throw error;
          // A key older than its window is free again: forget the old use, then try once more.
          if (stored) await this.forget(context, stored.created_at);
        } else if (attempt >= MAX_ATTEMPTS || !isLockConflict(error)) {
          throw error;
        }
      }
    }
  }

  /** Deletes keys older than their window; returns how many. Run daily by the worker. */
  async prune(batch = 10_000): Promise<number> {
    const cutoff = new Date(this.now().getTime() - IDEMPOTENCY_WINDOW_MS);
    let total = 0;
    for (;;) {
      const result = (await this.dataSource.query('DELETE FROM idempotency_keys WHERE created_at < ? LIMIT ?', [
        cutoff,
        batch,
      ])) as { affectedRows?: number };
      const deleted = result.affectedRows ?? 0;
      total += deleted;
      if (deleted < batch) return total;
    }
  }

  private expired(stored: StoredKey): boolean {
    return new Date(stored.created_at).getTime() < this.now().getTime() - IDEMPOTENCY_WINDOW_MS;
  }

  /** The key's row whatever its age (by primary key: one row, one lock). */
  private async readAny(context: IdempotencyContext): Promise<StoredKey | null> {
    const rows = (await this.dataSource.query(
      'SELECT fingerprint, response, created_at FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?',
      [context.userId, context.key],
    )) as StoredKey[];
    return rows[0] ?? null;
  }

  private async forget(context: IdempotencyContext, createdAt: Date): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ? AND created_at = ?',
      [context.userId, context.key, createdAt],
    );
  }

  private async read(manager: EntityManager, context: IdempotencyContext): Promise<StoredKey | null> {
    const rows = (await manager.query(
      'SELECT fingerprint, response, created_at FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ? AND created_at >= ? AND response IS NOT NULL',
      [context.userId, context.key, new Date(this.now().getTime() - IDEMPOTENCY_WINDOW_MS)],
    )) as StoredKey[];
    return rows[0] ?? null;
  }
}
