/**
 * Every routing drift note and every refusal of its buttons, shown in Japanese with no English word
 * left but names, in a thread and in the incident channel. The tables are typed over every kind, so
 * a new kind without an example fails to compile.
 */
import { describe, expect, it } from 'vitest';
import type { DriftNotice } from '../../../src/adapters/slack/blocks/drift.ts';
import { channelNoticeText, noteMessage } from '../../../src/adapters/slack/blocks/notes.ts';
import { refusalText } from '../../../src/adapters/slack/blocks/refusals.ts';
import { supersededDriftMessage } from '../../../src/adapters/slack/blocks/drift.ts';
import type { Refusal } from '../../../src/services/refusals.ts';
import type { DriftView } from '../../../src/services/ports.ts';
import { englishWords } from '../../support/no-english.ts';

const ZONE = 'Asia/Tokyo';
// Names: the service, field managers, people, the team's zone, and what Kubernetes said.
const NAMES = ['prompt-service', 'kubectl-edit', 'U0LEAD', 'U0ALICE', 'Asia', 'Tokyo', 'etcdserver', 'leader'];

const DRIFT: DriftView = {
  id: 7,
  service: 'prompt-service',
  object: 'VirtualService prompts/prompt-service',
  writer: 'kubectl-edit',
  live: { 'v2.0.0': 100, 'v1.5.0': 0 },
  expected: { 'v2.0.0': 0, 'v1.5.0': 100 },
  expectedAt: Date.UTC(2026, 0, 5, 1, 32),
  acceptedBy: null,
  intended: false,
  pausedRollbackId: 'RB-20260105-001',
};
const ACCEPTED: DriftView = { ...DRIFT, acceptedBy: 'U0ALICE', pausedRollbackId: null };
const INTENDED: DriftView = { ...DRIFT, intended: true };

const NOTES: { [K in DriftNotice['kind']]: Extract<DriftNotice, { kind: K }>[] } = {
  routing_drift: [
    { kind: 'routing_drift', drift: DRIFT },
    { kind: 'routing_drift', drift: ACCEPTED },
    { kind: 'routing_drift', drift: INTENDED },
  ],
  routing_drift_settled: [
    { kind: 'routing_drift_settled', drift: DRIFT, settled: 'reapplied', rollbackStillPaused: true, by: 'U0LEAD' },
    { kind: 'routing_drift_settled', drift: DRIFT, settled: 'accepted', rollbackStillPaused: true, by: 'U0LEAD' },
    { kind: 'routing_drift_settled', drift: DRIFT, settled: 'accepted', rollbackStillPaused: false, by: 'U0LEAD' },
  ],
};

type DriftRefusal = Extract<
  Refusal,
  { kind: 'unknown_drift' | 'drift_settled' | 'drift_superseded' | 'drift_reapply_failed' | 'not_approver' }
>;
/** Every answer of a drift button that changes nothing, with the words its notes always had. */
const REFUSALS: [DriftRefusal, string][] = [
  [
    { kind: 'not_approver', action: { kind: 'reapply_drift' }, approvers: ['U0LEAD', 'U0ALICE'] },
    "🚫 Only approvers can re-apply Rewind's routing: <@U0LEAD>, <@U0ALICE>.",
  ],
  [
    { kind: 'not_approver', action: { kind: 'accept_drift' }, approvers: ['U0LEAD'] },
    '🚫 Only approvers can accept a routing change: <@U0LEAD>.',
  ],
  [{ kind: 'unknown_drift', driftId: 7 }, '🚫 There is no routing drift 7.'],
  [{ kind: 'drift_settled', driftId: 7 }, '🚫 Routing drift 7 was settled already.'],
  [
    { kind: 'drift_superseded', driftId: 7 },
    "🚫 Routing drift 7 was superseded by a later change (another writer's, or Rewind's own), so its splits are " +
      'no longer live: nothing was changed. Act on the latest note, if any.',
  ],
  [
    { kind: 'drift_reapply_failed', message: 'etcdserver: leader changed' },
    "🚫 Rewind's routing was not re-applied: Kubernetes answered `etcdserver: leader changed`.",
  ],
];

