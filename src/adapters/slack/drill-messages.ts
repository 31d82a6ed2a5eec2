/**
 * The drill channel (config `slack.drillChannel`): the announcement starts the drill's thread and
 * everything about the drill goes under it (reminder, start, the fault's removal, the ending); the
 * scorecard is its own message in the channel, updated in place as ratings come in. Rendered from
 * the stored drill when sent, so a message sent late from the outbox says what is true then.
 */
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { DrillScenario } from '../../config/schema.ts';
import type { DrillEnding, FaultRemovalCause } from '../../domain/drill-records.ts';
import type { DrillNotice } from '../../services/drill-ports.ts';
import type { DrillView, DrillViews } from '../../services/drill-views.ts';
import type { DrillScenarioView } from './blocks/drill-common.ts';
import { drillScorecard } from './blocks/drill-scorecard.ts';
import { drillAnnouncement, drillMissed, drillStarted } from './blocks/drills.ts';
import { drillRefusalLine } from './blocks/drill-refusals.ts';
import { escapeMrkdwn, formatTimeInZone } from './blocks/format.ts';
import { SLACK_LIMITS, clip } from './blocks/limits.ts';
import { DRILL_NOTE_STRINGS } from './i18n/drill-notes.ts';
import { removeNoteText } from './i18n/fault-notes.ts';
import { DRILL_STRINGS } from './i18n/drills.ts';
import type { Locale } from './i18n/locale.ts';

export function scenarioView(s: DrillScenario | null, name: string): DrillScenarioView {
  if (!s) return { name, title: name, trigger: '?', expectedResponseMs: 0 };
  return {
    name: s.name,
    title: s.title,
    trigger: s.trigger,
    expectedResponseMs: s.expectedResponse,
    errorRate: s.trigger === 'inject_latency' ? null : s.errorRate,
    latencyMs: s.trigger === 'inject_latency' ? s.latency : null,
    share: s.trigger === 'partial_outage' ? s.share : null,
  };
}

/** What an injector's target answered is outside text of any length: a drill note shows this much of it. */
const NOTE_SHOWN = 500;
const outside = (text: string): string => escapeMrkdwn(clip(text, NOTE_SHOWN));

/** Why a drill ended, in the reader's language; an injector's answer in it is outside text. */
export function drillEndingText(e: DrillEnding, locale: Locale, timeZone: string): string {
  const s = DRILL_NOTE_STRINGS[locale].ending;
  switch (e.kind) {
    case 'cancelled':
      return s.cancelled(escapeMrkdwn(e.by));
    case 'aborted':
      return s.aborted(escapeMrkdwn(e.by));
    case 'apply_failed':
      return s.apply_failed(outside(e.message));
    case 'restarted':
      return s.restarted;
    case 'not_recovered':
      return s.not_recovered(Math.round(e.maxDurationMs / 60_000));
    case 'rescheduled':
      return s.rescheduled(formatTimeInZone(e.nextAt, timeZone, locale));
    case 'missed':
      return s.missed(formatTimeInZone(e.dueAt, timeZone, locale));
    case 'not_run':
      return drillRefusalLine(e.refusal, locale);
    case 'recorded':
      return outside(e.text);
  }
}

function removalCauseText(c: FaultRemovalCause, locale: Locale): string {
  const s = DRILL_NOTE_STRINGS[locale].removalCause;
  switch (c.kind) {
    case 'aborted':
      return s.aborted({ ...c, by: escapeMrkdwn(c.by) });
    case 'ended_while_applying':
      return s.ended_while_applying(c);
    case 'apply_failed':
      return s.apply_failed(c);
    case 'restarted':
      return s.restarted(c);
    case 'retry':
      return s.retry(c);
    case 'max_duration':
      return s.max_duration(c);
    case 'traffic_switched':
      return s.traffic_switched(c);
  }
}

export interface DrillMessagesOptions {
  client: WebClient;
  /** Reads the drill as it is now, and records where its thread root and scorecard were posted. */
  drills: Pick<DrillViews, 'view' | 'attachMessage' | 'attachScorecard'>;
  channel: string;
  locale: Locale;
  /** The team's zone (drills.timezone): drill dates are written in it. */
  timezone: string;
}

export class DrillMessages {
  constructor(private readonly o: DrillMessagesOptions) {}

