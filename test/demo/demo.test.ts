import { describe, expect, it } from 'vitest';
import { REPO, cleanEnv, runRewind } from '../support/run-cli.ts';

// The demo is a child process that plays three hours in about fifteen seconds on an idle
// machine; with other work on the cores it takes several times that. The test's ceiling sits well
// above the minute the demo promises, so a slow run is reported with its duration below rather
// than cut off by the runner.
const DEMO_CEILING_MS = 180_000;

describe('npm run demo', () => {
  it(
    'plays the whole flow on embedded defaults in well under a minute and exits 0',
    { timeout: DEMO_CEILING_MS },
    async () => {
      const started = Date.now();
      const r = await runRewind(['demo'], cleanEnv(), REPO);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(Date.now() - started).toBeLessThan(60_000);
      const steps = [
        '#incident ▌ 🟡 INC-20260105-001 · prompt-service v2.0.0 · Detected',
        'Watch tier fired on v2.0.0: error_rate 3% > 2%',
        'Warning tier fired on v2.0.0: p95_latency 3400ms > 3000ms',
        // The error rate (3%) stays below the gradual rollback's abortIf, so the matrix's gradual stands.
        '⭐ Recommended: Gradual rollback (rule 3)',
        '⧉ dialog "Confirm rollback":',
        // From the share read from the Kubernetes stand-in, not from 100%.
        'Traffic on v2.0.0 steps down in 3 phases: 50% → 25% → 5% → 0%.',
        // Argo CD re-applies the VirtualService from git: its sync is paused before traffic moves.
        'GitOps: routing managed by Argo CD application prompt-service with self-heal on: its sync is paused for ' +
          'this rollback',
        'Step 2/9 pause gitops sync',
        'changes sent: PATCH Application argocd/prompt-service',
        'Step 3/9 set 25%',
        'read back: v2.0.0 25% / v1.5.0 75%',
        'Step 5/9 set 5%',
        'Step 7/9 set 0%',
        'ready endpoints: 2 of v1.5.0',
        'verdict: recovered',
        '☐ More cautious canary (1% start)',
        '[Re-deploy fix as cautious canary]',
        // What to commit to git, then the sync resumed with the policy kept at the pause.
        '⏸️ Rollback RB-20260105-001 is over, and the sync of Argo CD application prompt-service is still paused.',
        'The change to commit:',
        'VirtualService prompts/prompt-service: spec.http[0].route[2].weight: 100',
        '[Resume GitOps sync]',
        'Traffic now, read from the Kubernetes stand-in: v2.0.1 0% / v2.0.0 0% / v1.5.0 100% / v1.0.0 0%',
        'Rollback RB-20260105-001: succeeded. Incident INC-20260105-001: resolved.',
        'Argo CD application argocd/prompt-service, read from the stand-in: syncPolicy {}',
        'the team commits that change to git (3a7e5c1)',
        '▶️ @U0LEAD resumed the sync of Argo CD application prompt-service.',
        'Argo CD application argocd/prompt-service, read from the stand-in: syncPolicy ' +
          '{"automated":{"prune":true,"selfHeal":true}}',
        // The RCA draft, uploaded into the thread as Markdown and shown.
        '/incident rca INC-20260105-001',
        '📎 INC-20260105-001-rca.md',
        '│ # Root cause analysis — INC-20260105-001 (draft)',
        '│ | 09:10 | Decision: gradual, by @U0LEAD |',
        // 修正版の準備: the fix comes back in as a cautious canary from the checklist's button.
        '⧉ dialog "Re-deploy the fix":',
        'Step 2/13 pause gitops sync',
        'Step 3/13 canary 1%',
        'read back: v2.0.1 1% / v1.5.0 99%',
        'Step 5/13 canary 5%',
        'Step 11/13 canary 100%',
        'Canary re-deploy of prompt-service v1.5.0 → v2.0.1 finished.',
        'Traffic now, read from the Kubernetes stand-in: v2.0.1 100% / v2.0.0 0% / v1.5.0 0% / v1.0.0 0%',
        'Canary RB-20260105-002: succeeded.',
        'the team commits that change to git (c4e8a2f)',
        // The drill programme: the next drill's plan read from the stand-in, nothing changed.
        'on prompt-service-staging v2.0.0 through the istio-fault injector',
        'PUT VirtualService prompts-staging/prompt-service-staging spec.http[0].fault',
        'Next scheduled drill: DRILL-20260401-001 (high-error-rate)',
        // A real drill on staging: detected, rolled back by the bot (critical), the fault removed, the scorecard.
        'runs the quarterly drill now, for real: /drill run high-error-rate',
        '#drills ▌ 🧪 Drill DRILL-20260105-001 started',
        '🧪 DRILL · INC-20260105-002 · prompt-service-staging v2.0.0',
        'changes sent: PUT VirtualService prompts-staging/prompt-service-staging',
        '🧹 Fault removed',
        '#drills ▌ 🧪 Drill scorecard · DRILL-20260105-001',
        'Detection (fault injected → incident opened)',
        'Drill DRILL-20260105-001: completed.',
      ];
      const at = steps.map((s) => r.stdout.indexOf(s));
      expect(steps.filter((_, i) => (at[i] ?? -1) < 0)).toEqual([]); // every step is there
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      // One incident message, however many updates and thread replies (the drill's incident has its own).
      expect(r.stdout.match(/#incident ▌ .*INC-20260105-001/g)).toHaveLength(1);
      // One stakeholder notice, posted when the incident reached warning and updated to its resolution.
      expect(r.stdout.match(/#stakeholders ▌ .*INC-20260105-001/g)).toHaveLength(1);
      // Simulated numbers that agree: availability is 1 − the error rate.
      expect(r.stdout).toContain('error_rate 3%, availability 97%');
      expect(r.stdout).not.toMatch(/error_rate 0\.4%, availability 99\.9%/);
      // Quiet by default: a head update is printed when its headline changes, not for each traffic step.
      expect(r.stdout).not.toMatch(/head message now: .*Rolling back.*Traffic: v2\.0\.0 25%/);
      expect(r.stdout.indexOf('#stakeholders ▌ 📣 INC-20260105-001')).toBeLessThan(
        r.stdout.indexOf('⧉ dialog "Confirm rollback":'),
      );
      expect(r.stdout).toContain('#stakeholders ✎ message now: ✅ INC-20260105-001 · prompt-service · resolved');
      // The head reads as resolved at a glance, with the peak severity; every time names the team's zone.
      expect(r.stdout).toContain(
        '#incident ✎ head message now: ✅ INC-20260105-001 · prompt-service v2.0.0 · Resolved | Peak severity: Warning',
      );
      expect(r.stdout).toContain('Started 2026-01-05 (Mon) 09:04 Asia/Tokyo');
      // Each of the two rollbacks paused the sync once and was resumed once, by the lead.
      expect(r.stdout.match(/changes sent: PATCH Application argocd\/prompt-service/g)).toHaveLength(2);
      expect(r.stdout.match(/ {2}gitops_paused {2,}rollback-engine/g)).toHaveLength(2);
      expect(r.stdout.match(/ {2}gitops_resumed {2,}U0LEAD/g)).toHaveLength(2);
    },
  );

  it(
    '--verbose prints every update of the head message: each traffic step of the gradual rollback',
    { timeout: DEMO_CEILING_MS },
    async () => {
      const r = await runRewind(['demo', '--verbose'], cleanEnv(), REPO);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/head message now: .*Rolling back.*Traffic: v2\.0\.0 25% \/ v1\.5\.0 75%/);
      expect(r.stdout).toMatch(/head message now: .*Rolling back.*Traffic: v2\.0\.0 5% \/ v1\.5\.0 95%/);
    },
  );

  it('refuses an unknown option in one line, changing nothing', async () => {
    const r = await runRewind(['demo', '--verbos'], cleanEnv(), REPO);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--verbose');
  });
});
