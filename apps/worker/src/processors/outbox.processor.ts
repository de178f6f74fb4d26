import { assertNever } from '#common';
import { type AnyJob, type JobName, OutboxRelay } from '#queue';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';

/** Moves committed outbox rows onto the events queue, and prunes old ones. */
@Processor('outbox', { concurrency: 1 })
export class OutboxProcessor extends WorkerHost {
  static readonly queue = 'outbox' as const;
  static readonly handles = ['outbox.relay', 'outbox.prune'] as const satisfies readonly JobName[];

  constructor(private readonly relay: OutboxRelay) {
    super();
  }

  async process(job: Job): Promise<number> {
    const typed = job as unknown as Extract<AnyJob, { name: (typeof OutboxProcessor.handles)[number] }>;
    switch (typed.name) {
      case 'outbox.relay':
        return this.relay.relayAll();
      case 'outbox.prune':
        return this.relay.prune(typed.data.olderThanDays);
      default:
        return assertNever(typed, 'outbox job');
    }
  }
}
