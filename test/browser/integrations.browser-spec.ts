import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_ENV } from '../test-env.js';
import {
  collectErrors,
  expectAccessible,
  itWithTestIds,
  launchChromium,
  mainPageShown,
  networkQuiet,
  PHONE,
  personContext,
  screenshot,
  serveConsole,
  type Served,
  signIn,
  undocumented,
  until,
} from './harness.js';
import { buildWorld, REQUIRED, type World } from './world.js';

// Quick retries, so that a receiver answering 500 makes a failed delivery in seconds here.
process.env.WEBHOOK_RETRY_BASE_MS = '200';
process.env.WEBHOOK_ATTEMPTS = '2';

/** The open dialog or drawer: the page behind its mask is checked on its own, before it opens. */
const DIALOG = '.ant-modal-wrap [role="dialog"]';

const DRAWER = '.ant-drawer [role="dialog"]';

const SERVICE_ACCOUNTS = [
  'service-account-new',
  'service-account-name',
  'service-account-department',
  'api-key-value',
  'api-key-copy',
  'api-key-saved',
  'service-account-revoke-',
  'confirm-revoke',
];
const WEBHOOKS = [
  'webhook-new',
  'webhook-url',
  'webhook-events',
  'webhook-department',
  'webhook-secret-value',
  'webhook-secret-copy',
  'webhook-secret-saved',
  'webhook-deliveries-',
  'deliveries-refresh',
  'deliveries-failed-only',
  'delivery-resend-',
  'webhook-disable-',
  'confirm-disable',
];

