/**
 * What a service's router can do with traffic, as far as the runbook's actions care. Each router
 * module (src/adapters/kube/routers) states its traits and the config hands them in here with the
 * router's name, so the recommendation, the head message's buttons, the planner and `rewind
 * validate-config` decide from the same traits and never from a kind's name.
 *
 * - A router that sends all traffic to one version (blue-green, a Service selector) moves it at
 *   once: only a split of 100 to one version can be written, so no gradual rollback and no canary.
 * - A weighted router (an HTTPRoute, a VirtualService, a canary Ingress, replica counts) splits
 *   traffic by whole percents, however coarsely, so a gradual rollback runs on it.
 */
import { ACTIONS, type Action } from './types.ts';

export interface RouterTraits {
  /** All traffic goes to one version, so it moves at once: no split can be written. */
  movesAtOnce: boolean;
}

/** A service's router as the domain sees it: its kind's name, only ever shown in texts, and its traits. */
export interface RouterFacts extends RouterTraits {
  name: string;
}

/** What is assumed of a service whose router is not known (not configured): nothing rules an action out. */
export const UNKNOWN_ROUTER: RouterFacts = { name: '', movesAtOnce: false };

/** Whether a service on this router can run the action: a gradual rollback needs a router that splits traffic. */
export function canRun(action: Action, router: RouterTraits): boolean {
  return action !== 'gradual' || !router.movesAtOnce;
}

/** The judgment matrix's actions a service on this router can run, in the matrix's order. */
export function runnableActions(router: RouterTraits): Action[] {
  return ACTIONS.filter((a) => canRun(a, router));
}
