import { AuditEvent, ItemVersion, ServiceItem } from '#database';
import type request from 'supertest';
import { apiOf, appWithWorld, material, workingDays } from './fixtures/world.js';
import { unique } from './helpers.js';

describe('catalogue', () => {
  const u = unique().toUpperCase();
  /** A code of this run: unique, at most 32 characters. */
  const c = (name: string) => `${name}-${u}`;

  const api = apiOf(() => suite.app);
  const { http, postText, get } = api;
  const post = (path: string, body: unknown, token: string | null = tokens.admin) =>
    api.post(path, token, body as object);
  /** A message may be one string or a list; this reads both. */
  const messageOf = (body: { message: string | string[] }) =>
    Array.isArray(body.message) ? body.message : [body.message];

  /** The 开办企业 matters: a licence, then seal, tax, social insurance, housing fund and bank account. */
  const matters = () => [
    {
      code: c('LICENCE'),
      name: '企业设立登记',
      departmentCode: c('SAMR'),
      promisedLimit: workingDays(1),
      legalLimit: workingDays(15),
      materials: [
        material('APPLICATION-FORM', '公司登记（备案）申请书'),
        material('ARTICLES', '公司章程'),
        material('ID-LEGAL-REP', '法定代表人身份证明'),
        material('PREMISES', '住所使用证明', true, false),
      ],
      output: { kind: 'licence', name: '营业执照' },
    },
    {
      code: c('SEAL'),
      name: '公章刻制备案',
      departmentCode: c('PSB'),
      promisedLimit: { value: 4, unit: 'workingHours' },
      legalLimit: workingDays(5),
      materials: [material('BIZ-LICENCE-COPY', '营业执照副本'), material('ID-LEGAL-REP', '法定代表人身份证明')],
      output: { kind: 'filing', name: '印章备案回执' },
    },
    {
      code: c('TAX'),
      name: '新办纳税人涉税事项',
      departmentCode: c('TAX'),
      promisedLimit: workingDays(1),
      legalLimit: workingDays(5),
      materials: [
        material('BIZ-LICENCE-COPY', '营业执照副本'),
        material('BANK-ACCOUNT-INFO', '银行账户信息', false, false),
      ],
      output: { kind: 'certificate', name: '税务登记信息确认' },
    },
    {
      code: c('SOCIAL'),
      name: '单位社会保险登记',
      departmentCode: c('HRSS'),
      promisedLimit: workingDays(1),
      legalLimit: workingDays(15),
      materials: [material('BIZ-LICENCE-COPY', '营业执照副本')],
      output: { kind: 'certificate', name: '社会保险登记证明' },
    },
    {
      code: c('FUND'),
      name: '住房公积金单位登记',
      departmentCode: c('HPF'),
      promisedLimit: workingDays(1),
      legalLimit: workingDays(5),
      materials: [material('BIZ-LICENCE-COPY', '营业执照副本'), material('ID-LEGAL-REP', '法定代表人身份证明')],
      output: { kind: 'certificate', name: '住房公积金单位登记回执' },
    },
    {
      code: c('BANK'),
      name: '银行开户',
      departmentCode: c('PBOC'),
      promisedLimit: workingDays(1),
      legalLimit: workingDays(2),
      materials: [
        material('BIZ-LICENCE-COPY', '营业执照副本'),
        material('BANK-ACCOUNT-INFO', '银行账户信息', true, false),
      ],
      output: { kind: 'account', name: '开户许可' },
    },
  ];

  /** 开办企业: the licence first, then five steps in parallel that depend on it. */
  const openingABusiness = (code: string, name = '开办企业') => ({
    code,
    name,
    category: 'enterprise',
    promisedLimit: workingDays(3),
    steps: [
      { key: 'licence', matterCode: c('LICENCE'), dependsOn: [] },
      { key: 'seal', matterCode: c('SEAL'), dependsOn: ['licence'] },
      { key: 'tax', matterCode: c('TAX'), dependsOn: ['licence'] },
      { key: 'social', matterCode: c('SOCIAL'), dependsOn: ['licence'] },
      { key: 'fund', matterCode: c('FUND'), dependsOn: ['licence'] },
      { key: 'bank', matterCode: c('BANK'), dependsOn: ['licence'] },
    ],
    formSchema: { type: 'object', required: ['companyName'], properties: { companyName: { type: 'string' } } },
  });

  const departments = [
    ['SAMR', '市场监督管理局'],
    ['PSB', '公安局'],
    ['TAX', '税务局'],
    ['HRSS', '人力资源和社会保障局'],
    ['HPF', '住房公积金管理中心'],
    ['PBOC', '人民银行'],
  ];
  const suite = appWithWorld({
    departments: departments.map(([code, name]) => ({ code: c(code), name })),
    halls: [{ code: c('CENTRE'), name: '政务服务中心', level: 'centre' }],
    matters: matters(),
    users: { clerk: { role: 'clerk', hallCode: c('CENTRE'), username: `clerk-${u}` } },
    password: 'clerk-pass-123',
  });
  const { tokens } = suite;

  describe('departments', () => {
    it('creates a department, audits it, and lists it without a login', async () => {
      const res = await post('/departments', { code: c('MEE'), name: '生态环境局' }).expect(201);
      expect(res.body).toEqual({ code: c('MEE'), name: '生态环境局' });
      const audit = await suite.db.getRepository(AuditEvent).findBy({ subjectType: 'department', subjectId: c('MEE') });
      expect(audit).toEqual([expect.objectContaining({ action: 'department.created', actorRole: 'admin' })]);
      let cursor: string | null = null;
      const seen: string[] = [];
      do {
        const page: request.Response = await get(`/departments?limit=100${cursor ? `&cursor=${cursor}` : ''}`).expect(
          200,
        );
        seen.push(...page.body.items.map((d: { code: string }) => d.code));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expect.arrayContaining([c('MEE'), c('SAMR')]));
      // Page after page, no department twice (the order is the database collation's, checked below).
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('pages with ?limit and ?cursor, and refuses a cursor it did not make', async () => {
      const first = await get('/departments?limit=1').expect(200);
      expect(first.body.items).toHaveLength(1);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await get(`/departments?limit=1&cursor=${first.body.nextCursor}`).expect(200);
      // The next page starts where a page of two would go on (in the database's order of codes, whose
      // collation puts _ before - and digits, unlike a comparison of JavaScript strings).
      const two = await get('/departments?limit=2').expect(200);
      expect(two.body.items.map((d: { code: string }) => d.code)).toEqual([
        first.body.items[0].code,
        second.body.items[0].code,
      ]);
      const bad = await get('/departments?cursor=not-a-cursor').expect(400);
      expect(bad.body.message).toBe('cursor is not one this api returned');
      await get('/departments?limit=101').expect(400);
    });

    it('answers a code taken with 409', async () => {
      const res = await post('/departments', { code: c('SAMR'), name: 'again' }).expect(409);
      expect(res.body.message).toBe(`department ${c('SAMR')} already exists`);
    });

    it.each([
      ['a lower-case code', { code: 'samr', name: 'x' }, 'code must be 1-32 capital letters'],
      ['a 33-character code', { code: 'A'.repeat(33), name: 'x' }, 'code must be 1-32 capital letters'],
      ['an empty name', { code: 'OK', name: '' }, 'name must be longer than or equal to 1 characters'],
      ['a blank name', { code: 'OK', name: '   ' }, 'name must not be blank'],
      ['a 101-character name', { code: 'OK', name: 'x'.repeat(101) }, 'name must be shorter than or equal to 100'],
      ['an unknown field', { code: 'OK', name: 'x', extra: 1 }, 'property extra should not exist'],
    ])('refuses %s with 400', async (_case, body, message) => {
      const res = await post('/departments', body).expect(400);
      expect(messageOf(res.body).join('\n')).toContain(message);
    });

    it('answers 401 without a token and 403 for a clerk', async () => {
      await post('/departments', { code: c('X1'), name: 'x' }, null).expect(401);
      const res = await post('/departments', { code: c('X1'), name: 'x' }, tokens.clerk).expect(403);
      expect(res.body.message).toBe('role clerk may not do this; allowed: admin');
    });
  });

  describe('halls (1+5+N)', () => {
    it('builds a centre, a branch under it and points under the branch and the centre', async () => {
      await post('/halls', { code: c('EAST'), name: '东区分中心', level: 'branch', parentCode: c('CENTRE') }).expect(
        201,
      );
      const point = await post('/halls', {
        code: c('P1'),
        name: '社区站点',
        level: 'point',
        parentCode: c('EAST'),
      }).expect(201);
      expect(point.body).toEqual({ code: c('P1'), name: '社区站点', level: 'point', parentCode: c('EAST') });
      await post('/halls', { code: c('P2'), name: '园区站点', level: 'point', parentCode: c('CENTRE') }).expect(201);
      const list = await get('/halls?limit=100').expect(200);
      expect(list.body.items).toEqual(
        expect.arrayContaining([{ code: c('CENTRE'), name: '政务服务中心', level: 'centre' }]),
      );
    });

    it.each([
      [{ level: 'centre', parentCode: 'CENTRE-X' }, 'a centre hall has no parent: leave parentCode out'],
      [{ level: 'branch' }, 'a branch hall needs parentCode: the code of a centre'],
      [{ level: 'point' }, 'a point hall needs parentCode: the code of a branch or centre'],
      [{ level: 'point', parentCode: 'NO-SUCH-HALL' }, 'parent hall NO-SUCH-HALL does not exist'],
      [{ level: 'kiosk' }, 'level must be one of centre, branch, point'],
    ])('refuses %j with 400 naming the fault', async (fields, message) => {
      const code = c(`H${Math.random().toString(36).slice(2, 6).toUpperCase()}`);
      const res = await post('/halls', { code, name: 'x', ...fields }).expect(400);
      expect(messageOf(res.body)).toContain(message);
      expect((await get('/halls?limit=100').expect(200)).body.items).not.toContainEqual(
        expect.objectContaining({ code }),
      );
    });

    it('refuses a branch under a branch, naming the parent and its level', async () => {
      const res = await post('/halls', {
        code: c('HX'),
        name: 'x',
        level: 'branch',
        parentCode: c('EAST'),
      }).expect(400);
      expect(res.body.message).toBe(`the parent of a branch hall must be a centre; ${c('EAST')} is a branch`);
    });
  });

  describe('matters', () => {
    it('lists the matters with their limits, materials and outputs, without a login', async () => {
      let cursor: string | null = null;
      const found: { code: string }[] = [];
      do {
        const page: request.Response = await get(`/matters?limit=100${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        found.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(found).toContainEqual(matters()[1]);
    });

    const matter = (fields: object) => ({
      ...matters()[0],
      code: c(`MX${unique().slice(-4).toUpperCase()}`),
      ...fields,
    });

    it('refuses a promised limit above the legal one, comparing in working minutes', async () => {
      const res = await post(
        '/matters',
        matter({ promisedLimit: { value: 8, unit: 'workingHours' }, legalLimit: { value: 1, unit: 'workingDays' } }),
      ).expect(400);
      expect(res.body.message).toBe(
        'promisedLimit (8 workingHours = 480 working minutes) is longer than legalLimit (1 workingDays = 420 working minutes)',
      );
      await post(
        '/matters',
        matter({ promisedLimit: { value: 7, unit: 'workingHours' }, legalLimit: { value: 1, unit: 'workingDays' } }),
      ).expect(201);
    });

    it('refuses a material listed twice and an unknown department, together', async () => {
      const res = await post(
        '/matters',
        matter({
          departmentCode: 'NO-SUCH-DEPT',
          materials: [material('A', 'a'), material('A', 'again')],
        }),
      ).expect(400);
      expect(res.body.message).toEqual([
        'material code A appears more than once in the matter',
        'department NO-SUCH-DEPT does not exist',
      ]);
    });

    it.each([
      [
        'a zero limit',
        { promisedLimit: { value: 0, unit: 'workingDays' } },
        'promisedLimit.value: value must be a positive integer',
      ],
      [
        'a fractional limit',
        { promisedLimit: { value: 1.5, unit: 'workingDays' } },
        'promisedLimit.value: value must be a positive integer',
      ],
      [
        'an unknown unit',
        { legalLimit: { value: 1, unit: 'days' } },
        'legalLimit.unit: unit must be one of workingDays, workingHours',
      ],
      ['a limit as text', { legalLimit: '15 days' }, 'legalLimit must be an object {value, unit}'],
      ['a null material', { materials: [null] }, 'materials'],
      [
        'a material flag as text',
        { materials: [{ code: 'A', name: 'a', required: 'yes', key: true }] },
        'materials.0.required',
      ],
      ['materials as text', { materials: 'all of them' }, 'materials must be an array'],
      ['an output without a name', { output: { kind: 'licence' } }, 'output.name: name must be a string'],
      ['a 201-character name', { name: 'x'.repeat(201) }, 'name must be shorter than or equal to 200 characters'],
      [
        'a 5000-character department code',
        { departmentCode: 'x'.repeat(5000) },
        'departmentCode must be 1-32 capital letters',
      ],
      [
        '101 materials',
        { materials: Array.from({ length: 101 }, (_, i) => material(`M${i}`, 'm')) },
        'materials must contain no more than 100 elements',
      ],
    ])('refuses %s with 400', async (_case, fields, message) => {
      const res = await post('/matters', matter(fields)).expect(400);
      expect(messageOf(res.body).join('\n')).toContain(message);
    });

    it('answers a matter code taken with 409', async () => {
      const res = await post('/matters', matters()[0]).expect(409);
      expect(res.body.message).toBe(`matter ${c('LICENCE')} already exists`);
    });
  });

  describe('items and versions', () => {
    const itemCode = c('OPEN-BIZ');
    let v1: Record<string, unknown>;

    it('creates 开办企业 as draft v1 with a snapshot of each matter, not yet public', async () => {
      const res = await post('/items', openingABusiness(itemCode)).expect(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^\d+$/),
        itemCode,
        version: 1,
        status: 'draft',
        name: '开办企业',
        category: 'enterprise',
        calendarCode: 'zone',
        promisedLimit: workingDays(3),
        publishedAt: null,
        formSchema: openingABusiness(itemCode).formSchema,
      });
      expect(res.body.steps).toHaveLength(6);
      expect(res.body.steps[1]).toEqual({
        key: 'seal',
        matterCode: c('SEAL'),
        matterName: '公章刻制备案',
        departmentCode: c('PSB'),
        dependsOn: ['licence'],
        promisedLimit: { value: 4, unit: 'workingHours' },
        legalLimit: workingDays(5),
        materials: matters()[1].materials,
        output: { kind: 'filing', name: '印章备案回执' },
      });
      await get(`/items/${itemCode}`).expect(404);
      const audit = await suite.db.getRepository(AuditEvent).findBy({ subjectType: 'item', subjectId: itemCode });
      expect(audit.map((a) => a.action)).toEqual(['item.version-created']);
    });

    it('publishes v1, which anyone can then read with its checklist de-duplicated', async () => {
      const published = await post(`/items/${itemCode}/versions/1/publish`, {}).expect(200);
      expect(published.body).toMatchObject({ version: 1, status: 'published' });
      expect(published.body.publishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
      v1 = published.body;

      const res = await get(`/items/${itemCode}`).expect(200);
      expect(res.body).toMatchObject({
        code: itemCode,
        name: '开办企业',
        category: 'enterprise',
        calendarCode: 'zone',
        version: 1,
        promisedLimit: workingDays(3),
      });
      expect(res.body.steps.map((s: { key: string; departmentCode: string; dependsOn: string[] }) => s)).toEqual([
        expect.objectContaining({ key: 'licence', matterCode: c('LICENCE'), departmentCode: c('SAMR'), dependsOn: [] }),
        expect.objectContaining({
          key: 'seal',
          matterCode: c('SEAL'),
          departmentCode: c('PSB'),
          dependsOn: ['licence'],
        }),
        expect.objectContaining({ key: 'tax', departmentCode: c('TAX'), dependsOn: ['licence'] }),
        expect.objectContaining({ key: 'social', departmentCode: c('HRSS'), dependsOn: ['licence'] }),
        expect.objectContaining({ key: 'fund', departmentCode: c('HPF'), dependsOn: ['licence'] }),
        expect.objectContaining({ key: 'bank', departmentCode: c('PBOC'), dependsOn: ['licence'] }),
      ]);
      expect(res.body.checklist).toEqual([
        {
          code: 'APPLICATION-FORM',
          name: '公司登记（备案）申请书',
          required: true,
          key: true,
          matters: [c('LICENCE')],
        },
        { code: 'ARTICLES', name: '公司章程', required: true, key: true, matters: [c('LICENCE')] },
        {
          code: 'ID-LEGAL-REP',
          name: '法定代表人身份证明',
          required: true,
          key: true,
          matters: [c('LICENCE'), c('SEAL'), c('FUND')],
        },
        { code: 'PREMISES', name: '住所使用证明', required: true, key: false, matters: [c('LICENCE')] },
        {
          code: 'BIZ-LICENCE-COPY',
          name: '营业执照副本',
          required: true,
          key: true,
          matters: [c('SEAL'), c('TAX'), c('SOCIAL'), c('FUND'), c('BANK')],
        },
        // Optional for tax, required for the bank: required on the one list.
        {
          code: 'BANK-ACCOUNT-INFO',
          name: '银行账户信息',
          required: true,
          key: false,
          matters: [c('TAX'), c('BANK')],
        },
      ]);
    });

    it('lists the published item without a login', async () => {
      let cursor: string | null = null;
      const found: { code: string; version: number }[] = [];
      do {
        const page: request.Response = await get(`/items?limit=100${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        found.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(found.filter((i) => i.code === itemCode)).toEqual([
        {
          code: itemCode,
          name: '开办企业',
          category: 'enterprise',
          stage: null,
          joint: false,
          calendarCode: 'zone',
          version: 1,
          promisedLimit: workingDays(3),
          publishedAt: v1.publishedAt,
        },
      ]);
    });

    it('answers publishing a published version with 409 naming its state, and an unknown one with 404', async () => {
      const again = await post(`/items/${itemCode}/versions/1/publish`, {}).expect(409);
      expect(again.body.message).toBe(
        `version 1 of item ${itemCode} is already published; only a draft can be published`,
      );
      const unknown = await post(`/items/${itemCode}/versions/9/publish`, {}).expect(404);
      expect(unknown.body.message).toBe(`version 9 of item ${itemCode} not found`);
      await post(`/items/${c('NO-ITEM')}/versions/1/publish`, {}).expect(404);
    });

    it('makes v2 a draft while the public still sees v1; after publishing v2, v1 stays as it was', async () => {
      const v2 = await post('/items', {
        ...openingABusiness(itemCode, '开办企业（第二版）'),
        calendarCode: 'always',
      }).expect(201);
      expect(v2.body).toMatchObject({ version: 2, status: 'draft', calendarCode: 'always' });
      expect((await get(`/items/${itemCode}`).expect(200)).body).toMatchObject({ version: 1, name: '开办企业' });

      await post(`/items/${itemCode}/versions/2/publish`, {}).expect(200);
      const latest = await get(`/items/${itemCode}`).expect(200);
      expect(latest.body).toMatchObject({ version: 2, name: '开办企业（第二版）', calendarCode: 'always' });

      const first = await get(`/items/${itemCode}/versions/1`, tokens.admin).expect(200);
      expect(first.body).toEqual(v1);
      const audit = await suite.db.getRepository(AuditEvent).findBy({ subjectType: 'item', subjectId: itemCode });
      expect(audit.map((a) => a.action)).toEqual([
        'item.version-created',
        'item.version-published',
        'item.version-created',
        'item.version-published',
      ]);
    });

    it('lets an admin read a draft by version; the public and other roles cannot', async () => {
      const code = c('DRAFT-ONLY');
      await post('/items', openingABusiness(code)).expect(201);
      const draft = await get(`/items/${code}/versions/1`, tokens.admin).expect(200);
      expect(draft.body).toMatchObject({ itemCode: code, version: 1, status: 'draft' });
      await get(`/items/${code}`).expect(404);
      await get(`/items/${code}/versions/1`).expect(401);
      await get(`/items/${code}/versions/1`, tokens.clerk).expect(403);
      await get(`/items/${code}/versions/2`, tokens.admin).expect(404);
      await get(`/items/${code}/versions/first`, tokens.admin).expect(400);
      await get(`/items/${code}/versions/0`, tokens.admin).expect(400);
      await get('/items/not%20a%20code').expect(400);
    });

    it('numbers concurrent drafts of one item 1..n without a gap or a duplicate', async () => {
      const code = c('RACE');
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => post('/items', openingABusiness(code, `race ${i}`))),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      expect(results.map((r) => r.body.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    });

    const steps = (...list: [string, string, string[]][]) =>
      list.map(([key, matter, dependsOn]) => ({ key, matterCode: c(matter), dependsOn }));

    it.each([
      [
        'a cycle',
        steps(['licence', 'LICENCE', ['bank']], ['seal', 'SEAL', ['licence']], ['bank', 'BANK', ['seal']]),
        'steps form a cycle: licence → bank → seal → licence (each depends on the next)',
      ],
      [
        'an unknown matter',
        [{ key: 'licence', matterCode: 'NO-SUCH-MATTER', dependsOn: [] }],
        'step licence names unknown matter NO-SUCH-MATTER',
      ],
      [
        'an unknown dependsOn key',
        steps(['licence', 'LICENCE', []], ['seal', 'SEAL', ['licnce']]),
        'step seal depends on unknown step licnce',
      ],
      [
        'a duplicate step key',
        steps(['licence', 'LICENCE', []], ['seal', 'SEAL', ['licence']], ['seal', 'TAX', ['licence']]),
        'step key seal is used by more than one step',
      ],
      ['a step depending on itself', steps(['licence', 'LICENCE', ['licence']]), 'step licence depends on itself'],
      ['an empty step list', [], 'steps must not be empty: an item needs at least one step'],
    ])('refuses %s with 400 naming it, and creates nothing', async (_fault, stepList, message) => {
      const code = c(`BAD${unique().slice(-5).toUpperCase()}`);
      const res = await post('/items', { ...openingABusiness(code), steps: stepList }).expect(400);
      expect(messageOf(res.body)).toContain(message);
      expect(await suite.db.getRepository(ServiceItem).countBy({ code })).toBe(0);
      expect(await suite.db.getRepository(ItemVersion).countBy({ itemCode: code })).toBe(0);
    });

    it.each([
      ['steps as text', { steps: 'licence' }, 'steps must be an array'],
      ['a null step', { steps: [null] }, 'steps'],
      [
        'dependsOn as text',
        { steps: [{ key: 'licence', matterCode: 'X', dependsOn: 'seal' }] },
        'steps.0.dependsOn: dependsOn must be an array',
      ],
      [
        'a step key with a space',
        { steps: [{ key: 'a b', matterCode: 'X' }] },
        'steps.0.key: key must be 1-32 letters',
      ],
      [
        '51 steps',
        { steps: Array.from({ length: 51 }, (_, i) => ({ key: `s${i}`, matterCode: 'X' })) },
        'steps must contain no more than 50 elements',
      ],
      [
        'a negative limit',
        { promisedLimit: { value: -1, unit: 'workingDays' } },
        'promisedLimit.value: value must be a positive integer',
      ],
      ['a form schema that is an array', { formSchema: ['not', 'an', 'object'] }, 'formSchema must be a JSON object'],
      [
        'a 70 kB form schema',
        { formSchema: { big: 'x'.repeat(70_000) } },
        'formSchema must be at most 65536 bytes as JSON',
      ],
      [
        'a 65-character category',
        { category: 'c'.repeat(65) },
        'category must be shorter than or equal to 64 characters',
      ],
      ['a calendar code with a space', { calendarCode: 'zone calendar' }, 'calendarCode must be 1-32 letters'],
      ['a version chosen by the client', { version: 3 }, 'property version should not exist'],
    ])('refuses %s with 400', async (_case, fields, message) => {
      const code = c(`BAD${unique().slice(-5).toUpperCase()}`);
      const res = await post('/items', { ...openingABusiness(code), ...fields }).expect(400);
      expect(messageOf(res.body).join('\n')).toContain(message);
      expect(await suite.db.getRepository(ItemVersion).countBy({ itemCode: code })).toBe(0);
    });

    it('answers a form schema nested thousands of levels deep with 400, not 500, on this route and any other', async () => {
      const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
      const body = JSON.stringify(openingABusiness(c('DEEP'))).replace(
        '"formSchema":{',
        `"formSchema":{"x":${deep(5000)},`,
      );
      const res = await postText('/items', tokens.admin, body).expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'request body nests arrays and objects deeper than 24 levels',
      });
      await postText('/auth/login', null, `{"username":"admin","password":"x","x":${deep(100_000)}}`).expect(400);
      const nested = { type: 'object', properties: { a: { type: 'array', items: { type: 'object' } } } };
      await post('/items', { ...openingABusiness(c('NESTED')), formSchema: nested }).expect(201);
    });

    it('answers 401 without a token and 403 for a clerk on every write', async () => {
      await post('/items', openingABusiness(c('NOPE')), null).expect(401);
      await post('/items', openingABusiness(c('NOPE')), tokens.clerk).expect(403);
      await post(`/items/${itemCode}/versions/1/publish`, {}, null).expect(401);
      await post(`/items/${itemCode}/versions/1/publish`, {}, tokens.clerk).expect(403);
      await post('/matters', matters()[0], tokens.clerk).expect(403);
      await post('/halls', { code: c('H403'), name: 'x', level: 'centre' }, tokens.clerk).expect(403);
    });

    it('pages the public list of items', async () => {
      const first = await get('/items?limit=1').expect(200);
      expect(first.body.items).toHaveLength(1);
      if (first.body.nextCursor) {
        const second = await get(`/items?limit=1&cursor=${first.body.nextCursor}`).expect(200);
        expect(second.body.items[0].code > first.body.items[0].code).toBe(true);
      }
      await get('/items?cursor=%25%25').expect(400);
    });
  });

  it('describes every catalogue route in the OpenAPI document, with its error responses', async () => {
    const res = await http().get('/api/docs-json').expect(200);
    const paths = res.body.paths;
    const statuses = (path: string, method: string) => Object.keys(paths[path][method].responses).sort();
    // Beside each route's own answers: 500 and 503 on every route, 429 on the signed-in ones (the per-caller
    // limit), 413 and 415 where a JSON body is read (apps/api/src/openapi/contract.ts).
    const signedInWrite = ['400', '401', '403', '409', '413', '415', '429', '500', '503'];
    expect(statuses('/api/v1/departments', 'post')).toEqual(['201', ...signedInWrite]);
    expect(statuses('/api/v1/departments', 'get')).toEqual(['200', '400', '500', '503']);
    expect(statuses('/api/v1/halls', 'post')).toEqual(['201', ...signedInWrite]);
    expect(statuses('/api/v1/matters', 'post')).toEqual(['201', ...signedInWrite]);
    expect(statuses('/api/v1/items', 'post')).toEqual(['201', ...signedInWrite]);
    expect(statuses('/api/v1/items', 'get')).toEqual(['200', '400', '500', '503']);
    expect(statuses('/api/v1/items/{code}', 'get')).toEqual(['200', '400', '404', '500', '503']);
    expect(statuses('/api/v1/items/{code}/versions/{version}', 'get')).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '429',
      '500',
      '503',
    ]);
    expect(statuses('/api/v1/items/{code}/versions/{version}/publish', 'post')).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '429',
      '500',
      '503',
    ]);
    const schemas = res.body.components.schemas;
    expect(schemas.CreateItemDto.required).toEqual(
      expect.arrayContaining(['code', 'name', 'category', 'promisedLimit', 'steps']),
    );
    expect(schemas.CreateMatterDto.properties.materials).toMatchObject({ type: 'array', maxItems: 100 });
    expect(schemas.PublishedItemDto.properties.checklist.items.$ref).toBe('#/components/schemas/ChecklistEntryDto');
  });
});