/** A department system's receiver on 127.0.0.1: `/ok` answers 204; `/flaky` answers 500 until healed. */
async function receiver() {
  const hits: string[] = [];
  let healed = false;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(req.url ?? '');
      if (req.url === '/flaky' && !healed) {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('temporarily unavailable');
      } else {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    heal: () => {
      healed = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The admin's pages for the departments' own systems: service accounts with their API keys, and
 * webhook subscriptions with their deliveries, against the api and worker of this process.
 */
describe('the console for connected systems in Chromium', () => {
  const anyRuns = [SERVICE_ACCOUNTS, WEBHOOKS].some((ids) => undocumented(ids).length === 0);
  let served: Served;
  let browser: Browser;
  let world: World;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const contexts: BrowserContext[] = [];

  const asAdmin = async (viewport?: { width: number; height: number }) => {
    const context = await personContext(browser, viewport);
    contexts.push(context);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.url });
    return signIn(context, served.url, 'admin', TEST_ENV.ADMIN_PASSWORD);
  };

  /** Waits for a modal to finish zooming in, so that clicks and fills land on its fields. */
  const dialogShown = (page: Page) => page.locator('[role="dialog"].ant-modal:not(.ant-zoom)').last().waitFor();

  /** Picks an option of an antd select by typing it (the first match), then closes its dropdown. */
  const choose = async (page: Page, testId: string, text: string) => {
    const select = page.getByTestId(testId);
    await select.click();
    await page.keyboard.type(text);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().waitFor();
    await page.keyboard.press('Enter');
    // A multi-select shows the choice as a tag, a single one as its value.
    await select.locator('.ant-select-selection-item, .ant-select-content-has-value').first().waitFor();
    // Close the dropdown (a multi-select keeps it open) without Escape, which would close the dialog too.
    await page.locator('[role="dialog"] .ant-modal-title').last().click();
    await page
      .locator('.ant-select-dropdown:visible')
      .waitFor({ state: 'detached', timeout: 3_000 })
      .catch(() => undefined);
  };

  const submitted = async () => {
    const res = await world.api(world.users.applicant, 'POST', '/requests', {
      itemCode: world.item,
      form: { companyName: '示范科技有限公司' },
      materials: REQUIRED.map((code) => ({ code, reference: `file:${code.toLowerCase()}.pdf` })),
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; number: string };
  };

  const subscriptionOf = async (url: string) => {
    const listed = await world.api('admin', 'GET', '/webhook-subscriptions?limit=100');
    const found = (listed.body.items as { id: string; url: string; active: boolean }[]).find((s) => s.url === url);
    if (!found) throw new Error(`no subscription for ${url}`);
    return found;
  };

  const deliveriesOf = async (subscriptionId: string) =>
    (await world.api('admin', 'GET', `/webhook-deliveries?subscriptionId=${subscriptionId}&limit=100`)).body.items as {
      id: string;
      status: string;
      requestId: string;
      attempts: { statusCode: number | null }[];
    }[];

  beforeAll(async () => {
    if (!anyRuns) return;
    served = await serveConsole();
    browser = await launchChromium();
    world = await buildWorld(served.url);
    hook = await receiver();
  }, 120_000);
  afterAll(async () => {
    // Nothing more for this run's receiver from any later run.
    if (world && hook) {
      const listed = await world.api('admin', 'GET', '/webhook-subscriptions?limit=100');
      for (const s of (listed.body?.items ?? []) as { id: string; url: string; active: boolean }[]) {
        if (s.active && s.url.startsWith(hook.url)) {
          await world.api('admin', 'POST', `/webhook-subscriptions/${s.id}/disable`);
        }
      }
    }
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await served?.close();
    await hook?.close();
  });

  itWithTestIds(
    SERVICE_ACCOUNTS,
    'the admin makes a service account, sees its API key once with a copy button, and revokes it',
    async () => {
      const admin = await asAdmin();
      const errors = collectErrors(admin);
      await admin.locator('a[href="/admin/service-accounts"]').click();
      await admin.waitForURL((u) => u.pathname === '/admin/service-accounts');
      await mainPageShown(admin);
      await expectAccessible(admin, 'the service accounts');

      const name = `b-sys-${world.u.toLowerCase()}`;
      await admin.getByTestId('service-account-new').click();
      await dialogShown(admin);
      await admin.getByTestId('service-account-name').fill(name);
      await choose(admin, 'service-account-department', world.department);
      await expectAccessible(admin, 'the new service account form', DIALOG);
      await admin.getByTestId('modal-submit').click();

      // The key, once: a warning that it will not be shown again, and a copy button that copies it.
      const value = admin.getByTestId('api-key-value');
      await value.waitFor();
      const key = await value.inputValue();
      expect(key).toMatch(/^otk_[0-9a-f]+_[A-Za-z0-9_-]{43}$/);
      expect(await admin.getByTestId('api-key-warning').innerText()).toContain('只显示这一次');
      await dialogShown(admin);
      await admin.getByTestId('api-key-copy').click();
      expect(await admin.evaluate('navigator.clipboard.readText()')).toBe(key);
      await expectAccessible(admin, 'the API key shown once', DIALOG);
      await screenshot(admin, 'admin-service-account-key');
      await admin.getByTestId('api-key-saved').click();
      await value.waitFor({ state: 'detached' });

      // The system may call the api with it (and an admin's routes are refused it).
      const call = (token: string) =>
        fetch(`${served.url}/api/v1/service-accounts`, { headers: { Authorization: `Bearer ${token}` } });
      expect((await call(key)).status).toBe(403);

      const row = admin.getByTestId(`service-account-${name}`);
      await until(
        admin,
        'the new account listed as active',
        async () => (await row.getAttribute('data-status')) === 'active',
      );
      expect(await row.innerText()).toContain(world.department);
      expect(await admin.content()).not.toContain(key.slice(-43));

      // Revoked after a confirmation: shown as such, and its key no longer accepted.
      await row.getByTestId(`service-account-revoke-${name}`).click();
      await admin.getByTestId('confirm-revoke').click();
      await until(
        admin,
        'the account shown as revoked',
        async () => (await row.getAttribute('data-status')) === 'revoked',
      );
      expect(await row.getByTestId('service-account-status').innerText()).toContain('已吊销');
      await expect(row.getByTestId(`service-account-revoke-${name}`).count()).resolves.toBe(0);
      expect((await call(key)).status).toBe(401);
      expect(errors).toEqual([]);
    },
  );

  itWithTestIds(
    WEBHOOKS,
    'the admin subscribes a receiver, sees the secret once, follows its deliveries and sends a failed one again',
    async () => {
      const admin = await asAdmin();
      const errors = collectErrors(admin);
      await admin.locator('a[href="/admin/webhooks"]').click();
      await admin.waitForURL((u) => u.pathname === '/admin/webhooks');
      await mainPageShown(admin);
      await expectAccessible(admin, 'the webhook subscriptions');

      const url = `${hook.url}/ok`;
      await admin.getByTestId('webhook-new').click();
      await dialogShown(admin);
      // A URL reaching the cloud's metadata address is refused, in the api's words, and the form stays open.
      await admin.getByTestId('webhook-url').fill('http://169.254.169.254/latest');
      await choose(admin, 'webhook-events', 'request.submitted');
      await choose(admin, 'webhook-department', world.department);
      await admin.getByTestId('modal-submit').click();
      const refused = admin.getByTestId('action-error');
      await refused.waitFor();
      expect(await refused.innerText()).toContain('169.254.169.254');
      await expectAccessible(admin, 'the new subscription form', DIALOG);
      await admin.getByTestId('webhook-url').fill(url);
      await admin.getByTestId('modal-submit').click();

      // The signing secret, once, with how a receiver checks it.
      const value = admin.getByTestId('webhook-secret-value');
      await value.waitFor();
      const secret = await value.inputValue();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
      await dialogShown(admin);
      await admin.getByTestId('webhook-secret-copy').click();
      expect(await admin.evaluate('navigator.clipboard.readText()')).toBe(secret);
      expect(await admin.getByRole('dialog').innerText()).toContain('webhook-signature');
      await expectAccessible(admin, 'the signing secret shown once', DIALOG);
      await screenshot(admin, 'admin-webhook-secret');
      await admin.getByTestId('webhook-secret-saved').click();
      await value.waitFor({ state: 'detached' });

      const subscription = await subscriptionOf(url);
      expect(subscription).toMatchObject({ active: true });
      const row = admin.getByTestId(`webhook-${subscription.id}`);
      await row.waitFor();
      expect(await row.getAttribute('data-status')).toBe('active');
      expect(await row.innerText()).toContain('request.submitted');
      expect(await admin.content()).not.toContain(secret);

      // An application's event reaches the receiver, and its delivery is listed with its attempt.
      const request = await submitted();
      await until(admin, 'the receiver has the event', async () => hook.hits.includes('/ok'), 60_000);
      await row.getByTestId(`webhook-deliveries-${subscription.id}`).click();
      const drawer = admin.getByTestId('deliveries');
      await drawer.waitFor();
      const delivered = admin.locator('tr[data-testid^="delivery-"][data-status="delivered"]');
      await until(
        admin,
        'the delivery listed as delivered',
        async () => {
          if ((await delivered.count()) > 0) return true;
          await admin.getByTestId('deliveries-refresh').click();
          await networkQuiet(admin);
          return false;
        },
        60_000,
      );
      const first = delivered.first();
      expect(await first.innerText()).toContain('request.submitted');
      expect(await first.getByTestId('delivery-request').getAttribute('href')).toBe(`/requests/${request.id}`);
      await first.locator('.ant-table-row-expand-icon').click();
      const deliveryId = ((await first.getAttribute('data-testid')) ?? '').replace('delivery-', '');
      const attempts = admin.getByTestId(`delivery-attempts-${deliveryId}`);
      await attempts.waitFor();
      expect(await attempts.innerText()).toContain('204');
      await expectAccessible(admin, 'the deliveries of a subscription', DRAWER);
      await screenshot(admin, 'admin-webhook-deliveries');
      await admin.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });

      // A receiver answering 500 makes a failed delivery (two attempts here); once it is healed, 重新发送 delivers it.
      const flakyUrl = `${hook.url}/flaky`;
      const made = await world.api('admin', 'POST', '/webhook-subscriptions', {
        url: flakyUrl,
        events: ['request.submitted'],
        departmentCode: world.department,
      });
      expect(made.status).toBe(201);
      const flaky = made.body as { id: string };
      await submitted();
      await until(
        admin,
        'the flaky delivery failed',
        async () => (await deliveriesOf(flaky.id)).some((d) => d.status === 'failed'),
        60_000,
      );
      const failed = (await deliveriesOf(flaky.id)).find((d) => d.status === 'failed')!;
      await admin.reload();
      await mainPageShown(admin);
      await admin.getByTestId(`webhook-deliveries-${flaky.id}`).click();
      await admin.getByTestId('deliveries').waitFor();
      await admin.getByTestId('deliveries-failed-only').click();
      const failedRow = admin.getByTestId(`delivery-${failed.id}`);
      await until(
        admin,
        'the failed delivery listed',
        async () => (await failedRow.getAttribute('data-status').catch(() => null)) === 'failed',
      );
      expect(await admin.locator('tr[data-testid^="delivery-"][data-status]').count()).toBe(
        (await deliveriesOf(flaky.id)).filter((d) => d.status === 'failed').length,
      );
      await failedRow.locator('.ant-table-row-expand-icon').click();
      const detail = admin.getByTestId(`delivery-attempts-${failed.id}`);
      await detail.waitFor();
      expect(await detail.innerText()).toContain('500');
      expect(await detail.getByTestId('delivery-excerpt').first().innerText()).toBe('temporarily unavailable');

      hook.heal();
      await failedRow.getByTestId(`delivery-resend-${failed.id}`).click();
      await until(
        admin,
        'the delivery no longer failed',
        async () => (await failedRow.getAttribute('data-status')) !== 'failed',
      );
      await until(
        admin,
        'the delivery sent again is delivered',
        async () => (await deliveriesOf(flaky.id)).find((d) => d.id === failed.id)?.status === 'delivered',
        60_000,
      );
      await admin.getByTestId('deliveries-failed-only').click();
      await until(admin, 'the delivered one shown', async () => {
        if ((await failedRow.getAttribute('data-status').catch(() => null)) === 'delivered') return true;
        await admin.getByTestId('deliveries-refresh').click();
        await networkQuiet(admin);
        return false;
      });
      await admin.keyboard.press('Escape');
      await admin.getByTestId('deliveries').waitFor({ state: 'detached' });

      // Disabled after a confirmation, with the reason in words.
      const flakyRow = admin.getByTestId(`webhook-${flaky.id}`);
      await flakyRow.getByTestId(`webhook-disable-${flaky.id}`).click();
      await admin.getByTestId('confirm-disable').click();
      await until(
        admin,
        'the subscription shown disabled',
        async () => (await flakyRow.getAttribute('data-status')) === 'disabled',
      );
      expect(await flakyRow.getByTestId('webhook-disabled-reason').innerText()).toContain('管理员停用');
      expect((await subscriptionOf(flakyUrl)).active).toBe(false);
      // Nothing went wrong in the page but the one refusal the api was meant to give.
      expect(errors).toEqual([
        'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
      ]);
    },
  );

  itWithTestIds(
    [...SERVICE_ACCOUNTS.slice(0, 1), ...WEBHOOKS.slice(0, 1), 'switch-language'],
    'both pages fit a phone (their tables scroll sideways) and speak English on request',
    async () => {
      const phone = await asAdmin(PHONE);
      for (const path of ['/admin/service-accounts', '/admin/webhooks']) {
        await phone.goto(`${served.url}${path}`);
        await mainPageShown(phone);
        await expectAccessible(phone, `${path} at 390 px`);
        expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      }
      await screenshot(phone, 'admin-webhooks-phone');
      await phone.getByTestId('switch-language').click();
      await until(
        phone,
        'the page in English',
        async () => (await phone.locator('main h3').innerText()) === 'Webhooks',
      );
      expect(await phone.getByTestId('webhook-new').innerText()).toContain('New subscription');
      await phone.goto(`${served.url}/admin/service-accounts`);
      await mainPageShown(phone);
      expect(await phone.locator('main h3').innerText()).toBe('Connected systems');
    },
  );

  itWithTestIds(
    ['open-queues', 'queues-pass'],
    'the admin opens the queues page (队列监控) from the console, and sees the real queues',
    async () => {
      const admin = await asAdmin();
      await admin.goto(`${served.url}/admin/queue-monitor`);
      await mainPageShown(admin);
      expect(await admin.locator('main h3').innerText()).toBe('队列监控');
      await expectAccessible(admin, 'the queues page of the console');
      const [tab] = await Promise.all([admin.context().waitForEvent('page'), admin.getByTestId('open-queues').click()]);
      await admin.getByTestId('queues-pass').waitFor();
      expect(await admin.getByTestId('queues-pass').innerText()).toMatch(/通行凭证有效至/);
      // The board (bull-board) lists the desk's queues, as its own api answers for them.
      await until(tab, 'the board with the queues', async () => {
        const text = await tab
          .locator('body')
          .innerText()
          .catch(() => '');
        return ['events', 'outbox', 'sla', 'webhooks'].every((name) => text.includes(name));
      });
      await screenshot(tab, 'admin-queues-board');
      // Another person of the same browser without a pass of their own sees no board.
      const stranger = await personContext(browser);
      contexts.push(stranger);
      const page = await stranger.newPage();
      const res = await page.goto(`${served.url}/admin/queues/`);
      expect(res?.status()).toBe(401);
    },
  );
});
