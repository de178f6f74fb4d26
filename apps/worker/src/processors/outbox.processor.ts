import { assertNever, Clock } from '#common';
import { FilesService } from '#files';
import { type AnyJob, type JobName, OutboxRelay } from '#queue';
import { IdempotencyStore } from '#requests';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';

/**
 * Moves committed outbox rows onto the events queue; housekeeping: prunes old outbox rows and
 * idempotency keys, and removes uploaded files no request took.
 */
@Processor('outbox', { concurrency: 1 })
export class OutboxProcessor extends WorkerHost {
  static readonly queue = 'outbox' as const;
  static readonly handles = [
    'outbox.relay',
    'outbox.prune',
    'idempotency.prune',
    'files.clean-up',
  ] as const satisfies readonly JobName[];

  constructor(
    private readonly relay: OutboxRelay,
    private readonly idempotency: IdempotencyStore,
    private readonly files: FilesService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async process(job: Job): Promise<number> {
    const typed = job as unknown as Extract<AnyJob, { name: (typeof OutboxProcessor.handles)[number] }>;
    switch (typed.name) {
      case 'outbox.relay':
        return this.relay.relayAll();
      case 'outbox.prune':
        return this.relay.prune(typed.data.olderThanDays);
      case 'idempotency.prune':
        return this.idempotency.prune();
      case 'files.clean-up':
        return this.files.cleanUp(new Date(this.clock.now().getTime() - typed.data.olderThanHours * 3_600_000));
      default:
        return assertNever(typed, 'outbox job');
    }
  }
}
