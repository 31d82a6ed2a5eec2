import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateConfigCommand } from '../../src/config/validate-command.ts';

function capture() {
  const out = { logs: [] as string[], errors: [] as string[] };
  return { out, sink: { log: (s: string) => out.logs.push(s), error: (s: string) => out.errors.push(s) } };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('validateConfigCommand', () => {
  it('prints the summary, returns 0 for a valid file, after a warning per matrix rule a service cannot run', () => {
    const { out, sink } = capture();
    expect(validateConfigCommand('config/rewind.yml', sink)).toBe(0);
    expect(out.logs).toEqual([
      'config/rewind.yml is valid: 2 services, 9 trigger conditions in 3 tiers, 5 matrix rules, 3 drill scenarios, ' +
        '2 escalation levels',
    ]);
    // The runbook's rule 3 and default recommend gradual; the shipped prompt-service is blue-green.
    const lines = readFileSync('config/rewind.yml', 'utf8').split('\n');
    const rule3 =
      lines.findIndex((l) =>
        l.includes('{ userImpact: partial, businessImpact: high, fixTime: long, action: gradual }'),
      ) + 1;
    const fallback = lines.findIndex((l) => /^ {2}default: gradual/.test(l)) + 1;
    const because =
      'prompt-service (router service-selector, blue-green: traffic moves at once) cannot run; for it Rewind ' +
      'recommends immediate instead and says why';
    expect(out.errors).toEqual([
      `config/rewind.yml:${rule3}:${(lines[rule3 - 1] ?? '').indexOf('gradual') + 1} matrix.rules[2].action: ` +
        `warning: rule 3 recommends gradual, which ${because}`,
      `config/rewind.yml:${fallback}:12 matrix.default: warning: the default recommends gradual, which ${because}`,
    ]);
  });

  it('with the matrix left out, points at the router that cannot follow the runbook matrix', () => {
    const { out, sink } = capture();
    expect(validateConfigCommand('test/fixtures/config/minimal.yml', sink)).toBe(0);
    expect(out.errors.map((e) => e.slice(0, e.indexOf(' recommends')))).toEqual([
      'test/fixtures/config/minimal.yml:10:21 services.checkout-prompts.router.kind: warning: matrix is left out, so ' +
        "the runbook's applies; its rule 3",
      'test/fixtures/config/minimal.yml:10:21 services.checkout-prompts.router.kind: warning: matrix is left out, so ' +
        "the runbook's applies; its default",
    ]);
  });

  it('warns about nothing when every service can run what the matrix recommends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewind-validate-'));
    const file = join(dir, 'rewind.yml');
    const weighted = readFileSync('test/fixtures/config/minimal.yml', 'utf8')
      .replace(
        '{ kind: service-selector, service: checkout-prompts }',
        '{ kind: istio, virtualService: checkout-prompts }',
      )
      .replace(/\{ version: (v[\d.]+) \}/g, (_m, v: string) => `{ version: ${v}, subset: ${v.replace(/\./g, '-')} }`);
    writeFileSync(file, weighted);
    const { out, sink } = capture();
    expect(validateConfigCommand(file, sink)).toBe(0);
    expect(out.errors).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints every problem with file, line, column and path, and returns 1', () => {
    const { out, sink } = capture();
    expect(validateConfigCommand('test/fixtures/config/three-mistakes.yml', sink)).toBe(1);
    expect(out.logs).toEqual([]);
    expect(out.errors).toEqual([
      'test/fixtures/config/three-mistakes.yml:7:22 triggers.observationWindow: expected a duration such as 30s, 5m, ' +
        '2h, 7d; got "5 minutes"',
      'test/fixtures/config/three-mistakes.yml:10:7 triggers.critical[1]: unknown metric "eror_rate" (did you mean ' +
        '"error_rate"?); known metrics: ' +
        'error_rate, availability, p50_latency, p95_latency, p99_latency, hallucination_rate, user_complaints',
      'test/fixtures/config/three-mistakes.yml:16:7 services.prompt-service.router.weight: unknown key "weight" for ' +
        'router kind service-selector; allowed keys: kind, service',
    ]);
  });

  it('reads REWIND_CONFIG when no file is given', () => {
    vi.stubEnv('REWIND_CONFIG', 'test/fixtures/config/minimal.yml');
    const { out, sink } = capture();
    expect(validateConfigCommand(undefined, sink)).toBe(0);
    expect(out.logs[0]).toMatch(/^test\/fixtures\/config\/minimal\.yml is valid: 1 service, /);
  });

  it('defaults to config/rewind.yml', () => {
    vi.stubEnv('REWIND_CONFIG', undefined);
    const { out, sink } = capture();
    expect(validateConfigCommand(undefined, sink)).toBe(0);
    expect(out.logs[0]).toMatch(/^config\/rewind\.yml is valid/);
  });

  it('says so when the file does not exist, with the exit code of a usage error', () => {
    const { out, sink } = capture();
    expect(validateConfigCommand('nowhere/rewind.yml', sink)).toBe(2);
    expect(out.errors).toEqual([
      'nowhere/rewind.yml: the file does not exist; check the path (the default is config/rewind.yml)',
    ]);
  });
});
