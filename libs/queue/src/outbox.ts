import { Clock, formatInstant, requestContext } from '#common';
import { OutboxEvent, readCommitted } from '#database';
import { type LiveMessage, LiveBus } from '#live';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource, type EntityManager, IsNull, LessThan } from 'typeorm';
import { DEFAULT_JOB_OPTIONS, type EventType, isEventType, type JobPayloads } from './jobs.js';

type EventData<E extends EventType> = Omit<JobPayloads[E], 'eventId'>;
export type OutboxEntry = { [E in EventType]: { type: E; data: EventData<E> } }[EventType];

/** Writes domain events inside the caller's transaction; nothing reaches Redis before commit. */
@Injectable()
export class OutboxWriter {
  constructor(private readonly clock: Clock) {}

  async add<E extends EventType>(manager: EntityManager, type: E, data: EventData<E>): Promise<void> {
    await manager.query('INSERT INTO outbox_events (type, payload, created_at, http_request_id) VALUES (?, ?, ?, ?)', [
      type,
      JSON.stringify(data),
      this.clock.now(),
      requestContext.id() ?? null,
    ]);
  }

  /** Several events of one change in one statement, in the order given. */
  async addMany(manager: EntityManager, events: readonly OutboxEntry[]): Promise<void> {
    if (events.length === 0) return;
    const now = this.clock.now();
    const requestId = requestContext.id() ?? null;
    const values = events.flatMap((event) => [event.type, JSON.stringify(event.data), now, requestId]);
    await manager.query(
      `INSERT INTO outbox_events (type, payload, created_at, http_request_id) VALUES ${events.map(() => '(?, ?, ?, ?)').join(', ')}`,
      values,
    );
  }
}

/**
 * What the relay's events fan out to (webhooks). `begin` is called first in every relay
 * transaction, before any outbox row is claimed, and answers this batch's fan-out, or null when it
 * has nothing to make (then the relay goes on as if there were none). It may take a lock there: a
 * lock taken before the claim orders the batches of the relays that take it (one claims only once
 * the previous one committed), which a lock taken after the claim (SKIP LOCKED lets two relays
 * claim at once) could not.
 */
export interface OutboxFanOut {
  begin(manager: EntityManager): Promise<OutboxFanOutBatch | null>;
}

/**
 * One relay batch's fan-out: takes the events the relay claimed, in their order, inside the relay's
 * transaction (webhooks make their deliveries there, so a request's deliveries exist in the order
 * its events happened), and is told after the commit.
 */
export interface OutboxFanOutBatch {
  inTransaction(manager: EntityManager, events: readonly OutboxEvent[]): Promise<void>;
  afterCommit(): Promise<void>;
}
export const OUTBOX_FAN_OUT = Symbol('OUTBOX_FAN_OUT');

/**
 * Events the relay handles itself, many at once, instead of publishing one events job for each (the
 * worker's notifications, timers and report facts: per event they cost a job's round trips, in bulk
 * a few statements per batch). `handle` runs inside the relay's transaction, after the claim and
 * before the rows are marked published, so a relay that dies midway leaves the rows to be handled
 * again: it must be idempotent, as every events handler is. When it throws, the relay rolls back to
 * before it and publishes those rows as jobs after all, for the events processor to handle one by
 * one with its retries; nothing is lost and one bad row cannot stop the relay.
 */
export interface OutboxBatchHandler {
  /** The event types it handles in full (no job is published for them when it succeeds). */
  readonly handles: ReadonlySet<string>;
  handle(manager: EntityManager, events: readonly OutboxEvent[]): Promise<void>;
}
export const OUTBOX_BATCH_HANDLER = Symbol('OUTBOX_BATCH_HANDLER');

/**
 * Publishes pending outbox rows to the events queue. Rows are claimed with SKIP LOCKED so many
 * relays can run; the job id is derived from the row (id and creation time), so a relay that dies
 * after publishing but before marking re-publishes the same job ids and BullMQ keeps one of each.
 */
/** The events of a relayed batch the batch handler took care of, for the line logged after the commit. */
interface BulkHandled {
  events: number;
  requestIds: string[];
}

