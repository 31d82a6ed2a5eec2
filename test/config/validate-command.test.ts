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
  it('prints the summary and returns 0 for a valid file', () => {
    const { out, sink } = capture();
    expect(validateConfigCommand('config/rewind.yml', sink)).toBe(0);
    expect(out.logs).toEqual(['config/rewind.yml is valid: 2 services, 9 trigger conditions in 3 tiers, 5 matrix rules, 3 drill scenarios, 2 escalation levels']);
    expect(out.errors).toEqual([]);
  });

  it('prints every problem with file, line, column and path, and returns 1', () => {
    const { out, sink } = capture();
    expect(validateConfigCommand('test/fixtures/config/three-mistakes.yml', sink)).toBe(1);
    expect(out.logs).toEqual([]);
    expect(out.errors).toEqual([
      'test/fixtures/config/three-mistakes.yml:7:22 triggers.observationWindow: expected a duration such as 30s, 5m, 2h, 7d; got "5 minutes"',
      'test/fixtures/config/three-mistakes.yml:10:7 triggers.critical[1]: unknown metric "eror_rate"; known metrics: error_rate, availability, p50_latency, p95_latency, p99_latency, hallucination_rate, user_complaints',
      'test/fixtures/config/three-mistakes.yml:16:7 services.prompt-service.router.weight: unknown key "weight" for router kind service-selector; allowed keys: kind, service',
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

  it('says so when the file does not exist', () => {
    const { out, sink } = capture();
    expect(validateConfigCommand('nowhere/rewind.yml', sink)).toBe(1);
    expect(out.errors).toEqual(['nowhere/rewind.yml: the file does not exist; pass another path or set REWIND_CONFIG (default config/rewind.yml)']);
  });
});
