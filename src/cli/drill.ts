/**
 * `rewind drill run <scenario> --dry-run [--config file]`: the plan of a drill — which service and
 * version, which injector, exactly what it would send — without changing anything. The routing is
 * read (when Kubernetes is reachable) to aim at the serving version; nothing is written, no drill
 * row is made. A real drill runs from Slack (`/drill run`), where the team sees it and it is scored.
 */
import type { Output } from '../cli.ts';
import { parseArgs, UsageError } from './args.ts';
import { formatDuration } from '../config/units.ts';
import { formatProblem, loadConfigFile } from '../config/load.ts';
import { DEFAULT_CONFIG_FILE } from '../config/validate-command.ts';

export { DRILL_USAGE } from './help.ts';

/** Usage errors are thrown as UsageError, which the CLI prints as one line with exit code 2. */
export async function drillCommand(args: string[], out: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'run') {
    if (sub === undefined) throw new UsageError('which subcommand? The only one is run');
    throw new UsageError(
      sub.startsWith('-')
        ? `unknown option "${sub}"; the command is rewind drill run <scenario> --dry-run`
        : `unknown subcommand "${sub}"; the only one is run`,
    );
  }
  const parsed = parseArgs(rest, { values: ['config'], flags: ['dry-run'], positionals: { max: 1, name: 'scenario' } });
  const scenario = parsed.positionals[0];
  if (scenario === undefined) throw new UsageError('which scenario? Name one of drills.scenarios');
  if (!parsed.flags.has('dry-run')) {
    out.error(
      'rewind drill run injects nothing from the command line: a real drill runs from Slack (/drill run <scenario>), ' +
        'where it is announced, watched and scored. Add --dry-run to see its plan here.',
    );
    return 2;
  }
  const file = parsed.values.config ?? env.REWIND_CONFIG ?? DEFAULT_CONFIG_FILE;
  const loaded = loadConfigFile(file);
  if (!loaded.ok) {
    if (loaded.unreadable) {
      for (const p of loaded.problems) out.error(formatProblem(p));
      return 2;
    }
    out.error(`${file} has problems:`);
    for (const p of loaded.problems) out.error(`  ${formatProblem(p)}`);
    return 1;
  }
  const config = loaded.config;
  // The Kubernetes client and the drill services load only for a sound command line and config:
  // a refusal above answers without them, in a fraction of the time.
  const [
    { injectorOrProblem },
    { KubeClients },
    { KubeCluster },
    { SimulatedMetrics },
    { systemClock },
    { planDrill },
    { refusalLine },
  ] = await Promise.all([
    import('../adapters/drills/index.ts'),
    import('../adapters/kube/clients.ts'),
    import('../adapters/kube/cluster.ts'),
    import('../adapters/metrics/simulated.ts'),
    import('../clock.ts'),
    import('../services/drills.ts'),
    import('../services/refusals.ts'),
  ]);
  const kubeClients = new KubeClients({ env });
  // The simulated injector only describes itself here: a throwaway provider, nothing reads it.
  const injector = injectorOrProblem(config.drills.injector, {
    services: config.services,
    kubeClients,
    simulated: new SimulatedMetrics(systemClock),
  });
  const warnings: string[] = [];
  const plan = await planDrill(
    {
      drills: config.drills,
      services: config.services,
      cluster: new KubeCluster(config.services, kubeClients),
      injector,
      log: { warn: (o) => warnings.push(String((o as { err?: unknown }).err ?? '')) },
    },
    scenario,
  );
  if (!plan.ok) {
    out.error(`rewind drill run: ${refusalLine(plan.refusal)}`);
    return 1;
  }
  const p = plan.value;
  const s = p.scenario;
  const fault =
    s.trigger === 'inject_latency'
      ? `${s.latency} ms added latency`
      : s.trigger === 'partial_outage'
        ? `${Math.round(s.share * 100)}% of traffic affected, ${Math.round(s.errorRate * 100)}% of it failing`
        : `${Math.round(s.errorRate * 100)}% of requests failing`;
  const versionSource =
    p.versionSource === 'router'
      ? 'serving now, read from the router'
      : `newest configured${warnings[0] ? `; the routing could not be read: ${warnings[0]}` : ''}`;
  out.log(`Drill plan for ${s.name} (${s.title}) — dry run: nothing was changed`);
  out.log(`  service:  ${p.service}, version ${p.version} (${versionSource})`);
  out.log(`  fault:    ${s.trigger}: ${fault}`);
  out.log(`  injector: ${p.injector}`);
  for (const line of p.lines) out.log(`    ${line}`);
  out.log(
    `  expected response: ${formatDuration(s.expectedResponse)}; the fault is removed once the rollback switches ` +
      `traffic, and after ${formatDuration(p.maxDurationMs)} at the latest`,
  );
  return 0;
}
