import { Clock } from '#common';
import type { JsonObject } from '#database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface AuditEntry {
  subjectType: string;
  subjectId: string;
  action: string;
  actor: { id: string; role: string } | null;
  payload?: JsonObject | null;
}

/**
 * Appends to the audit trail inside the caller's transaction, so a change and its record commit
 * together or not at all. There is no update or delete: the trail is append-only.
 */
@Injectable()
export class AuditWriter {
  constructor(private readonly clock: Clock) {}

  async append(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.query(
      'INSERT INTO audit_events (subject_type, subject_id, action, actor_id, actor_role, payload, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [
        entry.subjectType,
        entry.subjectId,
        entry.action,
        entry.actor?.id ?? null,
        entry.actor?.role ?? null,
        entry.payload == null ? null : JSON.stringify(entry.payload),
        this.clock.now(),
      ],
    );
  }
}
