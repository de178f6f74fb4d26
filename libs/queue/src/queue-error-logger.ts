import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

const REPEAT_AFTER_MS = 30_000;

/**
 * While Redis is away a queue reports every failed reconnect; log the first and then one a
 * half-minute, through the app's logger, instead of BullMQ printing each to the console.
 */
@Injectable()
export class QueueErrorLogger {
  private readonly logger = new Logger('Queue');
  private readonly lastLogged = new Map<string, number>();

  // Listening from the constructor: the first connection error may arrive before module init ends.
  constructor(@InjectQueue('outbox') outbox: Queue, @InjectQueue('events') events: Queue) {
    for (const queue of [outbox, events]) {
      queue.on('error', (error: Error) => {
        const now = Date.now();
        if (now - (this.lastLogged.get(queue.name) ?? 0) < REPEAT_AFTER_MS) return;
        this.lastLogged.set(queue.name, now);
        this.logger.warn(`queue ${queue.name}: ${(error as { code?: string }).code ?? error.message}`);
      });
    }
  }
}
