import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { apiOf, buildWorld, material, randomUscc, workingDays } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';

interface RequestBody {
  id: string;
  hallCode: string | null;
  takenInAt: string | null;
}

/**
 * A service point (N of 1+5+N) takes in a request for an item it does not accept itself and hands
 * it to its parent hall for acceptance: the parent's clerks see it in their intake queue and accept
 * it, the point's clerks no longer reach it, and the request and its timeline say where it was
 * taken in. An item the point accepts stays with the point; a centre keeps what it takes in.
 */
describe('a service point hands a request to its parent hall', () => {
  let app: INestApplication;
  let tokens: Record<string, string> = {};
  const u = unique().toUpperCase();
  const CENTRE = `HO-C-${u}`;
  const POINT = `HO-P-${u}`;
  const DEPT = `HO-D-${u}`;
  const HANDED = `HO-I1-${u}`;
  const KEPT = `HO-I2-${u}`;
  const company = randomUscc();
  const { get, post } = apiOf(() => app);

  const made: string[] = [];
  const submit = (token: string, itemCode: string, key?: string) =>
    post(
      '/requests',
      token,
      { itemCode, form: {}, materials: [{ code: 'FORM', reference: 'file:form.pdf' }], onBehalfOf: company },
      key,
    ).expect((res) => {
      if (res.status === 201) made.push(String(res.body.id));
    });
  /** Does the intake queue (submitted requests of the item) of this clerk list the request? */
  const queued = async (token: string, itemCode: string, id: string) =>
    (
      (await get(`/requests?status=submitted&itemCode=${itemCode}&limit=100`, token).expect(200)).body.items as {
        id: string;
      }[]
    ).some((r) => r.id === id);

  beforeAll(async () => {
    app = await createApp();
    ({ tokens } = await buildWorld(app, {
      departments: [{ code: DEPT, name: '转办测试部门' }],
      halls: [
        { code: CENTRE, name: '转办测试中心', level: 'centre' },
        { code: POINT, name: '转办测试站点', level: 'point', parentCode: CENTRE },
      ],
      matters: [
        {
          code: `HO-M-${u}`,
          name: '转办测试事项',
          departmentCode: DEPT,
          promisedLimit: workingDays(5),
          legalLimit: workingDays(20),
          materials: [material('FORM', '申请表')],
          output: { kind: 'licence', name: '许可证' },
        },
      ],
      items: [HANDED, KEPT].map((code) => ({
        code,
        name: `转办测试一件事 ${code}`,
        category: 'enterprise',
        calendarCode: 'always',
        promisedLimit: workingDays(10),
        steps: [{ key: 'main', matterCode: `HO-M-${u}` }],
      })),
      companies: [{ uscc: company, name: '转办测试公司' }],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        pointClerk: { role: 'clerk', hallCode: POINT },
        centreClerk: { role: 'clerk', hallCode: CENTRE },
        pointManager: { role: 'manager', hallCode: POINT },
        centreManager: { role: 'manager', hallCode: CENTRE },
      },
      username: (key) => `ho-${key}-${u}`.toLowerCase(),
    }));
    // The point accepts KEPT itself, not HANDED.
    const patched = await request(app.getHttpServer())
      .patch(`/api/v1/halls/${POINT}`)
      .set('Authorization', `Bearer ${tokens.admin}`)
      .send({ itemCodes: [KEPT] });
    expect(patched.status).toBe(200);
  });

  afterAll(async () => {
    // No clock of this file's requests keeps running for other files' workers to reconcile.
    for (const id of new Set(made)) await post(`/requests/${id}/withdraw`, tokens.applicant);
    await app.close();
  });

  it('an item the point does not accept: taken in at the point, accepted by its parent', async () => {
    const submitted = await submit(tokens.pointClerk, HANDED).expect(201);
    const body = submitted.body as RequestBody;
    expect(body).toMatchObject({ hallCode: CENTRE, takenInAt: POINT });

    // The parent's clerks have it in their intake queue; the point's neither see it nor act on it.
    expect(await queued(tokens.centreClerk, HANDED, body.id)).toBe(true);
    expect(await queued(tokens.pointClerk, HANDED, body.id)).toBe(false);
    await get(`/requests/${body.id}`, tokens.pointClerk).expect(404);
    await post(`/requests/${body.id}/accept`, tokens.pointClerk).expect(404);
    // The managers as their clerks.
    await get(`/requests/${body.id}`, tokens.pointManager).expect(404);
    expect((await get(`/requests/${body.id}`, tokens.centreManager).expect(200)).body).toMatchObject({
      hallCode: CENTRE,
      takenInAt: POINT,
    });

    // The timeline says where it was taken in and to whom it went.
    const timeline = (await get(`/requests/${body.id}/timeline`, tokens.centreClerk).expect(200)).body.items as {
      action: string;
      actor: { username: string } | null;
      payload: Record<string, unknown>;
    }[];
    expect(timeline[0]).toMatchObject({
      action: 'request.submitted',
      actor: { username: `ho-pointclerk-${u}`.toLowerCase() },
      payload: { takenInAt: POINT, handedTo: CENTRE },
    });

    const accepted = await post(`/requests/${body.id}/accept`, tokens.centreClerk).expect(200);
    expect(accepted.body).toMatchObject({ status: 'in_progress', hallCode: CENTRE, takenInAt: POINT });
  });

  it('the same through the idempotent path (an Idempotency-Key), and its replay', async () => {
    const key = `ho-${u}`;
    const first = await submit(tokens.pointClerk, HANDED, key).expect(201);
    expect(first.body).toMatchObject({ hallCode: CENTRE, takenInAt: POINT });
    const again = await submit(tokens.pointClerk, HANDED, key).expect(201);
    expect(again.body).toEqual(first.body);
    const read = await get(`/requests/${(first.body as RequestBody).id}`, tokens.centreClerk).expect(200);
    expect(read.body).toMatchObject({ hallCode: CENTRE, takenInAt: POINT });
  });

  it('an item the point accepts stays with the point; a centre keeps what it takes in', async () => {
    const kept = (await submit(tokens.pointClerk, KEPT).expect(201)).body as RequestBody;
    expect(kept).toMatchObject({ hallCode: POINT, takenInAt: null });
    expect(await queued(tokens.pointClerk, KEPT, kept.id)).toBe(true);
    expect(await queued(tokens.centreClerk, KEPT, kept.id)).toBe(false);
    const timeline = (await get(`/requests/${kept.id}/timeline`, tokens.pointClerk).expect(200)).body.items as {
      payload: Record<string, unknown>;
    }[];
    expect(timeline[0].payload).not.toHaveProperty('takenInAt');
    await post(`/requests/${kept.id}/accept`, tokens.pointClerk).expect(200);

    const atCentre = (await submit(tokens.centreClerk, HANDED).expect(201)).body as RequestBody;
    expect(atCentre).toMatchObject({ hallCode: CENTRE, takenInAt: null });
  });
});
