/**
 * Every routing drift note and every refusal of its buttons, shown in Japanese with no English word
 * left but names, in a thread and in the incident channel. The tables are typed over every kind, so
 * a new kind without an example fails to compile.
 */
import { describe, expect, it } from 'vitest';
import type { DriftNotice } from '../../../src/adapters/slack/blocks/drift.ts';
import { channelNoticeText, noteMessage } from '../../../src/adapters/slack/blocks/notes.ts';
import { driftRefusalText } from '../../../src/adapters/slack/listeners/actions/drift.ts';
import type { DriftAnswer } from '../../../src/services/drift.ts';
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
  pausedRollbackId: 'RB-20260105-001',
};

const NOTES: { [K in DriftNotice['kind']]: Extract<DriftNotice, { kind: K }>[] } = {
  routing_drift: [{ kind: 'routing_drift', drift: DRIFT }],
  routing_drift_settled: [
    { kind: 'routing_drift_settled', drift: DRIFT, settled: 'reapplied', by: 'U0LEAD' },
    { kind: 'routing_drift_settled', drift: DRIFT, settled: 'accepted', by: 'U0LEAD' },
  ],
};

type Refused = Extract<DriftAnswer, { ok: false }>;
const REFUSALS: { [K in Refused['why']]: Extract<Refused, { why: K }> } = {
  not_approver: { ok: false, why: 'not_approver', approvers: ['U0LEAD', 'U0ALICE'] },
  unknown: { ok: false, why: 'unknown', id: 7 },
  settled: { ok: false, why: 'settled', id: 7 },
  failed: { ok: false, why: 'failed', message: 'etcdserver: leader changed' },
};

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

  it.each(Object.values(REFUSALS).map((r) => [r.why, r] as const))('refusal %s', (_, refused) => {
    const ja = driftRefusalText(refused, 'ja')!;
    expect(englishWords(ja, NAMES), ja).toEqual([]);
    expect(driftRefusalText(refused, 'en')).not.toBe(ja);
  });
});
