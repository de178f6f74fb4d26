import { Licence, OutboxEvent } from '#database';
import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { apiOf, buildWorld, material, randomUscc, workingDays } from './fixtures/world.js';
import { createApp, eventually, unique } from './helpers.js';

/**
 * 电子证照: a request's completion issues a licence per output, in its own transaction; the holder,
 * the hall and the departments read them; anyone checks one by its verification code; the issuing
 * department revokes one; a valid licence stands in for the material it covers (免提交), and one
 * revoked before acceptance makes the material missing again.
 */
describe('licences', () => {
  let app: INestApplication;
  let worker: TestingModule;
  let db: DataSource;
  const u = unique().toUpperCase();
  const ISSUER = `L-D1-${u}`;
  const OTHER = `L-D2-${u}`;
  const HALL = `L-H-${u}`;
  const KIND = `BIZ-${u}`;
  const OPEN = `L-OPEN-${u}`;
  const FOLLOW = `L-FOLLOW-${u}`;
  const company = randomUscc();
  const otherCompany = randomUscc();
  let tokens: Record<string, string> = {};
  const { get, post } = apiOf(() => app);

  beforeAll(async () => {
    app = await createApp();
    db = app.get(getDataSourceToken());
    worker = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
    await worker.init();
    ({ tokens } = await buildWorld(app, {
      departments: [
        { code: ISSUER, name: '证照测试发证部门' },
        { code: OTHER, name: '证照测试许可部门' },
      ],
      halls: [{ code: HALL, name: '证照测试大厅', level: 'centre' }],
      matters: [
        {
          code: `L-M1-${u}`,
          name: '设立登记',
          departmentCode: ISSUER,
          promisedLimit: workingDays(1),
          legalLimit: workingDays(15),
          materials: [material('FORM', '申请书')],
          output: { kind: KIND, name: '营业执照', validForYears: 2 },
        },
        {
          code: `L-M2-${u}`,
          name: '经营许可',
          departmentCode: OTHER,
          promisedLimit: workingDays(2),
          legalLimit: workingDays(20),
          materials: [
            material('PLAN', '经营方案'),
            { ...material('COPY', '营业执照副本', true, false), licenceKind: KIND },
          ],
          output: { kind: `PERMIT-${u}`, name: '经营许可证' },
        },
      ],
      items: [
        {
          code: OPEN,
          name: '证照测试开办',
          category: 'test',
          calendarCode: 'always',
          promisedLimit: workingDays(3),
          steps: [{ key: 'licence', matterCode: `L-M1-${u}` }],
        },
        {
          code: FOLLOW,
          name: '证照测试后续许可',
          category: 'test',
          calendarCode: 'always',
          promisedLimit: workingDays(3),
          steps: [{ key: 'permit', matterCode: `L-M2-${u}` }],
        },
      ],
      companies: [
        { uscc: company, name: '证照测试公司' },
        { uscc: otherCompany, name: '证照测试另一公司' },
      ],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        otherApplicant: { role: 'applicant', companyUscc: otherCompany },
        clerk: { role: 'clerk', hallCode: HALL },
        issuer: { role: 'approver', departmentCode: ISSUER },
        issuer2: { role: 'approver', departmentCode: ISSUER },
        other: { role: 'approver', departmentCode: OTHER },
        manager: { role: 'manager' },
      },
      username: (key) => `lic-${key}-${u}`.toLowerCase(),
    }));
  });

  afterAll(async () => {
    await worker.close();
    await app.close();
  });

  /** Submits OPEN for the company, accepts it and approves its one step: the licence is issued. */
  async function licensed(applicant = tokens.applicant, number = `NO-${unique()}`) {
    const submitted = await post('/requests', applicant, {
      itemCode: OPEN,
      form: {},
      materials: [{ code: 'FORM', reference: '申请书.pdf' }],
    }).expect(201);
    const id = submitted.body.id as string;
    await post(`/requests/${id}/accept`, tokens.clerk).expect(200);
    const done = await post(`/requests/${id}/steps/licence/approve`, tokens.issuer, { outputNumber: number }).expect(
      200,
    );
    return { id, number, view: done.body };
  }

  const licencesOf = (requestId: string) => db.getRepository(Licence).findBy({ requestId });

  describe('issued with the completion', () => {
    it('makes each output a licence held by the company, valid for the years its matter says, on the timeline', async () => {
      const { id, number, view } = await licensed();
      expect(view.status).toBe('completed');
      const [output] = view.outputs;
      expect(output.licence).toEqual({
        id: expect.stringMatching(/^\d+$/),
        stepKey: 'licence',
        verificationCode: expect.stringMatching(/^[34679ACDEFGHJKMNPQRTUVWXY]{16}$/),
        validUntil: expect.stringMatching(/\+08:00$/),
        status: 'valid',
      });
      const licence = await get(`/licences/${output.licence.id}`, tokens.applicant).expect(200);
      expect(licence.body).toMatchObject({
        number,
        kind: KIND,
        name: '营业执照',
        holderUscc: company,
        holderName: '证照测试公司',
        departmentCode: ISSUER,
        requestId: id,
        stepKey: 'licence',
        status: 'valid',
        issuedAt: output.issuedAt,
        revokedAt: null,
      });
      // Two years on by the calendar, at the instant of issue.
      const issued = new Date(licence.body.issuedAt);
      const until = new Date(licence.body.validUntil);
      expect(until.getUTCFullYear() - issued.getUTCFullYear()).toBe(2);
      expect(until.getTime() % 86_400_000).toBe(issued.getTime() % 86_400_000);
      const timeline = await get(`/requests/${id}/timeline`, tokens.applicant).expect(200);
      const events = timeline.body.items.filter((e: { action: string }) => e.action === 'licence.issued');
      expect(events).toHaveLength(1);
      expect(events[0].payload).toMatchObject({ licenceId: output.licence.id, number, stepKey: 'licence' });
    });

    it('issues nothing more when the completion event is relayed again', async () => {
      const { id } = await licensed();
      expect(await licencesOf(id)).toHaveLength(1);
      const outbox = db.getRepository(OutboxEvent);
      const completed = (await outbox.findBy({ type: 'request.completed' })).find((e) => e.payload.requestId === id)!;
      await eventually(async () => (await outbox.findOneByOrFail({ id: completed.id })).publishedAt, 'the relay');
      await outbox.update({ id: completed.id }, { publishedAt: null });
      await eventually(async () => (await outbox.findOneByOrFail({ id: completed.id })).publishedAt, 'the re-relay');
      await new Promise((r) => setTimeout(r, 300));
      expect(await licencesOf(id)).toHaveLength(1);
      // The database refuses a second licence of one output whatever path tried.
      const [one] = await licencesOf(id);
      await expect(
        db.query(
          `INSERT INTO licences (number, kind, name, holder_uscc, holder_name, department_code, matter_code, request_id,
             step_key, issued_at, verification_code) SELECT number, kind, name, holder_uscc, holder_name, department_code,
             matter_code, request_id, step_key, issued_at, 'XXXXXXXXXXXXXXXX' FROM licences WHERE id = ?`,
          [one.id],
        ),
      ).rejects.toThrow(/Duplicate/);
    });
  });

  describe('read and verified', () => {
    it('lists a company’s licences to it, and to the hall, the departments and managers; never to another company', async () => {
      const { number } = await licensed();
      const own = await get('/licences', tokens.applicant).expect(200);
      expect(own.body.items.map((l: { number: string }) => l.number)).toContain(number);
      expect(own.body.items.every((l: { holderUscc: string }) => l.holderUscc === company)).toBe(true);
      for (const staff of ['clerk', 'issuer', 'other', 'manager']) {
        const res = await get(`/licences?uscc=${company}&kind=${KIND}`, tokens[staff]).expect(200);
        expect(res.body.items.map((l: { number: string }) => l.number)).toContain(number);
      }
      const theirs = await get('/licences', tokens.otherApplicant).expect(200);
      expect(theirs.body.items.map((l: { number: string }) => l.number)).not.toContain(number);
      const naming = await get(`/licences?uscc=${company}`, tokens.otherApplicant).expect(404);
      expect(naming.body.message).toBe(`company ${company} not found`);
      const one = own.body.items.find((l: { number: string }) => l.number === number);
      await get(`/licences/${one.id}`, tokens.otherApplicant).expect(404);
      await get(`/licences/${one.id}`).expect(401);
      await get('/licences?uscc=abc', tokens.clerk).expect(400);
    });

    it('answers anyone with the code whether the licence is valid, its kind, holder and dates, and nothing else', async () => {
      const { view } = await licensed();
      const code = view.outputs[0].licence.verificationCode as string;
      // As a person types it: lower case, in groups.
      const typed = code.toLowerCase().replace(/(.{4})(?=.)/g, '$1-');
      const res = await get(`/licences/verify/${typed}`).expect(200);
      expect(res.body).toEqual({
        valid: true,
        status: 'valid',
        kind: KIND,
        name: '营业执照',
        holderName: '证照测试公司',
        issuedAt: view.outputs[0].issuedAt,
        validUntil: view.outputs[0].licence.validUntil,
        revokedAt: null,
      });
      const unknown = await get('/licences/verify/3333333333333333').expect(404);
      expect(unknown.body.message).toBe('licence with verification code 3333333333333333 not found');
      // Too short, or of the right length with a character no code holds: either way, told which.
      for (const code of ['0000', 'ZZZZZZZZZZZZZZZZ']) {
        const malformed = await get(`/licences/verify/${code}`).expect(400);
        expect(malformed.body.message).toBe(
          'a verification code is 16 letters and digits, as printed on the licence (none of 0, 1, 2, 5, 8, B, I, L, O, S, Z)',
        );
      }
    });

    it('shows a licence past its validity as expired by its date, with no job run', async () => {
      const { view } = await licensed();
      const id = view.outputs[0].licence.id as string;
      await db.query('UPDATE licences SET valid_until = ? WHERE id = ?', [new Date(Date.now() - 1000), id]);
      expect((await get(`/licences/${id}`, tokens.applicant).expect(200)).body.status).toBe('expired');
      const check = await get(`/licences/verify/${view.outputs[0].licence.verificationCode}`).expect(200);
      expect(check.body).toMatchObject({ valid: false, status: 'expired' });
    });
  });

  describe('revoked', () => {
    it('by its issuing department only, with the reason, on the timeline; the holder is told', async () => {
      const { id, view } = await licensed();
      const licenceId = view.outputs[0].licence.id as string;
      // Another department's licence is not theirs to act on: not found, as another department's step.
      const refused = await post(`/licences/${licenceId}/revoke`, tokens.other, { reason: '不是本部门' }).expect(404);
      expect(refused.body.message).toBe(`licence ${licenceId} not found`);
      await post(`/licences/${licenceId}/revoke`, tokens.clerk, { reason: '窗口' }).expect(403);
      await post(`/licences/${licenceId}/revoke`, tokens.issuer, {}).expect(400);
      expect((await get(`/licences/${licenceId}`, tokens.applicant)).body.status).toBe('valid');

      const revoked = await post(`/licences/${licenceId}/revoke`, tokens.issuer2, { reason: '以欺骗手段取得' }).expect(
        200,
      );
      expect(revoked.body).toMatchObject({
        status: 'revoked',
        revokeReason: '以欺骗手段取得',
        revokedAt: expect.any(String),
      });
      const again = await post(`/licences/${licenceId}/revoke`, tokens.issuer, { reason: '再次' }).expect(409);
      expect(again.body.message).toBe(`licence ${revoked.body.number} is already revoked`);
      expect((await get(`/licences/verify/${revoked.body.verificationCode}`).expect(200)).body).toMatchObject({
        valid: false,
        status: 'revoked',
        revokedAt: revoked.body.revokedAt,
      });
      const request = await get(`/requests/${id}`, tokens.applicant).expect(200);
      expect(request.body.outputs[0].licence.status).toBe('revoked');
      const timeline = await get(`/requests/${id}/timeline`, tokens.applicant).expect(200);
      expect(timeline.body.items.find((e: { action: string }) => e.action === 'licence.revoked')).toMatchObject({
        statusFrom: 'valid',
        statusTo: 'revoked',
        payload: { licenceId, reason: '以欺骗手段取得' },
      });
      const told = await eventually(async () => {
        const inbox = await get('/notifications?limit=100', tokens.applicant).expect(200);
        return inbox.body.items.find(
          (n: { kind: string; message: string }) =>
            n.kind === 'licence.revoked' && n.message.includes(revoked.body.number),
        );
      }, 'the revocation notice');
      expect(told.message).toBe(`Your licence 营业执照 ${revoked.body.number} was revoked: 以欺骗手段取得`);
    });
  });

  describe('standing in for a material (免提交)', () => {
    const submitFollow = (token: string, extra: object[] = []) =>
      post('/requests', token, {
        itemCode: FOLLOW,
        form: {},
        materials: [{ code: 'PLAN', reference: '方案.pdf' }, ...extra],
      });

    it('covers the material of a company holding a valid licence of the kind, recorded with its number and code', async () => {
      const fresh = randomUscc();
      await post('/companies', tokens.admin, { uscc: fresh, name: '证照测试新公司' }).expect(201);
      const { tokens: t } = await buildWorld(app, {
        users: { holder: { role: 'applicant', companyUscc: fresh } },
        username: (key) => `lic-${key}-${unique()}`.toLowerCase(),
      });
      // No licence yet: the material is missing, and the checklist shows nothing covered.
      expect((await get(`/licences/coverage?itemCode=${FOLLOW}`, t.holder).expect(200)).body.covered).toEqual([]);
      const missing = await submitFollow(t.holder).expect(400);
      expect(missing.body.message).toBe('missing required materials: COPY');

      const { number } = await licensed(t.holder);
      const coverage = await get(`/licences/coverage?itemCode=${FOLLOW}`, t.holder).expect(200);
      expect(coverage.body).toMatchObject({
        itemCode: FOLLOW,
        uscc: fresh,
        covered: [{ code: 'COPY', materialName: '营业执照副本', licence: { number, kind: KIND, status: 'valid' } }],
      });
      const submitted = await submitFollow(t.holder).expect(201);
      const copy = submitted.body.materials.find((m: { code: string }) => m.code === 'COPY');
      expect(copy).toEqual({
        code: 'COPY',
        reference: `营业执照 ${number}`,
        licence: {
          id: coverage.body.covered[0].licence.id,
          number,
          name: '营业执照',
          verificationCode: coverage.body.covered[0].licence.verificationCode,
        },
      });
      // What the applicant hands in themselves is kept instead.
      const own = await submitFollow(t.holder, [{ code: 'COPY', reference: '副本扫描件' }]).expect(201);
      expect(own.body.materials.find((m: { code: string }) => m.code === 'COPY')).toEqual({
        code: 'COPY',
        reference: '副本扫描件',
      });
      // A clerk applying on the company's behalf (代办) sees the same cover.
      const clerkView = await get(`/licences/coverage?itemCode=${FOLLOW}&uscc=${fresh}`, tokens.clerk).expect(200);
      expect(clerkView.body.covered).toHaveLength(1);
      const noCompany = await get(`/licences/coverage?itemCode=${FOLLOW}`, tokens.clerk).expect(400);
      expect(noCompany.body.message).toBe('a clerk asks for a company (代办): give uscc');
      await get(`/licences/coverage?itemCode=${FOLLOW}`, tokens.issuer).expect(403);
    });

    it('a licence revoked before acceptance makes the material missing again: the clerk is told to ask for it', async () => {
      const { view } = await licensed();
      const licenceId = view.outputs[0].licence.id as string;
      // The company holds other valid licences of the kind from the tests above: revoke them all but this one.
      const held = await get(`/licences?kind=${KIND}&limit=100`, tokens.applicant).expect(200);
      for (const l of held.body.items as { id: string; status: string }[]) {
        if (l.id !== licenceId && l.status === 'valid') {
          await post(`/licences/${l.id}/revoke`, tokens.issuer, { reason: '换发' }).expect(200);
        }
      }
      const submitted = await submitFollow(tokens.applicant).expect(201);
      const id = submitted.body.id as string;
      expect(submitted.body.materials.find((m: { code: string }) => m.code === 'COPY').licence.id).toBe(licenceId);
      await post(`/licences/${licenceId}/revoke`, tokens.issuer, { reason: '吊销' }).expect(200);

      const refused = await post(`/requests/${id}/accept`, tokens.clerk).expect(409);
      expect(refused.body.message).toBe(
        `request ${submitted.body.number} cannot be accepted: the licences standing in for its materials are no longer ` +
          `valid (COPY: 营业执照 ${view.outputs[0].number} revoked); ask for COPY as a supplement`,
      );
      expect((await get(`/requests/${id}`, tokens.clerk).expect(200)).body.status).toBe('submitted');
      await post(`/requests/${id}/supplement-requests`, tokens.clerk, {
        materials: ['COPY'],
        note: '证照已撤销，请提交副本',
      }).expect(200);
      const supplied = await post(`/requests/${id}/supplements`, tokens.applicant, {
        materials: [{ code: 'COPY', reference: '副本扫描件' }],
      }).expect(200);
      expect(supplied.body.materials.find((m: { code: string }) => m.code === 'COPY')).toEqual({
        code: 'COPY',
        reference: '副本扫描件',
      });
      await post(`/requests/${id}/accept`, tokens.clerk).expect(200);
    });
  });
});