  async send(notice: DrillNotice): Promise<void> {
    const v = this.o.drills.view(notice.drillId);
    if (!v) return;
    const scenario = scenarioView(v.scenario, v.drill.scenario);
    const service = v.drill.service ?? '?';
    const locale = this.o.locale;
    switch (notice.kind) {
      case 'announcement': {
        const m = drillAnnouncement(
          {
            drillId: v.drill.id,
            scenario,
            service,
            at: v.drill.scheduledFor,
            roles: v.roles,
            checked: v.prepChecked,
            reminder: notice.reminder,
          },
          locale,
          this.o.timezone,
        );
        return this.post(v, m.text, m.blocks, !notice.reminder);
      }
      case 'started': {
        const m = drillStarted(
          {
            drillId: v.drill.id,
            scenario,
            service,
            version: v.fault?.spec.version ?? null,
            injector: v.injector,
            maxDurationMs: v.maxDurationMs,
          },
          locale,
        );
        return this.post(v, m.text, m.blocks, false);
      }
      case 'missed': {
        const m = drillMissed(
          { drillId: v.drill.id, scenario: { name: scenario.name, title: scenario.title }, at: v.drill.scheduledFor },
          locale,
          this.o.timezone,
        );
        return this.post(v, m.text, m.blocks, false);
      }
      case 'fault_removed': {
        const removal = v.fault?.removal;
        if (!removal) return;
        // The note carries what the injector's target answered: outside text.
        const s = DRILL_STRINGS[locale];
        const note = outside(removeNoteText(removal.note, locale));
        const line = removal.removed ? s.faultRemoved(note) : s.faultGone(note);
        const why = removal.cause
          ? ` ${DRILL_NOTE_STRINGS[locale].faultRemovedBecause(removalCauseText(removal.cause, locale))}`
          : '';
        return this.post(v, line + why, null, false);
      }
      case 'ended':
        return this.post(v, this.endedText(v), null, false);
      case 'scorecard':
        return this.scorecard(v, scenario);
    }
  }

  /** Why the drill ended, or that it was not run and why. */
  private endedText(v: DrillView): string {
    const notes = DRILL_NOTE_STRINGS[this.o.locale];
    const ending = v.drill.ending;
    if (ending?.kind === 'not_run') return notes.notRun(v.drill.id, drillRefusalLine(ending.refusal, this.o.locale));
    const say =
      v.drill.status === 'aborted'
        ? notes.ended.aborted
        : v.drill.status === 'failed'
          ? notes.ended.failed
          : notes.ended.other;
    return say(v.drill.id, this.endNote(v));
  }

  private endNote(v: DrillView): string {
    const ending = v.drill.ending;
    return ending
      ? drillEndingText(ending, this.o.locale, this.o.timezone)
      : DRILL_STRINGS[this.o.locale].status[v.drill.status];
  }

  /** Into the drill's thread; the first message (or an announcement) becomes the thread root. */
  private async post(v: DrillView, text: string, blocks: KnownBlock[] | null, root: boolean): Promise<void> {
    const thread =
      v.drill.slackChannel && v.drill.slackTs && !root
        ? { channel: v.drill.slackChannel, thread_ts: v.drill.slackTs }
        : null;
    const res = await this.o.client.chat.postMessage({
      channel: thread?.channel ?? this.o.channel,
      text: clip(text, SLACK_LIMITS.messageText),
      ...(blocks ? { blocks } : {}),
      ...(thread ? { thread_ts: thread.thread_ts } : {}),
    });
    if (!thread && res.channel && res.ts) this.o.drills.attachMessage(v.drill.id, res.channel, res.ts);
  }

  private async scorecard(v: DrillView, scenario: DrillScenarioView): Promise<void> {
    if (!v.scores || !v.trend)
      return this.post(v, DRILL_NOTE_STRINGS[this.o.locale].ended.other(v.drill.id, this.endNote(v)), null, false);
    const m = drillScorecard(
      {
        drillId: v.drill.id,
        scenario,
        service: v.drill.service ?? '?',
        incidentId: v.drill.incidentId,
        scorecard: v.scores.scorecard,
        trend: v.trend,
        reviewChecked: v.reviewChecked,
        faultRemoved: v.fault?.removal ?? null,
      },
      this.o.locale,
    );
    if (v.drill.status === 'failed' && v.drill.ending && !v.drill.scorecardTs) {
      await this.post(v, DRILL_NOTE_STRINGS[this.o.locale].ended.failed(v.drill.id, this.endNote(v)), null, false);
    }
    if (v.drill.scorecardTs) {
      await this.o.client.chat.update({
        channel: this.o.channel,
        ts: v.drill.scorecardTs,
        text: m.text,
        blocks: m.blocks,
      });
      return;
    }
    const res = await this.o.client.chat.postMessage({ channel: this.o.channel, text: m.text, blocks: m.blocks });
    if (res.ts) this.o.drills.attachScorecard(v.drill.id, res.ts);
  }
}
