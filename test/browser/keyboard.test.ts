import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { raiseErrorRate, rollbacksInDatabase } from './steps.ts';
import { channelPane, startRig, type Rig } from './support.ts';

const inBrowserSuite = process.env.REWIND_BROWSER === '1';

/** The focused element: its tag, its text, and which dialog (if any) holds it. */
const focused = (page: Page) =>
  page.evaluate<{ tag: string; text: string; dialog: string | null }>(`(() => {
    const el = document.activeElement;
    return { tag: el?.tagName ?? '', text: el?.textContent?.trim() ?? '', dialog: el?.closest('dialog')?.id ?? null };
  })()`);

/** Presses Tab until the focus is on a button whose text matches; a ceiling, not a budget. */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now.tag === 'BUTTON' && name.test(now.text)) return;
  }
  throw new Error(`Tab never reached ${String(name)}`);
}

/** Tab and Shift+Tab, many more times than the dialog has controls: the focus never leaves it. */
async function expectFocusKeptIn(page: Page, dialog: string): Promise<void> {
  for (const key of [...Array<string>(12).fill('Tab'), ...Array<string>(12).fill('Shift+Tab')]) {
    await page.keyboard.press(key);
    expect((await focused(page)).dialog, `after ${key}`).toBe(dialog);
  }
}

describe.skipIf(!inBrowserSuite)('the playground in Chromium, by keyboard', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('keeps the focus in an open dialog, closes it with Escape, gives the focus back, and submits once', async () => {
    rig = await startRig({ speed: 60 });
    const { page } = rig;
    await raiseErrorRate(rig);
    const head = channelPane(page).locator('.message').first();
    await expect.poll(() => head.innerText(), { timeout: 120_000 }).toContain('INC-20260105-001');

    // The page's own confirmation (Resolve carries one): Tab stays in it, Escape is Cancel, nothing is sent.
    await tabTo(page, /Resolve/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#confirm').isVisible()).toBe(true);
    await expectFocusKeptIn(page, 'confirm');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#confirm').isVisible()).toBe(false);
    await expect.poll(async () => (await focused(page)).text).toMatch(/Resolve/);
    expect(rig.gestures).toEqual([]);

    // The bot's modal, opened from a button: the same, and Escape tells the server it is closed.
    await tabTo(page, /Gradual rollback/);
    await page.keyboard.press('Enter');
    const modal = page.locator('#modal');
    await expect.poll(() => modal.isVisible(), { timeout: 60_000 }).toBe(true);
    await expectFocusKeptIn(page, 'modal');
    await page.keyboard.press('Escape');
    await expect.poll(() => modal.isVisible()).toBe(false);
    await expect.poll(async () => (await focused(page)).text).toMatch(/Gradual rollback/);
    await expect.poll(() => rig!.playground.session.slack.callsTo('views.open').length).toBe(1);
    expect(rig.gestures.map((g) => g.kind)).toEqual(['action', 'close']);

    // Opened again and submitted with Enter pressed twice: one submission reaches the bot, one rollback starts.
    await page.keyboard.press('Enter');
    await expect.poll(() => modal.isVisible(), { timeout: 60_000 }).toBe(true);
    await tabTo(page, /Roll back/);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect.poll(() => modal.isVisible(), { timeout: 60_000 }).toBe(false);
    expect(rig.gestures.filter((g) => g.kind === 'submit')).toHaveLength(1);
    await expect.poll(() => rollbacksInDatabase(rig!).length, { timeout: 60_000 }).toBe(1);
    expect(rig.consoleErrors).toEqual([]);
  });
});
