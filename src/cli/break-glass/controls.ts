/**
 * `rewind pause|resume|abort <service>` and `rewind incident resolve <id>`, each `--as U… [--yes]`:
 * the Pause, Resume and Abort buttons (the engine's control) and `/incident resolve`, through the
 * same services, authorised and audited the same way. A person who is not an approver is refused
 * before being asked anything, and the attempt is audited as the service audits it.
 * Resume runs the rollback's next steps here, as `rewind rollback` does, unless --detach.
 */
import type { Output } from '../../cli.ts';
import type { Actor } from '../../domain/types.ts';
import { formatZoned } from '../../domain/zoned-time.ts';
import type { RollbackControl } from '../../services/ports.ts';
import { refusalLine } from '../../services/refusal-lines.ts';
import { notApprover, type ApproverAction, type Refusal } from '../../services/refusals.ts';
import { parseArgs, UsageError } from '../args.ts';
import { follow, followEnding, untilInterrupted } from './follow.ts';
import { actorFrom, proceed, refusalText } from './people.ts';
import { rollbackLine } from './render.ts';
import { knownService, loadConfig, openBreakGlass, type BreakGlass, type BreakGlassDeps } from './setup.ts';

/** What each control does to traffic, said before the person is asked. */
const EFFECT: Record<RollbackControl, string> = {
  pause: 'traffic stays as it is now and no further step runs until it is resumed',
  resume: 'it continues from the step it was paused at',
  abort: 'it stops where traffic is now; nothing is moved back (a canary goes back to its stable version)',
};

const PAST: Record<RollbackControl, string> = { pause: 'Paused', resume: 'Resumed', abort: 'Aborted' };

/**
 * A person who is not an approver is refused before being asked to confirm what would be refused,
 * and the attempt is audited exactly as the service audits it (the same action, target and detail).
 */
async function refusedBeforeAsking(
  bg: BreakGlass,
  actor: Actor,
  audited: { action: string; target: string; detail?: Record<string, unknown> },
  what: ApproverAction,
): Promise<Refusal | null> {
  const { authorizer } = bg.services;
  if (await authorizer.isApprover(actor.id)) return null;
  const auth = await authorizer.authorize(actor, audited.action, audited.target, audited.detail);
  return auth.ok ? null : notApprover(what, auth.approvers);
}

export async function controlCommand(
  control: RollbackControl,
  args: string[],
  out: Output,
  deps: BreakGlassDeps = {},
): Promise<number> {
  const { values, flags, positionals } = parseArgs(args, {
    values: ['as', 'config'],
    flags: control === 'resume' ? ['yes', 'detach'] : ['yes'],
    positionals: { max: 1, name: 'service' },
  });
  const service = positionals[0];
  if (service === undefined) throw new UsageError(`name the service: rewind ${control} <service>`);
  const actor = actorFrom(values.as);
  const loaded = loadConfig(values.config, deps.env ?? process.env, out);
  if ('exit' in loaded) return loaded.exit;
  if (!knownService(control, service, loaded, out)) return 1;
  const bg = openBreakGlass(control, loaded, deps, out, 'required');
  if ('exit' in bg) return bg.exit;
  const { services } = bg;
  const refused = (refusal: Refusal) => {
    out.error(`rewind ${control}: ${refusalText(refusal, actor, bg.groups, services.authorizer.approvers)}`);
    return 1;
  };
  try {
    const active = services.queries.activeRollback(service);
    if (!active) return refused({ kind: 'no_rollback', service });
    // The rollback shown is the one controlled: a newer one started meanwhile is not touched.
    const target = { rollbackId: active.id };
    const audited = { action: `rollback.${control}`, target: service, detail: { rollbackId: active.id } };
    const notAllowed = await refusedBeforeAsking(bg, actor, audited, { kind: 'control', control });
    if (notAllowed) return refused(notAllowed);
    const waiting = active.status === 'pending' || active.status === 'scheduled';
    // What the service would refuse for the rollback's state is said before asking to confirm it.
    if (waiting && control !== 'abort') return refused({ kind: 'not_started', rollbackId: active.id });
    if (control === 'pause' && active.status === 'paused')
      return refused({ kind: 'already_paused', rollbackId: active.id });
    if (control === 'resume' && active.status === 'running')
      return refused({ kind: 'not_paused', rollbackId: active.id });
    const effect =
      waiting && control === 'abort' ? 'it is cancelled before it starts; nothing has moved' : EFFECT[control];
    const what = [`${control[0]?.toUpperCase()}${control.slice(1)} ${rollbackLine(active)}`, `  ${effect}`];
    const stdin = deps.stdin ?? process.stdin;
    if (!(await proceed(control, what, { yes: flags.has('yes'), stdin, out }))) return 1;
    const result = await services.rollbacks.control(target, control, actor);
    if (!result.ok) return refused(result.refusal);
    const r = result.value;
    out.log(
      `${PAST[control]} ${r.id} as ${actor.id}: now ${r.status}.` +
        (r.incidentId ? ` The thread of ${r.incidentId} is told when the bot next reaches Slack.` : ''),
    );
    if (control !== 'resume' || flags.has('detach') || r.status !== 'running') return 0;
    out.log('Its steps run here; Ctrl-C stops waiting, not the rollback.');
    const { end, rollback } = await untilInterrupted(deps.interrupt, (interrupt) =>
      follow(bg, r.id, { detach: false, interrupt, out }),
    );
    return followEnding(control, end, rollback, out);
  } finally {
    await bg.close();
  }
}

