import { describe, expect, it } from 'vitest';
import { REPO, cleanEnv, runRewind } from '../support/run-cli.ts';

describe('npm run demo', () => {
  it('plays the scripted scenario end to end and exits 0', async () => {
    const r = await runRewind(['demo'], cleanEnv(), REPO);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const steps = [
      '[09:05:00] watch fired: error_rate 3% > 2%',
      '[09:08:00] warning fired: error_rate 7% > 5%',
      '[09:08:00] incident INC-20260105-001 opened (warning); escalation armed at +15m and +30m',
      '[09:10:00] judgment matrix (user impact partial, business impact medium, fix time short) recommends: fix',
      '[09:24:00] escalation level 1: Senior engineer S0SENIOR paged (late by 60s: the bot was down when it came due)',
      '[09:25:00] warning cleared (error_rate 0.6%)',
      '[09:28:00] U0LEAD resolved INC-20260105-001; the 30-minute level is cancelled',
    ];
    // In this order, each exactly once; and the manager level never fires.
    const at = steps.map((s) => lines.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(lines.filter((l) => /\] escalation level \d/.test(l))).toHaveLength(1);
    expect(r.stdout).toMatch(/09:28:00 {2}fixing → resolved +by U0LEAD/);
  });
});
