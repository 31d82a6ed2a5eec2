/**
 * Notes whose wording a first-time reader tripped over: the escalation DM said "You are being
 * escalated to as *Manager*", and a step that took its budget to the second read "over" it.
 */
import { describe, expect, it } from 'vitest';
import { escalationDmText, noteMessage } from '../../../src/adapters/slack/blocks/notes.ts';
import type { Note } from '../../../src/adapters/slack/blocks/view-models.ts';
import type { Locale } from '../../../src/adapters/slack/i18n/locale.ts';
import { ROLLBACK } from '../i18n/step-note.ts';

const PERMALINK = 'https://rewind-test.slack.com/archives/C0INCIDENT/p1';

describe('the escalation DM', () => {
  it('says the incident is escalated to the reader, in the level’s name', () => {
    const en = escalationDmText('INC-7', 'checkout', 'Manager', PERMALINK, 'en');
    expect(en).toMatch(/^⏫ INC-7 \(checkout\) is escalated to you as \*Manager\*: it is still not resolved\./);
    expect(en).toContain(`Open the incident: <${PERMALINK}|INC-7>`);
    expect(en).not.toContain('escalated to as');
    const ja = escalationDmText('INC-7', 'checkout', 'マネージャー', PERMALINK, 'ja');
    expect(ja).toMatch(/^⏫ INC-7（checkout）が \*マネージャー\* としてあなたにエスカレーションされました。/);
    expect(ja).toContain(`インシデントを開く: <${PERMALINK}|INC-7>`);
  });

  it('keeps the drill prefix and escapes the label', () => {
    const text = escalationDmText('INC-8', 'checkout', '<!channel>', null, 'en', true);
    expect(text).toMatch(/^🧪 \*DRILL\* · ⏫ INC-8/);
    expect(text).toContain('as *&lt;!channel&gt;*');
  });
});

function stepText(elapsedMs: number, budgetMs: number, locale: Locale): string {
  const note: Note = {
    kind: 'rollback_step',
    rollback: ROLLBACK,
    seq: 7,
    total: 8,
    name: 'verify',
    title: { kind: 'verify' },
    status: 'succeeded',
    elapsedMs,
    budgetMs,
    facts: [],
  };
  return noteMessage(note, locale, 'Asia/Tokyo').text;
}

describe('a step against its budget', () => {
  const FIVE_MIN = 300_000;

  it('that reads the same as its budget is within it, never "(5m 00s) · over its 5m 00s budget"', () => {
    const en = stepText(FIVE_MIN + 400, FIVE_MIN, 'en');
    expect(en).toContain('(5m 00s) · within its 5m 00s budget');
    expect(en).not.toContain('over its');
    const ja = stepText(FIVE_MIN + 400, FIVE_MIN, 'ja');
    expect(ja).toContain('目標時間 5分00秒 以内');
    expect(ja).not.toContain('超過');
  });

  it('that is over by a shown second or more says so', () => {
    expect(stepText(FIVE_MIN + 1_000, FIVE_MIN, 'en')).toContain('(5m 01s) · ⚠️ over its 5m 00s budget');
    expect(stepText(FIVE_MIN + 1_000, FIVE_MIN, 'ja')).toContain('⚠️ 目標時間 5分00秒 を超過');
    expect(stepText(45_000, 30_000, 'en')).toContain('(45s) · ⚠️ over its 30s budget');
    expect(stepText(29_999, 30_000, 'en')).toContain('(29s) · within its 30s budget');
  });
});
