import { describe, expect, it } from 'vitest';
import { timelineText } from '../../../src/adapters/slack/blocks/answers.ts';

const AT = Date.UTC(2026, 0, 5, 9, 0);
const POST_ACTIONS = { kind: 'system', id: 'post-actions' } as const;

describe('timelineText', () => {
  it(
    'writes every instant in the team zone, details included, and a matrix rule by its number as the head gives ' +
      'it',
    () => {
      const text = timelineText(
        'INC-1',
        [
          {
            at: AT,
            kind: 'assessment',
            actor: { kind: 'user', id: 'U0LEAD' },
            detail: { recommended: 'gradual', rule: 2 },
          },
          {
            at: AT + 60_000,
            kind: 'postmortem_scheduled',
            actor: POST_ACTIONS,
            detail: { at: Date.UTC(2026, 0, 6, 1, 0) },
          },
        ],
        'Asia/Tokyo',
        'en',
      );
      expect(text).toContain('`2026-01-05 (Mon) 18:00 Asia/Tokyo` *assessment* <@U0LEAD> — recommended=gradual rule=3');
      expect(text).toContain('*postmortem_scheduled* post-actions — at=2026-01-06 (Tue) 10:00 Asia/Tokyo');
      expect(
        timelineText(
          'INC-1',
          [{ at: AT, kind: 'postmortem_scheduled', actor: POST_ACTIONS, detail: { at: AT } }],
          'Asia/Tokyo',
          'ja',
        ),
      ).toContain('*ポストモーテムの予定* 事後対応 — 日時: 2026-01-05 (月) 18:00 Asia/Tokyo');
    },
  );
});
