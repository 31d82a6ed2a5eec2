/** What the browser tests do on the page again and again, each a visitor's gestures. */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { channelPane, type Rig } from './support.ts';

/** The weight the VirtualService in the Kubernetes stand-in gives each version, by subset. */
export function weightsInCluster(rig: Rig): Record<string, number> {
  const vs = rig.playground.session.kube.mustGet('VirtualService', 'prompts', 'prompt-service');
  const route = (vs.spec?.http as Array<{ route: Array<{ destination: { subset: string }; weight?: number }> }>)[0];
  return Object.fromEntries((route?.route ?? []).map((r) => [r.destination.subset, r.weight ?? 0]));
}

/** Raises v2.0.0's error rate to 4% with the keyboard on its slider: above watch (2%), below abortIf (5%). */
export async function raiseErrorRate(rig: Rig): Promise<void> {
  const slider = rig.page.getByRole('slider', { name: 'Error rate' }).first();
  await slider.click();
  await rig.page.keyboard.press('Home');
  for (let i = 0; i < 8; i++) await rig.page.keyboard.press('ArrowRight');
  await expect.poll(() => rig.playground.session.scenario.behaviour('prompt-service', 'v2.0.0')?.errorRate).toBe(0.04);
}

/** Answers the judgment matrix on the head message: some users, high business impact, a fix takes long. */
export async function answerMatrix(rig: Rig): Promise<void> {
  const head = channelPane(rig.page).locator('.message').first();
  for (const [question, answer] of [
    ['User impact', 'partial'],
    ['Business impact', 'high'],
    ['Time to fix', 'long'],
  ] as const) {
    await head.getByRole('combobox', { name: question }).selectOption(answer);
    // The head message is re-rendered with the answer before the next question is sent.
    await expect.poll(() => head.getByRole('combobox', { name: question }).inputValue()).toBe(answer);
  }
}

/** The rollbacks as the bot's SQLite file holds them, read-only (safe while the bot writes: WAL). */
export function rollbacksInDatabase(rig: Rig): Array<{ strategy: string; status: string; from_version: string }> {
  const db = new Database(join(rig.playground.session.dir, 'rewind.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT strategy, status, from_version FROM rollbacks ORDER BY started_at').all() as Array<{
      strategy: string;
      status: string;
      from_version: string;
    }>;
  } finally {
    db.close();
  }
}
