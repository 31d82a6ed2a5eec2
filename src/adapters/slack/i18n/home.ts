/** Strings of the App Home tab (blocks/home.ts). */
import type { Locale } from './locale.ts';

export interface HomeStrings {
  title: string;
  openIncidentsHeading: (count: number) => string;
  noOpenIncidents: string;
  rollbacksHeading: (count: number) => string;
  noRollbacks: string;
  nextDrillHeading: string;
  noDrill: string;
  drillAt: (when: string) => string;
  drillIn: (until: string) => string;
  drillScenario: (scenario: string) => string;
  drillService: (service: string) => string;
  drillScenarioUnset: string;
  elapsed: (duration: string) => string;
  waitingApproval: (have: number, need: number) => string;
  scheduledFor: (when: string) => string;
  more: (count: number, command: string) => string;
  updatedAt: (when: string) => string;
}

export const HOME_STRINGS: Record<Locale, HomeStrings> = {
  en: {
    title: '⏪ Rewind',
    openIncidentsHeading: (count) => `Open incidents (${count})`,
    noOpenIncidents: '🌤 No open incidents. All quiet.',
    rollbacksHeading: (count) => `Rollbacks in progress (${count})`,
    noRollbacks: 'No rollback in progress. Every service is on its chosen version.',
    nextDrillHeading: 'Next drill',
    noDrill: 'No drill is scheduled. `/drill schedule` plans one.',
    drillAt: (when) => `🧯 *${when}*`,
    drillIn: (until) => `(in ${until})`,
    drillScenario: (scenario) => `Scenario: ${scenario}`,
    drillService: (service) => `Service: ${service}`,
    drillScenarioUnset: 'Scenario: chosen at drill time',
    elapsed: (duration) => `open ${duration}`,
    waitingApproval: (have, need) => `⏳ approvals ${have}/${need}`,
    scheduledFor: (when) => `scheduled for ${when}`,
    more: (count, command) => `…and ${count} more: \`${command}\` lists them all.`,
    updatedAt: (when) => `Updated ${when}`,
  },
  ja: {
    title: '⏪ Rewind',
    openIncidentsHeading: (count) => `対応中のインシデント（${count}）`,
    noOpenIncidents: '🌤 対応中のインシデントはありません。',
    rollbacksHeading: (count) => `進行中のロールバック（${count}）`,
    noRollbacks: '進行中のロールバックはありません。すべてのサービスが選択されたバージョンで稼働しています。',
    nextDrillHeading: '次回のロールバック訓練',
    noDrill: '予定されている訓練はありません。`/drill schedule` で計画できます。',
    drillAt: (when) => `🧯 *${when}*`,
    drillIn: (until) => `（あと ${until}）`,
    drillScenario: (scenario) => `シナリオ: ${scenario}`,
    drillService: (service) => `対象サービス: ${service}`,
    drillScenarioUnset: 'シナリオ: 訓練時に決定',
    elapsed: (duration) => `経過 ${duration}`,
    waitingApproval: (have, need) => `⏳ 承認 ${have}/${need}`,
    scheduledFor: (when) => `実行予定 ${when}`,
    more: (count, command) => `…ほか ${count} 件。\`${command}\` ですべて表示できます。`,
    updatedAt: (when) => `更新: ${when}`,
  },
};
