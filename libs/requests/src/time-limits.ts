import { AuditWriter } from '#audit';
import { Clock, DomainError, formatInstant, validationFailed } from '#common';
import { RequestStep, type ServiceRequest, readCommitted } from '#database';
import type { Actor } from '#identity';
import { JOINT_LEGAL_EXTENSION_WORKING_DAYS, SlaService } from '#sla';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ItemVersions } from './item-versions.js';
import { RequestChanges } from './request-changes.js';
import { REQUEST_ID } from './request-scope.js';
import { illegalRequest, moveRequest, moveStep, newChange } from './request-transitions.js';
import type { RequestView } from './request-views.js';
import type { ExtensionInput, SpecialProcedureInput } from './requests.types.js';
import { activateReady, departmentStep } from './step-decisions.js';

/** 特别程序 runs on an active step only: the 409 for any other. */
const procedureOnInactiveStep = (request: ServiceRequest, step: RequestStep) =>
  new DomainError(
    'IllegalTransition',
    `step ${step.stepKey} of request ${request.number} is ${step.status}: a special procedure runs only on an active step`,
    { state: step.status },
  );

/** A special procedure ends within a year of its start. */
const PROCEDURE_MAX_MS = 366 * 86_400_000;

/**
 * What the law says about a request's time: 延期 (an extension, once), 特别程序 (a step's clock
 * stops for a hearing, testing or expert review, and counts on from its end) and the deemed
 * acceptance of an application not decided within the intake limit. The worker calls the last
 * two when their time comes.
 */
