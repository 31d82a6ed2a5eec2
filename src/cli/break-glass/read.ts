/**
 * `rewind status [service] [--json]` and `rewind history [service] [--json]`: what `/rollback status`
 * and `/rollback history` answer, from the same queries on the bot's database, as text or JSON.
 * Status also reads each service's router, so it shows the traffic split there is, wherever a
 * paused, aborted or failed rollback left it; when Kubernetes does not answer it says so and shows
 * what the database knows. Nothing is written and Slack is not asked.
 */
import type { Output } from '../../cli.ts';
import type { Split } from '../../services/ports.ts';
import { parseArgs } from '../args.ts';
import { historyLines, splitAfter, statusLines, type ServiceStatus, type Traffic } from './render.ts';
import { knownService, loadConfig, openBreakGlass, type BreakGlass, type BreakGlassDeps } from './setup.ts';

/** As many rollbacks as `/rollback history` shows. */
const HISTORY_SHOWN = 10;

/** How long status waits for a router to answer (real time: a person is waiting) before it shows the stored view. */
const ROUTER_READ_MS = 5_000;

type Reader = (bg: BreakGlass, service: string | null, json: boolean, out: Output) => void | Promise<void>;

async function read(
  command: 'status' | 'history',
  args: string[],
  out: Output,
  deps: BreakGlassDeps,
  answer: Reader,
): Promise<number> {
  const { values, flags, positionals } = parseArgs(args, {
    values: ['config'],
    flags: ['json'],
    positionals: { max: 1, name: 'service' },
  });
  const service = positionals[0] ?? null;
  const loaded = loadConfig(values.config, deps.env ?? process.env, out);
  if ('exit' in loaded) return loaded.exit;
  if (service !== null && !knownService(command, service, loaded, out)) return 1;
  const bg = openBreakGlass(command, loaded, deps, out, 'optional');
  if ('exit' in bg) return bg.exit;
  try {
    await answer(bg, service, flags.has('json'), out);
    return 0;
  } finally {
    await bg.close();
  }
}

/** The split the service's router has now, or why it could not be read within ROUTER_READ_MS. */
async function liveTraffic(
  bg: BreakGlass,
  service: string,
): Promise<Extract<Traffic, { source: 'cluster' }> | { source: 'stored'; why: string }> {
  if (!bg.cluster) return { source: 'stored', why: 'no Kubernetes access is configured' };
  const cluster = bg.cluster;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ROUTER_READ_MS / 1000}s`)), ROUTER_READ_MS);
    });
    const split: Split = await Promise.race([cluster.forService(service).router.read(), late]);
    return { source: 'cluster', split };
  } catch (err) {
    return { source: 'stored', why: `the router could not be read: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Where the service's latest rollback last set traffic, as its steps recorded it; null before any
 * change. A paused, aborted or failed gradual rollback leaves a split that no single version names.
 */
function lastSetSplit(bg: BreakGlass, service: string): { split: Split; rollbackId: string } | null {
  const [latest] = bg.store.rollbacks.history({ service, limit: 1 });
  if (!latest) return null;
  const weight = bg.store.rollbacks
    .steps(latest.id)
    .flatMap((st) => (st.status === 'succeeded' && st.detail.kind === 'set_weight' ? [st.detail.weight] : []))
    .at(-1);
  return weight === undefined ? null : { split: splitAfter(latest, weight), rollbackId: latest.id };
}

async function serviceStatus(bg: BreakGlass, service: string): Promise<ServiceStatus> {
  const { queries, incidents, rollbacks } = bg.services;
  const incident = incidents.openFor(service);
  const live = await liveTraffic(bg, service);
  return {
    service,
    servingVersion: rollbacks.servingVersion(service, incident?.version ?? null, incident?.id ?? null),
    traffic: live.source === 'cluster' ? live : { ...live, lastSet: lastSetSplit(bg, service) },
    incident,
    rollback: queries.activeRollback(service),
  };
}

export function statusCommand(args: string[], out: Output, deps: BreakGlassDeps = {}): Promise<number> {
  return read('status', args, out, deps, async (bg, service, json, o) => {
    const names = service ? [service] : Object.keys(bg.config.services);
    const statuses = await Promise.all(names.map((name) => serviceStatus(bg, name)));
    if (json) return o.log(JSON.stringify({ services: statuses }, null, 2));
    const zone = bg.config.drills.timezone;
    o.log(statuses.map((s) => statusLines(s, zone).join('\n')).join('\n\n'));
  });
}

export function historyCommand(args: string[], out: Output, deps: BreakGlassDeps = {}): Promise<number> {
  return read('history', args, out, deps, (bg, service, json, o) => {
    const { queries } = bg.services;
    const rollbacks = queries.rollbackHistory(service, HISTORY_SHOWN).flatMap((r) => {
      const snapshot = queries.rollback(r.id);
      return snapshot ? [snapshot] : [];
    });
    if (json) return o.log(JSON.stringify({ service, rollbacks }, null, 2));
    o.log(historyLines(service, rollbacks, bg.config.drills.timezone).join('\n'));
  });
}
