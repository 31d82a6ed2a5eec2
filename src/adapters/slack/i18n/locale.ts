/** The languages every user-facing Slack string exists in (config `locale`). */
export const LOCALES = ['en', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];
