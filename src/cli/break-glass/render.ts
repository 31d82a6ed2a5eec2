/**
 * The break-glass commands' words: plain English lines (no Slack formatting) for a rollback's plan,
 * its steps as they land, its state, and the status and history answers. Pure: everything comes
 * in as arguments.
 */
import { ownerLine } from '../../domain/gitops.ts';
import type { Config } from '../../config/schema.ts';
import { formatDuration } from '../../config/units.ts';
import type { RollbackRecord, RollbackStep, RollbackStepDetail } from '../../domain/rollback-record.ts';
import { splitText } from '../../domain/step-facts.ts';
import type { Incident } from '../../domain/types.ts';
import { formatZoned } from '../../domain/zoned-time.ts';
import type { RollbackSnapshot } from '../../services/incident-snapshot.ts';
import type { RollbackPlan } from '../../services/rollback-requests.ts';
import { routingObjects } from '../../adapters/kube/routers/registry.ts';

type ServiceConfig = Config['services'][string];

const versions = (r: { fromVersion: string | null; toVersion: string }) => `${r.fromVersion ?? '?'} → ${r.toVersion}`;

/** The router and the objects it moves traffic on: `service-selector (Service prompts/prompt-service)`. */
export function routingText(service: ServiceConfig): string {
  const objects = routingObjects(service.router).map(
    (o) => `${o.kind} ${service.namespace}/${o.name}${o.route === undefined ? '' : ` route ${o.route}`}`,
  );
  const where = objects.length > 0 ? objects.join(', ') : `the versions' Deployments in ${service.namespace}`;
  return `${service.router.kind} (${where})`;
}

/** Share of traffic per version after a step that leaves `weight` percent on the version being rolled back. */
export function splitAfter(
  r: Pick<RollbackRecord, 'fromVersion' | 'toVersion'>,
  weight: number,
): Record<string, number> {
  return r.fromVersion ? { [r.fromVersion]: weight, [r.toVersion]: 100 - weight } : { [r.toVersion]: 100 - weight };
}

/** What a confirmed rollback will do, before the person is asked. */
export function planLines(plan: RollbackPlan, config: Config): string[] {
  const service = config.services[plan.service] as ServiceConfig;
  const from = plan.fromVersion ?? 'the version serving now';
  const lines = [
    `${plan.strategy === 'gradual' ? 'Gradual' : 'Immediate'} rollback of ${plan.service}: ${versions(plan)}`,
    `  routing: ${routingText(service)}`,
  ];
  if (plan.strategy === 'immediate') {
    lines.push(`  change: all traffic moves to ${plan.toVersion} at once (${splitText(splitAfter(plan, 0))})`);
  } else {
    const observeOf = (weight: number) => config.rollback.gradual.phases.find((p) => p.weight === weight)?.observe;
    const phases = plan.phases.map((weight) => {
      const observe = observeOf(weight);
      return weight > 0 && observe ? `${weight}% for ${formatDuration(observe)}` : `${weight}%`;
    });
    lines.push(
      `  change: ${from} keeps ${phases.join(', then ')}, ${plan.toVersion} taking the rest (straight to 0% if ` +
        `${config.rollback.gradual.abortIf.text} holds)`,
    );
    lines.push(
      plan.currentWeight === null
        ? '  now: the share serving now could not be read from the cluster; the rollback reads it again as it starts'
        : `  now: ${from} has ${plan.currentWeight}% (read from the cluster)` +
            (plan.skippedPhases.length > 0
              ? `; skipped, as they are not below it: ${plan.skippedPhases.join('%, ')}%`
              : ''),
    );
  }
  lines.push(`  then: verify for ${formatDuration(config.rollback.verifyWindow)}, then the post-actions`);
  lines.push(
    plan.incidentId
      ? `  incident: ${plan.incidentId}; its thread is told when the bot next reaches Slack`
      : `  incident: none is open for ${plan.service}, so one is opened for this rollback`,
  );
  if (plan.requiredApprovals > 1)
    lines.push(`  approvals: ${plan.requiredApprovals} different approvers must confirm; this records yours`);
  if (plan.dryRun)
    lines.push('  dry run (rollback.dryRun): nothing is sent to the cluster; each step says what would be');
  return lines;
}

