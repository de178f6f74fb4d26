import { requestContext } from '#common';
import { APP_CONFIG, type AppConfig } from '#config';
import type { SubmittedMaterial } from '#database';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import mysql from 'mysql2/promise';
import { type AuditEntry, AuditWriter, chainText } from '#audit';
import { OutboxWriter } from '#queue';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { formatRequestNumber, zoneDay } from './request-number.js';

/** The rows of one submission, as RequestSubmission has validated them. */
export interface SubmissionRows {
  itemCode: string;
  itemVersionId: string;
  itemVersion: number;
  companyUscc: string;
  hallCode: string | null;
  /** The service point that took it in, when it hands the request to its parent hall (`hallCode`). */
  takenInAt: string | null;
  form: unknown;
  materials: SubmittedMaterial[];
  submittedBy: string;
  onBehalfOf: string | null;
  submittedAt: Date;
  steps: {
    stepKey: string;
    position: number;
    matterCode: string;
    matterName: string;
    departmentCode: string;
    dependsOn: string[];
    outputKind: string;
    outputName: string;
  }[];
  /** The actor as the audit records them. */
  actor: { id: string; role: string; username: string };
  /** The audit payload; the request's number is added to it in the database. */
  auditPayload: Record<string, unknown>;
  /** The intake clock (行政许可法 Art. 32) that starts with the submission. */
  intakeClock?: {
    calendarCode: string;
    calendarRevision: number;
    limit: { value: number; unit: string };
    warnShare: number;
    startedAt: Date;
    dueAt: Date;
    warnAt: Date;
  };
}

/** The columns of a submitted request after its number, and of each of its steps after its request's id. */
const REQUEST_COLUMNS = `item_code, item_version_id, item_version, company_uscc, hall_code, taken_in_hall_code,
  status, form, materials, submitted_by, on_behalf_of, submitted_at, updated_at`;
/**
 * The version is written only if it is still the item's latest published one: otherwise NULL, which
 * the NOT NULL column (or, where MySQL is not strict, the foreign key) refuses, so the write fails
 * and writes nothing. The submission may have taken its version id from memory (ItemVersions,
 * `remembered`); this check is what the read before it used to be.
 */
const REQUEST_VALUES = `?, IF((SELECT v.id FROM item_versions v WHERE v.item_code = ? AND v.status = 'published'
    ORDER BY v.version DESC LIMIT 1) <=> ?, ?, NULL), ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?`;
const STEP_COLUMNS = `step_key, position, matter_code, matter_name, department_code, depends_on,
  status, output_kind, output_name`;
const STEP_VALUES = '?, ?, ?, ?, ?, ?, ?, ?, ?';

const requestValues = (rows: SubmissionRows): unknown[] => [
  rows.itemCode,
  rows.itemCode,
  rows.itemVersionId,
  rows.itemVersionId,
  rows.itemVersion,
  rows.companyUscc,
  rows.hallCode,
  rows.takenInAt,
  JSON.stringify(rows.form),
  JSON.stringify(rows.materials),
  rows.submittedBy,
  rows.onBehalfOf,
  rows.submittedAt,
  rows.submittedAt,
];

const stepValues = (step: SubmissionRows['steps'][number]): unknown[] => [
  step.stepKey,
  step.position,
  step.matterCode,
  step.matterName,
  step.departmentCode,
  JSON.stringify(step.dependsOn),
  'waiting',
  step.outputKind,
  step.outputName,
];

/**
 * Writes a submission in ONE round trip to MySQL: the day's number, the request (on its item's
 * version if that is still the latest published: REQUEST_VALUES), its steps, its audit event, its
 * intake clock and their outbox events, in one transaction sent as one multi-statement text. Intake
 * is the hot path (npm run bench): through the ORM it took eight round trips, and each costs the
 * api CPU (a socket write, a read, the driver's parsing).
 *
 * Multi-statement texts are enabled on this pool only, and only the fixed SQL below runs on it;
 * every value is a `?` parameter, so nothing a user sends can add a statement. The number's
 * counter row is incremented by its own autocommitted statement at the head of the text, before
 * the transaction: every intake of the day updates that one row, and locked to the COMMIT it would
 * make them take turns for the whole transaction (allocateRequestNumber: a failed submission leaves
 * a gap in the day's numbers, never a duplicate). A submission with an Idempotency-Key is written by `insertWith`
 * instead, inside the transaction that also holds the key.
 */
