/**
 * `rewind validate-config` as a person runs it: a config that is valid but whose judgment matrix
 * recommends a gradual rollback for a blue-green service exits 0 with a warning line per rule, in
 * the form of its problems (file:line:column path: message).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, cleanEnv, runRewind, tempDir } from '../support/run-cli.ts';

const CEILING = { timeout: 60_000 };

const BLUE_GREEN = `slack:
  incidentChannel: C0INCIDENT
  stakeholderChannel: C0STAKEHOLDERS
  drillChannel: C0DRILLS
  approvers: [U0LEAD]
matrix:
  rules:
    - { userImpact: all, businessImpact: high, fixTime: "-", action: immediate }
    - { userImpact: partial, businessImpact: high, fixTime: long, action: gradual }
  default: fix
services:
  checkout-prompts:
    router: { kind: service-selector, service: checkout-prompts }
    versions:
      - { version: v3.1.0 }
      - { version: v3.0.0 }
  search-prompts:
    router: { kind: istio, virtualService: search-prompts }
    versions:
      - { version: v1.1.0, subset: v1-1-0 }
      - { version: v1.0.0, subset: v1-0-0 }
`;

describe('rewind validate-config warns where the matrix recommends what a service cannot run', () => {
  it('exits 0 with the warning on the line of the rule, and the summary', CEILING, async () => {
    const file = join(tempDir('rewind-cli-warn-'), 'rewind.yml');
    writeFileSync(file, BLUE_GREEN);
    const r = await runRewind(['validate-config', file], cleanEnv());
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}:9:75 matrix.rules[1].action: warning: rule 2 recommends gradual, which checkout-prompts (router ` +
        `service-selector, blue-green: traffic moves at once) cannot run; for it Rewind recommends immediate instead ` +
        `and says why`,
    ]);
    expect(r.stdout.trim()).toMatch(new RegExp(`^${file} is valid: 2 services, `));
  });

  it(
    'warns about the shipped config, whose rule 3 and default recommend gradual for the blue-green prompt-service',
    CEILING,
    async () => {
      const file = join(REPO, 'config/rewind.yml');
      const lines = readFileSync(file, 'utf8').split('\n');
      const rule3 = lines.findIndex((l) => l.includes('businessImpact: high, fixTime: long, action: gradual')) + 1;
      const fallback = lines.findIndex((l) => /^ {2}default: gradual/.test(l)) + 1;
      const r = await runRewind(['validate-config', file], cleanEnv());
      expect(r.code).toBe(0);
      const warnings = r.stderr.trim().split('\n');
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(
        new RegExp(
          `^${file}:${rule3}:\\d+ matrix\\.rules\\[2\\]\\.action: warning: rule 3 recommends gradual, which ` +
            `prompt-service \\(router service-selector, blue-green: traffic moves at once\\) cannot run;`,
        ),
      );
      expect(warnings[1]).toMatch(
        new RegExp(
          `^${file}:${fallback}:12 matrix\\.default: warning: the default recommends gradual, which prompt-service `,
        ),
      );
    },
  );

  it('prints no warning once every service can run what the matrix recommends', CEILING, async () => {
    const file = join(tempDir('rewind-cli-warn-'), 'rewind.yml');
    writeFileSync(file, BLUE_GREEN.replace('action: gradual', 'action: immediate'));
    const r = await runRewind(['validate-config', file], cleanEnv());
    expect([r.code, r.stderr]).toEqual([0, '']);
  });
});
