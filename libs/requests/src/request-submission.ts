import { formProblems, topologicalOrder } from '#catalogue';
import { Clock, DomainError, notFound, retryOnDeadlock, validationFailed } from '#common';
import { normaliseUscc, usccProblemMessage } from '#companies';
import {
  type ChecklistEntrySnapshot,
  type ItemStepSnapshot,
  type ItemVersion,
  RequestStep,
  ServiceRequest,
  type SubmittedMaterial,
} from '#database';
import { FilesService } from '#files';
import type { Actor } from '#identity';
import { type LicenceView, LicencesService, standInOf } from '#licences';
import { LiveBus } from '#live';
import { type ClockTimes, INTAKE_LIMIT, type SlaClock, SlaService } from '#sla';
import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type IdempotencyContext, idempotencyContextOf, IdempotencyStore } from './idempotency.js';
import { IntakeWriter, type SubmissionRows } from './intake-writer.js';
import { ItemVersions } from './item-versions.js';
import { filesOf } from './applicant-actions.js';
import { liveMessagesOf } from './live-notices.js';
import { checkSubmittedMaterials } from './material-checks.js';
import { slaViews } from './request-details.js';
import { allocateRequestNumber } from './request-number.js';
import { type RequestSla, type RequestView, toRequestView } from './request-views.js';
import type { NewRequest } from './requests.types.js';

/** The request's steps, copied from its version in topological order, all waiting. */
function stepsOf(requestId: string, snapshot: readonly ItemStepSnapshot[]): RequestStep[] {
  const byKey = new Map(snapshot.map((step) => [step.key, step]));
  return topologicalOrder(snapshot).map((key, position) => {
    const step = byKey.get(key)!;
    return Object.assign(new RequestStep(), {
      requestId,
      stepKey: step.key,
      position,
      matterCode: step.matterCode,
      matterName: step.matterName,
      departmentCode: step.departmentCode,
      dependsOn: [...step.dependsOn],
      status: 'waiting' as const,
      activatedAt: null,
      decidedAt: null,
      decidedBy: null,
      decisionNote: null,
      outputKind: step.output.kind,
      outputName: step.output.name,
      outputNumber: null,
      issuedAt: null,
    });
  });
}

/**
 * 申请: an applicant applies once for an item, for their own company; a clerk for a company (代办).
 * The request starts on the item's latest published version with every material of its checklist
 * (一次告知), takes the day's number and starts its intake clock (行政许可法 Art. 32).
 */
