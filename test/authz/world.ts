import { USCC_ALPHABET, usccCheckCharacter } from '#companies';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { login, unique } from '../helpers.js';
import { TEST_ENV } from '../test-env.js';
import type { Caller, Names, ObjectKind, Params, Role } from './matrix.js';

/** Which of the two tenants an object belongs to, in each dimension a role is scoped by. */
export type Side = 'A' | 'B';
export interface Owner {
  company: Side;
  hall: Side;
  department: Side;
}

/** B's users, who make and end B's objects, and a manager bound to no hall. */
type Helper = 'clerkB' | 'applicantB' | 'managerAll';

const PASSWORD = 'matrix-pass-123';
const OPEN_STATUSES = ['submitted', 'supplement_required', 'in_progress'];
const MATERIAL = 'FORM';

/** A valid USCC: 9 (工商) 1 (企业), fifteen random characters, its GB 32100-2015 check character. */
function randomUscc(): string {
  let first17 = '91';
  while (first17.length < 17) first17 += USCC_ALPHABET[Math.floor(Math.random() * USCC_ALPHABET.length)];
  return first17 + usccCheckCharacter(first17)!;
}

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
 * of hall A, an approver of department A, a manager of hall A, and the admin; B's clerk and
 * applicant only make and end B's objects.
 */
export class World {
  readonly names: Names;
  private readonly tokens = new Map<Caller | Helper, string>();
  private readonly u = unique().toUpperCase();
  private serial = 0;
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
      matterA: this.codes.matter.A,
      itemA: this.codes.item.A,
      material: MATERIAL,
      fresh: (prefix) => `${prefix}-${this.u}-${++this.serial}`,
      freshUscc: randomUscc,
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

  /** One HTTP call, with the caller's token when there is one. */
  call(method: string, path: string, token: string | undefined, body?: object, query?: Record<string, string>) {
    const http = request(this.app.getHttpServer());
    const req = (http as unknown as Record<string, (url: string) => request.Test>)[method.toLowerCase()](path);
    if (token) req.set('Authorization', `Bearer ${token}`);
    if (query) req.query(query);
    return body === undefined ? req : req.send(body);
  }

  async setUp(): Promise<void> {
    const admin = await login(this.app, 'admin', TEST_ENV.ADMIN_PASSWORD);
    this.tokens.set('admin', admin);
    const make = (path: string, body: object) => this.expect('POST', `/api/v1${path}`, admin, 201, body);
    const { department, hall, company, matter, item } = this.codes;

    for (const side of ['A', 'B'] as const) {
      await make('/departments', { code: department[side], name: `矩阵部门${side}` });
      await make('/halls', { code: hall[side], name: `矩阵大厅${side}`, level: 'centre' });
      await make('/companies', { uscc: company[side], name: `矩阵公司${side}` });
      await make('/matters', {
        code: matter[side],
        name: `矩阵事项${side}`,
        departmentCode: department[side],
        promisedLimit: { value: 5, unit: 'workingDays' },
        legalLimit: { value: 20, unit: 'workingDays' },
        materials: [{ code: MATERIAL, name: '申请表', required: true, key: true }],
        output: { kind: 'licence', name: `许可证${side}` },
      });
    }
    const steps: Record<Side, object[]> = {
      A: [
        { key: 'main', matterCode: matter.A, dependsOn: [] },
        { key: 'peer', matterCode: matter.B, dependsOn: [] },
      ],
      B: [{ key: 'main', matterCode: matter.B, dependsOn: [] }],
    };
    for (const side of ['A', 'B'] as const) {
      await this.publishItem(item[side], steps[side]);
    }

    const users: [Caller | Helper, Role, object][] = [
      ['applicant', 'applicant', { companyUscc: company.A }],
      ['clerk', 'clerk', { hallCode: hall.A }],
      ['approver', 'approver', { departmentCode: department.A }],
      ['manager', 'manager', { hallCode: hall.A }],
      ['clerkB', 'clerk', { hallCode: hall.B }],
      ['applicantB', 'applicant', { companyUscc: company.B }],
      ['managerAll', 'manager', {}],
    ];
    for (const [caller, role, binding] of users) {
      await make('/users', { username: this.username(caller), password: PASSWORD, role, ...binding });
      this.tokens.set(caller, await login(this.app, this.username(caller), PASSWORD));
    }
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
      case 'request:refused':
      case 'follow-up:open':
      case 'follow-up:verified':
      case 'follow-up:rectified':
        return { id: await this.ended(kind, owner) };
    }
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
    const draft = await this.expect('POST', '/api/v1/items', admin, 201, {
      code,
      name: `矩阵一件事 ${code}`,
      category: 'enterprise',
      calendarCode: 'always',
      promisedLimit: { value: 10, unit: 'workingDays' },
      steps,
    });
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
