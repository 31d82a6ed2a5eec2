/**
 * The reasons on timeline lines, in English and Japanese. English is word for word the sentence the
 * timeline stored before reasons were data, so the English answer reads as it always did; Japanese
 * says the same in words. What came from outside (a Kubernetes error, a recorded sentence of an
 * earlier build, a user id) is kept as written.
 */
import type { DrillEnding, DrillStatus } from '../../../domain/drill-records.ts';
import { finishReasonLine, stepFailureLine } from '../../../domain/step-facts.ts';
import type {
  CanaryCancelReason,
  EscalationReason,
  RollbackEndReason,
  StatusReason,
} from '../../../domain/timeline-reasons.ts';
import { refusalLine } from '../../../services/refusal-lines.ts';
import { drillRefusalLine } from '../blocks/drill-refusals.ts';
import { DRILL_NOTE_STRINGS } from './drill-notes.ts';
import { DRILL_STRINGS } from './drills.ts';
import type { Locale } from './locale.ts';
import { STEP_FACT_STRINGS } from './step-facts.ts';

export interface TimelineReasonStrings {
  status: (reason: StatusReason) => string;
  rollbackEnd: (reason: RollbackEndReason) => string;
  canaryCancelled: (reason: CanaryCancelReason) => string;
  escalation: (reason: EscalationReason) => string;
}

/** A drill's ending as the English timeline always said it (UTC instants, config keys bare). */
function drillEndingEn(e: DrillEnding): string {
  switch (e.kind) {
    case 'cancelled':
      return `cancelled by ${e.by}`;
    case 'aborted':
      return `aborted by ${e.by}`;
    case 'apply_failed':
      return `the fault could not be applied: ${e.message}`;
    case 'restarted':
      return 'Rewind stopped during the drill; the fault was removed at start-up';
    case 'not_recovered':
      return `not recovered within ${Math.round(e.maxDurationMs / 60_000)}m (drills.maxDuration)`;
    case 'rescheduled':
      return `drills.schedule changed; the next drill is at ${new Date(e.nextAt).toISOString()}`;
    case 'missed':
      return `due at ${new Date(e.dueAt).toISOString()} while Rewind was not running; not run late`;
    case 'not_run':
      return `not run: ${refusalLine(e.refusal)}`;
    case 'recorded':
      return e.text;
  }
}

const EN: TimelineReasonStrings = {
  status: (r) => {
    switch (r.kind) {
      case 'recovered_after_rollback':
        return 'recovered after rollback';
      case 'fix_deployed_as_canary':
        return `fix ${r.version} deployed as a cautious canary`;
      case 'drill_over':
        return `drill ${r.drillId} over: ${r.ending ? drillEndingEn(r.ending) : r.status}`;
      case 'manual_rollback':
        return 'manual rollback';
      case 'rollback_ended':
        return finishReasonLine(r.why);
      case 'recorded':
        return r.text;
    }
  },
  rollbackEnd: (r) => (r.kind === 'recorded' ? r.text : finishReasonLine(r)),
  canaryCancelled: (r) =>
    r.kind === 'recorded' ? r.text : `cancelled before it started: ${r.incidentId} needs a rollback of ${r.service}`,
  escalation: (r) =>
    r.kind === 'recorded' ? r.text : `${r.noun} ${r.rollbackId} failed: ${stepFailureLine(r.failure)}`,
};

const JA_STEP = STEP_FACT_STRINGS.ja;
const JA_ENDING = DRILL_NOTE_STRINGS.ja.ending;
const JA_DRILL_STATUS: Record<DrillStatus, string> = DRILL_STRINGS.ja.status;

/**
 * A drill's ending in Japanese. Instants are written in UTC, as the English line has them: the
 * timeline line already shows its own time in the team's zone.
 */
function drillEndingJa(e: DrillEnding): string {
  const utc = (at: number) => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  switch (e.kind) {
    case 'cancelled':
      return JA_ENDING.cancelled(e.by);
    case 'aborted':
      return JA_ENDING.aborted(e.by);
    case 'apply_failed':
      return JA_ENDING.apply_failed(`\`${e.message.replace(/`/g, "'")}\``);
    case 'restarted':
      return JA_ENDING.restarted;
    case 'not_recovered':
      return JA_ENDING.not_recovered(Math.round(e.maxDurationMs / 60_000));
    case 'rescheduled':
      return JA_ENDING.rescheduled(utc(e.nextAt));
    case 'missed':
      return JA_ENDING.missed(utc(e.dueAt));
    case 'not_run':
      return drillRefusalLine(e.refusal, 'ja');
    case 'recorded':
      return e.text;
  }
}

const JA: TimelineReasonStrings = {
  status: (r) => {
    switch (r.kind) {
      case 'recovered_after_rollback':
        return 'ロールバック後に復旧を確認しました';
      case 'fix_deployed_as_canary':
        return `修正版 ${r.version} を慎重なカナリアでデプロイしました`;
      case 'drill_over':
        return `訓練 ${r.drillId} が終わりました: ${r.ending ? drillEndingJa(r.ending) : JA_DRILL_STATUS[r.status]}`;
      case 'manual_rollback':
        return '手動でロールバックを開始しました';
      case 'rollback_ended':
        return JA_STEP.finishReason(r.why);
      case 'recorded':
        return r.text;
    }
  },
  rollbackEnd: (r) => (r.kind === 'recorded' ? r.text : JA_STEP.finishReason(r)),
  canaryCancelled: (r) =>
    r.kind === 'recorded'
      ? r.text
      : `開始前に取り消しました。${r.incidentId} で ${r.service} のロールバックが必要になったためです`,
  escalation: (r) =>
    r.kind === 'recorded'
      ? r.text
      : `${r.noun === 'canary' ? '修正版カナリア' : 'ロールバック'} ${r.rollbackId} が失敗しました: ${JA_STEP.failure(r.failure)}`,
};

export const TIMELINE_REASON_STRINGS: Record<Locale, TimelineReasonStrings> = { en: EN, ja: JA };
