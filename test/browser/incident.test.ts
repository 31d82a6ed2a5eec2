import { afterEach, describe, expect, it } from 'vitest';
import { answerMatrix, raiseErrorRate, rollbacksInDatabase, weightsInCluster } from './steps.ts';
import { channelPane, startRig, threadPane, type Rig } from './support.ts';

// The default config (vitest.config.ts) matches these files too; they run only in the browser suite.
const inBrowserSuite = process.env.REWIND_BROWSER === '1';

describe.skipIf(!inBrowserSuite)('the playground in Chromium', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('plays an incident by clicks: misbehaviour, matrix, recommended gradual rollback, verification', async () => {
    rig = await startRig({ speed: 60 });
    const { page } = rig;
    await raiseErrorRate(rig);
    const head = channelPane(page).locator('.message').first();
    await expect.poll(() => head.innerText(), { timeout: 120_000 }).toContain('INC-20260105-001');
    await answerMatrix(rig);
    await expect.poll(() => head.innerText()).toContain('Recommended: Gradual rollback');
    await head.getByRole('button', { name: /Gradual rollback/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm rollback' });
    await expect.poll(() => dialog.innerText()).toContain('50% → 25% → 5% → 0%');
    // A double click on the modal's submit: the first press shows it working and the second is not taken.
    await dialog.getByRole('button', { name: /Roll back|Start|Confirm/ }).dblclick();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(rig.gestures.filter((g) => g.kind === 'submit')).toHaveLength(1);
    // The head message shows the gradual rollback's progress bar while traffic steps down.
    await expect.poll(() => head.innerText(), { timeout: 120_000 }).toMatch(/[▓█][░ ]/);
    await expect.poll(() => weightsInCluster(rig!)['v2-0-0'], { timeout: 180_000 }).toBe(0);
    await head.getByRole('button', { name: /repl/ }).click();
    await expect.poll(() => threadPane(page).innerText(), { timeout: 180_000 }).toContain('verdict: recovered');
    // What reached the Kubernetes stand-in: the VirtualService patched down to 0% on v2.0.0, v1.5.0 taking it all.
    expect(weightsInCluster(rig)).toEqual({ 'v2-0-1': 0, 'v2-0-0': 0, 'v1-5-0': 100, 'v1-0-0': 0 });
    const patches = rig.playground.session.kube
      .writes()
      .filter((r) => r.path.includes('/virtualservices/prompt-service'));
    expect(patches.length).toBeGreaterThanOrEqual(3);
    // The cluster panel reads the same split from the stand-in.
    await expect
      .poll(() => page.locator('.weights').first().getAttribute('data-split'))
      .toBe('v2.0.1 0% / v2.0.0 0% / v1.5.0 100% / v1.0.0 0%');
    // What the database holds: one gradual rollback of v2.0.0, succeeded.
    await expect
      .poll(() => rollbacksInDatabase(rig!))
      .toEqual([{ strategy: 'gradual', status: 'succeeded', from_version: 'v2.0.0' }]);
    // The RCA draft, asked for from the thread's button, arrives there as a Markdown file.
    await threadPane(page).getByRole('button', { name: 'Draft the RCA' }).click();
    await expect
      .poll(() => threadPane(page).innerText(), { timeout: 60_000 })
      .toContain('# Root cause analysis — INC-20260105-001 (draft)');
    await threadPane(page).getByText('verdict: recovered').scrollIntoViewIfNeeded();
    await rig.screenshot('1-incident-rolled-back');
    // The fix comes back in from the checklist's button: a modal with a select input, submitted.
    await threadPane(page).getByRole('button', { name: 'Re-deploy fix as cautious canary' }).click();
    const canary = page.getByRole('dialog', { name: 'Re-deploy the fix' });
    await canary.getByRole('combobox').selectOption('v2.0.1');
    await canary.locator('#modal-submit').click();
    await expect.poll(() => canary.isVisible()).toBe(false);
    await expect.poll(() => weightsInCluster(rig!)['v2-0-1'], { timeout: 120_000 }).toBeGreaterThan(0);
    await rig.screenshot('1b-fix-coming-in-as-a-canary');
    // The whole incident, played by clicks, left nothing on the console: no failed request, no script error.
    expect(rig.consoleErrors).toEqual([]);
  });
});
