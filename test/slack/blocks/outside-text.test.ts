/**
 * Builders that take text Rewind did not write (alert titles, configured version names, actor ids
 * stored on the timeline) escape it exactly once: nothing in it becomes a mention, a broadcast or a
 * link, and nothing reads `&amp;lt;`.
 */
import { describe, expect, it } from 'vitest';
import { timelineText, type TimelineLine } from '../../../src/adapters/slack/blocks/answers.ts';
import { incidentMessage } from '../../../src/adapters/slack/blocks/incident.ts';
import { stakeholderText } from '../../../src/adapters/slack/blocks/stakeholder.ts';
import { START, makeIncident, makeView } from './support.ts';

const HOSTILE = '<!channel> <@U0HOSTILE> <http://evil.example|click> & co';
const ESCAPED = '&lt;!channel&gt; &lt;@U0HOSTILE&gt; &lt;http://evil.example|click&gt; &amp; co';

/** Every `&` starts one of the three entities mrkdwn knows; a cut or doubled entity fails this. */
const WHOLE_ENTITIES = /^(?:[^&]|&(?:amp|lt|gt);)*$/s;

describe('stakeholderText', () => {
  const view = {
    incidentId: 'INC-20260105-001',
    service: HOSTILE,
    drill: false,
    metrics: ['error_rate' as const],
    userImpact: 'partial' as const,
    startedAt: START,
    resolved: null,
    work: { kind: 'rolling_back' as const },
    timezone: 'Asia/Tokyo',
  };

  it('escapes the service name, the one outside text it shows, and nothing else reaches it', () => {
    for (const locale of ['en', 'ja'] as const) {
      const text = stakeholderText(view, locale);
      expect(text).not.toMatch(/<[!@#h]/);
      expect(text).toMatch(WHOLE_ENTITIES);
      expect(text.split(ESCAPED)).toHaveLength(2);
    }
    expect(stakeholderText(view, 'en').split('\n')[0]).toBe(`📣 *INC-20260105-001* · ${ESCAPED}`);
  });
});

describe('timelineText', () => {
  const events: TimelineLine[] = [
    { at: START, kind: 'complaint', actor: { kind: 'user', id: 'U0LEAD' }, detail: { text: HOSTILE, complaintId: 1 } },
    {
      at: START + 1000,
      kind: 'alert',
      actor: { kind: 'system', id: HOSTILE },
      detail: { fingerprint: 'f1', severity: 'warning', summary: HOSTILE, status: 'firing' },
    },
    { at: START + 2000, kind: 'rca_drafted', actor: { kind: 'user', id: 'U<!here>' }, detail: {} },
  ];

  it('mentions people and shows any other actor as escaped text', () => {
    const text = timelineText('INC-20260105-001', events, 'UTC', 'en');
    expect(text).toContain(`*complaint* <@U0LEAD> — text=${ESCAPED}`);
    expect(text).toContain(`*alert* ${ESCAPED}`);
    expect(text).toContain('*rca_drafted* U&lt;!here&gt;');
    expect(text).not.toMatch(/<[!#h]|<@U0HOSTILE/);
    expect(text).toMatch(WHOLE_ENTITIES);
  });

  it('escapes the same outside text in Japanese', () => {
    const text = timelineText('INC-20260105-001', events, 'UTC', 'ja');
    expect(text).toContain(`*ユーザーからの苦情* <@U0LEAD> — 内容: ${ESCAPED}`);
    expect(text).toContain(`*アラート* ${ESCAPED} — 発火、重大度: 警告、概要: ${ESCAPED}`);
    expect(text).not.toMatch(/<[!#h]|<@U0HOSTILE/);
    expect(text).toMatch(WHOLE_ENTITIES);
  });
});

describe('incidentMessage fallback text', () => {
  it('is cut before it is escaped, so the cut never splits an entity', () => {
    for (const pad of ['', 'x', 'xx', 'xxx']) {
      const { text } = incidentMessage(
        makeView({ incident: makeIncident({ title: pad + '<'.repeat(600) }) }),
        'en',
        'Asia/Tokyo',
      );
      expect(text).not.toContain('<');
      expect(text).toMatch(WHOLE_ENTITIES);
      expect(text.endsWith('&lt;…')).toBe(true);
    }
  });

  it('escapes the version, the title and the escalation label once', () => {
    const view = makeView({
      incident: makeIncident({ version: HOSTILE, title: HOSTILE }),
      escalation: { level: 1, label: HOSTILE },
    });
    const { text } = incidentMessage(view, 'en', 'Asia/Tokyo');
    expect(text.split(ESCAPED)).toHaveLength(4);
    expect(text).toMatch(WHOLE_ENTITIES);
  });
});
