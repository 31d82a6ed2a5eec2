/**
 * The doctor's Kubernetes checks, per configured service, with the clients `rewind start` builds
 * (the service's context): the routing object can be read and names configured versions, each
 * version's Deployment exists with its ready replicas, who manages the routing in git (gitops.ts), and
 * the API server grants every access the service needs (access.ts), pausing that owner's sync included.
 *
 * Which versions must have ready replicas: the live one (most traffic), and the default rollback
 * target (the next one down the fallback chain), because a rollback to a version without ready
 * replicas is refused until it is scaled up. Older versions may be scaled to 0 — keeping every
 * fallback warm is a cost teams choose not to pay — so that is said on a passing line, not a failure;
 * a version whose Deployment is missing fails, since the chain promises it.
 */
import type { KubeClients, KubeApis } from '../adapters/kube/clients.ts';
import { KubeClusterChecks } from '../adapters/kube/checks.ts';
import { KubeError, RouterError } from '../adapters/kube/errors.ts';
import { buildRouter, type BuiltRouter } from '../adapters/kube/routers/index.ts';
import { routingObjects } from '../adapters/kube/routers/registry.ts';
import type { Clock } from '../clock.ts';
import type { Config, ServiceConfig } from '../config/schema.ts';
import { busiestVersion } from '../domain/rollback-plan.ts';
import { chooseTarget } from '../domain/target.ts';
import { accessChecks, accessNeeds, type EndpointsWhere } from './access.ts';
import { askServer, type ServerAnswer } from './api-server.ts';
import { failed, oneLine, passed, withinDeadline, type DoctorCheck } from './checks.ts';
import { gitopsCheck } from './gitops.ts';
import { kubeReason, unanswered } from './kube-reasons.ts';

/** The version the metrics are checked for: read from the router, else the newest configured. */
export interface LiveVersion {
  version: string;
  fromRouter: boolean;
}

export interface KubeDoctorInput {
  config: Config;
  clients: KubeClients;
  clock: Clock;
  timeoutMs: number;
}

export interface KubeDoctorResult {
  checks: DoctorCheck[];
  live: Map<string, LiveVersion>;
}

/** Per context, what its server answered to the first question (api-server.ts): asked once, said per service. */
type ServerAnswers = Map<string, Promise<ServerAnswer>>;

export async function kubeChecks(input: KubeDoctorInput): Promise<KubeDoctorResult> {
  const live = new Map<string, LiveVersion>();
  const checks: DoctorCheck[] = [];
  const servers: ServerAnswers = new Map();
  // One service after another: a person reads them in config order, and a cluster is not asked everything at once.
  for (const [name, service] of Object.entries(input.config.services)) {
    const result = await serviceChecks(input, servers, name, service);
    checks.push(...result.checks);
    live.set(name, result.live);
  }
  return { checks, live };
}

