/**
 * A drill as the drill channel and `/drill report` show it, read from the store and the drill
 * config, and where the drill channel's messages were posted. Kept apart from the drill service
 * because the Slack presenter needs it at construction, before the services that notify it exist:
 * this needs only the store, the config and the injector.
 */
import type { InjectorProblem } from '../domain/drill-refusals.ts';
import { escalationLevels } from '../config/derive.ts';
import type { Config, DrillScenario } from '../config/schema.ts';
import type { DrillRecord, DrillScores, StoredFault } from '../domain/drill-records.ts';
import { trend, type DrillTrend, type PreviousDrill } from '../domain/drills.ts';
import type { Store } from '../store/index.ts';
import type { FaultInjector, InjectorKind } from './drill-ports.ts';

/** Everything the drill messages and `/drill report` show. */
export interface DrillView {
  drill: DrillRecord;
  scenario: DrillScenario | null;
  roles: { approvers: string[]; escalation: string[] };
  injector: InjectorKind;
  maxDurationMs: number;
  prepChecked: string[];
  reviewChecked: string[];
  fault: StoredFault | null;
  scores: DrillScores | null;
  trend: DrillTrend | null;
}

/** What a view reads of the drills, and the message places it records. */
export type DrillViewStore = { drills: Pick<Store['drills'], 'get' | 'scoredBefore' | 'checked' | 'update'> };

export interface DrillViewsOptions {
  store: DrillViewStore;
  drills: Config['drills'];
  /** The configured injector, or why it cannot run here: a view names its kind either way. */
  injector: FaultInjector | { unavailable: InjectorProblem };
  roles: { approvers: string[]; escalation: string[] };
}

/** Who a drill's announcement names: the approvers, and everyone an escalation level notifies. */
export function drillRoles(config: Config): DrillViewsOptions['roles'] {
  const escalation = [...new Set(escalationLevels(config).flatMap((l) => l.notify))];
  return { approvers: [...config.slack.approvers], escalation };
}

/** How many earlier scored drills of the scenario the trend compares with. */
const TREND_DRILLS = 4;

export class DrillViews {
  constructor(private readonly o: DrillViewsOptions) {}

  view(drillId: string): DrillView | null {
    const { store, drills, injector } = this.o;
    const drill = store.drills.get(drillId);
    if (!drill) return null;
    const scores = drill.scores;
    const previous: PreviousDrill[] = store.drills
      .scoredBefore(drill.scenario, drill.scheduledFor, TREND_DRILLS)
      .reverse()
      .flatMap((d) => (d.scores ? [{ id: d.id, at: d.scheduledFor, scorecard: d.scores.scorecard }] : []));
    return {
      drill,
      scenario: drills.scenarios.find((s) => s.name === drill.scenario) ?? null,
      roles: this.o.roles,
      injector: 'unavailable' in injector ? drills.injector.kind : injector.kind,
      maxDurationMs: drills.maxDuration,
      prepChecked: store.drills.checked(drillId, 'preparation'),
      reviewChecked: store.drills.checked(drillId, 'review'),
      fault: drill.faultApplied,
      scores,
      trend: scores ? trend(scores.scorecard, previous) : null,
    };
  }

  /** The drill's thread root in the drill channel (announcement, or the start message of a manual run). */
  attachMessage(drillId: string, channel: string, ts: string): void {
    this.o.store.drills.update(drillId, { slackChannel: channel, slackTs: ts });
  }

  attachScorecard(drillId: string, ts: string): void {
    this.o.store.drills.update(drillId, { scorecardTs: ts });
  }
}
