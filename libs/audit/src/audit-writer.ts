import { Clock, type JsonObject } from '#common';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { chainHash } from './audit-chain.js';

export interface AuditEntry {
  subjectType: string;
  subjectId: string;
  action: string;
  actor: { id: string; role: string; username?: string } | null;
  /** 代办: the company a clerk acted for. */
  onBehalfOf?: string | null;
  statusFrom?: string | null;
  statusTo?: string | null;
  payload?: JsonObject | null;
}

const COLUMNS =
  '(subject_type, subject_id, seq, prev_hash, hash, action, status_from, status_to, actor_id, actor_role, actor_username, on_behalf_of, payload, occurred_at)';

interface Head {
  seq: number;
  hash: string | null;
}

/** A subject's chain head as a statement of the caller's transaction read it, locked (FOR UPDATE). */
export interface ChainHead extends Head {
  type: string;
  id: string;
}

const subjectKey = (type: string, id: string) => `${type}\u0000${id}`;

/** The chains' heads of the subjects, locked (FOR UPDATE) to the end of the transaction. */
async function lockHeads(manager: EntityManager, subjects: readonly { type: string; id: string }[]) {
  const rows = (await manager.query(
    `SELECT subject_type AS type, subject_id AS id, last_seq AS seq, last_hash AS hash FROM audit_chains
      WHERE ${subjects.map(() => '(subject_type = ? AND subject_id = ?)').join(' OR ')} FOR UPDATE`,
    subjects.flatMap((s) => [s.type, s.id]),
  )) as { type: string; id: string; seq: number | string; hash: string | null }[];
  return new Map<string, Head>(rows.map((r) => [subjectKey(r.type, r.id), { seq: Number(r.seq), hash: r.hash }]));
}

/**
 * Appends to the audit trail inside the caller's transaction, so a change and its record commit
 * together or not at all. There is no update or delete: the trail is append-only.
 *
 * Each subject's events form a hash chain (audit-chain.ts), and `audit_chains` holds each chain's
 * head. The head row is locked first (an upsert, which also serialises a subject's very first
 * events), so concurrent writers of one subject queue instead of forking its chain; subjects are
 * locked in one order, so writers of several never deadlock on each other.
 */
@Injectable()
export class AuditWriter {
  constructor(private readonly clock: Clock) {}

  async append(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await this.appendMany(manager, [entry]);
  }

  /** `<subjectType>.created`: a subject that did not exist, recorded with what the caller answers for it. */
  created(
    manager: EntityManager,
    subjectType: string,
    subjectId: string,
    actor: AuditEntry['actor'],
    view: object,
  ): Promise<void> {
    const payload = { ...view } as JsonObject;
    return this.append(manager, { subjectType, subjectId, action: `${subjectType}.created`, actor, payload });
  }

  /**
   * Several events of one change, in the order given. `subjectsExist`: the caller knows every
   * subject has its chain already (a request's, made with its submission), so the heads are locked
   * by reading them FOR UPDATE straight away, one statement fewer; a head found missing after all is
   * made as without it.
   *
   * `locked`: heads the caller's transaction has already read FOR UPDATE (a request's, with its
   * row: request-rows.ts), and to which nothing has been appended since. When they are the heads of
   * every subject, none is read again; otherwise they are ignored and the heads locked as usual.
   */
  async appendMany(
    manager: EntityManager,
    entries: readonly AuditEntry[],
    options: { subjectsExist?: boolean; locked?: readonly ChainHead[] } = {},
  ): Promise<void> {
    if (entries.length === 0) return;
    // Outside a transaction the head's lock would end with its own statement: take one.
    if (!manager.queryRunner?.isTransactionActive) {
      // At the session's level (READ COMMITTED on the apps' pools, #database's transactions.ts): the
      // append's reads are locking reads of primary keys, which read and lock alike at either level.
      // eslint-disable-next-line no-restricted-syntax -- this library sits below #database's readCommitted
      return manager.transaction((m) => this.appendMany(m, entries, options));
    }
    const subjects = new Map<string, { type: string; id: string }>();
    for (const e of entries)
      subjects.set(subjectKey(e.subjectType, e.subjectId), { type: e.subjectType, id: e.subjectId });
    const ordered = [...subjects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);

    const locked = new Map((options.locked ?? []).map((h) => [subjectKey(h.type, h.id), { seq: h.seq, hash: h.hash }]));
    let heads = ordered.every((s) => locked.has(subjectKey(s.type, s.id)))
      ? locked
      : options.subjectsExist
        ? await lockHeads(manager, ordered)
        : new Map<string, Head>();
    if (heads.size < ordered.length) {
      await manager.query(
        `INSERT INTO audit_chains (subject_type, subject_id, last_seq, last_hash) VALUES ${ordered
          .map(() => '(?, ?, 0, NULL)')
          .join(', ')} ON DUPLICATE KEY UPDATE last_seq = last_seq`,
        ordered.flatMap((s) => [s.type, s.id]),
      );
      heads = await lockHeads(manager, ordered);
    }

    const now = this.clock.now();
    const values: unknown[] = [];
    for (const entry of entries) {
      const key = subjectKey(entry.subjectType, entry.subjectId);
      const head = heads.get(key) ?? { seq: 0, hash: null };
      const event = {
        subjectType: entry.subjectType,
        subjectId: entry.subjectId,
        seq: head.seq + 1,
        prevHash: head.hash,
        action: entry.action,
        statusFrom: entry.statusFrom ?? null,
        statusTo: entry.statusTo ?? null,
        actorId: entry.actor?.id ?? null,
        actorRole: entry.actor?.role ?? null,
        actorUsername: entry.actor?.username ?? null,
        onBehalfOf: entry.onBehalfOf ?? null,
        payload: entry.payload ?? null,
        occurredAt: now,
      };
      const hash = chainHash(event);
      heads.set(key, { seq: event.seq, hash });
      values.push(
        event.subjectType,
        event.subjectId,
        event.seq,
        event.prevHash,
        hash,
        event.action,
        event.statusFrom,
        event.statusTo,
        event.actorId,
        event.actorRole,
        event.actorUsername,
        event.onBehalfOf,
        event.payload === null ? null : JSON.stringify(event.payload),
        now,
      );
    }
    await manager.query(
      `INSERT INTO audit_events ${COLUMNS} VALUES ${entries.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      values,
    );
    const moved = ordered.map((s) => ({ ...s, head: heads.get(subjectKey(s.type, s.id))! }));
    await manager.query(
      `INSERT INTO audit_chains (subject_type, subject_id, last_seq, last_hash) VALUES ${moved
        .map(() => '(?, ?, ?, ?)')
        .join(', ')} ON DUPLICATE KEY UPDATE last_seq = VALUES(last_seq), last_hash = VALUES(last_hash)`,
      moved.flatMap((s) => [s.type, s.id, s.head.seq, s.head.hash]),
    );
  }
}
