import { createHash } from 'node:crypto';

/** What an audit event's hash covers: every column but its id, and the hash of the event before it. */
export interface ChainedEvent {
  subjectType: string;
  subjectId: string;
  /** 1 for a subject's first event, then one more for each. */
  seq: number;
  prevHash: string | null;
  action: string;
  statusFrom: string | null;
  statusTo: string | null;
  actorId: string | null;
  actorRole: string | null;
  actorUsername: string | null;
  onBehalfOf: string | null;
  payload: unknown;
  occurredAt: Date;
}

/** The format of the hashed text; a later format would be a new tag, and old events keep theirs. */
const FORMAT = 'audit-v1';

/**
 * JSON with every object's keys sorted, so a payload hashes the same however the database hands it
 * back (MySQL stores JSON in its own binary form and returns its keys in its own order).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

/** The exact text an event's hash is the SHA-256 of. */
export function chainText(event: ChainedEvent): string {
  return canonicalJson([
    FORMAT,
    event.prevHash,
    event.subjectType,
    event.subjectId,
    event.seq,
    event.action,
    event.statusFrom,
    event.statusTo,
    event.actorId,
    event.actorRole,
    event.actorUsername,
    event.onBehalfOf,
    event.occurredAt.toISOString(),
    event.payload ?? null,
  ]);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** SHA-256 of the event chained to the one before it: changing, dropping or reordering any event breaks the chain. */
export function chainHash(event: ChainedEvent): string {
  return sha256Hex(chainText(event));
}

/** An audit_events row as MySQL returns it (snake case; MariaDB hands JSON back as text). */
export interface StoredEventRow {
  subject_type: string;
  subject_id: string;
  action: string;
  status_from: string | null;
  status_to: string | null;
  actor_id: string | number | null;
  actor_role: string | null;
  actor_username: string | null;
  on_behalf_of: string | null;
  payload: unknown;
  occurred_at: Date;
}

/** The chained event a stored row is, at this position after this hash. */
export function chainedEventOf(row: StoredEventRow, seq: number, prevHash: string | null): ChainedEvent {
  return {
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    seq,
    prevHash,
    action: row.action,
    statusFrom: row.status_from,
    statusTo: row.status_to,
    actorId: row.actor_id === null ? null : String(row.actor_id),
    actorRole: row.actor_role,
    actorUsername: row.actor_username,
    onBehalfOf: row.on_behalf_of,
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    occurredAt: row.occurred_at,
  };
}
