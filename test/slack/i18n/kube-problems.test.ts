/**
 * A failed Kubernetes call, in every form a thread shows it (a step's failure, the trouble a write
 * got through, a start that failed), for every problem the adapter or the retry helper reports:
 * Japanese says Rewind's own words in Japanese and quotes only what the API server or the network
 * said; English is, word for word, the line the retry helper and the adapter always wrote.
 */
import { describe, expect, it } from 'vitest';
import { noteMessage } from '../../../src/adapters/slack/blocks/notes.ts';
import type { KubeProblem } from '../../../src/domain/kube-problem.ts';
import type { FinishReason, StepFailure } from '../../../src/domain/step-facts.ts';
import { englishWords } from '../../support/no-english.ts';
import { NAMES, renderStep as render, ROLLBACK } from './step-note.ts';

/** Every problem a Kubernetes call can end in, with the words only the API server or the network said. */
const ROUTE = 'HTTPRoute prompts/prompt-service';
const LEADER_CHANGED: KubeProblem = {
  kind: 'http',
  action: 'PATCH of',
  target: ROUTE,
  status: 500,
  reason: 'InternalError',
  message: 'etcdserver: leader changed',
};
const PROBLEMS: Record<KubeProblem['kind'], { problem: KubeProblem; outside: string[] }[]> = {
  http: [
    { problem: LEADER_CHANGED, outside: [ROUTE, '500 InternalError', 'etcdserver: leader changed'] },
    {
      problem: { ...LEADER_CHANGED, action: 'read', status: 404, reason: 'NotFound', message: null },
      outside: [ROUTE, '404 NotFound'],
    },
  ],
  unreachable: [
    {
      problem: { kind: 'unreachable', action: 'list', target: ROUTE, code: 'ECONNREFUSED' },
      outside: [ROUTE, 'ECONNREFUSED'],
    },
  ],
  client_timeout: [{ problem: { kind: 'client_timeout', action: 'read scale of', target: ROUTE }, outside: [ROUTE] }],
  kubeconfig: [
    {
      problem: { kind: 'kubeconfig', action: 'PUT of', target: ROUTE, message: 'context "prod" not found' },
      outside: [ROUTE, 'context "prod" not found'],
    },
  ],
  conflict_retries: [
    {
      problem: {
        kind: 'conflict_retries',
        target: ROUTE,
        writes: 4,
        last: { ...LEADER_CHANGED, status: 409, reason: 'Conflict', message: 'the object has been modified' },
      },
      outside: [ROUTE, '409 Conflict', 'the object has been modified'],
    },
  ],
  no_answer: [{ problem: { kind: 'no_answer', withinMs: 15_000 }, outside: [] }],
  other: [
    {
      problem: { kind: 'other', message: 'etcdserver: request timed out', status: 503 },
      outside: ['etcdserver: request timed out'],
    },
    {
      problem: { kind: 'other', message: 'etcdserver: request timed out', status: null },
      outside: ['etcdserver: request timed out'],
    },
  ],
};
const ALL_PROBLEMS = Object.values(PROBLEMS).flat();

