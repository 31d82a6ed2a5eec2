import { describe, expect, it } from 'vitest';
import { cleanEnv, eventually, REPO, runRewind, spawnRewind } from '../support/run-cli.ts';

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Snapshot {
  bot: { state: string; pid: number | null };
  cluster: Array<{ service: string; weights: Array<{ version: string; weight: number }> }>;
}

/** The first snapshot of the page's event stream. */
async function firstSnapshot(url: string): Promise<Snapshot> {
  const res = await fetch(`${url}events`);
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  return JSON.parse(text.slice('data: '.length, text.indexOf('\n\n'))) as Snapshot;
}

describe('rewind playground', () => {
  it('refuses a line it cannot use in one line on stderr, exit 2, starting nothing', async () => {
    for (const [args, said] of [
      [['playground', '--port', 'eighty'], '--port must be a port number from 0 to 65535'],
      [['playground', '--port', '70000'], '--port must be a port number from 0 to 65535'],
      [['playground', '--prot', '8080'], '--port'],
      [['playground', 'no-such-config.yml'], 'no-such-config.yml'],
    ] as const) {
      const r = await runRewind([...args], cleanEnv(), REPO);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(said);
    }
  }, 120_000);

  it('serves the page on 127.0.0.1 with the bot in its own process, and stops both on Ctrl-C', async () => {
    const child = spawnRewind(['playground', '--port', '0'], cleanEnv(), REPO);
    try {
      const url = await eventually(
        () => /Rewind playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(child.output().stdout)?.[1],
        90_000,
      );
      const page = await fetch(url).then((r) => r.text());
      expect(page).toContain('<title>Rewind playground</title>');
      // Every asset the page loads is served here: nothing from outside the machine.
      for (const asset of page.match(/(?:href|src)="([^"]+)"/g) ?? []) expect(asset).toMatch(/="\/[a-z.-]+"/);
      const snap = await eventually(async () => {
        const s = await firstSnapshot(url);
        return s.bot.state === 'running' ? s : undefined;
      }, 90_000);
      expect(snap.cluster.find((c) => c.service === 'prompt-service')?.weights).toEqual([
        { version: 'v2.0.1', weight: 0 },
        { version: 'v2.0.0', weight: 50 },
        { version: 'v1.5.0', weight: 50 },
        { version: 'v1.0.0', weight: 0 },
      ]);
      const botPid = snap.bot.pid!;
      expect(isAlive(botPid)).toBe(true);
      expect(botPid).not.toBe(child.pid);

      // Bad input is one line and changes nothing.
      const post = (path: string, body: unknown) =>
        fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { error?: string },
        }));
      expect(await post('api/scenario', { kind: 'speed', scale: 7 })).toEqual({
        status: 400,
        body: { ok: false, error: 'speed must be one of 1, 60, 600, not 7' },
      });
      expect(
        await post('api/scenario', {
          kind: 'behaviour',
          service: 'prompt-service',
          version: 'v2.0.0',
          errorRate: 2,
          p95LatencyMs: 1800,
          hallucinationRate: 0,
        }),
      ).toEqual({ status: 400, body: { ok: false, error: 'errorRate must be a number from 0 to 1, not 2' } });
      expect(await post('api/gesture', { kind: 'command', user: 'U0MALLORY', command: '/rollback', text: '' })).toEqual(
        {
          status: 400,
          body: { ok: false, error: 'nobody called U0MALLORY can act here' },
        },
      );

      child.kill('SIGINT');
      await eventually(() => (child.exitCode !== null ? true : undefined), 60_000);
      expect(child.exitCode).toBe(0);
      await eventually(() => (isAlive(botPid) ? undefined : true), 30_000);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    // Starting the page server and the bot in its own process takes seconds on a busy machine; the waits
    // above have their own ceilings, and this one is above their sum.
  }, 300_000);
});
