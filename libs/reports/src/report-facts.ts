import { retryOnDeadlock } from '#common';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ReportRollups } from './rollups.js';

/** The zone's date of a UTC datetime column: Asia/Shanghai keeps +08:00 all year. */
const zoneDay = (column: string) => `DATE(${column} + INTERVAL 8 HOUR)`;
const onTime = `CASE WHEN c.id IS NULL THEN NULL WHEN c.overdue_at IS NULL AND c.stopped_at <= c.due_at THEN 1 ELSE 0 END`;
/** A stopped step clock against the law: null without a legal limit, 1 stopped within it, 0 past it. */
const legalOf = (c: string) => `CASE WHEN ${c}.legal_due_at IS NULL THEN NULL
  WHEN ${c}.legal_breached_at IS NULL AND ${c}.stopped_at <= ${c}.legal_due_at THEN 1 ELSE 0 END`;
/**
 * A request against the law: the request's own clock has no legal limit, its steps' have; it met
 * the law when each of its steps with one did, and has no figure when none had one.
 */
const requestLegal = `(SELECT MIN(${legalOf('lc')}) FROM sla_clocks lc
   WHERE lc.request_id = r.id AND lc.kind = 'step' AND lc.stopped_at IS NOT NULL AND lc.legal_due_at IS NOT NULL)`;

const REQUEST_FACTS = `
  INSERT INTO report_requests (request_id, item_code, hall_code, outcome, submitted_at, accepted_at, ended_at, ended_day,
                               worked_ms, elapsed_ms, on_time, legal_on_time)
  SELECT r.id, r.item_code, r.hall_code, r.status, r.submitted_at, r.accepted_at, r.ended_at, ${zoneDay('r.ended_at')},
         c.worked_ms,
         CASE WHEN r.accepted_at IS NULL THEN NULL ELSE TIMESTAMPDIFF(MICROSECOND, r.accepted_at, r.ended_at) DIV 1000 END,
         ${onTime}, ${requestLegal}
    FROM service_requests r
    LEFT JOIN sla_clocks c ON c.request_id = r.id AND c.kind = 'request' AND c.stopped_at IS NOT NULL
   WHERE r.id IN (:ids) AND r.status IN ('completed', 'denied', 'refused', 'withdrawn') AND r.ended_at IS NOT NULL
  ON DUPLICATE KEY UPDATE item_code = VALUES(item_code), hall_code = VALUES(hall_code), outcome = VALUES(outcome),
    submitted_at = VALUES(submitted_at), accepted_at = VALUES(accepted_at), ended_at = VALUES(ended_at),
    ended_day = VALUES(ended_day), worked_ms = VALUES(worked_ms), elapsed_ms = VALUES(elapsed_ms), on_time = VALUES(on_time),
    legal_on_time = VALUES(legal_on_time)`;

const STEP_FACTS = `
  INSERT INTO report_steps (request_id, step_key, item_code, hall_code, department_code, matter_code, approver_id, outcome,
                            activated_at, decided_at, decided_day, worked_ms, elapsed_ms, on_time, legal_on_time)
  SELECT s.request_id, s.step_key, r.item_code, r.hall_code, s.department_code, s.matter_code, s.decided_by, s.status,
         s.activated_at, s.decided_at, ${zoneDay('s.decided_at')}, c.worked_ms,
         CASE WHEN s.activated_at IS NULL THEN NULL ELSE TIMESTAMPDIFF(MICROSECOND, s.activated_at, s.decided_at) DIV 1000 END,
         ${onTime}, CASE WHEN c.id IS NULL THEN NULL ELSE ${legalOf('c')} END
    FROM request_steps s
    JOIN service_requests r ON r.id = s.request_id
    LEFT JOIN sla_clocks c ON c.request_id = s.request_id AND c.kind = 'step' AND c.step_key = s.step_key
                          AND c.stopped_at IS NOT NULL
   WHERE s.request_id IN (:ids) AND s.status IN ('approved', 'denied') AND s.decided_at IS NOT NULL
  ON DUPLICATE KEY UPDATE item_code = VALUES(item_code), hall_code = VALUES(hall_code),
    department_code = VALUES(department_code), matter_code = VALUES(matter_code), approver_id = VALUES(approver_id),
    outcome = VALUES(outcome), activated_at = VALUES(activated_at), decided_at = VALUES(decided_at),
    decided_day = VALUES(decided_day), worked_ms = VALUES(worked_ms), elapsed_ms = VALUES(elapsed_ms),
    on_time = VALUES(on_time), legal_on_time = VALUES(legal_on_time)`;

const expand = (sql: string, ids: readonly string[]) => sql.replace(':ids', ids.map(() => '?').join(', '));

/**
 * The reports' facts: one row per ended request and per decided step, copied from the request's
 * own rows. Projecting a request again gives the same rows, so the worker may see its events twice
 * or out of order, and a rebuild from scratch gives exactly what the events gave.
 */
@Injectable()
export class ReportFacts {
  private readonly logger = new Logger(ReportFacts.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rollups: ReportRollups,
  ) {}

  /**
   * Writes (again) the facts of these requests, from what their rows say now, and marks the
   * rollup periods they fall in, in one transaction: a period without a mark has no facts.
   */
  async project(requestIds: readonly string[]): Promise<void> {
    if (requestIds.length === 0) return;
    await retryOnDeadlock(() =>
      this.dataSource.transaction('REPEATABLE READ', async (manager) => {
        await manager.query(expand(REQUEST_FACTS, requestIds), [...requestIds]);
        await manager.query(expand(STEP_FACTS, requestIds), [...requestIds]);
        await this.rollups.mark(manager, requestIds);
      }),
    );
  }

  /**
   * Drops every fact and projects every request again, in batches: `npm run reports:rebuild`.
   * Returns how many requests it went through.
   */
  async rebuild(batchSize = 5000, progress: (done: number) => void = () => undefined): Promise<number> {
    await this.dataSource.query('DELETE FROM report_rollups');
    await this.dataSource.query('DELETE FROM report_rollup_periods');
    await this.dataSource.query('DELETE FROM report_steps');
    await this.dataSource.query('DELETE FROM report_requests');
    let after = '0';
    let done = 0;
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT id FROM service_requests WHERE id > ? ORDER BY id LIMIT ${Number(batchSize)}`,
        [after],
      )) as { id: string | number }[];
      if (rows.length === 0) break;
      const ids = rows.map((r) => String(r.id));
      await this.project(ids);
      done += ids.length;
      after = ids[ids.length - 1];
      progress(done);
    }
    const periods = await this.rollups.refreshAll();
    this.logger.log(`rebuilt the report facts of ${done} requests and ${periods} rollup periods`);
    return done;
  }
}
