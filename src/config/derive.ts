/**
 * The config as the domain core wants it. The config keeps the YAML's key names (`after`, tier
 * lists at the top of `triggers`); the domain speaks in its own terms (`afterMs`, `tiers`).
 */
import type { EscalationLevel } from '../domain/escalation.ts';
import type { Judgment, Matrix } from '../domain/matrix.ts';
import type { TriggerRules } from '../domain/triggers.ts';
import { routerFacts } from '../adapters/kube/routers/registry.ts';
import type { Config } from './schema.ts';

export function triggerRules(config: Config): TriggerRules {
  const t = config.triggers;
  return {
    confirmationWindowMs: t.confirmationWindow,
    tiers: { critical: t.critical, warning: t.warning, watch: t.watch },
  };
}

export function escalationLevels(config: Config): EscalationLevel[] {
  return config.escalation.levels.map((l) => ({ afterMs: l.after, label: l.label, notify: [...l.notify] }));
}

export function judgmentMatrix(config: Config): Matrix {
  return { rules: config.matrix.rules, default: config.matrix.default };
}

/**
 * The matrix with what its recommendations are checked against: each service's router (its name
 * and the traits its router module states) and the gradual rollback's abortIf.
 */
export function judgment(config: Config): Judgment {
  return {
    matrix: judgmentMatrix(config),
    routers: Object.fromEntries(Object.entries(config.services).map(([name, s]) => [name, routerFacts(s.router)])),
    abortIf: config.rollback.gradual.abortIf,
  };
}
