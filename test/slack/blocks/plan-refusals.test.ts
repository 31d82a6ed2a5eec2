import { describe, expect, it } from 'vitest';
import { refusalText } from '../../../src/adapters/slack/blocks/refusals.ts';
import type { Refusal } from '../../../src/adapters/slack/blocks/view-models.ts';

/** One refusal of each kind about what a request or dialog names, with what its texts must contain. */
const REFUSALS: Array<{ refusal: Refusal; en: string[]; ja: string[] }> = [
  {
    refusal: { kind: 'unknown_service', service: 'checkout', known: ['prompt-service', 'search'] },
    en: ['no service *checkout*', '*prompt-service*, *search*', 'Nothing was changed'],
    ja: ['サービス *checkout* は Rewind に設定されていません', '*prompt-service*、*search*'],
  },
  {
    refusal: { kind: 'unknown_service', service: null, known: ['prompt-service'] },
    en: ['names no service'],
    ja: ['サービスが指定されていません'],
  },
  {
    refusal: { kind: 'unknown_version', service: 'prompt-service', version: 'v9.9.9', known: ['v2.0.0', 'v1.5.0'] },
    en: [
      '*prompt-service* has no version `v9.9.9`; its versions are `v2.0.0`, `v1.5.0`',
      'Nothing was started',
      '`services.prompt-service.versions`',
    ],
    ja: ['*prompt-service* にバージョン `v9.9.9` はありません', '`v2.0.0`、`v1.5.0`', '何も開始していません'],
  },
  {
    refusal: { kind: 'service_mismatch', incidentId: 'INC-1', service: 'prompt-service', shown: 'billing' },
    en: ['This dialog names *billing*, but incident INC-1 is about *prompt-service*. Nothing was started'],
    ja: ['このダイアログは *billing* を対象にしていますが、インシデント INC-1 は *prompt-service* のものです'],
  },
  {
    refusal: {
      kind: 'plan_changed',
      service: 'prompt-service',
      strategy: 'gradual',
      changes: [
        { field: 'from', shown: 'v2.0.0', now: 'v1.5.0' },
        { field: 'to', shown: 'v1.5.0', now: null },
        { field: 'phases', shown: [0], now: [25, 5, 0], shownFrom: 20, nowFrom: 50 },
        { field: 'dry_run', shown: false, now: true },
        { field: 'approvals', shown: 1, now: 2 },
      ],
    },
    en: [
      'The gradual rollback of *prompt-service* is no longer what this dialog showed: ',
      'the version serving now is `v1.5.0` (the dialog showed `v2.0.0`); ',
      'rolling back to `v1.5.0`, as the dialog showed, is not possible from there; ',
      'the phases are now 50% → 25% → 5% → 0% (the dialog showed 20% → 0%); ',
      'it would now be a dry run (the dialog said it would change the cluster); ',
      'it now needs 2 approvals (the dialog said 1). Nothing was started',
    ],
    ja: [
      '*prompt-service* の段階的ロールバックは',
      '現在稼働中のバージョンは `v1.5.0`（ダイアログでは `v2.0.0`）、',
      'フェーズは 50% → 25% → 5% → 0%（ダイアログでは 20% → 0%）',
      'ドライランになります',
      '必要な承認は 2 件です（ダイアログでは 1 件）',
    ],
  },
  {
    refusal: {
      kind: 'plan_changed',
      service: 'prompt-service',
      strategy: 'canary',
      changes: [
        { field: 'from', shown: 'v1.5.0', now: null },
        { field: 'steps', shown: [100], now: [1, 100] },
      ],
    },
    en: [
      'The canary re-deploy of *prompt-service*',
      'the stable version is now unknown (the dialog showed `v1.5.0`)',
      'the steps are now 1% → 100% (the dialog showed 100%)',
    ],
    ja: ['安定版は 不明（ダイアログでは `v1.5.0`）', 'ステップは 1% → 100%'],
  },
  {
    refusal: { kind: 'dialog_unreadable', dialog: 'confirm' },
    en: ['The confirmation could not be read, so nothing was started'],
    ja: ['確認ダイアログの内容を読み取れなかったため'],
  },
  {
    refusal: {
      kind: 'planned_time',
      service: 'prompt-service',
      at: Date.UTC(2026, 0, 5, 9, 30),
      problem: 'passed',
      maxDays: 30,
    },
    en: [
      'This rollback of *prompt-service* was planned for 2026-01-05',
      ', and that time has passed. Nothing was started',
      '`/rollback immediate prompt-service`',
    ],
    ja: ['*prompt-service* のこのロールバックは 2026-01-05', 'その時刻は過ぎています。何も開始していません'],
  },
  {
    refusal: {
      kind: 'planned_time',
      service: 'prompt-service',
      at: Date.UTC(2100, 0, 1),
      problem: 'too_far',
      maxDays: 30,
    },
    en: ['is planned for 2100-01-01', 'more than 30 days ahead. Nothing was started'],
    ja: ['の予定 2100-01-01', 'は30日より先です'],
  },
  {
    refusal: {
      kind: 'plan_changed',
      service: 'prompt-service',
      strategy: 'immediate',
      changes: [{ field: 'incident', shown: null, now: 'INC-1' }],
    },
    en: ['the rollback now belongs to incident INC-1 (the dialog showed no incident)'],
    ja: ['このロールバックはインシデント INC-1 のものになります（ダイアログでは インシデントなし）'],
  },
  {
    refusal: { kind: 'dialog_unreadable', dialog: 'canary' },
    en: ['The canary request could not be read'],
    ja: ['カナリアの依頼内容を読み取れなかったため'],
  },
];

describe('refusals about what a request or dialog names', () => {
  for (const { refusal, en, ja } of REFUSALS) {
    it(`explains ${refusal.kind} in both languages`, () => {
      const texts = { en: refusalText(refusal, 'en'), ja: refusalText(refusal, 'ja') };
      for (const piece of en) expect(texts.en).toContain(piece);
      for (const piece of ja) expect(texts.ja).toContain(piece);
      expect(texts.ja).not.toBe(texts.en);
    });
  }

  it('escapes names that come back from Slack', () => {
    const text = refusalText(
      { kind: 'service_mismatch', incidentId: 'INC-1', service: 'prompt-service', shown: '<!channel>' },
      'en',
    );
    expect(text).toContain('&lt;!channel&gt;');
    expect(refusalText({ kind: 'unknown_version', service: 'svc', version: '<@U0X>', known: [] }, 'en')).toContain(
      '`&lt;@U0X&gt;`',
    );
  });
});