export async function incidentCommand(args: string[], out: Output, deps: BreakGlassDeps = {}): Promise<number> {
  const { values, flags, positionals } = parseArgs(args, {
    values: ['as', 'config'],
    flags: ['yes'],
    // Counted here, after the subcommand: `resolve` takes one incident id.
    positionals: { max: Number.POSITIVE_INFINITY },
  });
  const [sub, incidentId, extra] = positionals;
  if (sub !== 'resolve')
    throw new UsageError(
      sub === undefined
        ? 'name what to do: rewind incident resolve <incident id>'
        : `unknown subcommand "${sub}"; the only one is resolve`,
    );
  if (incidentId === undefined) throw new UsageError('name the incident: rewind incident resolve <incident id>');
  if (extra !== undefined)
    throw new UsageError(`unexpected argument "${extra}": rewind incident resolve takes one incident id`);
  const actor = actorFrom(values.as);
  const loaded = loadConfig(values.config, deps.env ?? process.env, out);
  if ('exit' in loaded) return loaded.exit;
  const bg = openBreakGlass('incident', loaded, deps, out, 'optional');
  if ('exit' in bg) return bg.exit;
  const { services, config } = bg;
  const refused = (refusal: Refusal) => {
    out.error(`rewind incident: ${refusalText(refusal, actor, bg.groups, services.authorizer.approvers)}`);
    return 1;
  };
  try {
    const incident = bg.store.incidents.get(incidentId);
    if (!incident) {
      const open = services.queries.openIncidents().map((i) => `${i.id} (${i.service})`);
      out.error(
        `rewind incident: ${refusalLine({ kind: 'unknown_incident', incidentId })}; ` +
          `open: ${open.length > 0 ? open.join(', ') : 'none'}`,
      );
      return 1;
    }
    if (incident.status === 'resolved') return refused({ kind: 'incident_resolved', incidentId });
    const audited = { action: 'incident.resolve', target: incidentId };
    const notAllowed = await refusedBeforeAsking(bg, actor, audited, { kind: 'resolve_incident' });
    if (notAllowed) return refused(notAllowed);
    const what = [
      `Resolve ${incident.id} (${incident.service}, ${incident.status}, ${incident.severity}, since ` +
        `${formatZoned(incident.startedAt, config.drills.timezone)}): ${incident.title}`,
      '  the incident is closed and its escalation stops',
    ];
    const stdin = deps.stdin ?? process.stdin;
    if (!(await proceed('incident', what, { yes: flags.has('yes'), stdin, out }))) return 1;
    const result = await services.decisions.resolve(incidentId, actor);
    if (!result.ok) return refused(result.refusal);
    out.log(`Resolved ${incidentId} as ${actor.id}. Its thread is told when the bot next reaches Slack.`);
    return 0;
  } finally {
    await bg.close();
  }
}