@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue('events') private readonly events: Queue,
    private readonly clock: Clock,
    @Optional() @Inject(OUTBOX_FAN_OUT) private readonly fanOut?: OutboxFanOut,
    @Optional() private readonly live?: LiveBus,
    @Optional() @Inject(OUTBOX_BATCH_HANDLER) private readonly batch?: OutboxBatchHandler,
  ) {}

  async relayBatch(limit = 500): Promise<number> {
    const notices: LiveMessage[] = [];
    const { relayed, fanOut, bulk } = await this.relayInTransaction(limit, notices);
    // Logged once committed: a batch rolled back was not handled.
    if (bulk) this.logger.log({ msg: `handled ${bulk.events} outbox events in bulk`, ...bulk });
    if (relayed > 0) await fanOut?.afterCommit();
    this.live?.publish(notices);
    return relayed;
  }

  private relayInTransaction(
    limit: number,
    notices: LiveMessage[],
  ): Promise<{ relayed: number; fanOut: OutboxFanOutBatch | null; bulk: BulkHandled | null }> {
    // READ COMMITTED: the locking read takes no gap lock, so writers adding outbox rows never wait
    // for this relay (and its call to Redis) to commit; and a relay that waited for the fan-out's
    // lock claims what the one before it left, as committed when the wait ends.
    return readCommitted(this.dataSource, async (manager) => {
      const fanOut = (await this.fanOut?.begin(manager)) ?? null;
      const rows = await manager
        .createQueryBuilder(OutboxEvent, 'o')
        .where('o.published_at IS NULL')
        .orderBy('o.id', 'ASC')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (rows.length === 0) return { relayed: 0, fanOut, bulk: null };
      await fanOut?.inTransaction(manager, rows);
      if (this.live) notices.push(...(await liveNoticesOf(manager, rows)));
      const bulk = await this.handleInBatch(manager, rows);
      const handled = new Set(bulk?.ids);
      const publishable = rows.filter((row) => isEventType(row.type) && !handled.has(row.id));
      if (publishable.length > 0) {
        await this.events.addBulk(
          publishable.map((row) => ({
            name: row.type,
            // The request id rides along (not part of the typed payload), for the job's log lines.
            data: {
              ...row.payload,
              eventId: row.id,
              ...(row.httpRequestId ? { httpRequestId: row.httpRequestId } : {}),
            },
            // The row's id and creation instant: the same row always makes the same job, while a row of
            // a database restored or recreated under the same queues (ids counted again) does not
            // collide with a job Redis still keeps from before.
            opts: { ...DEFAULT_JOB_OPTIONS, jobId: `event-${row.id}-${row.createdAt.getTime()}` },
          })),
        );
      }
      await manager
        .createQueryBuilder()
        .update(OutboxEvent)
        .set({ publishedAt: this.clock.now() })
        .whereInIds(rows.map((r) => r.id))
        .execute();
      return { relayed: rows.length, fanOut, bulk: bulk && { events: bulk.ids.length, requestIds: bulk.requestIds } };
    });
  }

  /**
   * The rows the batch handler took care of, by id: none (null) without a handler, or when it failed
   * (its writes are rolled back to the savepoint and the rows go out as jobs); with the HTTP requests
   * whose events they are, for the line logged after the commit, so one request id still finds the
   * worker's part of it.
   */
  private async handleInBatch(
    manager: EntityManager,
    rows: readonly OutboxEvent[],
  ): Promise<{ ids: string[]; requestIds: string[] } | null> {
    const batch = this.batch;
    const mine = batch ? rows.filter((row) => batch.handles.has(row.type)) : [];
    if (!batch || mine.length === 0) return null;
    await manager.query('SAVEPOINT outbox_batch');
    try {
      await batch.handle(manager, mine);
      await manager.query('RELEASE SAVEPOINT outbox_batch');
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT outbox_batch');
      this.logger.warn(
        `the relay could not handle ${mine.length} events in bulk (${error instanceof Error ? error.message : String(error)}): they go to the events queue one by one`,
      );
      return null;
    }
    const requestIds = [...new Set(mine.flatMap((row) => (row.httpRequestId ? [row.httpRequestId] : [])))];
    return { ids: mine.map((row) => row.id), requestIds };
  }

  /** Relays until nothing is pending; returns how many rows were published. */
  async relayAll(): Promise<number> {
    let total = 0;
    for (let n = await this.relayBatch(); n > 0; n = await this.relayBatch()) total += n;
    return total;
  }

  async prune(olderThanDays: number): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - olderThanDays * 86_400_000);
    const result = await this.dataSource.getRepository(OutboxEvent).delete({ publishedAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  async pendingCount(): Promise<number> {
    return this.dataSource.getRepository(OutboxEvent).countBy({ publishedAt: IsNull() });
  }
}

/**
 * The live notices of relayed events about a request (libs/live), with each request's scope: what
 * the worker changed (deemed acceptance, clocks) reaches the consoles this way, and what the api
 * already announced right after its commit is announced once more (clients fetch again; harmless).
 */
async function liveNoticesOf(manager: EntityManager, rows: readonly OutboxEvent[]): Promise<LiveMessage[]> {
  const about = rows.filter((row) => typeof row.payload.requestId === 'string' && /^\d+$/.test(row.payload.requestId));
  if (about.length === 0) return [];
  const ids = [...new Set(about.map((row) => row.payload.requestId as string))];
  const requests = (await manager.query(
    `SELECT id, company_uscc AS companyUscc, hall_code AS hallCode FROM service_requests WHERE id IN (${ids.map(() => '?').join(', ')})`,
    ids,
  )) as { id: string | number; companyUscc: string; hallCode: string | null }[];
  const steps = (await manager.query(
    `SELECT request_id AS requestId, department_code AS departmentCode FROM request_steps WHERE request_id IN (${ids.map(() => '?').join(', ')})`,
    ids,
  )) as { requestId: string | number; departmentCode: string }[];
  const scopes = new Map(
    requests.map((r) => [
      String(r.id),
      {
        companyUscc: r.companyUscc,
        hallCode: r.hallCode,
        departments: [
          ...new Set(steps.filter((s) => String(s.requestId) === String(r.id)).map((s) => s.departmentCode)),
        ],
      },
    ]),
  );
  return about.flatMap((row) => {
    const requestId = row.payload.requestId as string;
    const scope = scopes.get(requestId);
    if (!scope) return [];
    const stepKey = typeof row.payload.stepKey === 'string' ? { stepKey: row.payload.stepKey } : {};
    return [{ type: row.type, requestId, ...stepKey, at: formatInstant(row.createdAt), scope }];
  });
}
