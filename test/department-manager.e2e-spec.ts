import type { INestApplication } from '@nestjs/common';
import { apiOf, buildWorld, plainItem, plainMatter, randomUscc, type World } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';

/**
 * A manager bound to a department (as its approvers are) sees the requests with a step of that
 * department and reports on that department, nothing else: not another department's requests, not
 * another department's figures, not the halls' follow-ups.
 */
describe('a manager bound to a department', () => {
  let app: INestApplication;
  let world: World;
  const u = unique().toUpperCase();
  const A = `DM-A-${u}`;
  const B = `DM-B-${u}`;
  const BOTH = `DM-AB-${u}`;
  const ONLY_B = `DM-B-ONLY-${u}`;
  const company = randomUscc();
  const { get, post } = apiOf(() => app);
  const matter = (code: string, departmentCode: string) => plainMatter(code, departmentCode, '部门管理测试');
  const item = (code: string, steps: { key: string; matterCode: string }[]) => plainItem(code, steps, '部门管理测试');
  const submit = async (itemCode: string) =>
    (
      await post('/requests', world.tokens.applicant, {
        itemCode,
        form: {},
        materials: [{ code: 'FORM', reference: 'file:form.pdf' }],
      }).expect(201)
    ).body.id as string;

  let withA: string;
  let withoutA: string;

  beforeAll(async () => {
    app = await createApp();
    world = await buildWorld(app, {
      departments: [
        { code: A, name: '部门管理测试甲' },
        { code: B, name: '部门管理测试乙' },
      ],
      matters: [matter(`${A}-M`, A), matter(`${B}-M`, B)],
      items: [
        item(BOTH, [
          { key: 'a', matterCode: `${A}-M` },
          { key: 'b', matterCode: `${B}-M` },
        ]),
        item(ONLY_B, [{ key: 'b', matterCode: `${B}-M` }]),
      ],
      companies: [{ uscc: company, name: '部门管理测试公司' }],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        managerA: { role: 'manager', departmentCode: A },
      },
      username: (key) => `dm-${key}-${u}`,
    });
    withA = await submit(BOTH);
    withoutA = await submit(ONLY_B);
  });

  afterAll(async () => {
    await app.close();
  });

  it('sees a request with a step of the department, and another is not found', async () => {
    const seen = await get(`/requests/${withA}`, world.tokens.managerA).expect(200);
    expect(seen.body.steps.map((s: { key: string }) => s.key)).toEqual(['a', 'b']);
    await get(`/requests/${withoutA}/timeline`, world.tokens.managerA).expect(404);
    const hidden = await get(`/requests/${withoutA}`, world.tokens.managerA).expect(404);
    expect(hidden.body.message).toBe(`request ${withoutA} not found`);
  });

  it('lists only the requests with a step of the department', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get(`/requests?limit=100${cursor ? `&cursor=${cursor}` : ''}`, world.tokens.managerA).expect(
        200,
      );
      ids.push(...(page.body.items as { id: string }[]).map((r) => r.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toContain(withA);
    expect(ids).not.toContain(withoutA);
  });

  it('reports on the department only, and lists no hall’s follow-ups', async () => {
    const other = await get(`/reports/backlog?departmentCode=${B}`, world.tokens.managerA).expect(403);
    expect(other.body.message).toBe(`a manager of department ${A} reports on that department only`);
    await get(`/reports/backlog`, world.tokens.managerA).expect(200);
    const followUps = await get('/follow-ups?limit=100', world.tokens.managerA).expect(200);
    expect(followUps.body.items).toEqual([]);
  });
});
