/**
 * `rewind rollback immediate|gradual <service> [--to V] --as U… [--yes] [--detach]`: the rollback
 * the Slack button runs, through the same service — planned, authorised and audited, approvals
 * collected, started exactly once — then run here step by step until it ends (or, with --detach,
 * until the first traffic change is written).
 */
import type { Output } from '../../cli.ts';
import { didYouMean } from '../../config/suggest.ts';
import { formatZoned } from '../../domain/zoned-time.ts';
import type { RollbackRecord } from '../../domain/rollback-record.ts';
import { refusalLine } from '../../services/refusal-lines.ts';
import type { ManualStrategy, RollbackPlan } from '../../services/rollback-requests.ts';
import { parseArgs, UsageError } from '../args.ts';
import { follow, followEnding, untilInterrupted } from './follow.ts';
import { actorFrom, proceed, refusalText } from './people.ts';
import { planLines } from './render.ts';
import { knownService, loadConfig, openBreakGlass, type BreakGlassDeps } from './setup.ts';

const STRATEGIES: readonly ManualStrategy[] = ['immediate', 'gradual'];

/** Where a rollback that could not start is on record: its row, failed, and the incident it reports in. */
function recordedIn(failed: RollbackRecord, plan: RollbackPlan): string {
  if (!failed.incidentId) return `${failed.id} is recorded as failed`;
  const opened = plan.incidentId === null ? ', the incident opened for it' : '';
  return `${failed.id} is recorded as failed in ${failed.incidentId}${opened}, which now awaits a decision`;
}

export async function rollbackCommand(args: string[], out: Output, deps: BreakGlassDeps = {}): Promise<number> {
  const { values, flags, positionals } = parseArgs(args, {
    values: ['to', 'as', 'config'],
    flags: ['yes', 'detach'],
    positionals: { max: 2, name: 'strategy' },
  });
  const [strategy, service] = positionals;
  if (strategy === undefined)
    throw new UsageError('name the strategy and the service: rewind rollback immediate|gradual <service>');
  if (!(STRATEGIES as readonly string[]).includes(strategy))
    throw new UsageError(
      `unknown strategy "${strategy}"${didYouMean(strategy, STRATEGIES)}; it is immediate or gradual`,
    );
  if (service === undefined) throw new UsageError(`name the service: rewind rollback ${strategy} <service>`);
  const actor = actorFrom(values.as);
  const loaded = loadConfig(values.config, deps.env ?? process.env, out);
  if ('exit' in loaded) return loaded.exit;
  if (!knownService('rollback', service, loaded, out)) return 1;
  const bg = openBreakGlass('rollback', loaded, deps, out, 'required');
  if ('exit' in bg) return bg.exit;
  const { services, config } = bg;
  const refused = (refusal: Parameters<typeof refusalText>[0]) => {
    out.error(`rewind rollback: ${refusalText(refusal, actor, bg.groups, services.authorizer.approvers)}`);
    return 1;
  };
  try {
    const to = values.to ?? null;
    const plan = await services.rollbacks.plan(
      { incidentId: null, service, strategy: strategy as ManualStrategy, to },
      actor,
    );
    if (!plan.ok) return refused(plan.refusal);
    const stdin = deps.stdin ?? process.stdin;
    if (!(await proceed('rollback', planLines(plan.value, config), { yes: flags.has('yes'), stdin, out }))) return 1;
    // As a submitted Slack dialog is: the plan is made again from the state now, and refused if it changed.
    const result = await services.rollbacks.confirm({ ...plan.value, requestedTo: to }, actor);
    if (!result.ok && result.refusal.kind === 'start_failed') {
      // As when the Slack dialog's rollback cannot start: the request stays on record, failed, in its incident.
      const [failed] = bg.store.rollbacks.history({ service, limit: 1 });
      out.error(
        `rewind rollback: ${refusalLine(result.refusal)}${failed ? `; ${recordedIn(failed, plan.value)}` : ''}`,
      );
      return 1;
    }
    if (!result.ok) return refused(result.refusal);
    const r = result.value.rollback;
    const what = `${r.id} (${r.strategy}, ${r.service} ${r.fromVersion ?? '?'} → ${r.toVersion})`;
    switch (result.value.state) {
      case 'awaiting_approval':
        out.log(
          `Recorded the approval of ${actor.id} for ${what}: ${result.value.have} of ${result.value.need}. A second, ` +
            `different approver starts it with the same command and their own --as (rewind rollback ${strategy} ` +
            `${service} --as <their Slack user ID>), or with Approve in the incident's thread.`,
        );
        return 0;
      case 'scheduled':
        out.log(
          `Approved ${what}; it runs as planned at ` +
            `${formatZoned(r.scheduledFor ?? r.startedAt, config.drills.timezone)}, started by the bot.`,
        );
        return 0;
      case 'started': {
        const detach = flags.has('detach');
        out.log(
          `Started ${what} as ${actor.id}. ` +
            (detach
              ? 'Its steps run here until the first traffic change is written; then the bot runs the rest.'
              : 'Its steps run here; Ctrl-C stops waiting, not the rollback.'),
        );
        const { end, rollback } = await untilInterrupted(deps.interrupt, (interrupt) =>
          follow(bg, r.id, { detach, interrupt, out }),
        );
        return followEnding('rollback', end, rollback, out);
      }
    }
  } finally {
    await bg.close();
  }
}
