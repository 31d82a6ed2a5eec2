/**
 * The bot's biggest real messages pass the Slack stand-in's checks (slack-limits-check.ts, written
 * from Slack's reference, not from the bot's own table): the head message of an incident with a
 * 10,000-character title, a burst of alert notes carrying 200 KB summaries and every link, the
 * timeline of a long incident, an App Home with more than it lists, and the confirmation and
 * canary dialogs with the longest names a cluster allows.
 */
import { describe, expect, it } from 'vitest';
import { alertBatchMessage, type AlertNoteView } from '../../../src/adapters/slack/blocks/alert-notes.ts';
import { timelineText, type TimelineLine } from '../../../src/adapters/slack/blocks/answers.ts';
import { canaryModal } from '../../../src/adapters/slack/blocks/canary.ts';
import { confirmRollbackModal } from '../../../src/adapters/slack/blocks/confirm.ts';
import { homeView, HOME_LIST_MAX } from '../../../src/adapters/slack/blocks/home.ts';
import { incidentMessage } from '../../../src/adapters/slack/blocks/incident.ts';
import { RUNBOOK_MATRIX, recommend, type Assessment } from '../../../src/domain/matrix.ts';
import { checkMessage, checkView } from '../../../src/demo/stand-ins/slack-limits-check.ts';
import { M, START, makeIncident, makeRollback, makeView } from '../blocks/support.ts';

const LOCALES = ['en', 'ja'] as const;
const ZONE = 'Asia/Tokyo';
/** Outside text that mrkdwn escaping lengthens (`<` → `&lt;`), with emoji that are two UTF-16 units. */
const HUGE = '<!channel> 🚨 error rate 7.2% > 5% & climbing on <every> pod; '.repeat(4_000);
const long = (n: number) => HUGE.slice(0, n);
/** A Kubernetes label value is at most 63 characters, and versions are label values. */
const VERSION = `v${'9'.repeat(62)}`;
const SERVICE = `prompt-service-${'s'.repeat(48)}`;
const FULL: Assessment = { userImpact: 'all', businessImpact: 'high', fixTime: 'short' };

