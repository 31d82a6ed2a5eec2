/** "Did you mean …?": the closest allowed word, only when it is close. */
import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/config/suggest.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swapped neighbours as one each, ignoring case', () => {
    expect(editDistance('incidentChanel', 'incidentChannel')).toBe(1);
    expect(editDistance('servcie', 'service')).toBe(1);
    expect(editDistance('rule', 'route')).toBe(2);
    expect(editDistance('Locale', 'locale')).toBe(0);
    expect(editDistance('', 'kind')).toBe(4);
  });
});

describe('closest', () => {
  const SLACK = ['incidentChannel', 'stakeholderChannel', 'drillChannel', 'approvers', 'requiredApprovals'];

  it('names the nearest allowed word within a distance that grows with the word', () => {
    expect(closest('incidentChanel', SLACK)).toBe('incidentChannel');
    expect(closest('aprovers', SLACK)).toBe('approvers');
    expect(closest('RequiredApprovals', SLACK)).toBe('requiredApprovals');
    expect(closest('--sevrice', ['--service', '--from', '--to'])).toBe('--service');
  });

  it('offers nothing when every word is far off, or for the word itself', () => {
    expect(closest('channel', SLACK)).toBeUndefined();
    expect(closest('colour', ['locale', 'slack', 'services'])).toBeUndefined();
    expect(closest('kind', ['kind'])).toBeUndefined();
    expect(closest('x', [])).toBeUndefined();
  });

  it('didYouMean words it for a message, or gives nothing', () => {
    expect(didYouMean('valdate-config', ['start', 'validate-config'])).toBe(' (did you mean "validate-config"?)');
    expect(didYouMean('deploy', ['start', 'validate-config'])).toBe('');
  });
});
