import { CalendarService } from '#calendar';
import type { TimeLimit } from '#database';
import { type OutboxEntry, OutboxWriter } from '#queue';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ClockSlot } from './clock-plan.js';
import { type ClockRecord, fromRecord } from './clock-record.js';
import type { ClockTimes } from './sla-clock.js';
import type { SlaClock } from './sla.types.js';

/** A clock to insert: its slot, calendar, limit, warning share and start. */
export interface NewClock {
  slot: ClockSlot;
  calendarCode: string;
  limit: TimeLimit;
  warnShare: number;
  times: ClockTimes;
}

/**
 * The `sla_clocks` rows: clocks read by request or by id, a new clock inserted, and moved clocks
 * written back, each with an outbox event so the worker sets its timer after the commit.
 */
@Injectable()
export class ClockRows {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calendars: CalendarService,
    private readonly outbox: OutboxWriter,
  ) {}

  async clocksOf(manager: EntityManager, requestIds: readonly string[]): Promise<SlaClock[]> {
    if (requestIds.length === 0) return [];
    const rows = (await manager.query(
      `SELECT * FROM sla_clocks WHERE request_id IN (${requestIds.map(() => '?').join(', ')}) ORDER BY id`,
      [...requestIds],
    )) as ClockRecord[];
    return rows.map(fromRecord);
  }

  async clocksById(ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<SlaClock[]> {
    if (ids.length === 0 || !ids.every((id) => /^[1-9]\d{0,18}$/.test(id))) return [];
    const rows = (await manager.query(`SELECT * FROM sla_clocks WHERE id IN (${ids.map(() => '?').join(', ')})`, [
      ...ids,
    ])) as ClockRecord[];
    return rows.map(fromRecord);
  }

  /** The next `batch` open, running clocks after the id `after`, in id order. */
  async runningAfter(after: string, batch: number): Promise<SlaClock[]> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM sla_clocks WHERE stopped_at IS NULL AND paused_at IS NULL AND id > ? ORDER BY id LIMIT ?',
      [after, batch],
    )) as ClockRecord[];
    return rows.map(fromRecord);
  }

  /**
   * Inserts new clocks of one request, in one statement, and answers their ids in the order given.
   * The ids are read back by the request (whose row the caller's transaction holds, so no one else
   * adds its clocks meanwhile) from the first id the insert took: nothing assumes the ids of a
   * multi-row insert are consecutive, which MySQL's interleaved auto-increment mode does not promise.
   */
  async insertMany(manager: EntityManager, requestId: string, clocks: readonly NewClock[]): Promise<string[]> {
    if (clocks.length === 0) return [];
    const result = (await manager.query(
      `INSERT INTO sla_clocks (request_id, kind, step_key, calendar_code, calendar_revision, limit_value, limit_unit,
         warn_share, started_at, due_at, warn_at, legal_due_at, paused_ms)
       VALUES ${clocks.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      clocks.flatMap((c) => [
        requestId,
        c.slot.kind,
        c.slot.stepKey,
        c.calendarCode,
        this.calendars.revisionOf(c.calendarCode),
        c.limit.value,
        c.limit.unit,
        c.warnShare,
        c.times.startedAt,
        c.times.dueAt,
        c.times.warnAt,
        c.times.legalDueAt,
        Math.round(c.times.pausedMs),
      ]),
    )) as { insertId: number | string };
    if (clocks.length === 1) return [String(result.insertId)];
    const rows = (await manager.query(
      'SELECT id, kind, step_key FROM sla_clocks WHERE request_id = ? AND id >= ? AND stopped_at IS NULL',
      [requestId, result.insertId],
    )) as { id: number | string; kind: string; step_key: string | null }[];
    return clocks.map((c) => {
      const row = rows.find((r) => r.kind === c.slot.kind && r.step_key === c.slot.stepKey);
      if (!row)
        throw new Error(`the ${c.slot.kind} clock ${c.slot.stepKey ?? ''} of request ${requestId} was not found`);
      return String(row.id);
    });
  }

  /**
   * Writes moved clocks (new ones are already inserted) and one outbox event per clock, after the
   * `preceding` events (the change's own, which the caller would otherwise insert by themselves).
   */
  async write(
    manager: EntityManager,
    changed: readonly SlaClock[],
    preceding: readonly OutboxEntry[] = [],
  ): Promise<void> {
    for (const c of changed) {
      if (c.generation === 0) continue;
      await manager.query(
        `UPDATE sla_clocks SET due_at = ?, warn_at = ?, legal_due_at = ?, paused_at = ?, remaining_ms = ?,
           remaining_warn_ms = ?, remaining_legal_ms = ?, paused_ms = ?, stopped_at = ?, worked_ms = ?, generation = ?
         WHERE id = ?`,
        [
          c.dueAt,
          c.warnAt,
          c.legalDueAt,
          c.pausedAt,
          c.remainingMs === null ? null : Math.round(c.remainingMs),
          c.remainingWarnMs === null ? null : Math.round(c.remainingWarnMs),
          c.remainingLegalMs === null ? null : Math.round(c.remainingLegalMs),
          Math.round(c.pausedMs),
          c.stoppedAt,
          c.workedMs === null ? null : Math.round(c.workedMs),
          c.generation,
          c.id,
        ],
      );
    }
    // Stopped clocks too: the worker removes the timer they no longer need.
    await this.outbox.addMany(manager, [
      ...preceding,
      ...changed.map((c) => ({ type: 'sla.clock-changed' as const, data: { clockId: c.id } })),
    ]);
  }
}
