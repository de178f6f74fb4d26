import { Clock } from '#common';
import type { JsonObject } from '#database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

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
  '(subject_type, subject_id, action, status_from, status_to, actor_id, actor_role, actor_username, on_behalf_of, payload, occurred_at)';

/**
 * Appends to the audit trail inside the caller's transaction, so a change and its record commit
 * together or not at all. There is no update or delete: the trail is append-only.
 */
@Injectable()
export class AuditWriter {
  constructor(private readonly clock: Clock) {}

  async append(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await this.appendMany(manager, [entry]);
  }

  /** Several events of one change in one statement, in the order given. */
  async appendMany(manager: EntityManager, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = this.clock.now();
    const values: unknown[] = [];
    for (const entry of entries) {
      values.push(
        entry.subjectType,
        entry.subjectId,
        entry.action,
        entry.statusFrom ?? null,
        entry.statusTo ?? null,
        entry.actor?.id ?? null,
        entry.actor?.role ?? null,
        entry.actor?.username ?? null,
        entry.onBehalfOf ?? null,
        entry.payload == null ? null : JSON.stringify(entry.payload),
        now,
      );
    }
    const rows = entries.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    await manager.query(`INSERT INTO audit_events ${COLUMNS} VALUES ${rows}`, values);
  }
}