describe('routing drift in Japanese', () => {
  const notes = Object.values(NOTES).flat();

  it.each(notes.map((n) => ['settled' in n ? `${n.kind} ${n.settled}` : n.kind, n] as const))(
    '%s: thread and channel',
    (_, note) => {
      const thread = noteMessage(note, 'ja', ZONE).text;
      const channel = channelNoticeText(note, 'ja', ZONE);
      expect(channel).toBe(thread);
      expect(englishWords(thread, NAMES), thread).toEqual([]);
    },
  );

  it('the note says who, what, what Rewind set and when, in the team’s zone, and the pause', () => {
    const { text, blocks } = noteMessage(NOTES.routing_drift[0]!, 'ja', ZONE);
    expect(text).toContain(
      '`prompt-service` のルーティングが `kubectl-edit` によって変更されました: v2.0.0 100%' +
        '（Rewind は 2026-01-05 (月) 10:32 Asia/Tokyo に v1.5.0 100% に設定）',
    );
    expect(text).toContain('ロールバック RB-20260105-001 を一時停止しました');
    expect(JSON.stringify(blocks)).toContain('Rewind のルーティングを再適用');
    const en = noteMessage(NOTES.routing_drift[0]!, 'en', ZONE).text;
    expect(en).toContain(
      '`prompt-service` routing changed by `kubectl-edit`: v2.0.0 100% — Rewind set v1.5.0 100% at 2026-01-05',
    );
  });

  it.each(REFUSALS.map(([r, en]) => [r.kind === 'not_approver' ? r.action.kind : r.kind, r, en] as const))(
    'refusal %s',
    (_, refused, english) => {
      expect(refusalText(refused, 'en')).toBe(english);
      const ja = refusalText(refused, 'ja');
      expect(englishWords(ja, NAMES), ja).toEqual([]);
    },
  );

  it('a note accepted by a person says who accepted the expected split, and when', () => {
    const en = noteMessage({ kind: 'routing_drift', drift: ACCEPTED }, 'en', ZONE).text;
    expect(en).toContain(
      '`prompt-service` routing changed by `kubectl-edit`: v2.0.0 100% — v1.5.0 100% accepted by <@U0ALICE> at ' +
        '2026-01-05 (Mon) 10:32 Asia/Tokyo',
    );
    expect(en).not.toContain('Rewind set');
    const ja = noteMessage({ kind: 'routing_drift', drift: ACCEPTED }, 'ja', ZONE).text;
    expect(ja).toContain('（2026-01-05 (月) 10:32 Asia/Tokyo に <@U0ALICE> が v1.5.0 100% を受け入れ済み）');
  });

  it('a note of a write that met the change names the split Rewind was about to set, not one it set', () => {
    const en = noteMessage({ kind: 'routing_drift', drift: INTENDED }, 'en', ZONE).text;
    expect(en).toContain(
      '`prompt-service` routing changed by `kubectl-edit`: v2.0.0 100% — Rewind was about to set v1.5.0 100% at ' +
        '2026-01-05 (Mon) 10:32 Asia/Tokyo (its write met this change, so nothing was written)',
    );
    expect(en).not.toContain('Rewind set');
    const ja = noteMessage({ kind: 'routing_drift', drift: INTENDED }, 'ja', ZONE).text;
    expect(ja).toContain('（Rewind は 2026-01-05 (月) 10:32 Asia/Tokyo に v1.5.0 100% に設定しようとしていましたが');
  });

  it('a settled note of a drift whose rollback is still paused says so, and how to go on', () => {
    const [reapplied, accepted, resumedSince] = NOTES.routing_drift_settled;
    expect(noteMessage(reapplied!, 'en', ZONE).text).toBe(
      "↩️ <@U0LEAD> re-applied Rewind's routing of `prompt-service`: v1.5.0 100%.\n" +
        '⏸️ Rollback RB-20260105-001 is still paused: go on with `/rollback resume prompt-service`, or stop it ' +
        'with Abort.',
    );
    expect(noteMessage(accepted!, 'ja', ZONE).text).toContain(
      '⏸️ ロールバック RB-20260105-001 は一時停止したままです。続けるには `/rollback resume prompt-service`',
    );
    expect(noteMessage(resumedSince!, 'en', ZONE).text).not.toContain('still paused');
  });

  it('a superseded note keeps what it said (not the pause: the rollback may have gone on), and has no buttons', () => {
    for (const locale of ['en', 'ja'] as const) {
      const { text, blocks } = supersededDriftMessage(DRIFT, locale, ZONE);
      const unpaused = { ...DRIFT, pausedRollbackId: null };
      expect(text).toContain(noteMessage({ kind: 'routing_drift', drift: unpaused }, locale, ZONE).text);
      expect(text).not.toContain('RB-20260105-001');
      expect(blocks.map((b) => b.type)).toEqual(['section']);
      if (locale === 'ja') expect(englishWords(text, NAMES), text).toEqual([]);
      else expect(text).toContain("Superseded by a later change of this routing (another writer's, or Rewind's own)");
    }
  });
});
