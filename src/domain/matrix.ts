/**
 * The judgment matrix of the runbook (手動ロールバック判断基準 → 2. 判断マトリックス): three answers
 * about the problem give a recommended action. Rules are read top to bottom, the first match wins,
 * and `-` matches any answer; when no rule matches the configured default applies.
 *
 * The matrix knows the problem, not the service: `recommendFor` checks its answer against what the
 * service can run and what the latest readings say, so the bot never recommends a rollback it would
 * refuse or one whose first phase would abort.
 */
import { conditionHolds, type Condition } from './conditions.ts';
import { recordedUnit, type MetricName, type MetricSample, type MetricUnit } from './metrics.ts';
import { canRun, type RouterFacts, type RouterTraits } from './routing.ts';
import type { Action, BusinessImpact, FixTime, UserImpact } from './types.ts';

/** Matches any answer in a rule column (the runbook's `-`). */
export const ANY = '-';

export interface MatrixRule {
  userImpact: UserImpact | typeof ANY;
  businessImpact: BusinessImpact | typeof ANY;
  fixTime: FixTime | typeof ANY;
  action: Action;
}

export interface Matrix {
  rules: MatrixRule[];
  default: Action;
}

/** The answers given so far; a question not answered yet is absent. */
export interface Assessment {
  userImpact?: UserImpact;
  businessImpact?: BusinessImpact;
  fixTime?: FixTime;
}

/** Why the recommendation is not the matrix's own action. */
export type InsteadReason =
  /** The service's router sends all traffic to one version (blue-green): a gradual rollback cannot run. */
  | { kind: 'moves_at_once'; service: string; router: string }
  /** The latest reading already meets the gradual rollback's abortIf: its first phase would abort at once. */
  | { kind: 'abort_if_holds'; metric: MetricName; unit?: MetricUnit; value: number; abortIf: string };

export interface Recommendation {
  action: Action;
  /** Index of the matching rule in `matrix.rules`; null when the default applied. */
  rule: number | null;
  /** Present when the service or its numbers rule out the matrix's action: what the matrix gave, and why not. */
  instead?: { matrixAction: Action; reason: InsteadReason };
}

/** What the matrix does not know about the incident. */
export interface ServiceFacts {
  service: string;
  /** The service's router: its traits decide what it can run, its name is what texts show. */
  router: RouterFacts;
  /** The latest value of each metric the bot has read for the incident (what fired, and when). */
  readings: MetricSample;
  /** The gradual rollback's abort condition (`rollback.gradual.abortIf`). */
  abortIf: Condition;
}

/** The matrix with what its answers are checked against, as the config gives them. */
export interface Judgment {
  matrix: Matrix;
  /** The router of each service (its name and traits, from the router module). */
  routers: Record<string, RouterFacts>;
  abortIf: Condition;
}

/**
 * The runbook's five rows (ユーザー影響 / ビジネス影響 / 修正時間 → アクション) with the shipped
 * config's default (`matrix.default`): a combination the runbook does not list gets a gradual rollback, the
 * cautious middle between rolling back everything at once and leaving the version in place.
 */
export const RUNBOOK_MATRIX: Matrix = {
  rules: [
    { userImpact: 'all', businessImpact: 'high', fixTime: ANY, action: 'immediate' }, // 全体 / 高 / -
    { userImpact: 'all', businessImpact: 'medium', fixTime: 'long', action: 'immediate' }, // 全体 / 中 / 長
    { userImpact: 'partial', businessImpact: 'high', fixTime: 'long', action: 'gradual' }, // 一部 / 高 / 長
    { userImpact: 'partial', businessImpact: 'medium', fixTime: 'short', action: 'fix' }, // 一部 / 中 / 短
    { userImpact: 'minor', businessImpact: 'low', fixTime: ANY, action: 'next_release' }, // 軽微 / 低 / -
  ],
  default: 'gradual',
};

function matches<T extends string>(ruleValue: T | typeof ANY, answer: T): boolean {
  return ruleValue === ANY || ruleValue === answer;
}

/**
 * The recommended action, or null while any of the three questions is unanswered: recommending
 * from a partial assessment would show an action the matrix may not support.
 */
export function recommend(matrix: Matrix, assessment: Assessment): Recommendation | null {
  const { userImpact, businessImpact, fixTime } = assessment;
  if (userImpact === undefined || businessImpact === undefined || fixTime === undefined) return null;
  const index = matrix.rules.findIndex(
    (r) =>
      matches(r.userImpact, userImpact) && matches(r.businessImpact, businessImpact) && matches(r.fixTime, fixTime),
  );
  const rule = matrix.rules[index];
  return rule ? { action: rule.action, rule: index } : { action: matrix.default, rule: null };
}

/**
 * The recommendation for this incident: the matrix's, unless it is a gradual rollback that cannot
 * help here. Then an immediate one, the runbook's other way back, and why: the router moves all
 * traffic at once, or the latest reading already meets `abortIf`, so the first phase would abort
 * straight to 0% — an immediate rollback with a detour.
 */
export function recommendFor(matrix: Matrix, assessment: Assessment, facts: ServiceFacts): Recommendation | null {
  const found = recommend(matrix, assessment);
  if (found === null || found.action !== 'gradual') return found;
  const instead = (reason: InsteadReason): Recommendation => ({
    ...found,
    action: 'immediate',
    instead: { matrixAction: found.action, reason },
  });
  if (!canRun('gradual', facts.router))
    return instead({ kind: 'moves_at_once', service: facts.service, router: facts.router.name });
  const { abortIf, readings } = facts;
  const value = readings[abortIf.metric];
  if (value !== undefined && conditionHolds(abortIf, readings) === true)
    return instead({
      kind: 'abort_if_holds',
      metric: abortIf.metric,
      ...recordedUnit(abortIf.metric, abortIf.unit),
      value,
      abortIf: abortIf.text,
    });
  return found;
}

/** A rule (or the default, `rule` null) that recommends an action some services cannot run. */
export interface UnrunnableRecommendation {
  rule: number | null;
  action: Action;
  services: string[];
}

/** Every rule and the default whose action some configured service cannot run, with those services. */
export function unrunnableRecommendations(
  matrix: Matrix,
  routers: Record<string, RouterTraits>,
): UnrunnableRecommendation[] {
  const entries: Array<[number | null, Action]> = [
    ...matrix.rules.map((r, i): [number, Action] => [i, r.action]),
    [null, matrix.default],
  ];
  return entries.flatMap(([rule, action]) => {
    const services = Object.entries(routers)
      .filter(([, r]) => !canRun(action, r))
      .map(([s]) => s);
    return services.length > 0 ? [{ rule, action, services }] : [];
  });
}
