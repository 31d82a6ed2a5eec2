/**
 * config/rewind.yml as parsed YAML, for tests to edit before a bot reads it. Its type is the schema's input
 * (what the file may say), with the sections and services the shipped file has, so an edit can reach into them
 * without checking each step for absence.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ConfigInput } from '../../src/config/schema.ts';
import { REPO } from './run-cli.ts';

type Section<K extends keyof ConfigInput> = NonNullable<ConfigInput[K]>;
/** One entry of `services:`, as the file says it. */
export type ServiceInput = ConfigInput['services'][string];
/** The services config/rewind.yml configures. */
export type ShippedService = 'prompt-service' | 'prompt-service-staging';

/** The parsed config file, with the sections it has and the services named by `Services`. */
export type ConfigDoc<Services extends string = ShippedService> = ConfigInput & {
  escalation: Section<'escalation'> & { levels: NonNullable<Section<'escalation'>['levels']> };
  metrics: Section<'metrics'>;
  triggers: Section<'triggers'>;
  rollback: Section<'rollback'> & { gradual: NonNullable<Section<'rollback'>['gradual']> };
  services: Record<Services, ServiceInput>;
  drills: Section<'drills'>;
};

/** A fresh copy of the shipped config/rewind.yml, to edit. */
export function shippedConfigDoc(): ConfigDoc {
  return parse(readFileSync(join(REPO, 'config/rewind.yml'), 'utf8')) as ConfigDoc;
}
