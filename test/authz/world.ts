import type { INestApplication } from '@nestjs/common';
import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import request from 'supertest';
import { buildWorld, randomUscc, workingDays } from '../fixtures/world.js';
import { unique } from '../helpers.js';
import type { Caller, Names, ObjectKind, Params } from './matrix.js';

/** Which of the two tenants an object belongs to, in each dimension a role is scoped by. */
export type Side = 'A' | 'B';
export interface Owner {
  company: Side;
  hall: Side;
  department: Side;
}

/** B's users, who make and end B's objects, and a manager bound to no hall. */
type Helper = 'clerkB' | 'applicantB' | 'managerAll' | 'approverB';

const PASSWORD = 'matrix-pass-123';
const OPEN_STATUSES = ['submitted', 'supplement_required', 'in_progress'];
const MATERIAL = 'FORM';
/** The smallest file a material may be: a PDF's header and end. */
const SMALL_PDF = Buffer.from('%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\n%%EOF\n');

/** An item of the matrix on the `always` calendar. */
const itemOf = (code: string, steps: object[]) => ({
  code,
  name: `矩阵一件事 ${code}`,
  category: 'enterprise',
  calendarCode: 'always',
  promisedLimit: workingDays(10),
  steps,
});

/** The first Sunday of December 2099: no clock of any test runs that far. */
function farSunday(): string {
  const day = new Date(Date.UTC(2099, 11, 1));
  while (day.getUTCDay() !== 0) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/**
 * Two tenants, A and B, made through the API by the admin: a department, a hall and a company
 * each, a matter of each department, and two published items on the `always` calendar:
 * item A with a step `main` of department A and a parallel step `peer` of department B, item B
 * with one step `main` of department B. The callers are A's: an applicant of company A, a clerk
 * of hall A, an approver of department A, a manager of hall A, a manager of department A, and the
 * admin; B's clerk and
 * applicant only make and end B's objects.
 */
export class World {
  readonly names: Names;
  private readonly tokens = new Map<Caller | Helper, string>();
  private readonly u = unique().toUpperCase();
  private serial = 0;
  /** The app's server listening on a port of its own, for the streaming routes. */
  private listening: Promise<void> | undefined;
  private readonly codes: {
    department: Record<Side, string>;
    hall: Record<Side, string>;
    company: Record<Side, string>;
    matter: Record<Side, string>;
    item: Record<Side, string>;
  };

  constructor(private readonly app: INestApplication) {
    const c = (name: string) => `MX-${name}-${this.u}`;
    this.codes = {
      department: { A: c('DA'), B: c('DB') },
      hall: { A: c('HA'), B: c('HB') },
      company: { A: randomUscc(), B: randomUscc() },
      matter: { A: c('MA'), B: c('MB') },
      item: { A: c('IA'), B: c('IB') },
    };
    this.names = {
      password: PASSWORD,
      applicantUsername: this.username('applicant'),
      companyA: this.codes.company.A,
      departmentA: this.codes.department.A,
      hallA: this.codes.hall.A,
      matterA: this.codes.matter.A,
      itemA: this.codes.item.A,
      material: MATERIAL,
      fresh: (prefix) => `${prefix}-${this.u}-${++this.serial}`,
      freshUscc: () => randomUscc(),
      farSunday: farSunday(),
    };
  }

  get companies(): Readonly<Record<Side, string>> {
    return this.codes.company;
  }

  get halls(): Readonly<Record<Side, string>> {
    return this.codes.hall;
  }

  /** The caller's bearer token; none for anonymous. */
  token(caller: Caller | Helper): string | undefined {
    return caller === 'anonymous' ? undefined : this.tokens.get(caller);
  }

  /** An upload of a small PDF (multipart), as POST /files takes it, with the caller's token when there is one. */
  upload(path: string, token: string | undefined, query?: Record<string, string>) {
    const req = request(this.app.getHttpServer()).post(path);
    if (token) req.set('Authorization', `Bearer ${token}`);
    if (query) req.query(query);
    return req.attach('file', SMALL_PDF, 'form.pdf');
  }

  /** A file the clerk of the owner's hall uploads for the owner's company. */
  private async fileOf(owner: Owner): Promise<string> {
    const clerk = this.token(owner.hall === 'A' ? 'clerk' : 'clerkB');
    const res = await this.upload('/api/v1/files', clerk, { companyUscc: this.codes.company[owner.company] });
    if (res.status !== 201)
      throw new Error(`fixture upload: expected 201, got ${res.status} ${JSON.stringify(res.body)}`);
    return String(res.body.id);
  }

  /** One HTTP call, with the caller's token when there is one. */
  /** The status of a streaming route's answer (GET): the stream is closed as soon as its head arrives. */
  async streamStatus(path: string, token: string | undefined): Promise<number> {
    const server = this.app.getHttpServer() as Server;
    this.listening ??= server.listening
      ? Promise.resolve()
      : new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await this.listening;
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = get(
        { host: '127.0.0.1', port, path, headers: token ? { authorization: `Bearer ${token}` } : {} },
        (res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
          req.destroy();
        },
      );
      req.on('error', reject);
    });
  }

  call(method: string, path: string, token: string | undefined, body?: object, query?: Record<string, string>) {
    const http = request(this.app.getHttpServer());
    const req = (http as unknown as Record<string, (url: string) => request.Test>)[method.toLowerCase()](path);
    if (token) req.set('Authorization', `Bearer ${token}`);
    if (query) req.query(query);
    return body === undefined ? req : req.send(body);
  }

  async setUp(): Promise<void> {
    const { department, hall, company, matter, item } = this.codes;
    const sides = ['A', 'B'] as const;
    const world = await buildWorld(this.app, {
      departments: sides.map((side) => ({ code: department[side], name: `矩阵部门${side}` })),
      halls: sides.map((side) => ({ code: hall[side], name: `矩阵大厅${side}`, level: 'centre' })),
      companies: sides.map((side) => ({ uscc: company[side], name: `矩阵公司${side}` })),
      matters: sides.map((side) => ({
        code: matter[side],
        name: `矩阵事项${side}`,
        departmentCode: department[side],
        promisedLimit: workingDays(5),
        legalLimit: workingDays(20),
        materials: [{ code: MATERIAL, name: '申请表', required: true, key: true }],
        output: { kind: 'licence', name: `许可证${side}` },
      })),
      items: [
        itemOf(item.A, [
          { key: 'main', matterCode: matter.A, dependsOn: [] },
          { key: 'peer', matterCode: matter.B, dependsOn: [] },
        ]),
        itemOf(item.B, [{ key: 'main', matterCode: matter.B, dependsOn: [] }]),
      ],
      users: {
        applicant: { role: 'applicant', companyUscc: company.A },
        clerk: { role: 'clerk', hallCode: hall.A },
        approver: { role: 'approver', departmentCode: department.A },
        manager: { role: 'manager', hallCode: hall.A },
        deptManager: { role: 'manager', departmentCode: department.A },
        clerkB: { role: 'clerk', hallCode: hall.B },
        approverB: { role: 'approver', departmentCode: department.B },
        applicantB: { role: 'applicant', companyUscc: company.B },
        managerAll: { role: 'manager' },
      },
      username: (caller) => this.username(caller),
      password: PASSWORD,
    });
    for (const [caller, token] of Object.entries(world.tokens)) this.tokens.set(caller as Caller | Helper, token);
    // A department's own system: it calls with its service account's API key, not a person's token.
    this.tokens.set('system', await this.serviceAccountKey(department.A));
  }

  /** A new service account of the department (made by the admin); its API key. */
  private async serviceAccountKey(departmentCode: string): Promise<string> {
    const created = await this.expect('POST', '/api/v1/service-accounts', this.token('admin'), 201, {
      name: this.names.fresh('system').toLowerCase(),
      departmentCode,
    });
    return String(created.apiKey);
  }

  /** A fresh object of this kind, owned as `owner` says; its path parameters. */
  async object(kind: ObjectKind, owner: Owner, stepKey = 'main'): Promise<Params> {
    switch (kind) {
      case 'company':
        return { uscc: this.codes.company[owner.company] };
      case 'draft-item': {
        const code = this.names.fresh('DRAFT');
        const draft = await this.publishItem(code, [{ key: 'main', matterCode: this.codes.matter.A, dependsOn: [] }], {
          publish: false,
        });
        return { code, version: String(draft) };
      }
      case 'request:submitted':
      case 'request:supplement-required':
      case 'request:in-progress':
        return { ...(await this.request(kind, owner)), key: stepKey };
      case 'request:special-procedure': {
        const { id } = await this.request('request:in-progress', owner);
        // Only department A has an approver here: another department's step stays without one,
        // and its approver is answered 404 before any procedure is looked for.
        if (owner.department === 'A' && stepKey === 'main') {
          await this.expect(
            'POST',
            `/api/v1/requests/${id}/steps/main/special-procedures`,
            this.token('approver'),
            200,
            {
              reason: '专家评审',
              endsAt: new Date(Date.now() + 86_400_000).toISOString(),
            },
          );
        }
        return { id, key: stepKey };
      }
      case 'file':
        return { fileId: await this.fileOf(owner) };
      case 'request:with-file': {
        const fileId = await this.fileOf(owner);
        const clerk = this.token(owner.hall === 'A' ? 'clerk' : 'clerkB');
        const submitted = await this.expect('POST', '/api/v1/requests', clerk, 201, {
          itemCode: this.codes.item[owner.department],
          form: {},
          materials: [{ code: MATERIAL, reference: 'form.pdf', fileId }],
          onBehalfOf: this.codes.company[owner.company],
        });
        return { id: String(submitted.id), fileId };
      }
      case 'licence':
        return this.licenceOf(owner);
      case 'webhook-subscription':
        return { subscriptionId: await this.webhookSubscription() };
      case 'webhook-delivery':
        return { deliveryId: await this.failedDelivery() };
      case 'service-account': {
        const created = await this.expect('POST', '/api/v1/service-accounts', this.token('admin'), 201, {
          name: this.names.fresh('system').toLowerCase(),
          departmentCode: this.codes.department[owner.department],
        });
        return { id: String(created.id) };
      }
      case 'request:refused':
      case 'follow-up:open':
      case 'follow-up:verified':
      case 'follow-up:rectified':
        return { id: await this.ended(kind, owner) };
    }
  }

  /**
   * A webhook subscription of a department of its own (no request has a step of it: nothing is
   * delivered to its closed port).
   */
  private async webhookSubscription(): Promise<string> {
    const admin = this.token('admin');
    const departmentCode = this.names.fresh('WHD');
    await this.expect('POST', '/api/v1/departments', admin, 201, { code: departmentCode, name: '矩阵订阅部门' });
    const created = await this.expect('POST', '/api/v1/webhook-subscriptions', admin, 201, {
      url: 'http://127.0.0.1:9/matrix',
      events: ['request.*'],
      departmentCode,
    });
    return String(created.id);
  }

  /**
   * A delivery given up after its attempts: the worker makes deliveries from the outbox, and no
   * worker runs here, so the row is written as the worker leaves it.
   */
  private async failedDelivery(): Promise<string> {
    const subscriptionId = await this.webhookSubscription();
    const db = this.app.get<DataSource>(getDataSourceToken());
    const serial = ++this.serial;
    const result = (await db.query(
      `INSERT INTO webhook_deliveries (subscription_id, event_id, message_id, event_type, request_id, body, status, attempts, last_status_code, created_at, finished_at)
       VALUES (?, ?, ?, 'request.submitted', 1, '{}', 'failed', 1, 500, NOW(3), NOW(3))`,
      [subscriptionId, serial, `msg_matrix_${this.u}_${serial}`],
    )) as { insertId: number };
    return String(result.insertId);
  }

  /**
   * A licence of the owner's company from the owner's department: its request (of the item whose
   * step `main` is that department's) accepted and every step approved. Its id and verification code.
   */
  private async licenceOf(owner: Owner): Promise<Params> {
    const { id } = await this.request('request:in-progress', owner);
    const steps = owner.department === 'A' ? (['main', 'peer'] as const) : (['main'] as const);
    type Completed = { outputs: { stepKey: string; licence: { id: string; verificationCode: string } | null }[] };
    let view: Completed | null = null;
    for (const step of steps) {
      const department = step === 'main' ? owner.department : 'B';
      view = (await this.expect(
        'POST',
        `/api/v1/requests/${id}/steps/${step}/approve`,
        this.token(department === 'A' ? 'approver' : 'approverB'),
        200,
        {},
      )) as unknown as Completed;
    }
    const licence = view!.outputs.find((o) => o.stepKey === 'main')!.licence!;
    return { licenceId: licence.id, code: licence.verificationCode };
  }

  /**
   * A request the owner's hall refused; for a follow-up, its applicant rated it 1 (非常不满意),
   * and the zone-wide manager took the follow-up as far as the kind says.
   */
  private async ended(kind: ObjectKind, owner: Owner): Promise<string> {
    const { id } = await this.request('request:submitted', owner);
    const clerk = this.token(owner.hall === 'A' ? 'clerk' : 'clerkB');
    await this.expect('POST', `/api/v1/requests/${id}/refuse`, clerk, 200, { reason: '不属于受理范围' });
    if (kind === 'request:refused') return id;
    const applicant = this.token(owner.company === 'A' ? 'applicant' : 'applicantB');
    await this.expect('POST', `/api/v1/requests/${id}/evaluation`, applicant, 201, { score: 1, comment: '等待太久' });
    const manager = this.token('managerAll');
    if (kind === 'follow-up:open') return id;
    await this.expect('POST', `/api/v1/requests/${id}/follow-up/verify`, manager, 200, { note: '情况属实' });
    if (kind === 'follow-up:verified') return id;
    await this.expect('POST', `/api/v1/requests/${id}/follow-up/rectify`, manager, 200, { note: '已整改' });
    return id;
  }

  /**
   * A request of the owner's company, taken by the owner's hall (its clerk submits it on the
   * company's behalf, 代办), of the item whose step `main` is the owner's department's.
   */
  async request(kind: ObjectKind, owner: Owner): Promise<{ id: string; itemCode: string }> {
    const clerk = this.token(owner.hall === 'A' ? 'clerk' : 'clerkB');
    const itemCode = this.codes.item[owner.department];
    const submitted = await this.expect('POST', '/api/v1/requests', clerk, 201, {
      itemCode,
      form: {},
      materials: [{ code: MATERIAL, reference: 'file:form.pdf' }],
      onBehalfOf: this.codes.company[owner.company],
    });
    const id = String(submitted.id);
    if (kind === 'request:in-progress') {
      await this.expect('POST', `/api/v1/requests/${id}/accept`, clerk, 200, {});
    } else if (kind === 'request:supplement-required') {
      await this.expect('POST', `/api/v1/requests/${id}/supplement-requests`, clerk, 200, {
        materials: [MATERIAL],
        note: '请补正申请表',
      });
    }
    return { id, itemCode };
  }

  /** Online: the applicant of company A submits, and no hall has taken the request yet. */
  async onlineRequest(): Promise<string> {
    const body = await this.expect('POST', '/api/v1/requests', this.token('applicant'), 201, {
      itemCode: this.codes.item.A,
      form: {},
      materials: [{ code: MATERIAL, reference: 'file:form.pdf' }],
    });
    return String(body.id);
  }

  /**
   * Withdraws every request of this run's items that is still open, each by its company's
   * applicant: the database is shared, and every other file's worker reconciles every clock
   * still running in it.
   */
  async withdrawOpenRequests(): Promise<number> {
    const admin = this.token('admin');
    const open: { id: string; companyUscc: string }[] = [];
    for (const itemCode of Object.values(this.codes.item)) {
      let cursor: string | null = null;
      do {
        const query: Record<string, string> = { itemCode, limit: '100', ...(cursor ? { cursor } : {}) };
        const res = await this.call('GET', '/api/v1/requests', admin, undefined, query);
        if (res.status !== 200) throw new Error(`listing ${itemCode}: ${res.status} ${JSON.stringify(res.body)}`);
        const page = res.body as {
          items: { id: string; companyUscc: string; status: string }[];
          nextCursor: string | null;
        };
        open.push(...page.items.filter((r) => OPEN_STATUSES.includes(r.status)));
        cursor = page.nextCursor;
      } while (cursor);
    }
    await mapLimit(open, 8, ({ id, companyUscc }) =>
      this.expect(
        'POST',
        `/api/v1/requests/${id}/withdraw`,
        this.token(companyUscc === this.codes.company.A ? 'applicant' : 'applicantB'),
        200,
        {},
      ),
    );
    return open.length;
  }

  private async publishItem(code: string, steps: object[], { publish } = { publish: true }): Promise<number> {
    const admin = this.token('admin');
    const draft = await this.expect('POST', '/api/v1/items', admin, 201, itemOf(code, steps));
    const version = Number(draft.version);
    if (publish) await this.expect('POST', `/api/v1/items/${code}/versions/${version}/publish`, admin, 200);
    return version;
  }

  /** A fixture call that must succeed: anything else stops the test, naming the call and the answer. */
  async expect(
    method: string,
    path: string,
    token: string | undefined,
    status: number,
    body?: object,
  ): Promise<Record<string, unknown>> {
    const res = await this.call(method, path, token, body);
    if (res.status !== status) {
      throw new Error(`fixture ${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body as Record<string, unknown>;
  }

  private username(caller: string): string {
    return `mx-${caller}-${this.u}`.toLowerCase();
  }
}

/** Runs `fn` over the items, at most `limit` at a time, keeping their order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
