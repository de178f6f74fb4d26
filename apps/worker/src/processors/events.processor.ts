import { assertNever } from '#common';
import { NotificationsService } from '#notifications';
import type { AnyJob, JobName } from '#queue';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';

/** Reacts to domain events relayed from the outbox; every handler is idempotent (events may arrive twice). */
@Processor('events', { concurrency: 8 })
export class EventsProcessor extends WorkerHost {
  static readonly queue = 'events' as const;
  static readonly handles = ['user.created'] as const satisfies readonly JobName[];

  constructor(private readonly notifications: NotificationsService) {
    super();
  }

  async process(job: Job): Promise<void> {
    const typed = job as unknown as Extract<AnyJob, { name: (typeof EventsProcessor.handles)[number] }>;
    switch (typed.name) {
      case 'user.created':
        return this.notifications.welcomeUser(typed.data.eventId, typed.data.userId);
      default:
        return assertNever(typed.name, 'event');
    }
  }
}
