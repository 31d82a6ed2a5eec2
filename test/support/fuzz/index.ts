/**
 * Fuzz generators for Rewind's untrusted inputs, reusable by any suite (they import nothing from a
 * test runner): Slack deliveries (slack.ts) and alert webhook bodies (alerts.ts), each with a
 * seed and a count, and each delivery with the verdict of what was done to it (mutations.ts).
 */
export * from './alerts.ts';
export * from './mutations.ts';
export * from './slack.ts';
export * from './db-state.ts';