async function serviceChecks(
  input: KubeDoctorInput,
  servers: ServerAnswers,
  name: string,
  service: ServiceConfig,
): Promise<{ checks: DoctorCheck[]; live: LiveVersion }> {
  const section = `Kubernetes ${name}`;
  const chain = service.versions.map((v) => v.version);
  let live: LiveVersion = { version: chain[0] ?? '?', fromRouter: false };
  const call = <T>(work: () => Promise<T>) => withinDeadline(input.clock, input.timeoutMs, work);
  let apis: KubeApis;
  let built: BuiltRouter;
  try {
    apis = input.clients.forContext(service.context);
    built = buildRouter(service.router, { apis, serviceName: name, service });
  } catch (err) {
    const fix = service.context
      ? `name a context the kubeconfig has in services.${name}.context, or point KUBECONFIG at the kubeconfig ` +
        `that has "${service.context}"`
      : 'set KUBECONFIG, or run Rewind in the cluster with its service account (deploy/, docs/cluster-access.md)';
    return { checks: [failed(section, 'kubeconfig', oneLine(err), fix)], live };
  }
  const out: DoctorCheck[] = [];
  const noServer = (err: unknown) =>
    failed(
      section,
      'API server',
      `context ${apis.context} at ${apis.server}: ${kubeReason(err)}`,
      `check that this host reaches the API server (kubectl --context ${apis.context} get namespaces) and that ` +
        "the kubeconfig's credentials are current",
    );
  let server = servers.get(apis.context);
  if (!server) {
    server = call(() => askServer(apis, service.namespace));
    servers.set(apis.context, server);
  }
  try {
    const answer = await server;
    if (!answer.kubernetes) {
      const skipped = `${name}'s routing, version and access checks were skipped`;
      const said = `HTTP ${answer.status}, ${answer.contentType}`;
      out.push(
        failed(
          section,
          'API server',
          `the server at ${apis.server} (context ${apis.context}) did not answer as a Kubernetes API server ` +
            `(${said}); ${skipped}`,
          'check the server URL in the kubeconfig',
        ),
      );
      return { checks: out, live };
    }
  } catch (err) {
    // Nothing answered (askServer turns every answer into a ServerAnswer): the rest would fail alike.
    return { checks: [noServer(err)], live };
  }
  const deps = { apis, serviceName: name, service };
  const objects = routingObjects(service.router).map((o) => `${o.kind} ${service.namespace}/${o.name}`);
  const through = objects.length > 0 ? objects.join(' and ') : `the versions' Deployments (${service.router.kind})`;
  try {
    const split = await call(() => built.router.read());
    const serving = busiestVersion(split);
    if (serving) live = { version: serving, fromRouter: true };
    const shares = Object.entries(split).filter(([, w]) => w > 0);
    const routes = shares.map(([v, w]) => `${v} ${w}%`).join(', ') || 'no traffic to any configured version';
    out.push(passed(section, 'routing', `${through} routes ${routes}; live: ${live.version}`));
  } catch (err) {
    if (unanswered(err)) return { checks: [...out, noServer(err)], live };
    out.push(failed(section, 'routing', `${through}: ${kubeReason(err)}`, routingFix(err, name, service)));
  }

  const target = chooseTarget({ chain, from: live.version, requested: null, history: [] });
  const mustBeReady = new Map([[live.version, 'the live version']]);
  if (target.ok) mustBeReady.set(target.to, 'the default rollback target');
  const readiness = new KubeClusterChecks(deps, built.endpointsService);
  for (const v of service.versions) {
    out.push(
      await versionCheck(section, name, service, v.version, mustBeReady.get(v.version), () =>
        call(() => readiness.readyReplicas(v.version)),
      ),
    );
  }

  const liveConfig = service.versions.find((v) => v.version === live.version) ?? service.versions[0];
  let endpoints: EndpointsWhere = { namespace: service.namespace, slices: true };
  try {
    const ref = liveConfig ? await call(() => built.endpointsService(liveConfig)) : undefined;
    if (ref !== undefined)
      endpoints = ref ? { namespace: ref.namespace, slices: true } : { ...endpoints, slices: false };
  } catch {
    // Where the endpoints show could not be read (the routing check said why): ask for the Service's slices.
  }
  const gitops = await gitopsCheck(section, name, service, apis, call);
  out.push(gitops.check);
  const needs = [...accessNeeds(name, service, input.config, endpoints), ...gitops.needs];
  out.push(...(await accessChecks(section, apis, needs, call)));
  return { checks: out, live };
}

function routingFix(err: unknown, name: string, service: ServiceConfig): string {
  if (err instanceof KubeError && err.status === 404)
    return (
      `create ${err.target} (the object that routes ${name}'s traffic), or correct services.${name}.router to name ` +
      `the one that does`
    );
  if (err instanceof KubeError && (err.status === 401 || err.status === 403))
    return err.status === 401
      ? "the API server refuses the kubeconfig's credentials: renew them"
      : `grant Rewind get on it in namespace ${service.namespace} (the access checks below name the rule)`;
  if (err instanceof RouterError)
    return `make the routing object and services.${name}.versions agree: the message names what differs`;
  return "run rewind doctor again; if it keeps failing, look at the API server's health";
}

async function versionCheck(
  section: string,
  name: string,
  service: ServiceConfig,
  version: string,
  role: string | undefined,
  readyReplicas: () => Promise<{ ready: number; desired: number }>,
): Promise<DoctorCheck> {
  const check = `version ${version}`;
  const configured = service.versions.find((v) => v.version === version)?.deployment;
  const deployment = configured
    ? `Deployment ${service.namespace}/${configured}`
    : `the Deployment labelled ${service.versionLabel}=${version}`;
  const ns = service.namespace;
  const pods = `kubectl -n ${ns} get pods -l ${service.versionLabel}=${version}`;
  try {
    const { ready, desired } = await readyReplicas();
    const counted = `${deployment}: ${ready} of ${desired} replicas ready`;
    if (ready > 0) return passed(section, check, `${counted}${role ? ` (${role})` : ''}`);
    const refused = 'a rollback to it would be refused until it is scaled up';
    if (!role)
      return passed(
        section,
        check,
        `${counted}: ${refused} (only the live version and the default rollback target must be ready)`,
      );
    const why = role === 'the live version' ? 'it serves traffic now' : `it is ${role}, and ${refused}`;
    const fix =
      desired === 0 && configured
        ? `scale it up: kubectl -n ${ns} scale deployment ${configured} --replicas=<as many as the live version runs>`
        : `find out why its pods are not ready: ${pods}`;
    return failed(section, check, `${counted}, yet ${why}`, fix);
  } catch (err) {
    if (err instanceof KubeError && err.status === 404)
      return failed(
        section,
        check,
        `${deployment} does not exist`,
        `deploy ${version} in namespace ${ns}, or take it out of services.${name}.versions (the fallback chain)`,
      );
    if (err instanceof RouterError)
      return failed(section, check, oneLine(err), `set versions[].deployment of ${version}`);
    return failed(
      section,
      check,
      `${deployment}: ${kubeReason(err)}`,
      'run rewind doctor again once the API server answers',
    );
  }
}
