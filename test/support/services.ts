/**
 * Rewind's services on one store and a manual clock, with recorders at the ports: what the
 * service and Slack tests build on. Wired by the same createServices as src/main.ts.
 */
import { loadConfigFile } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { ManualClock } from '../../src/clock.ts';
import type { RcaPublisher } from '../../src/services/rca.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import type {
  ChannelNotice,
  ClusterPort,
  IncidentAnnouncer,
  IncidentNotice,
  IncidentNotifier,
  MetricsSource,
  RollbackEngine,
  UserGroupDirectory,
} from '../../src/services/ports.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { RecordingEngine } from './recording-engine.ts';
import { REPO } from './run-cli.ts';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/**
 * The shipped config, with prompt-service routed by weight (Istio) instead of its blue-green Service
 * selector, so gradual rollbacks can be tested on it; `patch` changes more.
 */
export function shippedConfig(patch: (c: Config) => Config = (c) => c): Config {
  const loaded = loadConfigFile(`${REPO}/config/rewind.yml`);
  if (!loaded.ok) throw new Error('shipped config does not validate');
  const c = loaded.config;
  const service = c.services['prompt-service'];
  if (!service) throw new Error('shipped config has no prompt-service');
  const weighted = {
    ...c,
    services: {
      ...c.services,
      'prompt-service': { ...service, router: { kind: 'istio' as const, virtualService: 'prompt-service', route: 0 } },
    },
  };
  return patch(weighted);
}

export class RecordingNotifier implements IncidentNotifier, IncidentAnnouncer, RcaPublisher {
  readonly changes: string[] = [];
  readonly announcements: ChannelNotice[] = [];
  announce(notice: ChannelNotice): void {
    this.announcements.push(notice);
  }
  readonly stakeholderNotices: string[] = [];
  stakeholderNotice(incidentId: string): void {
    this.stakeholderNotices.push(incidentId);
  }
  readonly rcas: { incidentId: string; markdown: string; filename: string }[] = [];
  publishRca(incidentId: string, markdown: string, filename: string): void {
    this.rcas.push({ incidentId, markdown, filename });
  }
  readonly notices: { incidentId: string; notice: IncidentNotice }[] = [];
  changed(incidentId: string): void {
    this.changes.push(incidentId);
  }
  batch<T>(fn: () => T): T {
    return fn();
  }
  notice(incidentId: string, notice: IncidentNotice): void {
    this.notices.push({ incidentId, notice });
  }
}

/** Slack user groups as the directory port sees them; S0SRE is an approver group in the shipped config. */
export class GroupDirectory implements UserGroupDirectory {
  readonly lookups: string[] = [];
  groups: Record<string, string[]> = { S0SRE: ['U0ALICE', 'U0BOB'], S0SENIOR: ['U0SENIOR'] };
  async members(group: string): Promise<string[]> {
    this.lookups.push(group);
    return this.groups[group] ?? [];
  }
}

export interface ServiceWorld extends Services {
  config: Config;
  clock: ManualClock;
  store: Store;
  engine: RecordingEngine;
  notifier: RecordingNotifier;
  directory: GroupDirectory;
}

export function serviceWorld(
  options: {
    config?: Config;
    engine?: RollbackEngine;
    file?: string;
    cluster?: ClusterPort;
    metrics?: MetricsSource;
    clock?: ManualClock;
  } = {},
): ServiceWorld {
  const config = options.config ?? shippedConfig();
  const clock = options.clock ?? new ManualClock(T0);
  const store = openStore(options.file ?? ':memory:', { clock });
  const notifier = new RecordingNotifier();
  const directory = new GroupDirectory();
  const engine = new RecordingEngine(store, clock);
  const services = createServices(config, store, clock, {
    notifier,
    ...(options.cluster
      ? { cluster: options.cluster, metrics: options.metrics ?? null }
      : { engine: options.engine ?? engine }),
    directory,
    escalationNotifier: { escalate: () => {} },
  });
  return { ...services, config, clock, store, engine, notifier, directory };
}
