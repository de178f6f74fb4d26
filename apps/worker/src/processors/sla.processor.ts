import { assertNever } from '#common';
import type { AnyJob, JobName } from '#queue';
import { TimeLimits } from '#requests';
import { SlaService } from '#sla';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { SlaTimers } from '../sla-timers.js';

/** SLA timers: a clock's next threshold, and the reconciliation that rebuilds every timer from MySQL. */
@Processor('sla', { concurrency: 4 })
export class SlaProcessor extends WorkerHost {
  static readonly queue = 'sla' as const;
  static readonly handles = ['sla.fire', 'sla.reconcile', 'sla.procedure-end'] as const satisfies readonly JobName[];

  constructor(
    private readonly sla: SlaService,
    private readonly timers: SlaTimers,
    private readonly timeLimits: TimeLimits,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const typed = job as unknown as Extract<AnyJob, { name: (typeof SlaProcessor.handles)[number] }>;
    switch (typed.name) {
      case 'sla.fire':
        // Recording a threshold writes sla.clock-changed, whose handler sets the next timer.
        return this.sla.fire(typed.data.clockId);
      case 'sla.reconcile':
        return this.timers.reconcile();
      case 'sla.procedure-end':
        return this.timeLimits.endSpecialProcedure(typed.data.procedureId);
      default:
        return assertNever(typed, 'sla job');
    }
  }
}
