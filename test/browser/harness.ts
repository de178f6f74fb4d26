import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type Request as PlaywrightRequest,
} from 'playwright-core';
import { consoleDir } from '../../apps/api/src/http/console.js';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { createApp } from '../helpers.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };
export const SCREENSHOTS = resolve('test-results/screenshots');

export interface Served {
  app: INestApplication;
  worker: TestingModule;
  url: string;
  close: () => Promise<void>;
}

/**
 * The api with the built console, in this process, on an ephemeral port of 127.0.0.1, and the
 * worker's processors beside it (outputs, SLA timers, notifications), as `npm start` runs them.
 */
export async function serveConsole(): Promise<Served> {
  const dir = consoleDir();
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(
      `${dir}/index.html is missing: build the console first (npm run build, as npm test's pretest does)`,
    );
  }
  const app = await createApp();
  const worker = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
  await worker.init();
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    worker,
    url,
    close: async () => {
      await app.close();
      await worker.close();
    },
  };
}

/** Debian's Chromium, headless, nothing fetched from the network but the page under test. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run bash .ci/services.sh --browser (installs chromium) or set CHROMIUM_PATH`,
    );
  }
  // Playwright gives every launch a fresh temporary profile (user-data-dir) and removes it on close.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** A context per person, as four people at four desks: its own storage, zh-CN, the screen size given. */
export async function personContext(browser: Browser, viewport = DESKTOP, locale = 'zh-CN'): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale, timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  trackRequests(context);
  return context;
}

/** The requests of each page still waiting for their answer, but the live stream's (it stays open). */
const inFlight = new WeakMap<Page, Set<PlaywrightRequest>>();

function trackRequests(context: BrowserContext): void {
  const pageOf = (request: PlaywrightRequest): Page | null => {
    try {
      return request.frame().page();
    } catch {
      return null;
    }
  };
  context.on('request', (request) => {
    const page = pageOf(request);
    if (!page || request.url().includes('/api/v1/events/stream')) return;
    const pending = inFlight.get(page) ?? new Set<PlaywrightRequest>();
    pending.add(request);
    inFlight.set(page, pending);
  });
  const done = (request: PlaywrightRequest) => {
    const page = pageOf(request);
    if (page) inFlight.get(page)?.delete(request);
  };
  context.on('requestfinished', done);
  context.on('requestfailed', done);
}

/**
 * Until the page has had no request in flight for half a second: Playwright's `networkidle`, less the
 * console's live stream, which stays open as long as the page does.
 */
