/**
 * The zod builders every part of the config schema is made of, with the messages people read:
 * each says what was expected and what was found. Provider modules (routers, metric providers)
 * build their own settings from these, so a router's keys fail with the same sentences as the
 * rest of the file. No I/O here: the provider modules that import it stay loadable by config.
 */
import { z } from 'zod';
import { parseConditionShape } from '../domain/conditions.ts';
import { didYouMean } from './suggest.ts';
import {
  DURATION_PATTERN,
  LATENCY_PATTERN,
  RATIO_PATTERN,
  parseDuration,
  parseLatencyMs,
  parseRatio,
} from './units.ts';

/**
 * What editors are told about fields whose zod input is wider than what people should write
 * (a duration accepts numbers only to say "add a unit"); json-schema.ts substitutes these.
 */
export const editorSchemas = z.registry<{ jsonSchema: Record<string, unknown> }>();

export const show = (v: unknown): string =>
  typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v));

/**
 * A strict object whose unknown-key message names the key and lists the allowed ones. Several
 * unknown keys in one object give one message line per key, in `keys` order, so load.ts can
 * point at each key separately.
 */
export function strict<T extends z.core.$ZodLooseShape>(shape: T, noun = 'key', where = '') {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? iss.keys
            .map(
              (k) => `unknown ${noun} "${k}"${where}${didYouMean(k, Object.keys(shape))}; allowed ${noun}s: ${allowed}`,
            )
            .join('\n')
        : undefined,
  });
}

/** A unit-bearing field: text or number in, milliseconds or a fraction out, with the unit parser's message. */
export function unit(
  parse: (v: string | number) => number,
  expected: string,
  jsonSchema: Record<string, unknown>,
  min = 0,
) {
  const input = z.union([z.string(), z.number()], { error: (iss) => `${expected}; got ${show(iss.input)}` });
  editorSchemas.add(input, { jsonSchema: { description: expected.replace(/^expected /, ''), ...jsonSchema } });
  return input.transform((v, ctx) => {
    try {
      const n = parse(v);
      if (n < min) throw new Error(`${expected} and greater than 0; got ${show(v)}`);
      return n;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message, input: v });
      return z.NEVER;
    }
  });
}

export const duration = (min = 1) =>
  unit(
    parseDuration,
    'expected a duration such as 30s, 5m, 2h, 7d',
    { type: 'string', pattern: DURATION_PATTERN },
    min,
  );
export const ratio = () =>
  unit(parseRatio, 'expected a ratio between 0 and 1 such as 0.10 or 10%', {
    anyOf: [
      { type: 'number', minimum: 0, maximum: 1 },
      { type: 'string', pattern: RATIO_PATTERN },
    ],
  });
export const latency = () =>
  unit(parseLatencyMs, 'expected a latency in milliseconds such as 10000, 10000ms or 10s', {
    anyOf: [
      { type: 'number', minimum: 0 },
      { type: 'string', pattern: LATENCY_PATTERN },
    ],
  });

export const condition = z
  .string({ error: (iss) => `expected a condition such as "error_rate > 10%"; got ${show(iss.input)}` })
  .meta({ description: 'a condition "<metric> <op> <value>" such as "error_rate > 10%" or "p99_latency > 10000"' })
  // Its shape only: whether the metric exists, and so the threshold's unit, is the whole config's to say
  // (metrics.custom); metrics-schema.ts checks that once the file is read.
  .transform((text, ctx) => {
    const r = parseConditionShape(text);
    if (r.ok) return r.written;
    ctx.addIssue({ code: 'custom', message: r.error, input: text });
    return z.NEVER;
  });

export const text = (what: string) =>
  z
    .string({ error: (iss) => `expected ${what}; got ${show(iss.input)}` })
    .min(1, { error: `expected ${what}; got an empty string` });

/** Kubernetes object names (DNS-1123 subdomain), so a typo fails here rather than at the API server. */
export const kubeName = (what: string) =>
  text(what).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
    error: (iss) =>
      `expected ${what}: a Kubernetes name of lower-case letters, digits, "-" and "."; got ${show(iss.input)}`,
  });

export const channelId = z
  .string()
  .regex(/^[CGD][A-Z0-9]+$/, {
    error: (iss) =>
      `expected a Slack channel ID such as C0123ABCD (C, G or D, then capitals and digits; not the #name); got ` +
      `${show(iss.input)}`,
  })
  .meta({ description: 'a Slack channel ID such as C0123ABCD' });
export const principalId = z
  .string()
  .regex(/^[UWS][A-Z0-9]+$/, {
    error: (iss) =>
      `expected a Slack user ID (U…, W…) or user-group ID (S…), such as U0123ABCD; got ${show(iss.input)}`,
  })
  .meta({ description: 'a Slack user ID (U…, W…) or user-group ID (S…)' });

export const choice = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: (iss) => `expected ${what}: one of ${values.join(' | ')}; got ${show(iss.input)}` });

export const int = (min: number, max: number, what: string) =>
  z
    .int({ error: (iss) => `expected ${what}: a whole number from ${min} to ${max}; got ${show(iss.input)}` })
    .min(min, { error: (iss) => `expected ${what} of at least ${min}; got ${show(iss.input)}` })
    .max(max, { error: (iss) => `expected ${what} of at most ${max}; got ${show(iss.input)}` });

/** Run a cross-field check even when unrelated parts failed, as long as the fields it reads are sound. */
export const whenSound =
  (...prefixes: PropertyKey[][]) =>
  (payload: { issues: { path?: PropertyKey[] }[] }) =>
    !payload.issues.some((i) => !i.path?.length || prefixes.some((p) => p.every((k, n) => i.path?.[n] === k)));

export const url = (what: string) =>
  z.url({ protocol: /^https?$/, error: (iss) => `expected ${what} (http:// or https://); got ${show(iss.input)}` });
