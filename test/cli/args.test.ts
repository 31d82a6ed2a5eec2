/** The parser every `rewind` command shares: what it takes and how it refuses (one UsageError). */
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, wantsHelp } from '../../src/cli/args.ts';

const BACKTEST = { values: ['service', 'from', 'to', 'config'] };
const DRILL = { values: ['config'], flags: ['dry-run'], positionals: { max: 1, name: 'scenario' } };

describe('parseArgs', () => {
  it('takes --name value and --name=value, values that start with "-", flags, and plain arguments after --', () => {
    expect(parseArgs(['--service', 'checkout', '--from=-7d', '--to', '-1h'], BACKTEST)).toEqual({
      values: { service: 'checkout', from: '-7d', to: '-1h' },
      flags: new Set(),
      positionals: [],
    });
    const drill = parseArgs(['--dry-run', 'high-error-rate', '--config', 'c.yml'], DRILL);
    expect([drill.positionals, [...drill.flags], drill.values]).toEqual([
      ['high-error-rate'],
      ['dry-run'],
      { config: 'c.yml' },
    ]);
    expect(parseArgs(['--', '--odd-name.yml'], { positionals: { max: 1 } }).positionals).toEqual(['--odd-name.yml']);
    expect(parseArgs(['-'], { positionals: { max: 1 } }).positionals).toEqual(['-']);
  });

  it.each([
    [['--sevrice', 'x'], BACKTEST, 'unknown option "--sevrice" (did you mean "--service"?)'],
    [['--color'], BACKTEST, 'unknown option "--color"'],
    [['-x'], BACKTEST, 'unknown option "-x"'],
    [['--bogus'], {}, 'unknown option "--bogus"; this command takes no options'],
    [['--service'], BACKTEST, '--service needs a value'],
    [['--service='], BACKTEST, '--service needs a value'],
    [['--to', 'now', '--to', '-1h'], BACKTEST, '--to is given twice'],
    [['--dry-run=yes'], DRILL, '--dry-run takes no value'],
    [['a', 'b'], DRILL, 'unexpected argument "b": it takes at most one scenario'],
    [['a'], {}, 'unexpected argument "a": this command takes none'],
    [['a', 'b', 'c'], { positionals: { max: 2 } }, 'unexpected argument "c": it takes at most 2 arguments'],
  ] as const)('%j is refused: %s', (args, spec, message) => {
    expect(() => parseArgs(args, spec)).toThrow(new UsageError(message));
  });
});

describe('wantsHelp', () => {
  it('finds --help or -h anywhere before --, and nowhere after it', () => {
    expect(wantsHelp(['--service', 'x', '--help'])).toBe(true);
    expect(wantsHelp(['-h'])).toBe(true);
    expect(wantsHelp(['--', '--help'])).toBe(false);
    expect(wantsHelp(['--helpful'])).toBe(false);
  });
});
