/**
 * The browser suite's rig: the playground served in this process (its stand-ins inspectable), a
 * real Chromium from Debian driven by playwright-core, and a folder for the screenshots of each
 * test's end state (printed, so the note can link them). Every wait is on a condition the page or
 * a stand-in shows, with a generous ceiling: never a wall-clock budget for the bot.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startPlayground, type Playground } from '../../src/playground/server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** A ceiling for anything the bot does on a loaded 2-core machine. */
export const CEILING_MS = 120_000;

/** Where the screenshots go: SCREENSHOT_DIR, else one folder per run under the system's temp folder. */
export const SCREENSHOT_DIR =
  process.env.SCREENSHOT_DIR ??
  join(tmpdir(), `rewind-playground-screenshots-${new Date().toISOString().slice(0, 10)}`);

export interface Rig {
  playground: Playground;
  browser: BrowserContext;
  page: Page;
  /** What the page said on its console as an error, and the errors thrown in it, in order. */
  consoleErrors: string[];
  /** Every gesture the page posted to the server, each of which the server delivers to the bot signed. */
  gestures: Array<Record<string, unknown>>;
  stop(): Promise<void>;
  screenshot(name: string): Promise<string>;
}

export async function startRig(o: { speed?: number } = {}): Promise<Rig> {
  const profile = mkdtempSync(join(tmpdir(), 'rewind-chromium-'));
  const playground = await startPlayground({ speed: o.speed ?? 60 });
  let browser: BrowserContext | undefined;
  try {
    // A fresh profile each run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1500, height: 950 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(CEILING_MS);
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    const gestures: Array<Record<string, unknown>> = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/gesture') gestures.push(r.postDataJSON());
    });
    // The page must work offline: any request to another host fails the test.
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      outside.push(url.href);
      return route.abort();
    });
    await page.goto(playground.url);
    await page.locator('body[data-ready=true]').waitFor();
    const opened = browser;
    return {
      playground,
      browser: opened,
      page,
      consoleErrors,
      gestures,
      async screenshot(name) {
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        const file = join(SCREENSHOT_DIR, `${name}.png`);
        await page.screenshot({ path: file, fullPage: false });
        console.log(`screenshot: ${file}`);
        return file;
      },
      async stop() {
        await opened.close();
        await playground.stop();
        rmSync(profile, { recursive: true, force: true });
        if (outside.length) throw new Error(`the page asked for assets outside the machine: ${outside.join(', ')}`);
      },
    };
  } catch (err) {
    await browser?.close();
    await playground.stop();
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}

/** The message list of the pane the visitor looks at. */
export const channelPane = (page: Page) => page.locator('#messages');
export const threadPane = (page: Page) => page.locator('#thread-messages');
