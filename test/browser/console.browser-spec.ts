import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_ENV } from '../test-env.js';
import {
  act,
  collectErrors,
  expectAccessible,
  findInCatalogue,
  itWithTestIds,
  launchChromium,
  PHONE,
  personContext,
  screenshot,
  mainPageShown,
  serveConsole,
  type Served,
  signIn,
  undocumented,
  until,
} from './harness.js';
import { buildWorld, PASSWORD, REQUIRED, STEPS, type World } from './world.js';

const LOGIN = ['login-username', 'login-password', 'login-submit'];
const LOOP = [
  ...LOGIN,
  'request-form',
  'action-accept',
  '-approve',
  'action-evaluate',
  'field-score',
  'modal-submit',
  'action-follow-up-',
];

/**
 * The console as its people use it: each in a browser context of their own, against the api and
 * worker of this process and the built console. Figures and states are checked against the api.
 */
describe('the console in Chromium', () => {
  // Nothing to start when every test still waits for its page.
  const anyRuns = [LOGIN, LOOP, ['request-not-found']].some((ids) => undocumented(ids).length === 0);
  let served: Served;
  let browser: Browser;
  let world: World;
  const contexts: BrowserContext[] = [];

  const as = async (who: keyof World['users'] | 'admin', viewport?: { width: number; height: number }) => {
    const context = await personContext(browser, viewport);
    contexts.push(context);
    const username = who === 'admin' ? 'admin' : world.users[who];
    return signIn(context, served.url, username, who === 'admin' ? TEST_ENV.ADMIN_PASSWORD : PASSWORD);
  };

  /** An application of the world's item by its applicant, through the api (the apply page is tested on its own). */
  const submitted = async (): Promise<{ id: string; number: string }> => {
    const res = await world.api(world.users.applicant, 'POST', '/requests', {
      itemCode: world.item,
      form: { companyName: '示范科技有限公司' },
      materials: REQUIRED.map((code) => ({ code, reference: `file:${code.toLowerCase()}.pdf` })),
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; number: string };
  };
  const view = async (id: string) => (await world.api('admin', 'GET', `/requests/${id}`)).body;

  const openRequest = async (page: Page, id: string) => {
    await page.goto(`${served.url}/requests/${id}`);
    await page.getByTestId('request-page').or(page.getByTestId('request-not-found')).first().waitFor();
  };

  beforeAll(async () => {
    if (!anyRuns) return;
    served = await serveConsole();
    browser = await launchChromium();
    world = await buildWorld(served.url);
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await served?.close();
  });

  itWithTestIds(
    LOGIN,
    'every role signs in to an accessible main page, captured at 1366×768 (the applicant, the manager and a clerk also at 390 px, without sideways scrolling)',
    async () => {
      for (const who of ['applicant', 'clerk', 'approver', 'manager', 'admin'] as const) {
        const page = await as(who);
        const errors = collectErrors(page);
        await mainPageShown(page);
        await expectAccessible(page, `${who}'s main page`);
        await screenshot(page, `${who}-1366x768`);
        expect(errors).toEqual([]);
      }
      const phone = await as('applicant', PHONE);
      await mainPageShown(phone);
      await expectAccessible(phone, "the applicant's main page at 390 px");
      await screenshot(phone, 'applicant-390');
      // Nothing wider than the phone: no sideways scrolling.
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      // Nor on the pages of wide tables: the manager's dashboard, a clerk's licence search. Their tables
      // scroll inside their cards.
      const managerPhone = await as('manager', PHONE);
      await mainPageShown(managerPhone);
      await managerPhone.locator('[data-testid^="turnaround-row-"]').first().waitFor();
      expect(await managerPhone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      // The tab shows the desk's icon, served with the console (no 404 on every page).
      const icon = await managerPhone.locator('link[rel=icon]').getAttribute('href');
      const iconFile = await managerPhone.request.get(`${served.url}${icon}`);
      expect([iconFile.status(), iconFile.headers()['content-type']]).toEqual([200, 'image/svg+xml']);
      const clerkPhone = await as('clerk', PHONE);
      await clerkPhone.goto(`${served.url}/licences`);
      await clerkPhone.getByTestId('licence-find').waitFor();
      expect(await clerkPhone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    },
  );

  itWithTestIds(
    [...LOGIN, 'inbox', 'inbox-item', 'switch-language'],
    "the applicant's inbox is read again in English when the console switches to it, and English is punctuated as English",
    async () => {
      const { id, number } = await submitted();
      const applicant = await as('applicant');
      await applicant.goto(`${served.url}/inbox`);
      const item = applicant.getByTestId('inbox-item').filter({ hasText: number }).first();
      await until(applicant, 'the submission noticed in Chinese', async () =>
        (await item.count()) > 0
          ? (await item.innerText()).includes('您的申请已收到')
          : (await applicant.reload(), false),
      );
      await applicant.getByTestId('switch-language').click();
      await until(applicant, 'the same notice in English', async () =>
        (await item.innerText()).includes('your application was received'),
      );
      // English is punctuated as English: "(Applicant)", not the Chinese full-width "（Applicant）".
      await openRequest(applicant, id);
      const timeline = await applicant.getByTestId('timeline').innerText();
      expect(timeline).toContain(`${world.users.applicant} (Applicant)`);
      expect(timeline).not.toMatch(/[（）：]/);
    },
  );

  itWithTestIds(
    [...LOGIN, 'request-page', 'live-mark'],
    "the applicant's request page shows the clerk's acceptance, made in another session, without being reloaded",
    async () => {
      const { id } = await submitted();
      const applicant = await as('applicant');
      const errors = collectErrors(applicant);
      await openRequest(applicant, id);
      const mark = applicant.getByTestId('request-page').getByTestId('live-mark');
      await until(
        applicant,
        'the page follows changes',
        async () => (await mark.getAttribute('data-state')) === 'open',
      );
      expect(await applicant.getByTestId('request-page').getAttribute('data-status')).toBe('submitted');
      expect((await world.api(world.users.clerk, 'POST', `/requests/${id}/accept`, {})).status).toBe(200);
      await until(
        applicant,
        'the page shows the acceptance',
        async () => (await applicant.getByTestId('request-page').getAttribute('data-status')) === 'in_progress',
      );
      expect(errors).toEqual([]);
    },
  );

  itWithTestIds(
    [...LOGIN, 'users', 'users-search', 'user-'],
    'the admin finds a user by name in the list of users, with the role in words',
    async () => {
      const admin = await as('admin');
      await admin.goto(`${served.url}/admin/users`);
      await admin.getByTestId('users-search').locator('input').fill(world.users.approver);
      const row = admin.getByTestId(`user-${world.users.approver}`);
      await row.waitFor();
      expect(await row.innerText()).toContain('部门审批人员');
      expect(await admin.getByTestId('users').locator('tbody tr[data-testid^="user-"]').count()).toBe(1);
    },
  );

  itWithTestIds(
    [...LOGIN, 'login-error'],
    'a wrong password stays on the login page and says so in words',
    async () => {
      const context = await personContext(browser);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${served.url}/login`);
      await page.getByTestId('login-username').fill(world.users.applicant);
      await page.getByTestId('login-password').fill('not-the-password-9');
      await page.getByTestId('login-submit').click();
      const error = page.getByTestId('login-error');
      await error.waitFor();
      // The api's own words in the person's language (the message catalogue), not raw JSON.
      expect(await error.innerText()).toContain('用户名或密码错误');
      expect(await error.innerText()).not.toMatch(/[{}]|statusCode/);
      expect(new URL(page.url()).pathname).toBe('/login');
    },
  );

  itWithTestIds(
    LOOP,
    '开办企业 across four desks: accepted, every step approved, outputs issued together, rated 2, the follow-up handled by the manager',
    async () => {
      const { id } = await submitted();
      const [applicant, clerk, approver, manager] = [
        await as('applicant'),
        await as('clerk'),
        await as('approver'),
        await as('manager'),
      ];
      await openRequest(clerk, id);
      // The clerk accepts what they can read: the applicant's form, labelled as the item labels it.
      const form = clerk.getByTestId('request-form');
      expect(await form.innerText()).toContain('企业名称');
      expect(await form.getByTestId('request-form-companyName').innerText()).toBe('示范科技有限公司');
      // Before acceptance the clock shown is the hall's time to decide (受理时限), not the request's.
      expect(await clerk.getByTestId('request-page').innerText()).toContain('受理时限');
      await act(clerk, 'action-accept');
      for (const step of STEPS) {
        await openRequest(approver, id);
        await act(approver, `step-${step}-approve`);
      }
      const done = await view(id);
      expect(done.status).toBe('completed');
      const outputs = done.outputs as { issuedAt: string }[];
      expect(outputs).toHaveLength(STEPS.length);
      expect(new Set(outputs.map((o) => o.issuedAt)).size).toBe(1);

      await openRequest(applicant, id);
      expect(await applicant.getByTestId('request-page').innerText()).toContain('办结时限');
      for (const output of done.outputs as { number: string }[]) {
        expect(await applicant.getByTestId('outputs').innerText()).toContain(output.number);
      }
      await applicant.getByTestId('action-evaluate').click();
      const dialog = applicant.getByRole('dialog');
      // Clicks while the dialog is still zooming in may land on nothing: wait for it to settle.
      await applicant.locator('[role="dialog"].ant-modal:not(.ant-zoom)').waitFor();
      await dialog.getByTestId('field-score').locator('[role=radio]').nth(1).click();
      await dialog.getByTestId('field-comment').fill('等待太久');
      await dialog.getByTestId('modal-submit').click();
      await dialog.waitFor({ state: 'hidden' });
      expect((await view(id)).evaluation).toMatchObject({ score: 2, comment: '等待太久' });
      // The evaluation's answer is not the request: the page reads the request again and shows the rating.
      const rated = applicant.getByTestId('evaluation');
      await rated.waitFor();
      expect(await rated.innerText()).toContain('2（不满意）');
      expect(await applicant.getByTestId('request-page').isVisible()).toBe(true);

      // The follow-up's three actions one after the other on one page, without reloading it.
      await openRequest(manager, id);
      for (const action of ['verify', 'rectify', 'feedback']) {
        await manager.getByTestId(`action-follow-up-${action}`).waitFor();
        await act(manager, `action-follow-up-${action}`);
      }
      expect((await view(id)).evaluation.followUp).toMatchObject({ status: 'closed' });
      await until(manager, 'the follow-up shown closed', async () =>
        (await manager.getByTestId('follow-up').innerText()).includes('已反馈'),
      );
    },
  );

  itWithTestIds(
    [...LOGIN, 'request-not-found'],
    "a clerk of another hall opening the request's address is told it is not found",
    async () => {
      const { id } = await submitted();
      expect((await world.api(world.users.clerk, 'POST', `/requests/${id}/accept`, {})).status).toBe(200);
      const other = await as('otherClerk');
      await openRequest(other, id);
      expect(await other.getByTestId('request-not-found').isVisible()).toBe(true);
      expect(await other.getByTestId('request-page').count()).toBe(0);
    },
  );

  itWithTestIds(
    [...LOGIN, 'action-request-supplement', 'action-supply', 'field-correct-form'],
    'a supplement round trip: the clerk asks, the applicant answers, the request is back at intake',
    async () => {
      const { id } = await submitted();
      const clerk = await as('clerk');
      await openRequest(clerk, id);
      await act(clerk, 'action-request-supplement');
      expect((await view(id)).status).toBe('supplement_required');
      const applicant = await as('applicant');
      await openRequest(applicant, id);
      // The answer corrects the form too (更正表单): the switch opens it filled with what was sent.
      await applicant.getByTestId('action-supply').click();
      const dialog = applicant.getByRole('dialog');
      await applicant.locator('[role="dialog"].ant-modal:not(.ant-zoom)').waitFor();
      await dialog.getByTestId('field-correct-form').click();
      const companyName = dialog.getByTestId('form-companyName');
      expect(await companyName.inputValue()).toBe('示范科技有限公司');
      await companyName.fill('示范科技（更正）有限公司');
      for (const reference of await dialog.locator('[data-testid^="field-ref-"]').all())
        await reference.fill('补正.pdf');
      await dialog.getByTestId('modal-submit').click();
      await dialog.waitFor({ state: 'hidden' });
      const answered = await view(id);
      expect(answered.status).toBe('submitted');
      expect(answered.form).toEqual({ companyName: '示范科技（更正）有限公司' });
    },
  );

  itWithTestIds(
    [...LOGIN, 'action-accept', '-deny'],
    'a denial ends the request, with its reason shown to the applicant',
    async () => {
      const { id } = await submitted();
      expect((await world.api(world.users.clerk, 'POST', `/requests/${id}/accept`, {})).status).toBe(200);
      const approver = await as('approver');
      await openRequest(approver, id);
      await act(approver, 'step-licence-deny', '住所使用证明与登记地址不符');
      expect((await view(id)).status).toBe('denied');
      const applicant = await as('applicant');
      await openRequest(applicant, id);
      expect(await applicant.getByTestId('request-page').innerText()).toContain('住所使用证明与登记地址不符');
    },
  );

  /** Accepted and every step approved through the api: one completed request of the world's item. */
  const completed = async (): Promise<string> => {
    const { id } = await submitted();
    expect((await world.api(world.users.clerk, 'POST', `/requests/${id}/accept`, {})).status).toBe(200);
    for (const step of STEPS) {
      const res = await world.api(world.users.approver, 'POST', `/requests/${id}/steps/${step}/approve`, {});
      expect(res.status).toBe(200);
    }
    expect((await view(id)).status).toBe('completed');
    return id;
  };
  /** The zone's date (Asia/Shanghai) of now, as the dashboard's default period ends. */
  const zoneToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const zoneDaysAgo = (n: number) => new Date(Date.now() + 8 * 3_600_000 - n * 86_400_000).toISOString().slice(0, 10);

  itWithTestIds(
    [...LOGIN, 'uscc-input', 'uscc-find', 'company-found', 'on-behalf-item', 'on-behalf-submit'],
    '代办: the clerk finds the company by a USCC checked as typed and applies on its behalf',
    async () => {
      const clerk = await as('clerk');
      await clerk.goto(`${served.url}/on-behalf`);
      const wrong = world.company.slice(0, 17) + (world.company[17] === '0' ? '1' : '0');
      await clerk.getByTestId('uscc-input').fill(wrong);
      expect(await clerk.getByTestId('uscc-find').isDisabled()).toBe(true);
      expect(await clerk.locator('.ant-form-item-explain').innerText()).toContain('校验位');
      await clerk.getByTestId('uscc-input').fill(world.company);
      await clerk.getByTestId('uscc-find').click();
      expect(await clerk.getByTestId('company-found').innerText()).toContain('示范科技有限公司');
      await clerk.getByTestId('on-behalf-item').click();
      await clerk.keyboard.type(world.item);
      await clerk
        .locator('.ant-select-dropdown:visible .ant-select-item-option')
        .filter({ hasText: world.item })
        .click();
      // The form's rules are told in words: a field left empty, a value not in the field's format
      // (never the schema's regular expression).
      await clerk.getByTestId('form-contactPhone').fill('12345');
      await clerk.getByTestId('on-behalf-submit').click();
      const explained = clerk.locator('.ant-form-item-explain-error');
      await until(clerk, 'both fields explained', async () => (await explained.count()) >= 2);
      const explanations = await explained.allInnerTexts();
      expect(explanations).toEqual(expect.arrayContaining(['请填写企业名称', '联系电话的格式不正确']));
      expect(explanations.join()).not.toContain('^');
      await clerk.getByTestId('form-contactPhone').fill('0512-6688 1234');
      await clerk.getByTestId('form-companyName').fill('示范科技有限公司');
      for (const code of REQUIRED) await clerk.getByTestId(`material-${code}`).fill(`代办-${code}.pdf`);
      await clerk.getByTestId('on-behalf-submit').click();
      await clerk.waitForURL(/\/requests\/\d+$/);
      const id = new URL(clerk.url()).pathname.split('/').pop()!;
      expect(await view(id)).toMatchObject({
        status: 'submitted',
        onBehalfOf: world.company,
        companyUscc: world.company,
      });
      await clerk.getByTestId('request-page').waitFor();
    },
  );

  itWithTestIds(
    [
      ...LOGIN,
      'chart-turnaround',
      'report-freshness',
      'table-turnaround',
      'turnaround-row-',
      'cell-completed',
      'backlog-row-',
      'cell-total',
    ],
    "the manager's charts render with the figures the api returned",
    async () => {
      await completed();
      await submitted();
      const manager = await as('manager');
      await manager.goto(`${served.url}/dashboard`);
      const period = `from=${zoneDaysAgo(29)}&to=${zoneToday()}`;
      const turnaround = (await world.api(world.users.manager, 'GET', `/reports/turnaround?${period}&groupBy=item`))
        .body;
      const backlog = (await world.api(world.users.manager, 'GET', '/reports/backlog')).body;
      const row = (turnaround.rows as { key: string; completed: number; onTime: number }[]).find(
        (r) => r.key === world.item,
      )!;
      expect(row.completed).toBeGreaterThan(0);
      const line = manager.getByTestId(`turnaround-row-${world.item}`);
      await line.waitFor();
      expect(Number(await line.getByTestId('cell-completed').innerText())).toBe(row.completed);
      expect(Number(await line.getByTestId('cell-onTime').innerText())).toBe(row.onTime);
      for (const status of ['submitted', 'in_progress']) {
        const figure = (backlog.rows as { status: string; total: number }[]).find((r) => r.status === status)!.total;
        expect(Number(await manager.getByTestId(`backlog-row-${status}`).getByTestId('cell-total').innerText())).toBe(
          figure,
        );
      }
      // Up to when the figures are whole, read from the primary here (no replicas in the tests).
      const freshness = manager.getByTestId('report-freshness');
      expect(await freshness.getAttribute('data-source')).toBe('primary');
      expect(await freshness.innerText()).toContain('数据截至');
      // The charts are drawn (SVG), one bar per group and status.
      for (const chart of ['chart-turnaround', 'chart-backlog', 'chart-throughput', 'chart-satisfaction']) {
        expect(await manager.getByTestId(chart).locator('svg').count()).toBe(1);
      }
      await expectAccessible(manager, "the manager's dashboard");
      await screenshot(manager, 'manager-dashboard-figures');
    },
  );

  itWithTestIds(
    [...LOGIN, 'download-turnaround-csv', 'download-backlog-xlsx'],
    'a CSV and an XLSX report download from the dashboard and open, in Chinese with names beside codes',
    async () => {
      await completed();
      const manager = await as('manager');
      await manager.goto(`${served.url}/dashboard`);
      await manager.getByTestId(`turnaround-row-${world.item}`).waitFor();
      const [csv] = await Promise.all([
        manager.waitForEvent('download'),
        manager.getByTestId('download-turnaround-csv').click(),
      ]);
      expect(csv.suggestedFilename()).toMatch(/^turnaround-item-.*\.csv$/);
      const bytes = readFileSync((await csv.path())!);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const [header, ...lines] = bytes.subarray(3).toString('utf8').trim().split('\r\n');
      expect(header.split(',').slice(0, 3)).toEqual(['一件事编码', '一件事名称', '办结数']);
      expect(lines.find((l) => l.startsWith(`${world.item},开办企业,`))).toBeDefined();

      const [xlsx] = await Promise.all([
        manager.waitForEvent('download'),
        manager.getByTestId('download-backlog-xlsx').click(),
      ]);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(readFileSync((await xlsx.path())!) as never);
      const sheet = workbook.worksheets[0];
      expect(sheet.getRow(1).getCell(1).value).toBe('状态');
      expect(sheet.getRow(2).getCell(1).value).toBe('待受理');
      expect(typeof sheet.getRow(2).getCell(2).value).toBe('number');
    },
  );

  itWithTestIds(
    [
      ...LOGIN,
      'catalogue-search',
      'nearby-panel',
      'nearby-locate',
      'nearby-origin',
      'nearby-place-',
      'nearby-distance',
    ],
    'the applicant finds the places near them that take an item, nearest first, at the distances the api measured',
    async () => {
      // the world's centre hall takes the item, at an address of its own a kilometre from the zone's centre
      const hallAt = { lat: 31.3301, lng: 120.7251 };
      const me = { lat: 31.3312, lng: 120.7262 };
      const placed = await world.api('admin', 'PATCH', `/halls/${world.hall}`, {
        address: '苏州工业园区浏览器测试路1号',
        ...hallAt,
        itemCodes: [world.item],
      });
      expect(placed.status).toBe(200);
      const applicant = await as('applicant');
      await applicant.context().grantPermissions(['geolocation'], { origin: served.url });
      await applicant.context().setGeolocation({ latitude: me.lat, longitude: me.lng });
      await applicant.goto(`${served.url}/catalogue`);
      await findInCatalogue(applicant, world.item);
      // the panel searches for the one item shown, around the browser's location once asked
      await applicant.getByTestId('nearby-locate').click();
      await applicant.locator('[data-testid="nearby-origin"][data-mine="true"]').waitFor();
      const row = applicant.getByTestId(`nearby-place-${world.hall}`);
      await row.waitFor();

      const nearby = await world.api(
        world.users.applicant,
        'GET',
        `/halls/nearby?lat=${me.lat}&lng=${me.lng}&itemCode=${world.item}&radiusKm=5`,
      );
      expect(nearby.status).toBe(200);
      const places = nearby.body.items as { code: string; distanceMeters: number; openNow: boolean }[];
      const ours = places.find((p) => p.code === world.hall)!;
      expect(ours.distanceMeters).toBeGreaterThan(100);
      expect(ours.distanceMeters).toBeLessThan(300);
      expect(await row.getByTestId('nearby-distance').innerText()).toBe(`${ours.distanceMeters} 米`);
      expect(await row.getAttribute('data-open')).toBe(String(ours.openNow));
      expect(await row.innerText()).toContain('苏州工业园区浏览器测试路1号');
      // the same places in the same order, nearest first
      const shown = await applicant
        .locator('[data-testid^="nearby-place-"]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.replace('nearby-place-', '')));
      expect(shown).toEqual(places.map((p) => p.code));
    },
  );

  itWithTestIds(
    [...LOGIN, 'new-version', 'draft-name', 'draft-submit', 'version-', 'publish-', 'catalogue-search', 'item-'],
    'the admin publishes a new item version and the applicant sees it in the catalogue',
    async () => {
      const admin = await as('admin');
      await admin.goto(`${served.url}/admin/items/${world.item}`);
      await admin.getByTestId('versions').waitFor();
      const before = (await world.api(world.users.applicant, 'GET', `/items/${world.item}`)).body.version as number;
      await admin.getByTestId('new-version').click();
      await admin.getByTestId('draft-name').fill('开办企业（新版）');
      await admin.getByTestId('draft-submit').click();
      await admin.getByTestId(`publish-${before + 1}`).click();
      await admin
        .getByTestId(`version-${before + 1}`)
        .getByText(/已发布/)
        .waitFor();
      const applicant = await as('applicant');
      await applicant.goto(`${served.url}/catalogue`);
      // the catalogue shows a page of items at a time: the applicant finds this one by its code's words
      const card = await findInCatalogue(applicant, world.item);
      expect(await card.innerText()).toContain('开办企业（新版）');
      expect(await card.innerText()).toContain(`v${before + 1}`);
    },
  );

  itWithTestIds(
    [
      ...LOGIN,
      'tab-matters',
      'add-matter',
      'matter-form',
      'matter-code',
      'matter-department',
      'matter-promised-value',
      'matter-legal-value',
      'matter-add-material',
      'matter-material-code-',
      'matter-material-key-',
      'matter-output-kind',
      'matter-submit',
      'matter-error',
      'matters-search',
    ],
    'the admin defines a matter in the console: a promise longer than the law is refused in words, then it is made',
    async () => {
      const admin = await as('admin');
      const errors = collectErrors(admin);
      await admin.goto(`${served.url}/admin/catalogue`);
      await mainPageShown(admin);
      await admin.getByTestId('tab-matters').click();
      await admin.getByTestId('add-matter').click();
      const form = admin.getByTestId('matter-form');
      await form.waitFor();
      await admin.locator('[role="dialog"].ant-modal:not(.ant-zoom)').waitFor();
      /** The input of a field (a text box, a check box): the element itself when it is one, else the one inside it. */
      const box = async (testId: string) => {
        const field = form.getByTestId(testId);
        return (await field.evaluate((e) => e.tagName)) === 'INPUT' ? field : field.locator('input').first();
      };
      const code = `BM-${world.u}`;

      await (await box('matter-code')).fill(code);
      await (await box('matter-name')).fill('浏览器测试事项');
      // The department: searched by its code in the select, and chosen from the keyboard.
      await form.getByTestId('matter-department').click();
      await admin.keyboard.type(world.department);
      await admin.locator('.ant-select-dropdown:visible .ant-select-item-option').first().waitFor();
      await admin.keyboard.press('Enter');
      await (await box('matter-promised-value')).fill('2');
      await (await box('matter-legal-value')).fill('1');
      await form.getByTestId('matter-add-material').click();
      await form.getByTestId('matter-add-material').click();
      await (await box('matter-material-code-0')).fill('BM-FORM');
      await (await box('matter-material-name-0')).fill('申请表');
      await (await box('matter-material-key-0')).check();
      await (await box('matter-material-code-1')).fill('BM-PHOTO');
      await (await box('matter-material-name-1')).fill('现场照片');
      await (await box('matter-material-required-1')).uncheck();
      await (await box('matter-output-kind')).fill('licence');
      await (await box('matter-output-name')).fill('测试许可证');
      await expectAccessible(admin, 'the new matter form');
      await screenshot(admin, 'admin-new-matter');

      // 2 working days promised against 1 by law: the api refuses, in Chinese, and nothing is made.
      await admin.getByTestId('matter-submit').click();
      const refused = admin.getByTestId('matter-error');
      await refused.waitFor();
      expect(await refused.innerText()).toContain('承诺时限（2 workingDays，即 840 个工作分钟）长于法定时限');
      const matters = async () => {
        const all: { code: string }[] = [];
        let cursor: string | null = null;
        do {
          const page = await world.api('admin', 'GET', `/matters?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
          all.push(...(page.body.items as { code: string }[]));
          cursor = page.body.nextCursor as string | null;
        } while (cursor);
        return all;
      };
      expect((await matters()).find((m) => m.code === code)).toBeUndefined();

      await (await box('matter-legal-value')).fill('20');
      await admin.getByTestId('matter-submit').click();
      await form.waitFor({ state: 'detached' });
      // The list pages through every matter and is filtered to the new one.
      const row = admin.getByTestId(`matter-${code}`);
      await row.waitFor();
      expect(await row.innerText()).toContain('浏览器测试事项');
      expect(await row.innerText()).toContain('20 个工作日');
      expect(await admin.getByTestId('matters-search').locator('input').inputValue()).toBe(code);
      expect((await matters()).find((m) => m.code === code)).toEqual({
        code,
        name: '浏览器测试事项',
        departmentCode: world.department,
        promisedLimit: { value: 2, unit: 'workingDays' },
        legalLimit: { value: 20, unit: 'workingDays' },
        materials: [
          { code: 'BM-FORM', name: '申请表', required: true, key: true },
          { code: 'BM-PHOTO', name: '现场照片', required: false, key: false },
        ],
        output: { kind: 'licence', name: '测试许可证' },
      });
      // Nothing went wrong in the page but the one refusal the api was meant to give.
      expect(errors).toEqual([
        'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
      ]);
    },
  );
  itWithTestIds(
    [
      ...LOGIN,
      'licences',
      'licence-uscc',
      'licence-find',
      'licence-revoke-',
      'output-licence-',
      'verify-result',
      'licence-page',
      'licence-print',
      'licence-not-found',
    ],
    '电子证照: the applicant finds the licence the completion issued, anyone verifies its code, the issuing approver revokes it',
    async () => {
      const { id } = await submitted();
      expect((await world.api(world.users.clerk, 'POST', `/requests/${id}/accept`, {})).status).toBe(200);
      for (const step of STEPS) {
        expect(
          (await world.api(world.users.approver, 'POST', `/requests/${id}/steps/${step}/approve`, {})).status,
        ).toBe(200);
      }
      const done = await view(id);
      const output = (
        done.outputs as { stepKey: string; number: string; licence: { verificationCode: string } }[]
      ).find((o) => o.stepKey === 'licence')!;
      const code = output.licence.verificationCode;

      const applicant = await as('applicant');
      const errors = collectErrors(applicant);
      await openRequest(applicant, id);
      const shown = applicant.getByTestId('output-licence-licence');
      expect(await shown.getAttribute('data-status')).toBe('valid');
      expect(await shown.innerText()).toContain(code);
      await applicant.goto(`${served.url}/licences`);
      const row = applicant.getByTestId(`licence-row-${output.number}`);
      await row.waitFor();
      expect(await row.innerText()).toContain('有效');
      expect(await row.innerText()).toContain(code);
      await expectAccessible(applicant, 'my licences');

      // The licence as a document: opened from the list, what it says, its code, the QR code of its
      // public check, and a print view with the console's chrome left off (saved as a PDF from there).
      await applicant.getByTestId(`licence-open-${output.number}`).click();
      const page = applicant.getByTestId('licence-page');
      await page.waitFor();
      expect(await page.getAttribute('data-status')).toBe('valid');
      const fields = await applicant.getByTestId('licence-fields').innerText();
      for (const text of [output.number, '示范科技有限公司', world.company, '统一社会信用代码', '发证部门'])
        expect(fields).toContain(text);
      const issued = applicant.getByTestId('licence-fields').locator('time').first();
      expect(await issued.getAttribute('datetime')).toMatch(/\+08:00$/);
      expect(await applicant.getByTestId('licence-code').innerText()).toBe(code);
      expect(await applicant.getByTestId('licence-verify-address').innerText()).toBe(`${served.url}/verify/${code}`);
      expect(await applicant.getByTestId('licence-qr').locator('svg').count()).toBe(1);
      expect(await applicant.getByTestId('licence-print').isVisible()).toBe(true);
      await applicant.emulateMedia({ media: 'print' });
      expect(await applicant.locator('.ant-layout-sider').isVisible()).toBe(false);
      expect(await applicant.getByTestId('licence-print').isVisible()).toBe(false);
      expect(await applicant.getByTestId('licence-title').isVisible()).toBe(true);
      await screenshot(applicant, 'licence-print');
      await applicant.emulateMedia({ media: 'screen' });
      await expectAccessible(applicant, 'a licence');
      // An address that names no licence the person may see says so in words.
      await applicant.goto(`${served.url}/licences/999999999`);
      expect(await applicant.getByTestId('licence-not-found').innerText()).toContain('未找到该证照');
      await applicant.goto(`${served.url}/licences`);

      // Anyone, signed in or not, checks the printed code as they type it (lower case, in groups).
      const visitor = await (await personContext(browser)).newPage();
      contexts.push(visitor.context());
      await visitor.goto(`${served.url}/verify`);
      await visitor.getByTestId('verify-code').fill(code.toLowerCase().replace(/(.{4})(?=.)/g, '$1-'));
      await visitor.getByTestId('verify-submit').click();
      const result = visitor.getByTestId('verify-result');
      await result.waitFor();
      expect(await result.getAttribute('data-valid')).toBe('true');
      expect(await result.innerText()).toContain('示范科技有限公司');
      await expectAccessible(visitor, 'licence verification');

      const approver = await as('approver');
      await approver.goto(`${served.url}/licences`);
      await approver.getByTestId('licence-uscc').fill(world.company);
      await approver.getByTestId('licence-find').click();
      await approver.getByTestId(`licence-row-${output.number}`).waitFor();
      await act(approver, `licence-revoke-${output.number}`);
      await until(approver, 'the row shows 已撤销', async () =>
        (await approver.getByTestId(`licence-row-${output.number}`).innerText()).includes('已撤销'),
      );
      const licence = (await world.api(world.users.applicant, 'GET', `/licences?kind=licence`)).body.items.find(
        (l: { number: string }) => l.number === output.number,
      );
      expect(licence).toMatchObject({ status: 'revoked', revokeReason: '浏览器测试' });

      await visitor.reload();
      await result.waitFor();
      expect(await result.getAttribute('data-valid')).toBe('false');
      expect(await result.innerText()).toContain('已撤销');
      // Nothing went wrong in the page but the one 404 the api was meant to give (the licence that is not there).
      expect(errors).toEqual([
        'console: Failed to load resource: the server responded with a status of 404 (Not Found)',
      ]);
    },
  );
});