@Injectable()
export class RequestSubmission {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly intake: IntakeWriter,
    private readonly versions: ItemVersions,
    private readonly sla: SlaService,
    private readonly clock: Clock,
    private readonly files: FilesService,
    private readonly licences: LicencesService,
    @Optional() private readonly live?: LiveBus,
  ) {}

  async submit(actor: Actor, input: NewRequest, idempotencyKey?: string): Promise<RequestView> {
    const companyUscc = await this.companyOf(actor, input.onBehalfOf);
    const context = idempotencyContextOf(actor.id, idempotencyKey, 'POST /requests', input);
    if (context) {
      // Checked before a number is taken, so a replay leaves no gap in the day's numbers.
      const replay = await this.idempotency.find<RequestView>(context);
      if (replay) return replay.response;
    }

    // The item's latest version as last read: the write checks it still is (IntakeWriter). When
    // anything fails on it, it is read again, and if a newer one was published (or the item withdrawn)
    // meanwhile, the submission is made once more on that one; so no 400 comes from a superseded version.
    const version = await this.versions.latestPublished(input.itemCode, { remembered: true });
    try {
      return await this.submitOn(actor, input, companyUscc, context, version);
    } catch (error) {
      if (!(await this.versions.superseded(input.itemCode, String(version.id)))) throw error;
      const latest = await this.versions.latestPublished(input.itemCode);
      return this.submitOn(actor, input, companyUscc, context, latest);
    }
  }

  /** The submission on this version of the item. */
  private async submitOn(
    actor: Actor,
    input: NewRequest,
    companyUscc: string,
    context: IdempotencyContext | undefined,
    version: ItemVersion,
  ): Promise<RequestView> {
    const formFaults = formProblems(version.formSchema, input.form);
    if (formFaults.length) throw validationFailed(formFaults);
    const materials = await this.withStandIns(companyUscc, version.checklist, input.materials);
    checkSubmittedMaterials(version, materials);
    // Materials handed in as uploaded files: checked before a number is taken, attached with the request.
    const files = filesOf(materials);
    if (files.length) await this.files.attach(this.dataSource.manager, actor, { id: null, companyUscc }, files);

    const { hallCode, takenInAt } = await this.hallOf(actor, version.itemCode);
    const now = this.clock.now();
    const intakeLimit = version.intakeLimit ?? INTAKE_LIMIT;
    const onBehalfOf = actor.role === 'clerk' ? companyUscc : null;
    const rows: SubmissionRows = {
      itemCode: version.itemCode,
      itemVersionId: String(version.id),
      itemVersion: Number(version.version),
      companyUscc,
      hallCode,
      takenInAt,
      form: input.form,
      materials,
      submittedBy: actor.id,
      onBehalfOf,
      submittedAt: now,
      steps: stepsOf('0', version.steps),
      actor: { id: actor.id, role: actor.role, username: actor.username },
      auditPayload: {
        itemCode: version.itemCode,
        itemVersion: Number(version.version),
        materials: materials.map((m) => m.code),
        ...(materials.some((m) => m.licence)
          ? {
              standIns: materials.flatMap((m) =>
                m.licence ? [{ code: m.code, licenceId: m.licence.id, number: m.licence.number }] : [],
              ),
            }
          : {}),
        ...(onBehalfOf ? { agency: '代办' } : {}),
        ...(takenInAt ? { takenInAt, handedTo: hallCode } : {}),
      },
    };
    const viewOf = (id: string, number: string, sla: RequestSla) =>
      toRequestView(
        Object.assign(new ServiceRequest(), {
          id,
          number,
          itemCode: rows.itemCode,
          itemVersionId: rows.itemVersionId,
          itemVersion: rows.itemVersion,
          companyUscc,
          hallCode: rows.hallCode,
          takenInAt,
          status: 'submitted' as const,
          form: input.form,
          materials,
          supplement: null,
          outcomeReason: null,
          submittedBy: actor.id,
          onBehalfOf,
          submittedAt: now,
          acceptedAt: null,
          completedAt: null,
          endedAt: null,
          updatedAt: now,
        }),
        rows.steps.map((step) => Object.assign(new RequestStep(), { ...step, requestId: id })),
        sla,
      );

    const clockOf = (id: string, requestId: string, times: ClockTimes): SlaClock => ({
      ...times,
      id,
      requestId,
      kind: 'intake',
      stepKey: null,
      calendarCode: version.calendarCode,
      limit: intakeLimit,
      warnShare: Number(version.warnShare),
      generation: 0,
      calendarRevision: this.sla.revisionOf(version.calendarCode),
    });

    if (!context && files.length === 0) {
      // The hot path: one round trip (IntakeWriter). A deadlock victim changed nothing: run it again.
      const warnShare = Number(version.warnShare);
      const times = await this.sla.times(version.calendarCode, now, intakeLimit, warnShare);
      rows.intakeClock = {
        calendarCode: version.calendarCode,
        calendarRevision: this.sla.revisionOf(version.calendarCode),
        limit: intakeLimit,
        warnShare,
        ...times,
      };
      const { id, number, clockId } = await retryOnDeadlock(() => this.intake.insert(rows));
      this.announce(id, rows, now);
      return viewOf(id, number, await slaViews(this.sla, [clockOf(clockId!, id, times)], now));
    }
    // With an Idempotency-Key the key commits with the request, through the idempotency store; with
    // files the request and its attachments commit together.
    const number = await allocateRequestNumber(this.dataSource, now);
    const write = async (manager: EntityManager) => {
      const id = await this.intake.insertWith(manager, rows, number);
      await this.files.attach(manager, actor, { id, companyUscc }, files);
      const clocks = await this.sla.sync(
        manager,
        id,
        { status: 'submitted', supplementStage: null, activeSteps: [] },
        () => this.versions.limitsOf(rows.itemVersionId, manager),
        now,
      );
      return viewOf(id, number, await slaViews(this.sla, clocks, now));
    };
    const view = await (context
      ? this.idempotency.run(context, write)
      : this.dataSource.transaction('REPEATABLE READ', write));
    this.announce(view.id, rows, now);
    return view;
  }

  /** Committed: the clerks of its hall (and the applicant's other sessions) hear of the new request now. */
  private announce(id: string, rows: SubmissionRows, now: Date): void {
    this.live?.publish(
      liveMessagesOf(
        { id, companyUscc: rows.companyUscc, hallCode: rows.hallCode },
        rows.steps,
        [{ type: 'request.submitted', data: { requestId: id } }],
        now,
      ),
    );
  }

  /**
   * 免提交: each checklist material the applicant left out that names a licence kind, covered by the
   * company's valid licence of that kind, recorded with the licence (number and verification code).
   * What the applicant handed in themselves is kept as it is.
   */
  private async withStandIns(
    companyUscc: string,
    checklist: readonly ChecklistEntrySnapshot[],
    given: readonly SubmittedMaterial[],
  ): Promise<SubmittedMaterial[]> {
    const handedIn = new Set(given.map((m) => m.code));
    const open = checklist.filter((entry) => entry.licenceKind && !handedIn.has(entry.code));
    if (open.length === 0) return [...given];
    const found = await this.licences.validByKind(this.dataSource.manager, companyUscc, [
      ...new Set(open.map((entry) => entry.licenceKind!)),
    ]);
    const standIns = open.flatMap((entry) => {
      const licence = found.get(entry.licenceKind!);
      return licence
        ? [{ code: entry.code, reference: `${licence.name} ${licence.number}`, licence: standInOf(licence) }]
        : [];
    });
    return [...given, ...standIns];
  }

  /**
   * 免提交, before applying: which materials of the item's checklist the company's valid licences
   * cover. An applicant asks for their own company; a clerk names one (代办).
   */
  async coverage(
    actor: Actor,
    itemCode: string,
    uscc: string | undefined,
  ): Promise<{
    itemCode: string;
    uscc: string;
    covered: { code: string; materialName: string; licence: LicenceView }[];
  }> {
    if (actor.role === 'clerk' && uscc === undefined) {
      throw validationFailed('a clerk asks for a company (代办): give uscc');
    }
    const companyUscc =
      actor.role === 'applicant' ? this.licences.holderFor(actor, uscc)! : await this.companyOf(actor, uscc);
    const version = await this.versions.latestPublished(itemCode);
    const open = version.checklist.filter((entry) => entry.licenceKind);
    const found = await this.licences.validByKind(this.dataSource.manager, companyUscc, [
      ...new Set(open.map((entry) => entry.licenceKind!)),
    ]);
    return {
      itemCode: version.itemCode,
      uscc: companyUscc,
      covered: open.flatMap((entry) => {
        const licence = found.get(entry.licenceKind!);
        return licence ? [{ code: entry.code, materialName: entry.name, licence: this.licences.view(licence) }] : [];
      }),
    };
  }

  /**
   * The hall a request is for: none online (the first hall's clerk to take it), else the clerk's.
   * A service point (N of 1+5+N) that does not accept the item itself (it is not among its
   * hall_items) takes the request in and hands it to its parent hall for acceptance: the request's
   * hall is the parent, and `takenInAt` keeps the point.
   */
  private async hallOf(actor: Actor, itemCode: string): Promise<{ hallCode: string | null; takenInAt: string | null }> {
    if (actor.role !== 'clerk' || !actor.hallCode) return { hallCode: null, takenInAt: null };
    const [hall] = (await this.dataSource.query(
      `SELECT h.level, h.parent_code,
              EXISTS (SELECT 1 FROM hall_items i WHERE i.hall_code = h.code AND i.item_code = ?) AS accepts
         FROM halls h WHERE h.code = ?`,
      [itemCode, actor.hallCode],
    )) as { level: string; parent_code: string | null; accepts: string | number }[];
    if (hall?.level === 'point' && hall.parent_code && Number(hall.accepts) === 0) {
      return { hallCode: hall.parent_code, takenInAt: actor.hallCode };
    }
    return { hallCode: actor.hallCode, takenInAt: null };
  }

  /**
   * An applicant submits for their own company; a clerk for the company named in onBehalfOf (代办).
   * A null onBehalfOf is no onBehalfOf, as for every optional field (validation lets null through).
   */
  private async companyOf(actor: Actor, onBehalfOf: string | null | undefined): Promise<string> {
    if (actor.role === 'applicant') {
      if (onBehalfOf != null) {
        throw new DomainError('Forbidden', 'onBehalfOf is for clerks only: an applicant submits for their own company');
      }
      return actor.companyUscc!;
    }
    if (actor.role !== 'clerk') throw new DomainError('Forbidden', 'only applicants and clerks submit requests');
    if (onBehalfOf == null) {
      throw validationFailed(
        'onBehalfOf is required: a clerk submits on behalf of a company (代办), named by its USCC',
      );
    }
    const uscc = normaliseUscc(onBehalfOf);
    const problem = usccProblemMessage(uscc);
    if (problem) throw validationFailed(`onBehalfOf: ${problem}`);
    const rows = (await this.dataSource.query('SELECT 1 AS found FROM companies WHERE uscc = ?', [uscc])) as unknown[];
    if (rows.length === 0) throw notFound(`company ${uscc}`);
    return uscc;
  }
}
