import { afterEach, describe, expect, it } from 'vitest';
import { answerMatrix, raiseErrorRate, rollbacksInDatabase, weightsInCluster } from './steps.ts';
import { channelPane, startRig, threadPane, type Rig } from './support.ts';

const inBrowserSuite = process.env.REWIND_BROWSER === '1';

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!inBrowserSuite)('the playground in Chromium', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('kills the bot with kill -9 mid-rollback from the page; restarted, it finishes the rollback', async () => {
    rig = await startRig({ speed: 60 });
    const { page } = rig;
    const session = rig.playground.session;
    await raiseErrorRate(rig);
    const head = channelPane(page).locator('.message').first();
    await expect.poll(() => head.innerText(), { timeout: 120_000 }).toContain('INC-20260105-001');
    await answerMatrix(rig);
    await head.getByRole('button', { name: /Gradual rollback/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm rollback' });
    await dialog.getByRole('button', { name: /Roll back|Start|Confirm/ }).click();

    // The first phase has moved traffic: 25% left on v2.0.0, observed for ten minutes of the bot's time.
    await expect.poll(() => weightsInCluster(rig!)['v2-0-0'], { timeout: 120_000 }).toBe(25);
    const pid = session.bot.pid!;
    await page.getByRole('button', { name: 'kill -9 bot' }).click();
    await expect.poll(() => page.locator('#bot-state').innerText()).toContain('bot killed');
    expect(isAlive(pid)).toBe(false);
    // Nothing moves while the bot is down.
    expect(weightsInCluster(rig)['v2-0-0']).toBe(25);

    await page.getByRole('button', { name: 'Restart bot' }).click();
    await expect.poll(() => page.locator('#bot-state').innerText(), { timeout: 120_000 }).toContain('bot running');
    expect(session.bot.pid).not.toBe(pid);
    expect(session.bot.starts).toBe(2);

    // The restarted bot picks the rollback up where the killed one left it and finishes it.
    await expect
      .poll(() => weightsInCluster(rig!), { timeout: 180_000 })
      .toEqual({ 'v2-0-1': 0, 'v2-0-0': 0, 'v1-5-0': 100, 'v1-0-0': 0 });
    await expect.poll(() => head.innerText(), { timeout: 180_000 }).toContain('Succeeded');
    await head.getByRole('button', { name: /repl/ }).click();
    await expect.poll(() => threadPane(page).innerText(), { timeout: 180_000 }).toContain('verdict: recovered');
    const thread = await threadPane(page).innerText();
    // Each phase is noted once in the thread, the one the kill interrupted included.
    expect(thread.match(/set 25%/g)).toHaveLength(1);
    expect(thread.match(/set 5%/g)).toHaveLength(1);
    expect(thread.match(/set 0%/g)).toHaveLength(1);
    // What the database holds: one gradual rollback of v2.0.0, succeeded.
    await expect
      .poll(() => rollbacksInDatabase(rig!))
      .toEqual([{ strategy: 'gradual', status: 'succeeded', from_version: 'v2.0.0' }]);
    await rig.screenshot('3-killed-and-restarted-mid-rollback');
  });
});
