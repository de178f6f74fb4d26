import {
  Clock,
  decodeCursor,
  formatInstant,
  DEFAULT_PAGE_LIMIT,
  encodeCursor,
  type Language,
  type Page,
} from '#common';
import { Notification, User } from '#database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface NotificationView {
  id: string;
  kind: string;
  message: string;
  createdAt: string;
}

export type RequestEventType =
  | 'request.submitted'
  | 'request.accepted'
  | 'request.refused'
  | 'request.supplement-requested'
  | 'request.supplied'
  | 'request.withdrawn'
  | 'request.denied'
  | 'request.completed'
  | 'request.extended'
  | 'step.activated'
  | 'step.approved'
  | 'step.denied';

export type FollowUpEventType = 'follow-up.opened' | 'follow-up.verified' | 'follow-up.rectified' | 'follow-up.closed';

/** A request or step event to tell its people of (NotificationsService.notifyRequestEvents). */
export interface RequestNotice {
  eventId: string;
  type: RequestEventType;
  requestId: string;
  stepKey?: string;
}

/** One event's message and who hears it: a company's applicants or a department's approvers. */
interface Notice {
  eventId: string;
  kind: string;
  message: string;
  messageZh: string;
  to: { role: 'applicant'; companyUscc: string } | { role: 'approver'; departmentCode: string };
}

/** Who a notice is for, as one text: the people read for a batch are grouped by it. */
const audienceKey = (to: Notice['to']) =>
  to.role === 'applicant' ? `applicant/${to.companyUscc}` : `approver/${to.departmentCode}`;

/** A notification holds 500 characters (code points, as MySQL counts them); a longer one is cut with an ellipsis. */
const NOTIFICATION_MAX_CHARS = 500;
function fitMessage(message: string): string {
  const chars = [...message];
  return chars.length <= NOTIFICATION_MAX_CHARS ? message : `${chars.slice(0, NOTIFICATION_MAX_CHARS - 1).join('')}…`;
}

/** What an applicant is told of each turn of their request; step decisions reach them with the request's end. */
const APPLICANT_MESSAGES: Partial<Record<RequestEventType, string>> = {
  'request.submitted': 'your application was received.',
  'request.accepted': 'your application was accepted (受理); the departments are working on it.',
  'request.refused': 'your application was not accepted (不予受理); see the reason in the request.',
  'request.supplement-requested': 'materials are needed (补正); see the request for what and why.',
  'request.supplied': 'your supplement was received.',
  'request.withdrawn': 'your application was withdrawn.',
  'request.denied': 'your application was denied; see the reason in the request.',
  'request.completed': 'approved: every licence and certificate is issued (办结).',
  'request.extended': 'the time limit was extended (延期); see the request for how long and why.',
};

/** The same, in Chinese: what the applicant reads by default. */
const APPLICANT_MESSAGES_ZH: Partial<Record<RequestEventType, string>> = {
  'request.submitted': '您的申请已收到。',
  'request.accepted': '您的申请已受理，各部门正在并联办理。',
  'request.refused': '您的申请不予受理，理由请查看办件详情。',
  'request.supplement-requested': '需要补正材料，请查看办件详情中的补正告知。',
  'request.supplied': '您的补正材料已收到。',
  'request.withdrawn': '您的申请已撤回。',
  'request.denied': '您的申请不予许可，理由请查看办件详情。',
  'request.completed': '已办结：全部证照已同时发放（证照同发）。',
  'request.extended': '办理时限已延期，延长的时间和理由请查看办件详情。',
};

/** What an SLA notification names for a clock that is not a step's (a step's names its matter). */
const CLOCK_SUBJECTS: Record<string, { en: string; zh: string }> = {
  intake: { en: 'intake', zh: '受理' },
  'follow-up': { en: 'the follow-up of a poor evaluation (整改)', zh: '差评整改' },
  request: { en: 'the request', zh: '办件' },
};

const ROLE_ZH: Record<string, string> = {
  applicant: '申请人',
  clerk: '综合窗口人员',
  approver: '部门审批人员',
  manager: '管理人员',
  admin: '系统管理员',
};

/** Who is told: a condition on the users `u`, with its parameters. */
interface Audience {
  where: string;
  params: unknown[];
}

/**
 * The managers a follow-up (整改) is assigned to: those of the request's hall; for a request no hall
 * took (deemed accepted online), the zone-wide managers (no hall), who answer for every hall.
 */
