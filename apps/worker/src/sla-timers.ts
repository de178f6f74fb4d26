import { Clock } from '#common';
import { DEFAULT_JOB_OPTIONS } from '#queue';
import { TimeLimits } from '#requests';
import { SlaService } from '#sla';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';

/**
 * One delayed job per clock, for its next threshold only (its warning, then its due time), with a
 * deterministic id: `sla-<clock>-<generation>-<threshold>`. Setting it twice is a no-op; the timer of
 * the previous generation is removed when the clock moves, and any older one left behind fires and
 * does nothing.
 */
@Injectable()
export class SlaTimers {
  private readonly logger = new Logger(SlaTimers.name);

  constructor(
    private readonly sla: SlaService,
    @InjectQueue('sla') private readonly queue: Queue,
    private readonly timeLimits: TimeLimits,
    private readonly clock: Clock,
  ) {}

  /** Sets the clock's next timer and removes the one its previous generation needed. */
  async schedule(clockId: string): Promise<void> {
    await this.scheduleMany([clockId]);
  }

  /**
   * The same for many clocks at once: one read of their rows (inside the caller's transaction when
   * `manager` is given), the previous generations' timers removed together, the new ones added in
   * one bulk call. Setting a timer that exists is a no-op, so doing it again changes nothing.
   */
  async scheduleMany(clockIds: readonly string[], manager?: EntityManager): Promise<number> {
    const clocks = await this.sla.timersOf([...new Set(clockIds)], manager);
    // A job being processed cannot be removed; it finds its generation stale and does nothing.
    await Promise.all(
      clocks
        .filter((c) => c.generation > 0)
        .flatMap((c) =>
          ['warning', 'overdue', 'legal'].map((threshold) =>
            this.queue.remove(`sla-${c.clockId}-${c.generation - 1}-${threshold}`).catch(() => 0),
          ),
        ),
    );
    const timers = clocks.flatMap((c) => (c.timer ? [{ clockId: c.clockId, ...c.timer }] : []));
    await this.addTimers(timers);
    return timers.length;
  }

  /** The end of a special procedure, as a timer with a deterministic id. */
  async scheduleProcedureEnd(procedureId: string, endsAt?: Date): Promise<void> {
    const at = endsAt ?? (await this.timeLimits.specialProcedures()).running.find((p) => p.id === procedureId)?.endsAt;
    if (!at) return;
    await this.queue.add(
      'sla.procedure-end',
      { procedureId },
      {
        ...DEFAULT_JOB_OPTIONS,
        jobId: `procedure-${procedureId}`,
        delay: this.delayUntil(at),
      },
    );
  }

  /** Records what was missed and sets every open clock's timer again (worker start and every few minutes). */
  async reconcile(): Promise<{ recorded: number; timers: number }> {
    const procedures = await this.timeLimits.specialProcedures();
    for (const id of procedures.due) await this.timeLimits.endSpecialProcedure(id);
    for (const p of procedures.running) await this.scheduleProcedureEnd(p.id, p.endsAt);
    const { recorded, timers } = await this.sla.reconcile();
    await this.addTimers(timers);
    if (recorded > 0) this.logger.warn(`reconciliation recorded ${recorded} SLA thresholds a timer had missed`);
    return { recorded, timers: timers.length };
  }

  private delayUntil(at: Date): number {
    return Math.max(0, at.getTime() - this.clock.now().getTime());
  }

  /** Adds the timers' jobs, 500 to a bulk call (a timer that exists is left as it is). */
  private async addTimers(timers: readonly { clockId: string; generation: number; jobId: string; at: Date }[]) {
    for (let i = 0; i < timers.length; i += 500) {
      await this.queue.addBulk(
        timers.slice(i, i + 500).map((timer) => ({
          name: 'sla.fire',
          data: { clockId: timer.clockId, generation: timer.generation },
          opts: { ...DEFAULT_JOB_OPTIONS, jobId: timer.jobId, delay: this.delayUntil(timer.at) },
        })),
      );
    }
  }
}
