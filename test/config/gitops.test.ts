/**
 * `services.<name>.gitops` through `rewind validate-config`: the reference shape is valid, and a
 * wrong tool or onRollback, or an unknown key, is one line naming its path and what was expected.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runRewind, tempDir } from '../support/run-cli.ts';

const CEILING = { timeout: 60_000 };

const withGitOps = (gitops: string) => `slack:
  incidentChannel: C0INCIDENT
  stakeholderChannel: C0STAKEHOLDERS
  drillChannel: C0DRILLS
  approvers: [U0LEAD]
services:
  prompt-service:
    router: { kind: service-selector, service: prompt-service }
    versions:
      - { version: v2.0.0 }
      - { version: v1.5.0 }
    gitops:
${gitops}
`;

async function validate(gitops: string) {
  const file = join(tempDir('rewind-gitops-config-'), 'rewind.yml');
  writeFileSync(file, withGitOps(gitops));
  return { file, ...(await runRewind(['validate-config', file], cleanEnv())) };
}

describe('the gitops key of a service', () => {
  it('takes the reference shape', CEILING, async () => {
    const r = await validate(
      '      tool: argocd\n      application: prompt-service\n      appNamespace: argocd\n      onRollback: pause',
    );
    // Only the matrix warnings every blue-green service gets; nothing about gitops.
    expect(r.stderr).not.toContain('prompt-service.gitops');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('is valid');
  });

  it('refuses a tool, an onRollback and a key it does not know, each on its own line', CEILING, async () => {
    const r = await validate('      tool: jenkins\n      onRollback: ignore\n      sync: off');
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `${r.file}:13:13 services.prompt-service.gitops.tool: expected gitops tool: one of argocd | flux | none; ` +
          'got "jenkins"',
        `${r.file}:14:19 services.prompt-service.gitops.onRollback: expected gitops onRollback: one of pause | warn; ` +
          'got "ignore"',
        expect.stringMatching(/services\.prompt-service\.gitops\.sync: unknown key "sync"/),
      ]),
    );
  });
});
