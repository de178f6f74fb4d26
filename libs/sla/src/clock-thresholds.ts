import { readCommitted } from '#database';
import { AuditWriter } from '#audit';
import { Clock, formatInstant } from '#common';
import { type OutboxEntry, OutboxWriter } from '#queue';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ClockRows } from './clock-rows.js';
import { nextThreshold, type Threshold, thresholdsDue } from './sla-clock.js';
import type { SlaClock } from './sla.types.js';

/** The timeline event and the domain event of each threshold a timer records. */
const THRESHOLD_EVENT = {
  warning: 'sla.warning',
  overdue: 'sla.overdue',
  legal: 'sla.legal-breach',
} as const satisfies Record<Threshold, string>;

/** A clock's timer: its job id (deterministic), the generation it was set for, and when it fires. */
interface Timer {
  jobId: string;
  generation: number;
  at: Date;
}

/** The timer a clock needs now, for its next threshold; null when it has none left. */
function timerOf(clock: SlaClock): Timer | null {
  const next = nextThreshold(clock);
  if (!next) return null;
  return {
    jobId: `sla-${clock.id}-${clock.generation}-${next.threshold}`,
    generation: clock.generation,
    at: next.at,
  };
}

/**
 * The thresholds of a clock (warning, overdue, legal breach) and the timers that record them: the
 * timer a clock needs, the recording when one fires, and the reconciliation that records what was
 * missed and lists every timer again from MySQL alone.
 */
@Injectable()
export class ClockThresholds {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rows: ClockRows,
    private readonly audit: AuditWriter,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  /** The timer a clock needs now: its id (deterministic) and when it fires; null when none or unknown. */
  async timerFor(clockId: string): Promise<Timer | null> {
    const [found] = await this.timersOf([clockId]);
    return found?.timer ?? null;
  }

  /**
   * Each known clock's generation and the timer it needs now (null when it has none left), in one
   * read; unknown ids are left out. `manager` reads inside the caller's transaction.
   */
  async timersOf(
    clockIds: readonly string[],
    manager?: EntityManager,
  ): Promise<{ clockId: string; generation: number; timer: Timer | null }[]> {
    const clocks = await this.rows.clocksById(clockIds, manager);
    return clocks.map((clock) => ({ clockId: clock.id, generation: clock.generation, timer: timerOf(clock) }));
  }

  /**
   * A timer fired: records each threshold the clock has reached and not yet recorded, once, with a
   * timeline event and an outbox event, under the request's row lock. A timer for an older
   * generation, or for a clock paused or stopped meanwhile, does nothing but the check.
   */
  async fire(clockId: string): Promise<string[]> {
    return readCommitted(this.dataSource, async (manager) => {
      const [peek] = await this.rows.clocksById([clockId], manager);
      if (!peek) return [];
      await manager.query('SELECT id FROM service_requests WHERE id = ? FOR UPDATE', [peek.requestId]);
      const [clock] = await this.rows.clocksById([clockId], manager);
      const now = this.clock.now();
      const reached = thresholdsDue(clock, now);
      if (reached.length === 0) return [];
      const audits = reached.map((threshold) => ({
        subjectType: 'request',
        subjectId: clock.requestId,
        action: THRESHOLD_EVENT[threshold],
        actor: null,
        payload: {
          clock: clock.kind,
          ...(clock.stepKey ? { stepKey: clock.stepKey } : {}),
          dueAt: formatInstant(clock.dueAt),
          warnAt: formatInstant(clock.warnAt),
          ...(clock.legalDueAt ? { legalDueAt: formatInstant(clock.legalDueAt) } : {}),
        },
      }));
      await manager.query(
        `UPDATE sla_clocks SET warned_at = COALESCE(warned_at, ?), overdue_at = COALESCE(overdue_at, ?),
           legal_breached_at = COALESCE(legal_breached_at, ?), generation = generation + 1 WHERE id = ?`,
        [
          reached.includes('warning') ? now : null,
          reached.includes('overdue') ? now : null,
          reached.includes('legal') ? now : null,
          clock.id,
        ],
      );
      await this.audit.appendMany(manager, audits);
      const events: OutboxEntry[] = reached.map((threshold) => ({
        type: THRESHOLD_EVENT[threshold],
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
  async reconcile(batch = 500): Promise<{ recorded: number; timers: ({ clockId: string } & Timer)[] }> {
    let recorded = 0;
    const timers: ({ clockId: string } & Timer)[] = [];
    let after = '0';
    for (;;) {
      const clocks = await this.rows.runningAfter(after, batch);
      if (clocks.length === 0) break;
      after = clocks[clocks.length - 1].id;
      for (const clock of clocks) {
        const now = this.clock.now();
        if (thresholdsDue(clock, now).length > 0) {
          // Recording moves the clock to a new generation: read its timer again.
          recorded += (await this.fire(clock.id)).length;
          const timer = await this.timerFor(clock.id);
          if (timer) timers.push({ clockId: clock.id, ...timer });
          continue;
        }
        const timer = timerOf(clock);
        if (timer) timers.push({ clockId: clock.id, ...timer });
      }
    }
    return { recorded, timers };
  }
}