@Injectable()
export class TimeLimits {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: RequestChanges,
    private readonly audit: AuditWriter,
    private readonly sla: SlaService,
    private readonly clock: Clock,
    private readonly versions: ItemVersions,
  ) {}

  /**
   * 延期 (行政许可法 Art. 42): once per request, a manager gives its clock up to ten working days more.
   * A joint item's (联合办理) request has its legal limit of 45 working days extended by 15 at once:
   * its one legal extension, so a second is refused like any second extension.
   */
  extend(actor: Actor, id: string, input: ExtensionInput, key?: string): Promise<RequestView> {
    return this.changes.run({ actor, id, path: 'extensions', input, key }, async ({ request }, change, manager) => {
      const granted = (await manager.query('SELECT request_id FROM request_extensions WHERE request_id = ?', [
        request.id,
      ])) as unknown[];
      if (granted.length > 0) {
        throw new DomainError('IllegalTransition', `request ${request.number} was already extended: once per request`, {
          state: request.status,
        });
      }
      const joint = (await this.versions.byId(request.itemVersionId, manager)).joint;
      const legalWorkingDays = joint ? JOINT_LEGAL_EXTENSION_WORKING_DAYS : null;
      moveRequest(request, 'extend', change, {
        workingDays: input.workingDays,
        reason: input.reason,
        ...(legalWorkingDays ? { legalWorkingDays } : {}),
      });
      const moved = await this.sla.extend(manager, String(request.id), input.workingDays, legalWorkingDays);
      if (!moved) throw illegalRequest(request, 'extend');
      await manager.query(
        `INSERT INTO request_extensions (request_id, working_days, legal_working_days, reason, granted_by, granted_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [request.id, input.workingDays, legalWorkingDays, input.reason, actor.id, change.now],
      );
    });
  }

  /** 特别程序: a step's clock, and the request's, stop until `endsAt` (hearing, testing, expert review…). */
  startSpecialProcedure(
    actor: Actor,
    id: string,
    stepKey: string,
    input: SpecialProcedureInput,
    key?: string,
  ): Promise<RequestView> {
    return this.changes.run(
      { actor, id, path: `steps/${stepKey}/special-procedures`, input, key },
      async ({ request, steps }, change, manager) => {
        const step = departmentStep(actor, request, steps, stepKey);
        if (request.status !== 'in_progress') throw illegalRequest(request, 'approve_step');
        if (step.status !== 'active') throw procedureOnInactiveStep(request, step);
        const endsAt = new Date(input.endsAt);
        if (!(endsAt > change.now)) throw validationFailed('endsAt must be in the future');
        if (endsAt.getTime() - change.now.getTime() > PROCEDURE_MAX_MS) {
          throw validationFailed('endsAt must be within a year');
        }
        const ongoing = (await manager.query(
          'SELECT id FROM special_procedures WHERE request_id = ? AND step_key = ? AND ended_at IS NULL',
          [request.id, stepKey],
        )) as unknown[];
        if (ongoing.length > 0) {
          throw new DomainError('IllegalTransition', `step ${stepKey} is already in a special procedure`, {
            state: 'special_procedure',
          });
        }
        const inserted = (await manager.query(
          `INSERT INTO special_procedures (request_id, step_key, reason, started_at, ends_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?)`,
          [request.id, stepKey, input.reason, change.now, endsAt, actor.id],
        )) as { insertId: number | string };
        moveStep(request, step, 'request_supplement', change, {
          specialProcedure: input.reason,
          endsAt: formatInstant(endsAt),
        });
        change.audits[change.audits.length - 1].action = 'step.special-procedure-started';
        change.events.push({ type: 'sla.procedure-started', data: { procedureId: String(inserted.insertId) } });
      },
    );
  }

  /**
   * 特别程序 ended early by the approver who started it (the hearing or the review came back before
   * its planned end): the step's clock, and the request's, count on from now with the working time
   * they had left. Another approver of the step's department is refused (403); the timer of the
   * planned end then finds it ended and does nothing.
   */
  endSpecialProcedureEarly(actor: Actor, id: string, stepKey: string, key?: string): Promise<RequestView> {
    return this.changes.run(
      { actor, id, path: `steps/${stepKey}/special-procedures/end`, input: {}, key },
      async ({ request, steps }, change, manager) => {
        const step = departmentStep(actor, request, steps, stepKey);
        const [procedure] = (await manager.query(
          `SELECT id, ends_at, created_by FROM special_procedures
            WHERE request_id = ? AND step_key = ? AND ended_at IS NULL FOR UPDATE`,
          [request.id, stepKey],
        )) as { id: string | number; ends_at: Date; created_by: string | number }[];
        if (!procedure) {
          throw new DomainError('IllegalTransition', `step ${stepKey} is not in a special procedure`, {
            state: step.status,
          });
        }
        if (String(procedure.created_by) !== actor.id) {
          throw new DomainError(
            'Forbidden',
            'only the approver who started a special procedure may end it before its planned end',
          );
        }
        if (request.status !== 'in_progress') throw illegalRequest(request, 'approve_step');
        if (step.status !== 'active') throw procedureOnInactiveStep(request, step);
        await manager.query('UPDATE special_procedures SET ended_at = ?, ended_by = ? WHERE id = ?', [
          change.now,
          actor.id,
          procedure.id,
        ]);
        moveStep(request, step, 'request_supplement', change, {
          procedureId: String(procedure.id),
          endedAt: formatInstant(change.now),
          plannedEndsAt: formatInstant(procedure.ends_at),
          early: true,
        });
        change.audits[change.audits.length - 1].action = 'step.special-procedure-ended';
      },
    );
  }

  /**
   * A special procedure reached its end (the worker's timer or reconciliation): the clocks count
   * again from its end, however late the timer runs. Does nothing for one ended already or not due.
   */
  async endSpecialProcedure(procedureId: string): Promise<boolean> {
    if (!REQUEST_ID.test(procedureId)) return false;
    return readCommitted(this.dataSource, async (manager) => {
      const [peek] = (await manager.query('SELECT request_id FROM special_procedures WHERE id = ?', [procedureId])) as {
        request_id: string | number;
      }[];
      if (!peek) return false;
      const request = await this.changes.lock(manager, String(peek.request_id));
      const [procedure] = (await manager.query(
        'SELECT step_key, ends_at, ended_at FROM special_procedures WHERE id = ? FOR UPDATE',
        [procedureId],
      )) as { step_key: string; ends_at: Date; ended_at: Date | null }[];
      if (!request || procedure.ended_at || procedure.ends_at > this.clock.now()) return false;
      const at = procedure.ends_at;
      await manager.query('UPDATE special_procedures SET ended_at = ? WHERE id = ?', [at, procedureId]);
      await this.audit.append(manager, {
        subjectType: 'request',
        subjectId: String(request.id),
        action: 'step.special-procedure-ended',
        actor: null,
        payload: { stepKey: procedure.step_key, procedureId, endedAt: formatInstant(at) },
      });
      const steps = await manager.find(RequestStep, { where: { requestId: request.id } });
      await this.changes.syncClocks(manager, request, steps, at);
      return true;
    });
  }

  /** Special procedures past their end and not ended yet, and those still running with their ends. */
  async specialProcedures(): Promise<{ due: string[]; running: { id: string; endsAt: Date }[] }> {
    const rows = (await this.dataSource.query(
      'SELECT id, ends_at FROM special_procedures WHERE ended_at IS NULL ORDER BY ends_at',
    )) as { id: string | number; ends_at: Date }[];
    const now = this.clock.now();
    return {
      due: rows.filter((r) => r.ends_at <= now).map((r) => String(r.id)),
      running: rows.filter((r) => r.ends_at > now).map((r) => ({ id: String(r.id), endsAt: r.ends_at })),
    };
  }

  /**
   * 行政许可法 Art. 32: an application neither accepted, refused nor sent back for materials within
   * the intake limit is deemed accepted, and counts as accepted from the day its materials were
   * received: the request clock starts back at the submission (the days the hall let pass count
   * against the promise), less the working time the request waited for the applicant's materials
   * at intake; the steps activated now start their clocks now. Called when the intake clock's
   * overdue is recorded; does nothing for a request decided meanwhile or whose intake clock is not
   * overdue.
   */
  async deemAccepted(requestId: string): Promise<boolean> {
    if (!REQUEST_ID.test(requestId)) return false;
    return readCommitted(this.dataSource, async (manager) => {
      const request = await this.changes.lock(manager, requestId);
      if (!request || request.status !== 'submitted') return false;
      const intakes = (await this.sla.clocksOf(manager, [requestId])).filter((c) => c.kind === 'intake');
      const intake = intakes.at(-1);
      const now = this.clock.now();
      if (!intake || intake.stoppedAt || (!intake.overdueAt && now < intake.dueAt)) return false;
      const steps = await manager.find(RequestStep, { where: { requestId: request.id }, order: { position: 'ASC' } });
      const change = newChange(now, null);
      const receivedAt = request.submittedAt;
      const waitedMs = await this.sla.intakeWaitMs(intakes);
      moveRequest(request, 'accept', change, {
        deemed: true,
        rule: '行政许可法 Art. 32: not decided within the intake limit; accepted from the receipt of the materials',
        intakeDueAt: formatInstant(intake.dueAt),
        receivedAt: formatInstant(receivedAt),
        waitedForSupplementMinutes: Math.round(waitedMs / 60_000),
      });
      request.acceptedAt = now;
      change.requestClockFrom = { at: receivedAt, pausedMs: waitedMs };
      activateReady(request, steps, change);
      await this.changes.write(manager, { request, steps }, change);
      return true;
    });
  }
}
