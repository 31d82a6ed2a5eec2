import { afterEach, describe, expect, it } from 'vitest';
import { raiseErrorRate } from './steps.ts';
import { channelPane, startRig, type Rig } from './support.ts';

const inBrowserSuite = process.env.REWIND_BROWSER === '1';

describe.skipIf(!inBrowserSuite)('the playground page, quietly', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('says a new message once, keeps "… ago" current in place, and closes a modal while the bot is down', async () => {
    rig = await startRig({ speed: 60 });
    const { page } = rig;
    // The redrawn message list is no live region; the page's own region says what arrives.
    expect(await channelPane(page).getAttribute('aria-live')).toBeNull();
    await raiseErrorRate(rig);
    const head = channelPane(page).locator('.message').first();
    await expect.poll(() => head.innerText(), { timeout: 120_000 }).toContain('INC-20260105-001');
    await expect.poll(() => page.locator('#announcer').textContent()).toMatch(/^Rewind: .*INC-20260105-001/);

    await head.getByRole('button', { name: /Gradual rollback/ }).click();
    const modal = page.locator('#modal');
    await expect.poll(() => modal.isVisible(), { timeout: 60_000 }).toBe(true);
    // The bot is killed behind the open modal (the page's controls are inert while it is open).
    await page.evaluate(`fetch('/api/scenario', { method: 'POST', body: '{"kind":"kill"}' })`);
    await expect.poll(() => page.locator('#bot-state').innerText()).toContain('bot killed');

    // Closing is the client's own business: it closes, and nothing fails.
    const closed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/gesture');
    await page.keyboard.press('Escape');
    expect((await closed).status()).toBe(200);
    await expect.poll(() => modal.isVisible()).toBe(false);
    expect(rig.gestures.map((g) => g.kind)).toEqual(['action', 'close']);
    expect(await page.locator('#composer-note').textContent()).toBe('');
    expect(rig.consoleErrors).toEqual([]);

    // With the bot down nothing else changes: the head message's age moves on in place, the
    // message element itself is never replaced (a replaced one would be read out again).
    const age = head.locator('time[data-format]').first();
    const first = await age.textContent();
    expect(first).toMatch(/ago|just now/);
    await head.evaluate((el) => Object.assign(el, { keptAcrossRedraws: true }));
    await expect.poll(() => age.textContent(), { timeout: 60_000 }).not.toBe(first);
    expect(await head.evaluate((el) => (el as unknown as { keptAcrossRedraws?: boolean }).keptAcrossRedraws)).toBe(
      true,
    );
    expect(rig.consoleErrors).toEqual([]);
  });
});