function stepWhat(d: RollbackStepDetail, r: RollbackRecord, status: RollbackStep['status']): string[] {
  switch (d.kind) {
    case 'confirm':
      return d.split ? [`serving ${splitText(d.split)}`] : d.from ? [`serving ${d.from}`] : [];
    case 'set_weight': {
      if (status !== 'succeeded') return [];
      const sent = (d.changes ?? []).map((c) => `${c.method} ${c.target}`);
      return [
        `traffic ${splitText(splitAfter(r, d.weight))}`,
        ...(r.dryRun ? ['dry run: nothing sent'] : sent.length > 0 ? [`sent ${sent.join(', ')}`] : []),
      ];
    }
    case 'observe':
      return status === 'succeeded' ? [`watched ${formatDuration(d.observeMs)}`] : [];
    case 'verify':
      if (status === 'skipped') return ['no metrics provider: not verified'];
      return d.recovered === undefined ? [] : [d.recovered ? 'recovered' : 'not recovered'];
    case 'post_actions':
      return [];
    case 'stop':
      return d.reason ? [d.reason] : [];
    case 'gitops':
      return [
        ownerLine(d.owner, d.selfHeal),
        d.onRollback === 'warn'
          ? 'sync left on (onRollback: warn): it may undo this rollback'
          : status !== 'succeeded'
            ? 'sync not paused yet'
            : d.pausedBefore
              ? 'sync was already paused: nothing sent'
              : 'sync paused for this rollback',
      ];
  }
}

/** A step that has ended: `step 2/4 switch: succeeded in 0.3s; traffic v1.5.0 100%; sent PATCH Service …`. */
export function stepLine(step: RollbackStep, total: number, r: RollbackRecord): string {
  const took =
    step.startedAt !== null && step.finishedAt !== null
      ? ` in ${formatDuration(step.finishedAt - step.startedAt)}`
      : '';
  const what = [...stepWhat(step.detail, r, step.status), ...(step.detail.error ? [step.detail.error] : [])];
  return `  step ${step.seq}/${total} ${step.name}: ${[`${step.status}${took}`, ...what].join('; ')}`;
}

/** A step that waits (an observation, the verification): when it is due to end. */
export function waitingLine(step: RollbackStep, total: number, timeZone: string): string | null {
  const d = step.detail;
  const until = d.kind === 'observe' ? d.observeUntil : d.kind === 'verify' ? d.verifyUntil : undefined;
  if (until === undefined) return null;
  const at = formatZoned(until, timeZone, undefined, { seconds: true });
  return `  step ${step.seq}/${total} ${step.name}: running until ${at}`;
}

/** A rollback in one line: `RB-… immediate v2.0.0 → v1.5.0: running, phase 1/3, v2.0.0 25%`. */
export function rollbackLine(r: RollbackSnapshot): string {
  const parts: string[] = [r.status];
  const active = ['pending', 'scheduled', 'running', 'paused'].includes(r.status);
  if (active && r.currentPhase !== null && r.phases.length > 1)
    parts.push(`phase ${r.currentPhase + 1}/${r.phases.length}`);
  if (active && r.newVersionWeight !== null && r.fromVersion) parts.push(`${r.fromVersion} ${r.newVersionWeight}%`);
  if (r.approvals.need > 1) {
    const by = r.approvals.by.length > 0 ? ` (${r.approvals.by.join(', ')})` : '';
    parts.push(`approvals ${r.approvals.have}/${r.approvals.need}${by}`);
  }
  if (r.dryRun) parts.push('dry run');
  const line = `${r.id} ${r.service} ${r.strategy} ${versions(r)}: ${parts.join(', ')}; started by ${r.startedBy}`;
  return r.error ? `${line}; ${r.error}` : line;
}

/**
 * The traffic split: read from the service's router just now, or, when it could not be, what the
 * database knows — where the latest rollback last set it (null before it changed anything) — and why.
 */
export type Traffic =
  | { source: 'cluster'; split: Record<string, number> }
  | {
      source: 'stored';
      why: string;
      lastSet: { split: Record<string, number>; rollbackId: string } | null;
    };

export interface ServiceStatus {
  service: string;
  /** The version serving now as far as Rewind knows (the rollbacks it ran), not read from the cluster. */
  servingVersion: string | null;
  traffic: Traffic;
  incident: Incident | null;
  rollback: RollbackSnapshot | null;
}

function servingLine(s: ServiceStatus): string {
  const t = s.traffic;
  if (t.source === 'cluster') return `  serving: ${splitText(t.split)} (read from the cluster just now)`;
  const stored = t.lastSet
    ? `${splitText(t.lastSet.split)} as ${t.lastSet.rollbackId} last set it`
    : `${s.servingVersion ?? 'unknown'} as far as Rewind knows`;
  return `  serving: ${stored} (${t.why})`;
}

export function statusLines(s: ServiceStatus, timeZone: string): string[] {
  const i = s.incident;
  return [
    s.service,
    servingLine(s),
    i
      ? `  incident: ${i.id} ${i.status}, ${i.severity}, since ${formatZoned(i.startedAt, timeZone)}: ${i.title}`
      : '  incident: none open',
    s.rollback ? `  rollback: ${rollbackLine(s.rollback)}` : '  rollback: none in progress',
  ];
}

export function historyLines(service: string | null, rollbacks: RollbackSnapshot[], timeZone: string): string[] {
  const head = service ? `Rollbacks of ${service}, newest first:` : 'Rollbacks, newest first:';
  if (rollbacks.length === 0) return [head, '  none yet'];
  return [head, ...rollbacks.map((r) => `  ${formatZoned(r.startedAt, timeZone)}  ${rollbackLine(r)}`)];
}
