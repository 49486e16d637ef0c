// Debian's Chromium driven by playwright-core, with what a person does in the
// Temporal Web UI (2.55) as methods: open a filtered workflow list, pick table
// columns, open a run and its tabs, read the rendered Markdown panels, act on a
// pending activity. Every wait
// is for something on the page (no fixed sleeps); failures say what was seen.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface WebUiOptions {
  /** Base URL of the Web UI. */
  uiUrl: string;
  /** Where screenshot() writes PNG files (created if missing). */
  screenshotDir: string;
  namespace?: string;
  /** Upper bound of every wait. */
  timeoutMs?: number;
}

const DEFAULTS = { namespace: 'default', timeoutMs: 20_000, viewport: { width: 1600, height: 1000 } };

export class WebUi {
  readonly page: Page;
  readonly #browser: Browser;
  readonly #options: Required<WebUiOptions>;

  private constructor(browser: Browser, page: Page, options: Required<WebUiOptions>) {
    this.#browser = browser;
    this.page = page;
    this.#options = options;
  }

  /** Launches Chromium on a fresh, temporary profile (playwright removes it on close). */
  static async launch(options: WebUiOptions): Promise<WebUi> {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`${CHROMIUM_PATH} is missing: run 'bash scripts/setup-browser.sh' (npm test does it first)`);
    }
    const resolved = { namespace: DEFAULTS.namespace, timeoutMs: DEFAULTS.timeoutMs, ...options };
    mkdirSync(resolved.screenshotDir, { recursive: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: DEFAULTS.viewport, timezoneId: 'UTC' });
      page.setDefaultTimeout(resolved.timeoutMs);
      return new WebUi(browser, page, resolved);
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  /** The workflow list filtered by a visibility query, as the UI's own filter bar writes it into the URL. */
  async openWorkflowList(query: string): Promise<void> {
    const { uiUrl, namespace } = this.#options;
    await this.page.goto(`${uiUrl}/namespaces/${namespace}/workflows?query=${encodeURIComponent(query)}`);
    await this.page.getByTestId('workflows-summary-table-configuration-button').waitFor();
  }

  /** The list's row for a workflow id (waits for it). */
  async workflowRow(workflowId: string): Promise<Locator> {
    const row = this.page.getByRole('row').filter({ has: this.page.getByRole('link', { name: workflowId, exact: true }) });
    await row.waitFor();
    return row;
  }

  /**
   * Adds and removes list columns through the table configuration drawer and folds the
   * saved-views panel away, so the columns fit (the UI keeps both per browser).
   */
  async configureColumns(columns: { add: string[]; remove: string[] }): Promise<void> {
    const collapse = this.page.getByRole('button', { name: 'Collapse saved views' });
    if (await collapse.isVisible()) await collapse.click();
    await this.page.getByTestId('workflows-summary-table-configuration-button').click();
    const drawer = this.page.locator('#workflows-table-configuration-drawer');
    for (const name of columns.remove) await drawer.getByRole('button', { name: `Remove ${name} column`, exact: true }).click();
    for (const name of columns.add) await drawer.getByRole('button', { name: `Add ${name} column`, exact: true }).click();
    await drawer.getByRole('button', { name: 'Close Workflows Table configuration' }).click();
    await drawer.waitFor({ state: 'hidden' });
    // By test id: a header's accessible name also holds its resize handle's label.
    for (const name of columns.add) await this.page.getByTestId(`workflows-summary-table-header-cell-${name}`).waitFor();
  }

  /** A run's page (the latest run of the workflow id); the UI redirects to its History tab. */
  async openRun(workflowId: string): Promise<void> {
    const { uiUrl, namespace } = this.#options;
    await this.page.goto(`${uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`);
    await this.page.getByRole('heading', { name: workflowId }).waitFor();
  }

  async openTab(name: string): Promise<void> {
    const tab = this.page.getByRole('tab', { name: new RegExp(`^${name}\\b`) });
    await tab.click();
    await this.page.waitForFunction(
      (label) => [...document.querySelectorAll('[role=tab]')].some((t) => t.textContent?.trim().startsWith(label) && t.getAttribute('aria-selected') === 'true'),
      name,
    );
  }

  /**
   * One of a pending activity's actions (Pending Activities tab): its button, then the
   * same-named button of the dialog it opens, with a reason where the dialog asks one.
   */
  async activityAction(action: 'Pause' | 'Unpause' | 'Reset', reason?: string): Promise<void> {
    await this.page.locator('main').getByRole('button', { name: action, exact: true }).click();
    const dialog = this.page.getByRole('dialog').filter({ visible: true });
    await dialog.getByRole('heading', { name: new RegExp(`^${action} Activity`) }).waitFor();
    if (reason !== undefined) await dialog.getByRole('textbox').fill(reason);
    await dialog.getByRole('button', { name: action, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /**
   * Text of the Markdown panel under a heading ("Summary", "Current Details"): the UI renders
   * Markdown in an iframe of its own, so it is not part of the page's text.
   */
  async markdownPanel(heading: string, pattern: RegExp): Promise<string> {
    const panel = this.page
      .getByRole('heading', { name: heading, exact: true })
      .locator('xpath=ancestor::*[.//iframe[@title="output"]][1]')
      .locator('iframe[title="output"]')
      .first();
    return this.waitForText(panel.contentFrame().locator('body'), pattern, `${heading} panel`);
  }

  /**
   * The run's Event History tab, compact (one row per activity, timer, signal …), as
   * lines of "<kind> <summary> | <details>": the UI renders each summary's Markdown in
   * an iframe of its own. Polls until the lines match; fails with the last ones seen.
   */
  async eventHistory(pattern: RegExp, what: string): Promise<string> {
    await this.openTab('Event History');
    await this.page.locator('main').getByText('Compact', { exact: true }).click();
    const deadline = Date.now() + this.#options.timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      const lines: string[] = [];
      for (const row of await this.page.locator('main tr[data-testid="event-summary-row"]').all()) {
        const kind = await row.locator('td').nth(3).innerText().catch(() => '');
        const summaries: string[] = [];
        for (const frame of await row.locator('iframe').all()) summaries.push(await frame.contentFrame().locator('body').innerText().catch(() => ''));
        lines.push(`${kind.trim()} ${summaries.join(' ')} | ${(await row.innerText().catch(() => '')).replace(/\s+/g, ' ')}`);
      }
      text = normalize(lines.join('\n'));
      if (pattern.test(text)) return text;
      await this.page.waitForTimeout(100); // poll interval, not a wait for the app
    }
    throw new Error(`timed out waiting for ${what} to match ${pattern}; it showed:\n${text}`);
  }

  /** Polls a locator's text until it matches; fails with the last text seen. */
  async waitForText(locator: Locator, pattern: RegExp, what: string): Promise<string> {
    const deadline = Date.now() + this.#options.timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = normalize(await locator.innerText({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => text));
      if (pattern.test(text)) return text;
      await this.page.waitForTimeout(100); // poll interval, not a wait for the app
    }
    throw new Error(`timed out waiting for ${what} to match ${pattern}; it showed:\n${text}`);
  }

  /** Full-page PNG under the screenshot directory; returns its path. */
  async screenshot(name: string): Promise<string> {
    const path = join(this.#options.screenshotDir, `${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  close(): Promise<void> {
    return this.#browser.close();
  }
}

/** The UI's Markdown renderer turns quotes typographic; compare with plain ones. */
function normalize(text: string): string {
  return text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
}