describe("the bot's biggest messages are ones Slack takes", () => {
  it('the head message of an incident with a 10,000-character title, in every state', () => {
    const worst = makeView({
      incident: makeIncident({ title: long(10_000), service: SERVICE, version: VERSION, drill: true }),
      breaches: Array.from({ length: 40 }, (_, i) => ({
        metric: 'p99_latency' as const,
        op: '>' as const,
        value: 10_000 + i,
        threshold: 10_000,
      })),
      assessment: FULL,
      recommendation: recommend(RUNBOOK_MATRIX, FULL),
      decision: { action: 'immediate', by: 'U0LEAD', at: START },
      rollback: makeRollback({
        service: SERVICE,
        fromVersion: VERSION,
        toVersion: VERSION,
        error: long(10_000),
        status: 'pending',
        approvals: { have: 1, need: 2, by: Array.from({ length: 200 }, (_, i) => `U${1000 + i}`) },
      }),
      escalation: { level: 9, label: long(5_000) },
    });
    const states = [
      worst,
      { ...worst, rollback: { ...worst.rollback!, status: 'running' as const } },
      { ...worst, rollback: { ...worst.rollback!, status: 'failed' as const } },
      { ...worst, incident: { ...worst.incident, status: 'resolved' as const, resolvedAt: START + 40 * M } },
    ];
    for (const view of states) {
      for (const locale of LOCALES) {
        const message = incidentMessage(view, locale, ZONE);
        expect(checkMessage({ channel: 'C0INCIDENT', ...message })).toBeNull();
      }
    }
  });

  it('a burst of alert notes with 200 KB summaries, long names and every link at its longest', () => {
    const link = (kind: string) => `https://grafana.example.com/${kind}/${'p'.repeat(1_400)}`;
    const alerts: AlertNoteView[] = Array.from({ length: 25 }, (_, i) => ({
      source: 'alertmanager',
      severity: 'critical',
      status: i % 3 === 0 ? 'resolved' : 'firing',
      name: long(5_000),
      summary: HUGE,
      links: {
        runbook: link('runbook'),
        graph: link('graph'),
        dashboard: link('d'),
        panel: link('panel'),
        silence: link('silence'),
      },
    }));
    for (const locale of LOCALES) {
      const message = alertBatchMessage(alerts, locale, { firing: 6_500, resolved: 12 });
      expect(message.blocks.length).toBeGreaterThan(20);
      expect(checkMessage({ channel: 'C0INCIDENT', thread_ts: '1.2', ...message })).toBeNull();
    }
  });

  it('the timeline of an incident with 500 events', () => {
    const events: TimelineLine[] = Array.from({ length: 500 }, (_, i): TimelineLine =>
      i % 2
        ? {
            at: START + i * M,
            kind: 'status',
            actor: { kind: 'user', id: 'U0LEAD' },
            from: 'awaiting_decision',
            to: 'rolling_back',
            detail: { reason: { kind: 'recorded', text: long(3_000) } },
          }
        : {
            at: START + i * M,
            kind: 'alert',
            actor: { kind: 'system', id: 'alertmanager' },
            detail: { fingerprint: `f${i}`, severity: 'critical', summary: long(3_000), status: 'firing' },
          },
    );
    for (const locale of LOCALES) {
      const text = timelineText('INC-20260105-001', events, ZONE, locale);
      expect(checkMessage({ response_type: 'ephemeral', text })).toBeNull();
      expect(checkMessage({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] })).toBeNull();
    }
  });

  it('an App Home with more incidents and rollbacks than it lists', () => {
    const openIncidents = Array.from({ length: HOME_LIST_MAX + 30 }, (_, i) => ({
      incident: makeIncident({
        id: `INC-20260105-${String(i).padStart(3, '0')}`,
        title: long(10_000),
        service: SERVICE,
        version: VERSION,
        drill: i % 2 === 0,
      }),
      permalink: `https://rewind-test.slack.com/archives/C0INCIDENT/p${1767603600000100 + i}`,
    }));
    const rollbacks = Array.from({ length: HOME_LIST_MAX + 30 }, (_, i) =>
      makeRollback({
        id: `RB-${i}`,
        service: SERVICE,
        fromVersion: VERSION,
        toVersion: VERSION,
        status: 'pending',
        error: long(5_000),
      }),
    );
    for (const locale of LOCALES) {
      const view = homeView(
        {
          now: START,
          openIncidents,
          rollbacks,
          nextDrill: { at: START + 86_400_000, scenario: long(2_000), service: SERVICE },
          timezone: ZONE,
        },
        locale,
      );
      expect(checkView(view)).toBeNull();
    }
  });

  it('the confirmation and canary dialogs with the longest names a cluster allows', () => {
    for (const locale of LOCALES) {
      const confirm = confirmRollbackModal(
        {
          incidentId: 'INC-20260105-001',
          service: SERVICE,
          fromVersion: VERSION,
          toVersion: VERSION,
          strategy: 'gradual',
          phases: [90, 80, 70, 60, 50, 40, 30, 20, 10, 0],
          currentWeight: 95,
          skippedPhases: [],
          requiredApprovals: 3,
          dryRun: true,
          scheduledFor: START + 60 * M,
          requestedTo: VERSION,
        },
        locale,
        ZONE,
      );
      expect(checkView(confirm)).toBeNull();
      const canary = canaryModal(
        {
          incidentId: 'INC-20260105-001',
          service: SERVICE,
          fromVersion: VERSION,
          toVersion: `${VERSION.slice(0, -3)}007`,
          candidates: Array.from({ length: 150 }, (_, i) => `${VERSION.slice(0, -3)}${String(i).padStart(3, '0')}`),
          steps: [1, 5, 25, 50, 100],
          observeMs: 10 * M,
          abortIf: long(3_000),
          requiredApprovals: 3,
          dryRun: true,
        },
        locale,
      );
      expect(checkView(canary)).toBeNull();
    }
  });
});
