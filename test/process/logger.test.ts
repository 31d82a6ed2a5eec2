import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';

function capture(secrets: string[]) {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return { log: createLogger({ level: 'info', secrets, destination: stream }), lines };
}

describe('logger', () => {
  it('writes structured JSON lines', async () => {
    const { log, lines } = capture([]);
    log.info({ incident: 'INC-20260105-001' }, 'incident opened');
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line).toMatchObject({ level: 30, name: 'rewind', incident: 'INC-20260105-001', msg: 'incident opened' });
  });

  it('never writes a secret, wherever it appears', async () => {
    const secret = 'xoxb-123-456-abcdef';
    const { log, lines } = capture([secret]);
    log.info({ token: 'anything', headers: { authorization: 'Bearer x' } }, 'plain');
    log.error({ err: new Error(`invalid_auth for ${secret}`) }, `calling Slack with ${secret}`);
    log.warn({ nested: { deep: [`a ${secret} b`] } }, 'nested');
    await new Promise((r) => setImmediate(r));
    const all = lines.join('\n');
    expect(lines).toHaveLength(3);
    expect(all).not.toContain(secret);
    expect(all).not.toContain('Bearer x');
    expect(all).toContain('invalid_auth for [REDACTED]');
    expect(JSON.parse(lines[0] ?? '{}').token).toBe('[REDACTED]');
  });
});
