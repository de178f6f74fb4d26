import { AuditWriter } from '#audit';
import {
  addWorkingTime,
  CalendarService,
  withDayOverride,
  workingMinutesBetween,
  type WorkingTimeLimit,
} from '#calendar';
import { Clock, DomainError, formatInstant } from '#common';
import { APP_CONFIG, type AppConfig } from '#config';
import type { TimeLimit } from '#database';
import { type OutboxEntry, OutboxWriter } from '#queue';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type ClockSlot, desiredClocks, planClocks, type RequestShape } from './clock-plan.js';
import {
  type ClockKind,
  type ClockTimes,
  DEFAULT_WARN_SHARE,
  extendClock,
  nextThreshold,
  pauseClock,
  recalendarClock,
  resumeClock,
  slaView,
  startClock,
  stopClock,
  thresholdsDue,
} from './sla-clock.js';

/** 行政许可法 Art. 32: an application is accepted, refused or sent back within five days (working days here). */
export const INTAKE_LIMIT: TimeLimit = { value: 5, unit: 'workingDays' };

export interface SlaClock extends ClockTimes {
  id: string;
  requestId: string;
  kind: ClockKind;
  stepKey: string | null;
  calendarCode: string;
  limit: WorkingTimeLimit;
  warnShare: number;
  generation: number;
  calendarRevision: number;
}

/** The `sla` object of API.md on requests and steps. */
export interface SlaObject {
  state: string;
  dueAt: string;
  warnAt: string;
  legalDueAt?: string;
  pausedMinutes: number;
  remainingWorkingMinutes: number;
}

/** The limits a request's clocks are counted against, from the version it was submitted on. */
export interface ClockLimits {
  calendarCode: string;
  /** The item's intake limit; INTAKE_LIMIT when absent. */
  intake?: TimeLimit | null;
  warnShare?: number;
  request: TimeLimit;
  steps: ReadonlyMap<string, { promised: TimeLimit; legal: TimeLimit }>;
  /** A follow-up's (整改) limit; FOLLOW_UP_LIMIT_WORKING_DAYS when absent. */
  followUp?: TimeLimit | null;
}

interface ClockRecord {
  id: string | number;
  request_id: string | number;
  kind: ClockKind;
  step_key: string | null;
  calendar_code: string;
  limit_value: number;
  limit_unit: TimeLimit['unit'];
  warn_share: string | number;
  started_at: Date;
  due_at: Date;
  warn_at: Date;
  legal_due_at: Date | null;
  paused_at: Date | null;
  remaining_ms: string | number | null;
  remaining_warn_ms: string | number | null;
  remaining_legal_ms: string | number | null;
  paused_ms: string | number;
  warned_at: Date | null;
  overdue_at: Date | null;
  stopped_at: Date | null;
  worked_ms: string | number | null;
  generation: number;
  calendar_revision: string | number;
}

const num = (value: string | number | null): number | null => (value === null ? null : Number(value));

function fromRecord(r: ClockRecord): SlaClock {
  return {
    id: String(r.id),
    requestId: String(r.request_id),
    kind: r.kind,
    stepKey: r.step_key,
    calendarCode: r.calendar_code,
    limit: { value: Number(r.limit_value), unit: r.limit_unit },
    warnShare: Number(r.warn_share),
    generation: Number(r.generation),
    calendarRevision: Number(r.calendar_revision),
    startedAt: r.started_at,
    dueAt: r.due_at,
    warnAt: r.warn_at,
    legalDueAt: r.legal_due_at,
    pausedAt: r.paused_at,
    remainingMs: num(r.remaining_ms),
    remainingWarnMs: num(r.remaining_warn_ms),
    remainingLegalMs: num(r.remaining_legal_ms),
    pausedMs: Number(r.paused_ms),
    warnedAt: r.warned_at,
    overdueAt: r.overdue_at,
    stoppedAt: r.stopped_at,
    workedMs: num(r.worked_ms),
  };
}

