/**
 * What a router kind can do with traffic, as far as the runbook's actions care. The router modules
 * in src/adapters/kube/routers do the moving; this is the one place that says which actions a
 * service can run, so the recommendation, the head message's buttons, the planner and
 * `rewind validate-config` never disagree about it.
 *
 * - `service-selector` (blue-green): the Service's selector names one version, so all traffic
 *   moves at once. Only a split of 100 to one version can be written: no gradual rollback.
 * - `gateway-api`, `istio`, `nginx`: weights per version, any whole percent.
 * - `replicas`: each version's share of the replicas. Coarse — a share is rounded to whole
 *   replicas and a version with any share keeps at least one — but it does split, and the engine
 *   reads each phase back against the replica counts, so a gradual rollback runs on it.
 */
import { ACTIONS, type Action } from './types.ts';

/** Router kinds that send all traffic to one version, so traffic moves at once. */
const MOVES_AT_ONCE: ReadonlySet<string> = new Set(['service-selector']);

export function movesTrafficAtOnce(routerKind: string): boolean {
  return MOVES_AT_ONCE.has(routerKind);
}

/** Whether a service on this router can run the action: a gradual rollback needs a router that splits traffic. */
export function canRun(action: Action, routerKind: string): boolean {
  return action !== 'gradual' || !movesTrafficAtOnce(routerKind);
}

/** The judgment matrix's actions a service on this router can run, in the matrix's order. */
export function runnableActions(routerKind: string): Action[] {
  return ACTIONS.filter((a) => canRun(a, routerKind));
}
