/**
 * The refusals about what a request or a dialog names, as sentences (refusalText in refusals.ts hands
 * these kinds here): each says what did not match, what it is now, and that nothing was started.
 */
import type { PlanChange } from '../../../services/refusals.ts';
import type { Locale } from '../i18n/locale.ts';
import { PLAN_REFUSAL_STRINGS } from '../i18n/plan-refusals.ts';
import { TERMS } from '../i18n/terms.ts';
import { weightSteps } from './confirm.ts';
import { escapeMrkdwn, formatPercent, formatTimeInZone } from './format.ts';
import type { Refusal } from './view-models.ts';

export type PlanRefusal = Extract<
  Refusal,
  {
    kind:
      | 'unknown_service'
      | 'unknown_version'
      | 'service_mismatch'
      | 'plan_changed'
      | 'dialog_unreadable'
      | 'planned_time';
  }
>;

const versionCode = (v: string) => `\`${escapeMrkdwn(v)}\``;

/** `timeZone`: the team's zone (drills.timezone), in which a planned time is written. */
export function planRefusalLine(refusal: PlanRefusal, locale: Locale, timeZone: string): string {
  const s = PLAN_REFUSAL_STRINGS[locale];
  const terms = TERMS[locale];
  switch (refusal.kind) {
    case 'unknown_service': {
      const known = refusal.known.map((v) => `*${escapeMrkdwn(v)}*`).join(terms.listSeparator);
      return refusal.service === null ? s.noService(known) : s.unknownService(escapeMrkdwn(refusal.service), known);
    }
    case 'unknown_version':
      return s.unknownVersion(
        escapeMrkdwn(refusal.service),
        versionCode(refusal.version),
        refusal.known.map(versionCode).join(terms.listSeparator),
      );
    case 'service_mismatch':
      return s.serviceMismatch(
        escapeMrkdwn(refusal.shown),
        escapeMrkdwn(refusal.incidentId),
        escapeMrkdwn(refusal.service),
      );
    case 'plan_changed': {
      const changes = refusal.changes
        .map((c) => changeText(c, refusal.strategy === 'canary', locale))
        .join(s.changeSeparator);
      return s.planChanged(terms.strategy[refusal.strategy], escapeMrkdwn(refusal.service), changes);
    }
    case 'dialog_unreadable':
      return s.dialogUnreadable[refusal.dialog];
    case 'planned_time': {
      const service = escapeMrkdwn(refusal.service);
      const when = formatTimeInZone(refusal.at, timeZone, locale);
      return refusal.problem === 'passed'
        ? s.plannedPassed(service, when)
        : s.plannedTooFar(service, when, refusal.maxDays);
    }
  }
}

/** One difference between a dialog and the plan now; a canary's `from` is its stable version. */
function changeText(c: PlanChange, canary: boolean, locale: Locale): string {
  const p = PLAN_REFUSAL_STRINGS[locale].change;
  const version = (v: string | null) => (v === null ? p.unknown : versionCode(v));
  const shares = (xs: number[]) => xs.map(formatPercent).join(' → ');
  switch (c.field) {
    case 'from':
      return (canary ? p.stable : p.from)(version(c.shown), version(c.now));
    case 'to':
      return c.now === null ? p.noTarget(version(c.shown)) : p.to(version(c.shown), version(c.now));
    case 'incident':
      return p.incident(
        c.shown === null ? p.noIncident : escapeMrkdwn(c.shown),
        c.now === null ? p.noIncident : escapeMrkdwn(c.now),
      );
    case 'phases':
      // As the confirmation shows them: from the share the version had then, and has now.
      return p.phases(weightSteps(c.shownFrom, c.shown, locale), weightSteps(c.nowFrom, c.now, locale));
    case 'steps':
      return p.steps(shares(c.shown), shares(c.now));
    case 'dry_run':
      return c.now ? p.dryRunOn : p.dryRunOff;
    case 'approvals':
      return p.approvals(c.shown, c.now);
  }
}