const slotOf = (clock: SlaClock): ClockSlot => ({ kind: clock.kind, stepKey: clock.stepKey, paused: !!clock.pausedAt });

/**
 * SLA clocks in MySQL, the truth of every promise of time. Clocks change inside the request's own
 * transaction (under its row lock) and each change writes an outbox event, so the worker sets the
 * clock's timer after the commit. Timers only record thresholds; the state shown is computed from
 * the times, so it is right even while a timer is late or lost.
 */
@Injectable()
export class SlaService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calendars: CalendarService,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The limit of a follow-up (整改) opened by a poor evaluation, unless the request's limits name one. */
  get followUpLimit(): TimeLimit {
    return { value: this.config.followUps.limitWorkingDays, unit: 'workingDays' };
  }

  /** The revision of the calendar new clocks are laid out on. */
  revisionOf(calendarCode: string): number {
    return this.calendars.revisionOf(calendarCode);
  }

  /** The times of a new clock, without writing it (the intake writer inserts it itself). */
  async times(calendarCode: string, at: Date, limit: TimeLimit, warnShare = DEFAULT_WARN_SHARE): Promise<ClockTimes> {
    return startClock(await this.calendars.definition(calendarCode), at, limit, warnShare);
  }

  /** When a limit started at `at` falls due on the calendar (deferred materials' due dates). */
  async dueAfter(calendarCode: string, at: Date, limit: TimeLimit): Promise<Date> {
    return addWorkingTime(await this.calendars.definition(calendarCode), at, limit);
  }

  async clocksOf(manager: EntityManager, requestIds: readonly string[]): Promise<SlaClock[]> {
    if (requestIds.length === 0) return [];
    const rows = (await manager.query(
      `SELECT * FROM sla_clocks WHERE request_id IN (${requestIds.map(() => '?').join(', ')}) ORDER BY id`,
      [...requestIds],
    )) as ClockRecord[];
    return rows.map(fromRecord);
  }

  /**
   * Brings the request's open clocks in line with its state (see desiredClocks): starts, stops,
   * pauses and resumes them at `at`. Runs in the caller's transaction, which holds the request row.
   */
  async sync(
    manager: EntityManager,
    requestId: string,
    shape: RequestShape,
    limits: () => Promise<ClockLimits>,
    at: Date,
  ): Promise<SlaClock[]> {
    const clocks = await this.clocksOf(manager, [requestId]);
    const open = clocks.filter((c) => !c.stoppedAt);
    const plan = planClocks(open.map(slotOf), desiredClocks(shape));
    const find = (slot: ClockSlot) => open.find((c) => c.kind === slot.kind && c.stepKey === slot.stepKey)!;
    const changed: SlaClock[] = [];
    for (const slot of plan.stop) changed.push(await this.move(find(slot), stopClock, at));
    for (const slot of plan.pause) changed.push(await this.move(find(slot), pauseClock, at));
    for (const slot of plan.resume) changed.push(await this.move(find(slot), resumeClock, at));
    if (plan.start.length > 0) {
      const known = await limits();
      for (const slot of plan.start) {
        const step = slot.stepKey ? known.steps.get(slot.stepKey) : undefined;
        const limit =
          slot.kind === 'intake'
            ? (known.intake ?? INTAKE_LIMIT)
            : slot.kind === 'request'
              ? known.request
              : slot.kind === 'follow-up'
                ? (known.followUp ?? this.followUpLimit)
                : step?.promised;
        if (!limit)
          throw new Error(`no limit for the ${slot.kind} clock ${slot.stepKey ?? ''} of request ${requestId}`);
        const warnShare = known.warnShare ?? DEFAULT_WARN_SHARE;
        const cal = await this.calendars.definition(known.calendarCode);
        const times = startClock(cal, at, limit, warnShare, step?.legal ?? null);
        const id = await this.insert(manager, requestId, slot, known.calendarCode, limit, warnShare, times);
        clocks.push({
          ...times,
          id,
          requestId,
          kind: slot.kind,
          stepKey: slot.stepKey,
          calendarCode: known.calendarCode,
          limit,
          warnShare,
          generation: 0,
          calendarRevision: this.calendars.revisionOf(known.calendarCode),
        });
        changed.push(clocks[clocks.length - 1]);
      }
    }
    for (const clock of changed.filter((c) => c.id !== undefined)) {
      const index = clocks.findIndex((c) => c.id === clock.id);
      clocks[index] = clock;
    }
    await this.write(manager, changed);
    return clocks;
  }

  /**
   * Clocks stopped before their worked time was kept (schema Reports) get it now, from their
   * calendar as it is: the reports' rebuild runs this first. Returns how many it filled.
   */
  async fillWorkedTime(batchSize = 2000): Promise<number> {
    let filled = 0;
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT id, calendar_code, started_at, stopped_at, paused_ms FROM sla_clocks
          WHERE stopped_at IS NOT NULL AND worked_ms IS NULL ORDER BY id LIMIT ${Number(batchSize)}`,
      )) as { id: string; calendar_code: string; started_at: Date; stopped_at: Date; paused_ms: string | number }[];
      if (rows.length === 0) return filled;
      for (const r of rows) {
        const cal = await this.calendars.definition(r.calendar_code);
        const end = r.stopped_at < r.started_at ? r.started_at : r.stopped_at;
        const worked = Math.max(0, workingMinutesBetween(cal, r.started_at, end) * 60_000 - Number(r.paused_ms));
        await this.dataSource.query('UPDATE sla_clocks SET worked_ms = ? WHERE id = ?', [Math.round(worked), r.id]);
      }
      filled += rows.length;
    }
  }

  /** The `sla` object of a clock at `now`. */
  async view(clock: SlaClock, now = this.clock.now()): Promise<SlaObject> {
    const v = slaView(await this.calendars.definition(clock.calendarCode), clock, now);
    return {
      state: v.state,
      dueAt: formatInstant(v.dueAt),
      warnAt: formatInstant(v.warnAt),
      ...(v.legalDueAt ? { legalDueAt: formatInstant(v.legalDueAt) } : {}),
      pausedMinutes: v.pausedMinutes,
      remainingWorkingMinutes: v.remainingWorkingMinutes,
    };
  }

  /**
   * 延期 (行政许可法 Art. 42): the request's open clock gets `workingDays` more. Runs in the caller's
   * transaction, under the request's row lock; returns the moved clock, or null when the request
   * has no open request clock (not accepted yet, or ended).
   */
  async extend(manager: EntityManager, requestId: string, workingDays: number): Promise<SlaClock | null> {
    const clock = (await this.clocksOf(manager, [requestId])).find((c) => c.kind === 'request' && !c.stoppedAt);
    if (!clock) return null;
    if (clock.overdueAt || (!clock.pausedAt && this.clock.now() >= clock.dueAt)) {
      throw new DomainError(
        'IllegalTransition',
        'the request is already past its due time: an extension is granted before it',
        {
          state: 'overdue',
        },
      );
    }
    const moved = await this.move(
      clock,
      (cal, times) => extendClock(cal, times, { value: workingDays, unit: 'workingDays' }),
      this.clock.now(),
    );
    await this.write(manager, [moved]);
    return moved;
  }

  /**
   * An admin changed one date of a calendar: every running clock on it has the working time it
   * still had (on the calendar as it was) laid out again on the calendar as it is, each under its
   * request's row lock. Returns how many clocks moved.
   */
  async recalendar(
    calendarCode: string,
    date: string,
    before: { working: boolean; name: string } | null,
    revision: number,
    batch = 500,
  ): Promise<number> {
    const now = this.clock.now();
    const after = await this.calendars.definition(calendarCode, { fresh: true });
    const previous = withDayOverride(after, date, before);
    // Only clocks still running when the changed date begins can move.
    const dayStart = new Date(Date.parse(`${date}T00:00:00Z`) - after.utcOffsetMinutes * 60_000);
    let moved = 0;
    let last = '0';
    for (;;) {
      const ids = (await this.dataSource.query(
        `SELECT id, request_id FROM sla_clocks WHERE calendar_code = ? AND stopped_at IS NULL AND paused_at IS NULL
           AND calendar_revision < ? AND GREATEST(due_at, COALESCE(legal_due_at, due_at)) > ? AND id > ?
         ORDER BY id LIMIT ?`,
        [after.code, revision, dayStart, last, batch],
      )) as { id: string | number; request_id: string | number }[];
      if (ids.length === 0) return moved;
      last = String(ids[ids.length - 1].id);
      for (const row of ids) {
        await this.dataSource.transaction('READ COMMITTED', async (manager) => {
          await manager.query('SELECT id FROM service_requests WHERE id = ? FOR UPDATE', [row.request_id]);
          const [clock] = await this.clocksById([String(row.id)], manager);
          // Laid out on this revision already (the event came twice, or the clock started after the edit).
          if (!clock || clock.stoppedAt || clock.pausedAt || clock.calendarRevision >= revision) return;
          const next = recalendarClock(previous, after, clock, now);
          await manager.query('UPDATE sla_clocks SET calendar_revision = ? WHERE id = ?', [revision, clock.id]);
          if (next.dueAt.getTime() === clock.dueAt.getTime() && next.warnAt.getTime() === clock.warnAt.getTime()) {
            return;
          }
          await this.write(manager, [{ ...clock, ...next, generation: clock.generation + 1 }]);
          moved++;
        });
      }
    }
  }

  // ---- timers -------------------------------------------------------------------------------

  /** The timer a clock needs now: its id (deterministic) and when it fires; null when none. */
  /** The clock's generation, or null for an unknown clock. */
  async generationOf(clockId: string): Promise<number | null> {
    const [clock] = await this.clocksById([clockId]);
    return clock ? clock.generation : null;
  }

  async timerFor(clockId: string): Promise<{ jobId: string; generation: number; at: Date } | null> {
    const [clock] = await this.clocksById([clockId]);
    if (!clock) return null;
    const next = nextThreshold(clock);
    if (!next) return null;
    return {
      jobId: `sla-${clock.id}-${clock.generation}-${next.threshold}`,
      generation: clock.generation,
      at: next.at,
    };
  }

  /**
   * A timer fired: records each threshold the clock has reached and not yet recorded, once, with a
   * timeline event and an outbox event, under the request's row lock. A timer for an older
   * generation, or for a clock paused or stopped meanwhile, does nothing but the check.
   */
  async fire(clockId: string): Promise<string[]> {
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const [peek] = await this.clocksById([clockId], manager);
      if (!peek) return [];
      await manager.query('SELECT id FROM service_requests WHERE id = ? FOR UPDATE', [peek.requestId]);
      const [clock] = await this.clocksById([clockId], manager);
      const now = this.clock.now();
      const reached = thresholdsDue(clock, now);
      if (reached.length === 0) return [];
      const audits = reached.map((threshold) => ({
        subjectType: 'request',
        subjectId: clock.requestId,
        action: threshold === 'warning' ? 'sla.warning' : 'sla.overdue',
        actor: null,
        payload: {
          clock: clock.kind,
          ...(clock.stepKey ? { stepKey: clock.stepKey } : {}),
          dueAt: formatInstant(clock.dueAt),
          warnAt: formatInstant(clock.warnAt),
        },
      }));
      await manager.query(
        `UPDATE sla_clocks SET warned_at = COALESCE(warned_at, ?), overdue_at = COALESCE(overdue_at, ?),
           generation = generation + 1 WHERE id = ?`,
        [reached.includes('warning') ? now : null, reached.includes('overdue') ? now : null, clock.id],
      );
      await this.audit.appendMany(manager, audits);
      const events: OutboxEntry[] = reached.map((threshold) => ({
        type: threshold === 'warning' ? 'sla.warning' : 'sla.overdue',
        data: { clockId: clock.id, requestId: clock.requestId },
      }));
      events.push({ type: 'sla.clock-changed', data: { clockId: clock.id } });
      if (clock.kind === 'intake' && reached.includes('overdue')) {
        events.push({ type: 'request.intake-overdue', data: { requestId: clock.requestId } });
      }
      await this.outbox.addMany(manager, events);
      return reached;
    });
  }

  /**
   * Every open, running clock, recomputed from MySQL: thresholds already reached are recorded (once),
   * and the ids of the timers the rest need are returned for the worker to set (setting an existing
   * timer again is a no-op). After Redis lost everything, this alone brings every clock back.
   */
  async reconcile(
    batch = 500,
  ): Promise<{ recorded: number; timers: { clockId: string; jobId: string; at: Date; generation: number }[] }> {
    let recorded = 0;
    const timers: { clockId: string; jobId: string; at: Date; generation: number }[] = [];
    let after = '0';
    for (;;) {
      const rows = (await this.dataSource.query(
        'SELECT * FROM sla_clocks WHERE stopped_at IS NULL AND paused_at IS NULL AND id > ? ORDER BY id LIMIT ?',
        [after, batch],
      )) as ClockRecord[];
      if (rows.length === 0) break;
      after = String(rows[rows.length - 1].id);
      for (const clock of rows.map(fromRecord)) {
        const now = this.clock.now();
        if (thresholdsDue(clock, now).length > 0) {
          // Recording moves the clock to a new generation: read its timer again.
          recorded += (await this.fire(clock.id)).length;
          const timer = await this.timerFor(clock.id);
          if (timer) timers.push({ clockId: clock.id, ...timer });
          continue;
        }
        const next = nextThreshold(clock);
        if (next) {
          timers.push({
            clockId: clock.id,
            jobId: `sla-${clock.id}-${clock.generation}-${next.threshold}`,
            generation: clock.generation,
            at: next.at,
          });
        }
      }
    }
    return { recorded, timers };
  }

  // ---- rows ---------------------------------------------------------------------------------

  async clocksById(ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<SlaClock[]> {
    if (ids.length === 0 || !ids.every((id) => /^[1-9]\d{0,18}$/.test(id))) return [];
    const rows = (await manager.query(`SELECT * FROM sla_clocks WHERE id IN (${ids.map(() => '?').join(', ')})`, [
      ...ids,
    ])) as ClockRecord[];
    return rows.map(fromRecord);
  }

  private async move(
    clock: SlaClock,
    change: (cal: Awaited<ReturnType<CalendarService['definition']>>, times: ClockTimes, at: Date) => ClockTimes,
    at: Date,
  ): Promise<SlaClock> {
    const cal = await this.calendars.definition(clock.calendarCode);
    return { ...clock, ...change(cal, clock, at), generation: clock.generation + 1 };
  }

  private async insert(
    manager: EntityManager,
    requestId: string,
    slot: ClockSlot,
    calendarCode: string,
    limit: TimeLimit,
    warnShare: number,
    times: ClockTimes,
  ): Promise<string> {
    const result = (await manager.query(
      `INSERT INTO sla_clocks (request_id, kind, step_key, calendar_code, calendar_revision, limit_value, limit_unit,
         warn_share, started_at, due_at, warn_at, legal_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        requestId,
        slot.kind,
        slot.stepKey,
        calendarCode,
        this.calendars.revisionOf(calendarCode),
        limit.value,
        limit.unit,
        warnShare,
        times.startedAt,
        times.dueAt,
        times.warnAt,
        times.legalDueAt,
      ],
    )) as { insertId: number | string };
    return String(result.insertId);
  }

  /** Writes moved clocks (new ones are already inserted) and one outbox event per clock. */
  private async write(manager: EntityManager, changed: readonly SlaClock[]): Promise<void> {
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
    await this.outbox.addMany(
      manager,
      changed.map((c) => ({ type: 'sla.clock-changed' as const, data: { clockId: c.id } })),
    );
  }
}
