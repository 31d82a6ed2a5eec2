/**
 * `rewind status [service] [--json]` and `rewind history [service] [--json]`: what `/rollback status`
 * and `/rollback history` answer, from the same queries on the bot's database, as text or JSON.
 * Nothing is written and Slack is not asked.
 */
import type { Output } from '../../cli.ts';
import { parseArgs } from '../args.ts';
import { historyLines, statusLines, type ServiceStatus } from './render.ts';
import { knownService, loadConfig, openBreakGlass, type BreakGlass, type BreakGlassDeps } from './setup.ts';

/** As many rollbacks as `/rollback history` shows. */
const HISTORY_SHOWN = 10;

type Reader = (bg: BreakGlass, service: string | null, json: boolean, out: Output) => void;

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
    answer(bg, service, flags.has('json'), out);
    return 0;
  } finally {
    await bg.close();
  }
}

function serviceStatus(bg: BreakGlass, service: string): ServiceStatus {
  const { queries, incidents, rollbacks } = bg.services;
  const incident = incidents.openFor(service);
  return {
    service,
    servingVersion: rollbacks.servingVersion(service, incident?.version ?? null, incident?.id ?? null),
    incident,
    rollback: queries.activeRollback(service),
  };
}

export function statusCommand(args: string[], out: Output, deps: BreakGlassDeps = {}): Promise<number> {
  return read('status', args, out, deps, (bg, service, json, o) => {
    const names = service ? [service] : Object.keys(bg.config.services);
    const statuses = names.map((name) => serviceStatus(bg, name));
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