@Injectable()
export class IntakeWriter implements OnModuleDestroy {
  private readonly pool: mysql.Pool;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly audit: AuditWriter,
    private readonly outbox: OutboxWriter,
  ) {
    const { host, port, user, password, name } = config.database;
    this.pool = mysql.createPool({
      host,
      port,
      user,
      password,
      database: name,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      multipleStatements: true,
      connectionLimit: 10,
      connectTimeout: 5000,
      supportBigNumbers: true,
      bigNumberStrings: true,
      trace: false,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }

  /**
   * The submission's audit event is the first of its request's hash chain (audit-chain.ts), but the
   * request's id and number exist only inside the text. The hashed text is built here with a marker
   * where each goes; MySQL joins the three pieces with @rid and @num and takes the SHA-256.
   */
  private auditHashParts(rows: SubmissionRows): [string, string, string] {
    const idMark = `\u0001id-${randomUUID()}`;
    const numberMark = `\u0001number-${randomUUID()}`;
    const text = chainText({
      subjectType: 'request',
      subjectId: idMark,
      seq: 1,
      prevHash: null,
      action: 'request.submitted',
      statusFrom: null,
      statusTo: 'submitted',
      actorId: rows.actor.id,
      actorRole: rows.actor.role,
      actorUsername: rows.actor.username,
      onBehalfOf: rows.onBehalfOf,
      payload: { ...rows.auditPayload, number: numberMark },
      occurredAt: rows.submittedAt,
    });
    const [head, rest, ...extraId] = text.split(JSON.stringify(idMark).slice(1, -1));
    const [middle, tail, ...extraNumber] = (rest ?? '').split(JSON.stringify(numberMark).slice(1, -1));
    if (extraId.length > 0 || extraNumber.length > 0 || tail === undefined) {
      throw new Error('audit hash markers must each occur once');
    }
    return [head, middle, tail];
  }

  /** Inserts the submission; returns its id and number. Nothing is written unless all of it is (but its number). */
  async insert(rows: SubmissionRows): Promise<{ id: string; number: string; clockId: string | null }> {
    const day = zoneDay(rows.submittedAt);
    const hashParts = this.auditHashParts(rows);
    const sql = `INSERT INTO request_number_sequences (day, last_value) VALUES (?, LAST_INSERT_ID(1))
  ON DUPLICATE KEY UPDATE last_value = LAST_INSERT_ID(last_value + 1);
SET @seq = LAST_INSERT_ID();
START TRANSACTION;
SET @num = CONCAT('GX', ?, LPAD(@seq, 6, '0'));
INSERT INTO service_requests (number, ${REQUEST_COLUMNS}) VALUES (@num, ${REQUEST_VALUES});
SET @rid = LAST_INSERT_ID();
INSERT INTO request_steps (request_id, ${STEP_COLUMNS})
  VALUES ${rows.steps.map(() => `(@rid, ${STEP_VALUES})`).join(', ')};
SET @hash = SHA2(CONCAT(?, @rid, ?, @num, ?), 256);
INSERT INTO audit_events (subject_type, subject_id, seq, prev_hash, hash, action, status_from, status_to, actor_id,
  actor_role, actor_username, on_behalf_of, payload, occurred_at)
  VALUES ('request', @rid, 1, NULL, @hash, 'request.submitted', NULL, 'submitted', ?, ?, ?, ?,
    JSON_SET(?, '$.number', @num), ?);
INSERT INTO audit_chains (subject_type, subject_id, last_seq, last_hash) VALUES ('request', @rid, 1, @hash);
${
  rows.intakeClock
    ? `INSERT INTO sla_clocks (request_id, kind, step_key, calendar_code, calendar_revision, limit_value, limit_unit,
  warn_share, started_at, due_at, warn_at) VALUES (@rid, 'intake', NULL, ?, ?, ?, ?, ?, ?, ?, ?);
SET @cid = LAST_INSERT_ID();`
    : 'SET @cid = NULL;'
}
INSERT INTO outbox_events (type, payload, created_at, http_request_id)
  VALUES ('request.submitted', JSON_OBJECT('requestId', CAST(@rid AS CHAR)), ?, ?)${
    rows.intakeClock ? ", ('sla.clock-changed', JSON_OBJECT('clockId', CAST(@cid AS CHAR)), ?, ?)" : ''
  };
COMMIT;
SELECT CAST(@rid AS CHAR) AS id, @seq AS seq, CAST(@cid AS CHAR) AS clockId;`;
    const at = rows.submittedAt;
    const httpRequestId = requestContext.id() ?? null;
    const params: unknown[] = [
      day,
      day,
      ...requestValues(rows),
      ...rows.steps.flatMap(stepValues),
      ...hashParts,
      rows.actor.id,
      rows.actor.role,
      rows.actor.username,
      rows.onBehalfOf,
      JSON.stringify(rows.auditPayload),
      at,
      ...(rows.intakeClock
        ? [
            rows.intakeClock.calendarCode,
            rows.intakeClock.calendarRevision,
            rows.intakeClock.limit.value,
            rows.intakeClock.limit.unit,
            rows.intakeClock.warnShare,
            rows.intakeClock.startedAt,
            rows.intakeClock.dueAt,
            rows.intakeClock.warnAt,
          ]
        : []),
      at,
      httpRequestId,
      ...(rows.intakeClock ? [at, httpRequestId] : []),
    ];
    const connection = await this.pool.getConnection();
    try {
      const [results] = (await connection.query(sql, params)) as unknown as [unknown[]];
      const [last] = results[results.length - 1] as { id: string; seq: number | string; clockId: string | null }[];
      return {
        id: String(last.id),
        number: formatRequestNumber(day, Number(last.seq)),
        clockId: last.clockId === null ? null : String(last.clockId),
      };
    } catch (error) {
      // A failed statement stops the text where it failed, inside the open transaction.
      await connection.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  /**
   * The same rows but the clock (the caller syncs the clocks), inside a transaction of the caller's
   * and under a number taken already. Returns the request's id.
   */
  async insertWith(manager: EntityManager, rows: SubmissionRows, number: string): Promise<string> {
    const inserted = (await manager.query(
      `INSERT INTO service_requests (number, ${REQUEST_COLUMNS}) VALUES (?, ${REQUEST_VALUES})`,
      [number, ...requestValues(rows)],
    )) as { insertId: number | string };
    const requestId = String(inserted.insertId);
    await manager.query(
      `INSERT INTO request_steps (request_id, ${STEP_COLUMNS})
        VALUES ${rows.steps.map(() => `(?, ${STEP_VALUES})`).join(', ')}`,
      rows.steps.flatMap((step) => [requestId, ...stepValues(step)]),
    );
    await this.audit.append(manager, {
      subjectType: 'request',
      subjectId: requestId,
      action: 'request.submitted',
      statusFrom: null,
      statusTo: 'submitted',
      actor: rows.actor,
      onBehalfOf: rows.onBehalfOf,
      payload: { ...rows.auditPayload, number } as AuditEntry['payload'],
    });
    await this.outbox.add(manager, 'request.submitted', { requestId });
    return requestId;
  }
}