export async function networkQuiet(page: Page, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let quietSince = Date.now();
  for (;;) {
    if ((inFlight.get(page)?.size ?? 0) > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 500) return;
    if (Date.now() > deadline) throw new Error(`the page still had requests in flight after ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every error the page logs or throws, so a test can say the console ran clean. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation. The
 * script is evaluated through the DevTools protocol, which the page's CSP (script-src 'self')
 * does not govern, so the check does not need the policy loosened. `within` (a CSS selector) checks
 * only that part: an open dialog, whose mask dims the page behind it on purpose.
 */
export async function expectAccessible(page: Page, what: string, within?: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const context = within ? JSON.stringify({ include: [within] }) : 'document';
  const violations = (await page.evaluate(
    `axe.run(${context}, { resultTypes: ['violations'] }).then((result) => result.violations)`,
  )) as AxeViolation[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    throw new Error(
      `${what}: ${bad.length} serious/critical accessibility violation(s):\n` +
        bad
          .map((v) => `- ${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`)
          .join('\n'),
    );
  }
}

/**
 * Waits until the page a person landed on is drawn: its lazily loaded page chunk has rendered its
 * title, the data it asked for has come back and no spinner is left. A check or a screenshot taken
 * before then would look at a loading page.
 */
export async function mainPageShown(page: Page): Promise<void> {
  await page.locator('main h3').first().waitFor();
  await networkQuiet(page);
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the console's login page and waits for the role's home page. */
export async function signIn(context: BrowserContext, url: string, username: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return page;
}

const TESTIDS_FILE = resolve('apps/web/TESTIDS.md');
const TESTIDS = existsSync(TESTIDS_FILE) ? readFileSync(TESTIDS_FILE, 'utf8') : '';

/** The data-testids (or their fixed parts) that apps/web/TESTIDS.md does not document yet. */
export function undocumented(ids: readonly string[]): string[] {
  return ids.filter((id) => !TESTIDS.includes(id));
}

/**
 * A browser test that needs the given data-testids: it runs once the console documents them in
 * apps/web/TESTIDS.md, and until then is reported as a todo naming what it waits for (never as passed).
 */
export function itWithTestIds(ids: readonly string[], name: string, fn: () => Promise<void>, timeout = 120_000): void {
  const missing = undocumented(ids);
  if (missing.length === 0) it(name, fn, timeout);
  else it.todo(`${name} (waits for ${missing.join(', ')} in apps/web/TESTIDS.md)`);
}

/** Waits until `check` holds, asking every 100 ms for at most `timeout` ms (the page's own default wait). */
export async function until(page: Page, what: string, check: () => Promise<boolean>, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`waited ${timeout} ms until ${what}`);
    await page.waitForTimeout(100);
  }
}

/** Searches the catalogue for one item by its code and waits until its card is the only one shown. */
export async function findInCatalogue(page: Page, itemCode: string): Promise<Locator> {
  const search = page.getByTestId('catalogue-search').locator('input');
  await search.fill(itemCode.toLowerCase());
  await search.press('Enter');
  const cards = page.locator('[data-testid^="item-"]');
  const card = page.getByTestId(`item-${itemCode}`);
  await until(page, `${itemCode} is the only item shown`, async () => (await cards.count()) === 1 && card.isVisible());
  return card;
}

/** Opens the action's form from its button, fills every empty text field, and sends it (`modal-submit`). */
export async function act(page: Page, testId: string, text = '浏览器测试'): Promise<void> {
  await page.getByTestId(testId).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('modal-submit').waitFor();
  const materials = dialog.getByTestId('field-materials');
  if ((await materials.count()) > 0) {
    // A supplement asks for at least one checklist material: pick the first offered. The dropdown opens
    // with an animation, and a click that lands while it is still moving can miss: try again until the
    // choice shows in the field.
    const chosen = dialog.locator('.ant-select-selection-item');
    for (let attempt = 0; attempt < 4 && (await chosen.count()) === 0; attempt++) {
      await materials.click();
      const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').first();
      const shown = await option
        .waitFor({ timeout: 3_000 })
        .then(() => true)
        .catch(() => false);
      const picked =
        shown &&
        (((await option.getAttribute('class').catch(() => '')) ?? '').includes('ant-select-item-option-selected') ||
          (await option
            .click({ timeout: 3_000 })
            .then(() => true)
            .catch(() => false)));
      // The dropdown closed or kept moving under the pointer: choose from the keyboard instead.
      if (!picked) {
        await materials.locator('input').focus();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
      }
      await chosen
        .first()
        .waitFor({ timeout: 3_000 })
        .catch(() => undefined);
    }
    await chosen.first().waitFor();
    // Close the dropdown so that it does not cover the text fields below.
    await dialog.locator('.ant-modal-title').click();
    await page
      .locator('.ant-select-dropdown:visible')
      .waitFor({ state: 'detached', timeout: 3_000 })
      .catch(() => undefined);
    await dialog.getByTestId('modal-submit').focus();
  }
  // Closed when the api took it; an answer in words when it did not, which the failure then shows. A
  // field the form still finds empty (filled while the dialog was zooming in, when the fields have
  // no size yet and so are not "visible") is filled again and the form sent once more.
  const refused = dialog.getByTestId('action-error');
  const invalid = dialog.locator('.ant-form-item-explain-error').first();
  for (let attempt = 0; ; attempt++) {
    await page.locator('[role="dialog"].ant-modal:not(.ant-zoom)').waitFor();
    for (const field of await dialog
      .locator('textarea:visible, input[type="text"]:visible:not([role="combobox"])')
      .all()) {
      if ((await field.inputValue()) === '' && !(await field.isDisabled())) await field.fill(text);
    }
    await dialog.getByTestId('modal-submit').click();
    await Promise.race([dialog.waitFor({ state: 'hidden' }), refused.waitFor(), invalid.waitFor()]);
    if (await refused.isVisible().catch(() => false))
      throw new Error(`${testId} was refused: ${await refused.innerText()}`);
    if (!(await invalid.isVisible().catch(() => false))) return;
    if (attempt === 2) throw new Error(`${testId}: the form still asks for ${await invalid.innerText()}`);
  }
}
