import { CalendarService } from '#calendar';
import { Clock, DomainError } from '#common';
import { APP_CONFIG, type AppConfig } from '#config';
import type { TimeLimit } from '#database';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type ClockSlot, desiredClocks, planClocks, type RequestShape } from './clock-plan.js';
import { ClockRows, type NewClock } from './clock-rows.js';
import {
  type ClockTimes,
  DEFAULT_WARN_SHARE,
  extendClock,
  pauseClock,
  resumeClock,
  startClock,
  stopClock,
} from './sla-clock.js';
import { type ClockLimits, type ClockSyncOptions, INTAKE_LIMIT, type SlaClock } from './sla.types.js';

const slotOf = (clock: SlaClock): ClockSlot => ({ kind: clock.kind, stepKey: clock.stepKey, paused: !!clock.pausedAt });

/**
 * A request's clocks moved in its own transaction, under its row lock: started, paused, resumed
 * and stopped as its state asks (desiredClocks in clock-plan.ts), and moved on by an extension
 * (延期). Each move raises the clock's generation; ClockRows writes it with its outbox event.
 */
@Injectable()
export class ClockMoves {
  constructor(
    private readonly rows: ClockRows,
    private readonly calendars: CalendarService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The limit of a follow-up (整改) opened by a poor evaluation, unless the request's limits name one. */
  get followUpLimit(): TimeLimit {
    return { value: this.config.followUps.limitWorkingDays, unit: 'workingDays' };
  }

  /**
   * Brings the request's open clocks in line with its state (see desiredClocks): starts, stops,
   * pauses and resumes them at `at`; a request clock started now counts from `requestFrom` when
   * given. Runs in the caller's transaction, which holds the request row; the change's own outbox
   * events (`events`), when given, go in before the clocks' ones, in the same insert. The request's
   * clocks are those the caller read (`clocks`) when given, else read here.
   */
  async sync(
    manager: EntityManager,
    requestId: string,
    shape: RequestShape,
    limits: () => Promise<ClockLimits>,
    at: Date,
    { requestFrom, events = [], clocks: read }: ClockSyncOptions = {},
  ): Promise<SlaClock[]> {
    if (read?.some((c) => c.requestId !== requestId))
      throw new Error(`clocks of another request given for ${requestId}`);
    const clocks = read ? [...read] : await this.rows.clocksOf(manager, [requestId]);
    const open = clocks.filter((c) => !c.stoppedAt);
    const plan = planClocks(open.map(slotOf), desiredClocks(shape));
    const find = (slot: ClockSlot) => open.find((c) => c.kind === slot.kind && c.stepKey === slot.stepKey)!;
    const changed: SlaClock[] = [];
    for (const slot of plan.stop) changed.push(await this.move(find(slot), stopClock, at));
    for (const slot of plan.pause) changed.push(await this.move(find(slot), pauseClock, at));
    for (const slot of plan.resume) changed.push(await this.move(find(slot), resumeClock, at));
    if (plan.start.length > 0) {
      const known = await limits();
      const started: NewClock[] = [];
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
        const origin = slot.kind === 'request' && requestFrom ? requestFrom : { at, pausedMs: 0 };
        const legal = slot.kind === 'request' ? (known.requestLegal ?? null) : (step?.legal ?? null);
        const times = startClock(cal, origin.at, limit, warnShare, legal, origin.pausedMs);
        started.push({ slot, calendarCode: known.calendarCode, limit, warnShare, times });
      }
      // The clocks a change starts (the five a licence's approval does) go in with one insert.
      const ids = await this.rows.insertMany(manager, requestId, started);
      started.forEach(({ slot, calendarCode, limit, warnShare, times }, i) => {
        clocks.push({
          ...times,
          id: ids[i],
          requestId,
          kind: slot.kind,
          stepKey: slot.stepKey,
          calendarCode,
          limit,
          warnShare,
          generation: 0,
          calendarRevision: this.calendars.revisionOf(calendarCode),
        });
        changed.push(clocks[clocks.length - 1]);
      });
    }
    for (const clock of changed.filter((c) => c.id !== undefined)) {
      const index = clocks.findIndex((c) => c.id === clock.id);
      clocks[index] = clock;
    }
    await this.rows.write(manager, changed, events);
    return clocks;
  }

  /**
   * 延期 (行政许可法 Art. 42): the request's open clock gets `workingDays` more, and its legal limit
   * `legalWorkingDays` more (a joint item's). Runs in the caller's transaction, under the request's
   * row lock; returns the moved clock, or null when the request has no open request clock (not
   * accepted yet, or ended).
   */
  async extend(
    manager: EntityManager,
    requestId: string,
    workingDays: number,
    legalWorkingDays: number | null = null,
  ): Promise<SlaClock | null> {
    const clock = (await this.rows.clocksOf(manager, [requestId])).find((c) => c.kind === 'request' && !c.stoppedAt);
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
      (cal, times) =>
        extendClock(
          cal,
          times,
          { value: workingDays, unit: 'workingDays' },
          legalWorkingDays ? { value: legalWorkingDays, unit: 'workingDays' } : null,
        ),
      this.clock.now(),
    );
    await this.rows.write(manager, [moved]);
    return moved;
  }

  private async move(
    clock: SlaClock,
    change: (cal: Awaited<ReturnType<CalendarService['definition']>>, times: ClockTimes, at: Date) => ClockTimes,
    at: Date,
  ): Promise<SlaClock> {
    const cal = await this.calendars.definition(clock.calendarCode);
    return { ...clock, ...change(cal, clock, at), generation: clock.generation + 1 };
  }
}
