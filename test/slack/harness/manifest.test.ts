import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMMAND } from '../../../src/adapters/slack/ids.ts';

interface SlashCommand {
  command: string;
  description: string;
  usage_hint: string;
  should_escape: boolean;
  url: string;
}

interface Manifest {
  display_information: { name: string; description: string; long_description: string; background_color: string };
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean };
    bot_user: { display_name: string; always_online: boolean };
    slash_commands: SlashCommand[];
  };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}

const manifest = parse(
  readFileSync(fileURLToPath(new URL('../../../manifest.yml', import.meta.url)), 'utf8'),
) as Manifest;
const EVENTS_URL = 'https://rewind.example.com/slack/events';

/** every subcommand each command answers. */
const SUBCOMMANDS: Record<string, string[]> = {
  [COMMAND.rollback]: [
    'immediate',
    'gradual',
    'planned',
    'status',
    'pause',
    'resume',
    'abort',
    'history',
    'complaint',
    'help',
  ],
  [COMMAND.incident]: ['declare', 'list', 'ack', 'resolve', 'rca', 'timeline', 'help'],
  [COMMAND.drill]: ['run', 'schedule', 'history', 'report', 'help'],
};

function command(name: string): SlashCommand {
  const found = manifest.features.slash_commands.find((c) => c.command === name);
  if (!found) throw new Error(`manifest.yml has no slash command ${name}`);
  return found;
}

describe('manifest.yml', () => {
  it('registers exactly the three commands of ids.ts, each pointing at the events endpoint', () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(Object.values(COMMAND).sort());
    for (const c of manifest.features.slash_commands) {
      expect(c.url, c.command).toBe(EVENTS_URL);
      expect(c.should_escape, c.command).toBe(false);
      expect(c.description.length, c.command).toBeGreaterThan(10);
      expect(c.command.length).toBeLessThanOrEqual(32);
      expect(c.usage_hint.length).toBeLessThanOrEqual(1000);
    }
  });

  it.each(Object.entries(SUBCOMMANDS))('names every subcommand of %s in its usage hint', (name, subcommands) => {
    const words = new Set(command(name).usage_hint.split(/[^a-z]+/));
    expect(subcommands.filter((s) => !words.has(s))).toEqual([]);
  });

  it('turns on interactivity, the Home tab and the app_home_opened subscription', () => {
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: EVENTS_URL });
    expect(manifest.settings.event_subscriptions).toEqual({ request_url: EVENTS_URL, bot_events: ['app_home_opened'] });
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: false });
    expect(manifest.features.bot_user).toEqual({ display_name: 'rewind', always_online: true });
  });

  it('requests exactly the documented bot scopes and no user scopes', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual([
      'commands',
      'chat:write',
      'im:write',
      'usergroups:read',
      'files:write',
      'channels:read',
      'groups:read',
    ]);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  it('runs in Socket Mode, single workspace, without token rotation', () => {
    expect(manifest.settings).toMatchObject({
      socket_mode_enabled: true,
      org_deploy_enabled: false,
      token_rotation_enabled: false,
    });
  });

  it('keeps display information within Slack limits', () => {
    const d = manifest.display_information;
    expect(d.name).toBe('Rewind');
    expect(d.description.length).toBeLessThanOrEqual(140);
    // Slack refuses a long_description shorter than 174 characters.
    expect(d.long_description.length).toBeGreaterThanOrEqual(174);
    expect(d.long_description.length).toBeLessThanOrEqual(4000);
    expect(d.background_color).toMatch(/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i);
  });
});