describe('Kubernetes failures in both languages', () => {
  describe('a failed Kubernetes call: Rewind speaks Japanese, only the outside words are quoted', () => {
    /** The text with its code spans taken out, and what the spans held. */
    const spans = (text: string) => ({
      prose: text.replace(/`[^`]*`/g, ''),
      quoted: [...text.matchAll(/`([^`]*)`/g)].map((m) => m[1]),
    });
    /** English Rewind writes around the server's words; none of it may reach a Japanese reader, quoted or not. */
    const REWIND_ENGLISH = /failed|attempts|could not|no answer|no message|kept changing|in time|within|retried/;

    function expectJapanese(ja: string, outside: readonly string[]): void {
      expect(englishWords(ja, NAMES), ja).toEqual([]);
      expect(ja, ja).not.toMatch(REWIND_ENGLISH);
      const { prose, quoted } = spans(ja);
      expect(prose, ja).toMatch(/[ぁ-んァ-ン一-龯]{4}/);
      for (const q of quoted) expect([...outside, '409 Conflict'], ja).toContain(q);
      for (const o of outside) expect(quoted, ja).toContain(o);
    }

    it.each(ALL_PROBLEMS.map((p) => [p.problem.kind, p] as const))('%s, as a step failure', (_kind, p) => {
      for (const attempts of [3, null]) {
        const failure: StepFailure = {
          kind: 'kube_call_failed',
          call: { op: 'write_routing', service: 'prompt-service', split: { 'v1.5.0': 100 } },
          attempts,
          problem: p.problem,
        };
        const ja = render([{ kind: 'error', failure }], 'ja');
        expectJapanese(ja, p.outside);
        expect(ja).toContain('prompt-service のルーティングを v1.5.0 100% に設定）に失敗しました');
      }
    });

    it.each(ALL_PROBLEMS.map((p) => [p.problem.kind, p] as const))('%s, as trouble a write got through', (_kind, p) => {
      for (const trouble of [
        { retriedAfter: [p.problem], landedUnanswered: null, conflicts: 0 },
        { retriedAfter: [], landedUnanswered: { after: p.problem }, conflicts: 0 },
      ]) {
        expectJapanese(render([{ kind: 'kube_trouble', ...trouble }], 'ja'), p.outside);
      }
    });

    it.each(ALL_PROBLEMS.map((p) => [p.problem.kind, p] as const))('%s, as a start that failed', (_kind, p) => {
      const why: FinishReason = {
        kind: 'not_started',
        problem: {
          kind: 'kube_call_failed',
          call: { op: 'read_deployment', version: 'v1.5.0' },
          attempts: 3,
          problem: p.problem,
        },
      };
      const ja = noteMessage(
        { kind: 'rollback_finished', rollback: ROLLBACK, outcome: 'failed', reason: 'the English line', why },
        'ja',
        'Asia/Tokyo',
      ).text;
      // The note's own words around the reason are checked by the walk above; here only the reason's quotes.
      expect(englishWords(ja, NAMES), ja).toEqual([]);
      expect(ja).not.toMatch(REWIND_ENGLISH);
      expect(ja).toContain('v1.5.0 の Deployment の読み取り）に失敗しました（3 回試行）');
    });

    it('English is the line the retry helper and the adapter always wrote', () => {
      const en = (failure: StepFailure) =>
        render([{ kind: 'error', failure }], 'en')
          .split('\n')
          .at(-1);
      const failed = (problem: KubeProblem, attempts: number | null = 3): StepFailure => ({
        kind: 'kube_call_failed',
        call: { op: 'read_back', service: 'prompt-service' },
        attempts,
        problem,
      });
      expect(en(failed(LEADER_CHANGED))).toBe(
        '• error: read back prompt-service routing failed (after 3 attempts): ' +
          'PATCH of HTTPRoute prompts/prompt-service failed: 500 InternalError: etcdserver: leader changed',
      );
      expect(en(failed({ kind: 'no_answer', withinMs: 15_000 }))).toBe(
        '• error: read back prompt-service routing failed (after 3 attempts): ' +
          'read back prompt-service routing: no answer from the Kubernetes API within 15s',
      );
      expect(en(failed({ kind: 'other', message: 'etcdserver: leader changed', status: 500 }, null))).toBe(
        '• error: read back prompt-service routing failed: etcdserver: leader changed',
      );
      const lines = ALL_PROBLEMS.map((p) => en(failed(p.problem)));
      expect(lines).toContain(
        '• error: read back prompt-service routing failed (after 3 attempts): ' +
          'list HTTPRoute prompts/prompt-service failed: the API server could not be reached (ECONNREFUSED)',
      );
      expect(lines).toContain(
        '• error: read back prompt-service routing failed (after 3 attempts): ' +
          'read HTTPRoute prompts/prompt-service failed: 404 NotFound: no message from the API server',
      );
      expect(lines).toContain(
        '• error: read back prompt-service routing failed (after 3 attempts): HTTPRoute prompts/prompt-service kept ' +
          'changing underneath: 4 writes in a row were refused with 409 Conflict (PATCH of HTTPRoute ' +
          'prompts/prompt-service failed: 409 Conflict: the object has been modified)',
      );
    });
  });
});
