/**
 * `rewind doctor`: checks a real set-up before the first incident, with the same environment,
 * config, Slack token and kubeconfig `rewind start` would use, and changes nothing on the way (the
 * only requests that are not reads are Kubernetes access reviews, which are questions, and — when
 * users:read is not granted — opening the DM an escalation would use, without writing to it).
 *
 * The sections run in order: environment, config, database, Slack, Kubernetes per service, metrics
 * (for the live versions the Kubernetes checks found), leader election (PostgreSQL only), alerts.
 * A broken config leaves out what needs it.
 */
import { KubeClients } from '../adapters/kube/clients.ts';
import type { FetchLike } from '../adapters/metrics/http.ts';
import { systemClock, type Clock } from '../clock.ts';
import { readEnv } from '../config/env.ts';
import { formatProblem, type LoadResult } from '../config/load.ts';
import { alertChecks } from './alerts.ts';
import { CHECK_TIMEOUT_MS, failed, oneLine, passed, type DoctorCheck } from './checks.ts';
import { databaseChecks } from './database.ts';
import { kubeChecks } from './kube.ts';
import { leaderChecks } from './leader.ts';
import { isPostgresUrl } from '../store/postgres/sync-connection.ts';
import { MANIFEST_FILE, manifestBotScopes, type ManifestScope } from './manifest.ts';
import { metricsChecks } from './metrics.ts';
import { slackChecks } from './slack.ts';

export type { DoctorCheck } from './checks.ts';

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  /** The config file, and what loading it gave (the command refuses an unreadable file before). */
  configFile: string;
  loaded: LoadResult;
  /** Where Alertmanager reaches Rewind, for the receiver snippet. */
  alertsUrl: string;
  clock?: Clock;
  timeoutMs?: number;
  manifest?: URL | string;
  fetch?: FetchLike;
}

export async function runDoctor(o: DoctorOptions): Promise<DoctorCheck[]> {
  const clock = o.clock ?? systemClock;
  const timeoutMs = o.timeoutMs ?? CHECK_TIMEOUT_MS;
  const { env, problems } = readEnv(o.env);
  const checks: DoctorCheck[] = [];

  checks.push(
    ...(problems.length === 0
      ? [
          passed(
            'Environment',
            'variables',
            `what rewind start reads is set (${env.socketMode ? 'Socket Mode' : 'HTTP mode'})`,
          ),
        ]
      : problems.map((p) =>
          failed(
            'Environment',
            p.variable,
            p.message,
            `set ${p.variable} in Rewind's environment or .env (see .env.example)`,
          ),
        )),
  );

  const config = o.loaded.ok ? o.loaded.config : null;
  checks.push(...configChecks(o.configFile, o.loaded));
  checks.push(...databaseChecks(env.dbFile));

  let scopes: ManifestScope[] | { unreadable: string };
  try {
    scopes = manifestBotScopes(o.manifest ?? MANIFEST_FILE);
  } catch (err) {
    scopes = { unreadable: oneLine(err) };
  }
  checks.push(
    ...(await slackChecks({ token: env.slackBotToken, apiUrl: env.slackApiUrl, config, scopes, clock, timeoutMs })),
  );

  const clients = new KubeClients({ env: o.env, requestTimeoutMs: timeoutMs });
  if (config) {
    const kube = await kubeChecks({ config, clients, clock, timeoutMs });
    checks.push(...kube.checks);
    // The metrics are asked for the versions the routers say are live.
    const live = kube.live;
    checks.push(...(await metricsChecks({ config, live, clock, timeoutMs, ...(o.fetch ? { fetch: o.fetch } : {}) })));
  }
  // Replicas share PostgreSQL and elect the drift watch's runner with a Lease; one SQLite replica needs none.
  if (isPostgresUrl(env.dbFile))
    checks.push(...(await leaderChecks({ clients, podNamespace: env.podNamespace, clock, timeoutMs })));
  checks.push(...alertChecks(env.alertWebhookToken, o.alertsUrl));
  return checks;
}

/** The config file's check: valid, or one failed check per problem (a file that cannot be read is one). */
export function configChecks(configFile: string, loaded: LoadResult): DoctorCheck[] {
  if (loaded.ok) {
    const services = Object.keys(loaded.config.services);
    return [passed('Config', configFile, `valid: ${services.length} services (${services.join(', ')})`)];
  }
  const fix = loaded.unreadable
    ? "point --config or REWIND_CONFIG at Rewind's config file (unset, it is config/rewind.yml)"
    : 'correct it: rewind validate-config lists every problem';
  return loaded.problems.map((p) => failed('Config', configFile, formatProblem(p), fix));
}

/**
 * The checklist as text: a heading per section, a line per check (✓ or ✗), the fix on the line under
 * each ✗, a count. Details and fixes are one line each (checks.ts).
 */
export function checklistLines(checks: DoctorCheck[]): string[] {
  const lines: string[] = [];
  let section: string | undefined;
  for (const c of checks) {
    if (c.section !== section) {
      if (section !== undefined) lines.push('');
      lines.push(c.section);
      section = c.section;
    }
    lines.push(`  ${c.ok ? '✓' : '✗'} ${c.check}: ${c.detail}`);
    if (c.fix) lines.push(`      fix: ${c.fix}`);
  }
  const bad = checks.filter((c) => !c.ok).length;
  lines.push('', bad === 0 ? `All ${checks.length} checks passed.` : `${bad} of ${checks.length} checks failed.`);
  return lines;
}
