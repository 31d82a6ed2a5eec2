/**
 * `/rollback …`; status and history only where they may be read; the rollbacks and
 * their controls only where incidents are worked on (write.ts), answered after the ack. A complaint
 * is taken anywhere: it is what users told support, wherever support works, and it only counts.
 */
import type { App } from '@slack/bolt';
import { statusText, historyText } from '../../blocks/answers.ts';
import { escapeMrkdwn } from '../../blocks/format.ts';
import { confirmRollbackModal } from '../../blocks/confirm.ts';
import { parseRollback } from '../../commands/rollback.ts';
import { helpText, renderParseError } from '../../commands/render.ts';
import { COMMAND } from '../../ids.ts';
import { ANSWER_STRINGS } from '../../i18n/answers.ts';
import { formatDuration } from '../../../../config/units.ts';
import { triggerRules } from '../../../../config/derive.ts';
import { deliveryOf } from '../../payloads.ts';
import { rollbackView } from '../../view-mapping.ts';
import { ephemeral, parseContext, refusal, userActor, type ListenerDeps } from '../context.ts';
import { openDialog } from '../dialogs.ts';
import type { ReadScope } from '../read-scope.ts';
import { answerRead } from './read.ts';
import { writeGate } from './write.ts';

export function registerRollbackCommand(app: App, d: ListenerDeps, scope: ReadScope): void {
  const say = ANSWER_STRINGS[d.locale];
  app.command(COMMAND.rollback, async ({ context, ack, respond, client }) => {
    const command = deliveryOf(context, 'command');
    const parsed = parseRollback(command.text, parseContext(d));
    if (!parsed.ok) return ack(ephemeral(renderParseError('rollback', parsed.error, d.locale)));
    const c = parsed.command;
    const actor = userActor(command.userId);
    const { services: s } = d;
    const tell = async (text: string) => void (await respond(ephemeral(text)));
    const read = { command, ack, respond, client, topic: 'incidents' as const };
    /** Acknowledged, and allowed here; else the person was told where to run it. */
    const writable = async () => {
      const gate = await writeGate(d, scope, read);
      await gate?.ack();
      return gate !== null;
    };
    switch (c.sub) {
      case 'help':
        return ack(ephemeral(helpText('rollback', d.locale)));
      case 'immediate':
      case 'gradual': {
        if (!(await writable())) return;
        const plan = await s.rollbacks.plan({ incidentId: null, service: c.service, strategy: c.sub, to: c.to }, actor);
        if (!plan.ok) return tell(refusal(d, plan.refusal));
        const view = confirmRollbackModal({ ...plan.value, requestedTo: c.to }, d.locale, d.config.drills.timezone);
        await openDialog(d, client, { triggerId: command.triggerId, view, dialog: 'confirm', origin: 'command', tell });
        return;
      }
      case 'planned': {
        if (!(await writable())) return;
        const plan = await s.rollbacks.plan(
          { incidentId: null, service: c.service, strategy: c.strategy, to: c.to, at: c.at },
          actor,
        );
        if (!plan.ok) return tell(refusal(d, plan.refusal));
        const view = confirmRollbackModal({ ...plan.value, requestedTo: c.to }, d.locale, d.config.drills.timezone);
        await openDialog(d, client, { triggerId: command.triggerId, view, dialog: 'confirm', origin: 'command', tell });
        return;
      }
      case 'status':
        return answerRead(d, scope, read, async () => {
          const services = c.service ? [c.service] : Object.keys(d.config.services);
          const rules = triggerRules(d.config);
          const { readings } = s;
          const live = await Promise.all(
            services.map(async (name) =>
              readings ? { windowMs: readings.windowMs, versions: await readings.of(name) } : null,
            ),
          );
          const text = services
            .map((name, i) => {
              const active = s.queries.activeRollback(name);
              const incident = s.incidents.openFor(name);
              const last = s.queries.rollbackHistory(name, 20).find((r) => r.status === 'succeeded');
              const version =
                incident?.version ?? last?.toVersion ?? d.config.services[name]?.versions[0]?.version ?? null;
              return statusText(
                {
                  service: name,
                  version,
                  rollback: active ? rollbackView(active) : null,
                  incident,
                  tiers: rules.tiers,
                  live: live[i] ?? null,
                },
                d.locale,
              );
            })
            .join('\n\n');
          return { text };
        });
      case 'history':
        return answerRead(d, scope, read, () => {
          const rows = s.queries.rollbackHistory(c.service, 10);
          const shown = rows.flatMap((r) => {
            const snapshot = s.queries.rollback(r.id);
            return snapshot ? [{ view: rollbackView(snapshot), startedAt: r.startedAt }] : [];
          });
          return {
            text: historyText(
              c.service,
              shown.map((x) => x.view),
              shown.map((x) => x.startedAt),
              d.config.drills.timezone,
              d.locale,
            ),
          };
        });
      case 'complaint': {
        const { inWindow } = s.complaints.record(c.service, c.text, actor);
        const threshold = d.config.triggers.watch.find((w) => w.metric === 'user_complaints');
        return ack(
          ephemeral(
            say.complaintRecorded(
              escapeMrkdwn(c.service),
              inWindow,
              formatDuration(d.config.triggers.observationWindow),
              threshold ? String(threshold.threshold) : '—',
            ),
          ),
        );
      }
      case 'pause':
      case 'resume':
      case 'abort': {
        if (!(await writable())) return;
        const result = await s.rollbacks.control({ service: c.service }, c.sub, actor);
        await respond(
          ephemeral(result.ok ? say.controlDone(c.sub, escapeMrkdwn(c.service)) : refusal(d, result.refusal)),
        );
        return;
      }
    }
  });
}
