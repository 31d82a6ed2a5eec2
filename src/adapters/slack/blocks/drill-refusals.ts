/**
 * The refusals about drills as sentences (refusalText in refusals.ts hands these kinds here). Names
 * and ids are escaped; what an injector or Kubernetes said is outside text, clipped as well.
 */
import type { DrillRefusal } from '../../../domain/drill-refusals.ts';
import type { Locale } from '../i18n/locale.ts';
import { DRILL_REFUSAL_STRINGS } from '../i18n/drill-refusals.ts';
import { DRILL_STRINGS } from '../i18n/drills.ts';
import { TERMS } from '../i18n/terms.ts';
import { escapeMrkdwn } from './format.ts';
import { clip } from './limits.ts';

/** Outside text in a refusal: this much of it, without the full stop the sentence adds itself. */
const OUTSIDE_SHOWN = 500;
const outside = (text: string): string => escapeMrkdwn(clip(text.trim().replace(/[.。]+$/, ''), OUTSIDE_SHOWN));

export function drillRefusalLine(r: DrillRefusal, locale: Locale): string {
  const s = DRILL_REFUSAL_STRINGS[locale];
  const e = escapeMrkdwn;
  switch (r.kind) {
    case 'drill_incident_open':
      return s.incidentOpen(e(r.incidentId), e(r.service));
    case 'drill_already_running':
      return s.alreadyRunning(e(r.drillId));
    case 'drill_rollback_active':
      return s.rollbackActive(e(r.rollbackId), e(r.service));
    case 'drill_not_startable':
      return s.notStartable(r.drillId === null ? null : e(r.drillId));
    case 'drill_ended_while_applying':
      return s.endedWhileApplying(e(r.drillId));
    case 'drill_fault_not_applied':
      return s.faultNotApplied(e(r.drillId), outside(r.message));
    case 'drill_started_meanwhile':
      return s.startedMeanwhile(e(r.drillId));
    case 'drill_not_running':
      return s.notRunning(e(r.drillId), DRILL_STRINGS[locale].status[r.status]);
    case 'drill_ended_meanwhile':
      return s.endedMeanwhile(e(r.drillId));
    case 'unknown_drill':
      return r.drillId === null ? s.noneRunning : s.unknownDrill(e(r.drillId));
    case 'drill_not_scored':
      return s.notScored(e(r.drillId));
    case 'rating_out_of_range':
      return s.ratingOutOfRange(r.rating, r.min, r.max);
    case 'unknown_scenario':
      return s.unknownScenario(e(r.scenario), r.known.map((k) => `\`${e(k)}\``).join(TERMS[locale].listSeparator));
    case 'no_drill_service':
      return s.noDrillService;
    case 'drill_service_unconfigured':
      return s.serviceUnconfigured(e(r.service));
    case 'drill_not_allowed':
      return s.notAllowed(e(r.service));
    case 'injector_unavailable':
      return s.injectorUnavailable(
        r.problem.kind === 'other' ? outside(r.problem.message) : s.injectorProblem[r.problem.kind],
      );
    case 'drill_refused':
      return s.refused(e(r.service), outside(locale === 'ja' ? r.reasonJa : r.reason));
  }
}
