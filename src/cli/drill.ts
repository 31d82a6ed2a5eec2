/**
 * `rewind drill run <scenario> --dry-run [--config file]`: the plan of a drill — which service and
 * version, which injector, exactly what it would send — without changing anything. The routing is
 * read (when Kubernetes is reachable) to aim at the serving version; nothing is written, no drill
 * row is made. A real drill runs from Slack (`/drill run`), where the team sees it and it is scored.
 */
import type { Output } from '../cli.ts';
import { formatDuration } from '../config/units.ts';
import { formatProblem, loadConfigFile } from '../config/load.ts';
import { DEFAULT_CONFIG_FILE } from '../config/validate-command.ts';
import { createInjector } from '../adapters/drills/index.ts';
import { KubeClients } from '../adapters/kube/clients.ts';
import { KubeCluster } from '../adapters/kube/cluster.ts';
import { SimulatedMetrics } from '../adapters/metrics/simulated.ts';
import { systemClock } from '../services/clock.ts';
import type { FaultInjector } from '../services/drill-ports.ts';
import { planDrill } from '../services/drills.ts';
import { refusalLine } from '../services/refusals.ts';

export const DRILL_USAGE = 'Usage: rewind drill run <scenario> --dry-run [--config file]';

export async function drillCommand(args: string[], out: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'run') {
    out.error(sub === undefined || sub === '--help' ? DRILL_USAGE : `rewind drill: unknown subcommand "${sub}"\n${DRILL_USAGE}`);
    return 2;
  }
  let scenario: string | null = null;
  let dryRun = false;
  let file = env.REWIND_CONFIG ?? DEFAULT_CONFIG_FILE;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === '--dry-run') dryRun = true;
    else if (a === '--config' && rest[i + 1]) file = rest[++i] as string;
    else if (!a.startsWith('-') && scenario === null) scenario = a;
    else {
      out.error(`rewind drill run: unexpected "${a}"\n${DRILL_USAGE}`);
      return 2;
    }
  }
  if (!scenario) {
    out.error(`rewind drill run: which scenario?\n${DRILL_USAGE}`);
    return 2;
  }
  if (!dryRun) {
    out.error('rewind drill run injects nothing from the command line: a real drill runs from Slack (/drill run <scenario>), where it is announced, watched and scored. Add --dry-run to see its plan here.');
    return 2;
  }
  const loaded = loadConfigFile(file);
  if (!loaded.ok) {
    out.error(`${file} has problems:`);
    for (const p of loaded.problems) out.error(`  ${formatProblem(p)}`);
    return 1;
  }
  const config = loaded.config;
  const kubeClients = new KubeClients(env.KUBECONFIG ? { kubeconfigPath: env.KUBECONFIG } : {});
  let injector: FaultInjector | { unavailable: string };
  try {
    // The simulated injector only describes itself here: a throwaway provider, nothing reads it.
    injector = createInjector(config.drills.injector, { services: config.services, kubeClients, simulated: new SimulatedMetrics(systemClock) });
  } catch (err) {
    injector = { unavailable: (err as Error).message };
  }
  const warnings: string[] = [];
  const plan = await planDrill(
    { drills: config.drills, services: config.services, cluster: new KubeCluster(config.services, kubeClients), injector, log: { info: () => {}, warn: (o) => warnings.push(String((o as { err?: unknown }).err ?? '')), error: () => {} } },
    scenario,
  );
  if (!plan.ok) {
    out.error(`rewind drill run: ${refusalLine(plan.refusal)}`);
    return 1;
  }
  const p = plan.value;
  const s = p.scenario;
  const fault = s.trigger === 'inject_latency' ? `${s.latency} ms added latency` : s.trigger === 'partial_outage' ? `${Math.round(s.share * 100)}% of traffic affected, ${Math.round(s.errorRate * 100)}% of it failing` : `${Math.round(s.errorRate * 100)}% of requests failing`;
  out.log(`Drill plan for ${s.name} (${s.title}) — dry run: nothing was changed`);
  out.log(`  service:  ${p.service}, version ${p.version} (${p.versionSource === 'router' ? 'serving now, read from the router' : `newest configured${warnings[0] ? `; the routing could not be read: ${warnings[0]}` : ''}`})`);
  out.log(`  fault:    ${s.trigger}: ${fault}`);
  out.log(`  injector: ${p.injector}`);
  for (const line of p.lines) out.log(`    ${line}`);
  out.log(`  expected response: ${formatDuration(s.expectedResponse)}; the fault is removed once the rollback switches traffic, and after ${formatDuration(p.maxDurationMs)} at the latest`);
  return 0;
}
