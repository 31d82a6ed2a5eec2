import { afterEach, describe, expect, it } from 'vitest';
import { raiseErrorRate, rollbacksInDatabase } from './steps.ts';
import { channelPane, startRig, type Rig } from './support.ts';

const inBrowserSuite = process.env.REWIND_BROWSER === '1';

describe.skipIf(!inBrowserSuite)('the playground in Chromium', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it("shows a non-approver's refusal to them only, and nothing moves", async () => {
    rig = await startRig({ speed: 60 });
    const { page } = rig;
    await raiseErrorRate(rig);
    const head = channelPane(page).locator('.message').first();
    await expect.poll(() => head.innerText(), { timeout: 120_000 }).toContain('INC-20260105-001');
    const writesBefore = rig.playground.session.kube.writes().length;

    await page.getByRole('combobox', { name: 'Acting as' }).selectOption('U0DEV');
    await head.getByRole('button', { name: 'Immediate rollback' }).click();
    // Slack asks for the button's confirmation first, when it carries one; the bot decides after.
    const confirm = page.locator('#confirm');
    if (await confirm.isVisible()) await page.locator('#confirm-ok').click();
    const refusal = channelPane(page).locator('.message.ephemeral');
    await expect.poll(() => refusal.innerText(), { timeout: 60_000 }).toContain('is limited to approvers');
    expect(await refusal.innerText()).toContain('Only visible to you');
    await rig.screenshot('2-refusal-seen-by-non-approver');

    // As in Slack, an ephemeral lives in the client that saw it arrive: a reload does not bring it back.
    await page.reload();
    await page.locator('body[data-ready=true]').waitFor();
    await page.getByRole('combobox', { name: 'Acting as' }).selectOption('U0DEV');
    await expect.poll(() => head.innerText()).toContain('INC-20260105-001');
    expect(await channelPane(page).locator('.message.ephemeral').count()).toBe(0);
    // What arrives after the reload is shown: the same click refused again, once.
    await head.getByRole('button', { name: 'Immediate rollback' }).click();
    if (await confirm.isVisible()) await page.locator('#confirm-ok').click();
    await expect.poll(() => refusal.count(), { timeout: 60_000 }).toBe(1);
    expect(await refusal.innerText()).toContain('is limited to approvers');

    // The approver does not see it; nothing reached the Kubernetes stand-in, no dialog opened.
    await page.getByRole('combobox', { name: 'Acting as' }).selectOption('U0LEAD');
    await expect.poll(() => channelPane(page).innerText()).not.toContain('is limited to approvers');
    expect(await channelPane(page).locator('.message.ephemeral').count()).toBe(0);
    expect(rig.playground.session.kube.writes().length).toBe(writesBefore);
    expect(rig.playground.session.slack.callsTo('views.open')).toEqual([]);
    expect(rollbacksInDatabase(rig)).toEqual([]);
    // The refusal went to the non-approver alone (a response_url post or an ephemeral naming them).
    const ephemeralsTo = rig.playground.session.slack.callsTo('chat.postEphemeral').map((c) => c.args.user);
    expect(ephemeralsTo.every((u) => u === 'U0DEV')).toBe(true);
    expect(rig.consoleErrors).toEqual([]);
  });
});
