import { addWorkingTime, CalendarService, workingMinutesBetween } from '#calendar';
import { Clock, formatInstant } from '#common';
import type { TimeLimit } from '#database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestShape } from './clock-plan.js';
import { ClockMoves } from './clock-moves.js';
import { ClockRecalendar } from './clock-recalendar.js';
import { ClockRows } from './clock-rows.js';
import { ClockThresholds } from './clock-thresholds.js';
import { type ClockTimes, DEFAULT_WARN_SHARE, slaView, startClock } from './sla-clock.js';
import type { ClockLimits, ClockSyncOptions, SlaClock, SlaObject } from './sla.types.js';

/**
 * SLA clocks in MySQL, the truth of every promise of time. Clocks change inside the request's own
 * transaction (under its row lock) and each change writes an outbox event, so the worker sets the
 * clock's timer after the commit. Timers only record thresholds; the state shown is computed from
 * the times, so it is right even while a timer is late or lost.
 *
 * The one door of the library: it answers the reads itself and hands each change to the piece
 * that does it, named for what it does: ClockMoves (start, pause, resume, stop, extend),
 * ClockThresholds (timers, their recording, reconciliation), ClockRecalendar (a calendar's edit,
 * worked time filled in) and ClockRows (the `sla_clocks` rows).
 */
@Injectable()
export class SlaService {
  constructor(
    private readonly rows: ClockRows,
    private readonly moves: ClockMoves,
    private readonly thresholds: ClockThresholds,
    private readonly recalendaring: ClockRecalendar,
    private readonly calendars: CalendarService,
    private readonly clock: Clock,
  ) {}

  /** The limit of a follow-up (整改) opened by a poor evaluation, unless the request's limits name one. */
  get followUpLimit(): TimeLimit {
    return this.moves.followUpLimit;
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

  /** Every clock of the requests, stopped ones too, in the order they were started. */
  async clocksOf(manager: EntityManager, requestIds: readonly string[]): Promise<SlaClock[]> {
    return this.rows.clocksOf(manager, requestIds);
  }

  /** The clocks of these ids; none for an id that is not one. */
  async clocksById(ids: readonly string[], manager?: EntityManager): Promise<SlaClock[]> {
    return this.rows.clocksById(ids, manager);
  }

  /**
   * The working time a request's intake clocks did not count: their pauses (the applicant asked
   * for materials at intake), and the gaps between one that stopped and the next (a request asked
   * before intake clocks paused had its clock stopped, and a fresh one started at the answer).
   */
  async intakeWaitMs(intakes: readonly SlaClock[]): Promise<number> {
    let waited = 0;
    for (const [i, clock] of intakes.entries()) {
      waited += clock.pausedMs;
      const previous = i > 0 ? intakes[i - 1] : null;
      if (previous?.stoppedAt && previous.stoppedAt < clock.startedAt) {
        const cal = await this.calendars.definition(clock.calendarCode);
        waited += workingMinutesBetween(cal, previous.stoppedAt, clock.startedAt) * 60_000;
      }
    }
    return waited;
  }

  /** The `sla` object of a clock at `now`. */
  async view(clock: SlaClock, now = this.clock.now()): Promise<SlaObject> {
    const v = slaView(await this.calendars.definition(clock.calendarCode), clock, now);
    return {
      state: v.state,
      dueAt: formatInstant(v.dueAt),
      warnAt: formatInstant(v.warnAt),
      ...(v.legalDueAt ? { legalDueAt: formatInstant(v.legalDueAt) } : {}),
      ...(v.legalState ? { legalState: v.legalState } : {}),
      pausedMinutes: v.pausedMinutes,
      remainingWorkingMinutes: v.remainingWorkingMinutes,
    };
  }

  // ---- changes: each done by its own piece --------------------------------------------------

  /**
   * The request's open clocks brought in line with its state, in the caller's transaction, with
   * their outbox events (after `options.events`, the change's own, when given) (ClockMoves).
   */
  async sync(
    manager: EntityManager,
    requestId: string,
    shape: RequestShape,
    limits: () => Promise<ClockLimits>,
    at: Date,
    options: ClockSyncOptions = {},
  ): Promise<SlaClock[]> {
    return this.moves.sync(manager, requestId, shape, limits, at, options);
  }

  /** 延期: the request's open clock moved on by the working days granted (ClockMoves). */
  async extend(
    manager: EntityManager,
    requestId: string,
    workingDays: number,
    legalWorkingDays: number | null = null,
  ): Promise<SlaClock | null> {
    return this.moves.extend(manager, requestId, workingDays, legalWorkingDays);
  }

  /** A calendar's date changed: its running clocks laid out again; how many moved (ClockRecalendar). */
  async recalendar(
    calendarCode: string,
    date: string,
    before: { working: boolean; name: string } | null,
    revision: number,
    batch = 500,
  ): Promise<number> {
    return this.recalendaring.recalendar(calendarCode, date, before, revision, batch);
  }

  /** Stopped clocks without their worked time get it; how many (ClockRecalendar). */
  async fillWorkedTime(batchSize = 2000): Promise<number> {
    return this.recalendaring.fillWorkedTime(batchSize);
  }

  /** The timer a clock needs now: its id (deterministic) and when it fires; null when none (ClockThresholds). */
  async timerFor(clockId: string): Promise<{ jobId: string; generation: number; at: Date } | null> {
    return this.thresholds.timerFor(clockId);
  }

  /** Each known clock's generation and the timer it needs now, in one read (ClockThresholds). */
  async timersOf(
    clockIds: readonly string[],
    manager?: EntityManager,
  ): Promise<{ clockId: string; generation: number; timer: { jobId: string; generation: number; at: Date } | null }[]> {
    return this.thresholds.timersOf(clockIds, manager);
  }

  /** A timer fired: the thresholds reached and not yet recorded are recorded, once (ClockThresholds). */
  async fire(clockId: string): Promise<string[]> {
    return this.thresholds.fire(clockId);
  }

  /** Every running clock's reached thresholds recorded and its timer listed, from MySQL (ClockThresholds). */
  async reconcile(
    batch = 500,
  ): Promise<{ recorded: number; timers: { clockId: string; jobId: string; at: Date; generation: number }[] }> {
    return this.thresholds.reconcile(batch);
  }
}
