import { Clock, decodeCursor, formatInstant, DEFAULT_PAGE_LIMIT, encodeCursor, type Page } from '#common';
import { Notification, User } from '#database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

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

/**
 * The managers a follow-up (整改) is assigned to: those of the request's hall; for a request no hall
 * took (deemed accepted online), the zone-wide managers (no hall), who answer for every hall.
 */
function hallManagers(hallCode: string | null): { where: string; params: unknown[] } {
  return hallCode === null
    ? { where: "u.role = 'manager' AND u.hall_code IS NULL", params: [] }
    : { where: "u.role = 'manager' AND u.hall_code = ?", params: [hallCode] };
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
    const rows = (await this.dataSource.query('SELECT number, company_uscc FROM service_requests WHERE id = ?', [
      requestId,
    ])) as { number: string; company_uscc: string }[];
    const request = rows[0];
    if (!request) return;
    const now = this.clock.now();
    if (type === 'step.activated') {
      const steps = (await this.dataSource.query(
        'SELECT matter_name, department_code, status FROM request_steps WHERE request_id = ? AND step_key = ?',
        [requestId, stepKey ?? ''],
      )) as { matter_name: string; department_code: string; status: string }[];
      const step = steps[0];
      if (!step) return;
      await this.dataSource.query(
        `INSERT IGNORE INTO notifications (user_id, event_id, kind, message, created_at)
         SELECT u.id, ?, ?, ?, ? FROM users u WHERE u.role = 'approver' AND u.department_code = ?`,
        [
          eventId,
          type,
          `${request.number}: ${step.matter_name} is waiting for your department.`,
          now,
          step.department_code,
        ],
      );
      return;
    }
    const message = APPLICANT_MESSAGES[type];
    if (!message) return;
    await this.dataSource.query(
      `INSERT IGNORE INTO notifications (user_id, event_id, kind, message, created_at)
       SELECT u.id, ?, ?, ?, ? FROM users u WHERE u.role = 'applicant' AND u.company_uscc = ?`,
      [eventId, type, `${request.number}: ${message}`, now, request.company_uscc],
    );
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
      await this.dataSource.query(
        `INSERT IGNORE INTO notifications (user_id, event_id, kind, message, created_at)
         SELECT u.id, ?, ?, ?, ? FROM users u WHERE ${audience.where}`,
        [
          eventId,
          type,
          `${followUp.number}: rated ${followUp.score} of 5 by the applicant; a follow-up (整改) is open for your hall.`,
          now,
          ...audience.params,
        ],
      );
      return;
    }
    if (followUp.feedback === null) return;
    await this.dataSource.query(
      `INSERT IGNORE INTO notifications (user_id, event_id, kind, message, created_at)
       SELECT u.id, ?, ?, ?, ? FROM users u WHERE u.role = 'applicant' AND u.company_uscc = ?`,
      [
        eventId,
        type,
        fitMessage(`${followUp.number}: the follow-up of your evaluation (整改反馈): ${followUp.feedback}`),
        now,
        followUp.company_uscc,
      ],
    );
  }

  /**
   * Handles sla.warning and sla.overdue: a step's clock reaches its department's approvers, the
   * request's and intake clocks the clerks of its hall. Replays add nothing.
   */
  async notifySla(
    eventId: string,
    type: 'sla.warning' | 'sla.overdue',
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
    const what = type === 'sla.warning' ? 'is close to its promised time (预警)' : 'is past its promised time (超期)';
    const subject =
      clock.kind === 'step'
        ? `${clock.matter_name}`
        : clock.kind === 'intake'
          ? 'intake'
          : clock.kind === 'follow-up'
            ? 'the follow-up of a poor evaluation (整改)'
            : 'the request';
    // Those who can act on the clock: a step's department; a follow-up, the managers of the hall; for
    // intake and the request, the clerks of its hall (every clerk while no hall has taken it), as the
    // hall answers for the whole request.
    const audience =
      clock.kind === 'step'
        ? { where: "u.role = 'approver' AND u.department_code = ?", params: [clock.department_code] }
        : clock.kind === 'follow-up'
          ? hallManagers(clock.hall_code)
          : {
              where: "u.role = 'clerk' AND (? IS NULL OR u.hall_code = ?)",
              params: [clock.hall_code, clock.hall_code],
            };
    await this.dataSource.query(
      `INSERT IGNORE INTO notifications (user_id, event_id, kind, message, created_at)
       SELECT u.id, ?, ?, ?, ? FROM users u WHERE ${audience.where}`,
      [eventId, type, `${clock.number}: ${subject} ${what}.`, this.clock.now(), ...audience.params],
    );
  }

  /** The user's own inbox, newest first. */
  async list(userId: string, limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<NotificationView>> {
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
      message: n.message,
      createdAt: formatInstant(n.createdAt),
    }));
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
  }
}