function hallManagers(hallCode: string | null): Audience {
  // A manager bound to a department answers for that department's steps, not for a hall's service.
  return hallCode === null
    ? { where: "u.role = 'manager' AND u.hall_code IS NULL AND u.department_code IS NULL", params: [] }
    : { where: "u.role = 'manager' AND u.hall_code = ?", params: [hallCode] };
}

/** The managers who answer for a request's step: the zone's, the request's hall's and the step's department's. */
function answeringManagers(hallCode: string | null, departmentCode: string | null): Audience {
  return {
    where: `u.role = 'manager' AND ((u.hall_code IS NULL AND u.department_code IS NULL)
              OR u.hall_code = ? OR u.department_code = ?)`,
    params: [hallCode, departmentCode],
  };
}

/** A company's applicants: they hear of every turn of its requests. */
function companyApplicants(uscc: string): Audience {
  return { where: "u.role = 'applicant' AND u.company_uscc = ?", params: [uscc] };
}

/** A department's approvers: they hear of each step that becomes theirs. */
function departmentApprovers(departmentCode: string | null): Audience {
  return { where: "u.role = 'approver' AND u.department_code = ?", params: [departmentCode] };
}

@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Handles `user.created`: a welcome in the new user's inbox. Replays of the same event add nothing. */
  async welcomeUser(eventId: string, userId: string): Promise<void> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id: userId });
    if (!user) return;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Notification)
      .orIgnore()
      .values({
        userId,
        eventId,
        kind: 'user.created',
        message: `Welcome, ${user.username}: your ${user.role} account is ready.`,
        messageZh: `欢迎，${user.username}：您的${ROLE_ZH[user.role] ?? user.role}账号已开通。`,
        createdAt: this.clock.now(),
      })
      .execute();
  }

  /**
   * Handles request and step events: the company's applicants hear of every turn of their
   * request, the department's approvers of each step that becomes theirs. Replays add nothing
   * (one notification per event and user).
   */
  async notifyRequestEvent(
    eventId: string,
    type: RequestEventType,
    requestId: string,
    stepKey?: string,
  ): Promise<void> {
    await this.notifyRequestEvents([{ eventId, type, requestId, stepKey }]);
  }

  /**
   * The same for many events at once (the outbox relay's batch): one read of their requests, one of
   * their activated steps, one of the people to tell, and one insert, inside the caller's
   * transaction when `manager` is given. Returns how many notifications were written.
   */
  async notifyRequestEvents(events: readonly RequestNotice[], manager?: EntityManager): Promise<number> {
    const db = manager ?? this.dataSource.manager;
    const wanted = events.filter((e) => /^[1-9]\d{0,18}$/.test(e.requestId));
    if (wanted.length === 0) return 0;
    const requestIds = [...new Set(wanted.map((e) => e.requestId))];
    const requests = new Map(
      (
        (await db.query(
          `SELECT id, number, company_uscc FROM service_requests WHERE id IN (${requestIds.map(() => '?').join(', ')})`,
          requestIds,
        )) as { id: string | number; number: string; company_uscc: string }[]
      ).map((r) => [String(r.id), r]),
    );
    const activated = wanted.filter((e) => e.type === 'step.activated');
    const steps = new Map(
      activated.length === 0
        ? []
        : (
            (await db.query(
              `SELECT request_id, step_key, matter_name, department_code FROM request_steps
                WHERE (request_id, step_key) IN (${activated.map(() => '(?, ?)').join(', ')})`,
              activated.flatMap((e) => [e.requestId, e.stepKey ?? '']),
            )) as { request_id: string | number; step_key: string; matter_name: string; department_code: string }[]
          ).map((s) => [`${s.request_id}/${s.step_key}`, s]),
    );
    const notices: Notice[] = [];
    for (const event of wanted) {
      const request = requests.get(event.requestId);
      if (!request) continue;
      if (event.type === 'step.activated') {
        const step = steps.get(`${event.requestId}/${event.stepKey ?? ''}`);
        if (!step) continue;
        notices.push({
          eventId: event.eventId,
          kind: event.type,
          message: `${request.number}: ${step.matter_name} is waiting for your department.`,
          messageZh: fitMessage(`${request.number}：${step.matter_name}待您的部门办理。`),
          to: { role: 'approver', departmentCode: step.department_code },
        });
        continue;
      }
      const message = APPLICANT_MESSAGES[event.type];
      if (!message) continue;
      notices.push({
        eventId: event.eventId,
        kind: event.type,
        message: `${request.number}: ${message}`,
        messageZh: `${request.number}：${APPLICANT_MESSAGES_ZH[event.type]}`,
        to: { role: 'applicant', companyUscc: request.company_uscc },
      });
    }
    return this.notifyMany(db, notices, this.clock.now());
  }

  /**
   * Handles follow-up events (整改): an opened follow-up reaches the managers of the request's hall
   * (hallManagers), its closing reaches the company's applicants with the manager's feedback.
   * Verifying and rectifying are recorded in the timeline and tell no one. Replays add nothing.
   */
  async notifyFollowUp(eventId: string, type: FollowUpEventType, requestId: string, followUpId: string): Promise<void> {
    if (type === 'follow-up.verified' || type === 'follow-up.rectified') return;
    const rows = (await this.dataSource.query(
      `SELECT r.number, r.company_uscc, f.hall_code, f.feedback, e.score
         FROM follow_ups f JOIN service_requests r ON r.id = f.request_id JOIN evaluations e ON e.id = f.evaluation_id
        WHERE f.id = ? AND f.request_id = ?`,
      [followUpId, requestId],
    )) as { number: string; company_uscc: string; hall_code: string | null; feedback: string | null; score: number }[];
    const followUp = rows[0];
    if (!followUp) return;
    const now = this.clock.now();
    if (type === 'follow-up.opened') {
      const audience = hallManagers(followUp.hall_code);
      await this.notify(
        eventId,
        type,
        `${followUp.number}: rated ${followUp.score} of 5 by the applicant; a follow-up (整改) is open for your hall.`,
        `${followUp.number}：申请人评价 ${followUp.score} 分（满分 5 分），已为您的大厅发起整改。`,
        audience,
        now,
      );
      return;
    }
    if (followUp.feedback === null) return;
    await this.notify(
      eventId,
      type,
      fitMessage(`${followUp.number}: the follow-up of your evaluation (整改反馈): ${followUp.feedback}`),
      fitMessage(`${followUp.number}：您的评价的整改反馈：${followUp.feedback}`),
      companyApplicants(followUp.company_uscc),
      now,
    );
  }

  /**
   * Handles sla.warning and sla.overdue: a step's clock reaches its department's approvers, the
   * request's and intake clocks the clerks of its hall. A legal breach (sla.legal-breach) reaches the
   * managers who answer for the request: the zone's, its hall's and the step's department's.
   * Replays add nothing.
   */
  async notifySla(
    eventId: string,
    type: 'sla.warning' | 'sla.overdue' | 'sla.legal-breach',
    clockId: string,
    requestId: string,
  ): Promise<void> {
    const rows = (await this.dataSource.query(
      `SELECT r.number, r.hall_code, c.kind, c.step_key, s.department_code, s.matter_name
         FROM sla_clocks c JOIN service_requests r ON r.id = c.request_id
         LEFT JOIN request_steps s ON s.request_id = c.request_id AND s.step_key = c.step_key
        WHERE c.id = ? AND c.request_id = ?`,
      [clockId, requestId],
    )) as {
      number: string;
      hall_code: string | null;
      kind: string;
      step_key: string | null;
      department_code: string | null;
      matter_name: string | null;
    }[];
    const clock = rows[0];
    if (!clock) return;
    const what = {
      'sla.warning': 'is close to its promised time (预警)',
      'sla.overdue': 'is past its promised time (超期)',
      'sla.legal-breach': 'is past its legal time limit (超过法定时限)',
    }[type];
    const whatZh = {
      'sla.warning': '即将到达承诺时限（预警）',
      'sla.overdue': '已超过承诺时限（超期）',
      'sla.legal-breach': '已超过法定时限',
    }[type];
    const { en: subject, zh: subjectZh } =
      clock.kind === 'step'
        ? { en: `${clock.matter_name}`, zh: `${clock.matter_name}` }
        : (CLOCK_SUBJECTS[clock.kind] ?? CLOCK_SUBJECTS.request);
    // Those who can act on the clock: a step's department; a follow-up, the managers of the hall; for
    // intake and the request, the clerks of its hall (every clerk while no hall has taken it), as the
    // hall answers for the whole request.
    const audience =
      type === 'sla.legal-breach'
        ? answeringManagers(clock.hall_code, clock.department_code)
        : clock.kind === 'step'
          ? departmentApprovers(clock.department_code)
          : clock.kind === 'follow-up'
            ? hallManagers(clock.hall_code)
            : {
                where: "u.role = 'clerk' AND (? IS NULL OR u.hall_code = ?)",
                params: [clock.hall_code, clock.hall_code],
              };
    await this.notify(
      eventId,
      type,
      `${clock.number}: ${subject} ${what}.`,
      fitMessage(`${clock.number}：${subjectZh}${whatZh}。`),
      audience,
      this.clock.now(),
    );
  }

  /** 电子证照: the holder's applicants hear that the issuing department revoked a licence, and why. */
  async notifyLicenceRevoked(eventId: string, licenceId: string): Promise<void> {
    const [licence] = (await this.dataSource.query(
      'SELECT name, number, holder_uscc, revoke_reason FROM licences WHERE id = ? AND revoked_at IS NOT NULL',
      [licenceId],
    )) as { name: string; number: string; holder_uscc: string; revoke_reason: string | null }[];
    if (!licence) return;
    const reason = licence.revoke_reason ?? '';
    await this.notify(
      eventId,
      'licence.revoked',
      fitMessage(`Your licence ${licence.name} ${licence.number} was revoked: ${reason}`),
      fitMessage(`您的${licence.name}（编号 ${licence.number}）已被撤销：${reason}`),
      companyApplicants(licence.holder_uscc),
      this.clock.now(),
    );
  }

  /** One notification per user of the audience, in English and Chinese; a replayed event adds nothing. */
  private async notify(
    eventId: string,
    kind: string,
    message: string,
    messageZh: string,
    audience: Audience,
    createdAt: Date,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT IGNORE INTO notifications (user_id, event_id, kind, message, message_zh, created_at)
       SELECT u.id, ?, ?, ?, ?, ? FROM users u WHERE ${audience.where}`,
      [eventId, kind, message, messageZh, createdAt, ...audience.params],
    );
  }

  /**
   * Each notice to each of its people (a company's applicants, a department's approvers), read in one
   * query and written in one insert per 500 rows; a replayed event adds nothing.
   */
  private async notifyMany(db: EntityManager, notices: readonly Notice[], createdAt: Date): Promise<number> {
    if (notices.length === 0) return 0;
    const companies = [...new Set(notices.flatMap((n) => (n.to.role === 'applicant' ? [n.to.companyUscc] : [])))];
    const departments = [...new Set(notices.flatMap((n) => (n.to.role === 'approver' ? [n.to.departmentCode] : [])))];
    const conditions = [
      ...(companies.length
        ? [`(u.role = 'applicant' AND u.company_uscc IN (${companies.map(() => '?').join(', ')}))`]
        : []),
      ...(departments.length
        ? [`(u.role = 'approver' AND u.department_code IN (${departments.map(() => '?').join(', ')}))`]
        : []),
    ];
    const users = (await db.query(
      `SELECT u.id, u.role, u.company_uscc, u.department_code FROM users u WHERE ${conditions.join(' OR ')}`,
      [...companies, ...departments],
    )) as { id: string | number; role: string; company_uscc: string | null; department_code: string | null }[];
    const audience = new Map<string, string[]>();
    for (const u of users) {
      const key = audienceKey(
        u.role === 'applicant'
          ? { role: 'applicant', companyUscc: u.company_uscc ?? '' }
          : { role: 'approver', departmentCode: u.department_code ?? '' },
      );
      audience.set(key, [...(audience.get(key) ?? []), String(u.id)]);
    }
    const rows = notices.flatMap((n) =>
      (audience.get(audienceKey(n.to)) ?? []).map((userId) => [
        userId,
        n.eventId,
        n.kind,
        n.message,
        n.messageZh,
        createdAt,
      ]),
    );
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await db.query(
        `INSERT IGNORE INTO notifications (user_id, event_id, kind, message, message_zh, created_at)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flat(),
      );
    }
    return rows.length;
  }

  /** The user's own inbox, newest first, in the reader's language (Chinese unless English is asked for). */
  async list(
    userId: string,
    limit = DEFAULT_PAGE_LIMIT,
    cursor?: string,
    language: Language = 'zh-CN',
  ): Promise<Page<NotificationView>> {
    const before = decodeCursor(cursor);
    const query = this.dataSource
      .getRepository(Notification)
      .createQueryBuilder('n')
      .where('n.user_id = :userId', { userId })
      .orderBy('n.id', 'DESC')
      .limit(limit + 1);
    if (before) query.andWhere('n.id < :before', { before });
    const rows = await query.getMany();
    const items = rows.slice(0, limit).map((n) => ({
      id: n.id,
      kind: n.kind,
      message: language === 'en' ? n.message : (n.messageZh ?? n.message),
      createdAt: formatInstant(n.createdAt),
    }));
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
  }
}
