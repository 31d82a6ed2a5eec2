import { describe, expect, it } from 'vitest';
import { ALERT_LINK_MAX, alertLinks, httpUrl, silenceUrl } from '../../src/domain/alert-links.ts';

describe('httpUrl', () => {
  it('keeps absolute http(s) URLs, serialised', () => {
    expect(httpUrl('https://grafana.example.com/d/abc?orgId=1&viewPanel=2')).toBe(
      'https://grafana.example.com/d/abc?orgId=1&viewPanel=2',
    );
    expect(httpUrl('  HTTP://Prometheus:9090/graph?g0.expr=up  ')).toBe('http://prometheus:9090/graph?g0.expr=up');
    // Spaces, quotes and angle brackets are percent-encoded by the serialiser.
    expect(httpUrl('https://wiki.example.com/run books/<error> "rate"')).toBe(
      'https://wiki.example.com/run%20books/%3Cerror%3E%20%22rate%22',
    );
  });

  it('drops every other scheme, relative and malformed URLs, non-strings and overlong URLs', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT://x.example.com/%0aalert(1)',
      'data:text/html,<b>x</b>',
      'ftp://files.example.com/a',
      'mailto:sre@example.com',
      '/graph?g0.expr=up',
      'grafana.example.com/d/abc',
      'http://',
      'https://exa mple.com/',
      'http://[broken',
      '',
      ' ',
    ]) {
      expect(httpUrl(bad), bad).toBeNull();
    }
    for (const bad of [undefined, null, 42, {}, ['https://example.com']]) expect(httpUrl(bad)).toBeNull();
    const long = `https://example.com/${'a'.repeat(ALERT_LINK_MAX)}`;
    expect(httpUrl(long)).toBeNull();
    expect(httpUrl(long.slice(0, ALERT_LINK_MAX))).toBe(long.slice(0, ALERT_LINK_MAX));
  });
});

describe('alertLinks', () => {
  it('keeps the http(s) candidates by kind and leaves out the rest', () => {
    expect(
      alertLinks({
        runbook: 'https://wiki.example.com/rb',
        graph: 'javascript:alert(1)',
        dashboard: '',
        panel: 7,
        silence: undefined,
      }),
    ).toEqual({ runbook: 'https://wiki.example.com/rb' });
  });
});

describe('silenceUrl', () => {
  it("is Alertmanager's new-silence page with a matcher for every label, sorted", () => {
    expect(silenceUrl('http://alertmanager:9093', { service: 'prompt-service', alertname: 'PromptErrorRate' })).toBe(
      'http://alertmanager:9093/#/silences/new?filter=%7Balertname%3D%22PromptErrorRate%22%2Cservice%3D%22prompt-service%22%7D',
    );
    // A trailing slash, a query or a fragment of the external URL does not end up in the middle.
    expect(silenceUrl('https://am.example.com/am/?a=1#x', { a: 'b' })).toBe(
      `https://am.example.com/am/#/silences/new?filter=${encodeURIComponent('{a="b"}')}`,
    );
  });

  it('escapes quotes, backslashes and newlines in label values as matchers want', () => {
    const url = silenceUrl('http://am:9093', { msg: 'say "hi"\\\n' });
    expect(decodeURIComponent(url?.split('filter=')[1] ?? '')).toBe('{msg="say \\"hi\\"\\\\\\n"}');
  });

  it('is null without an http(s) external URL, or when the matchers make it too long to link', () => {
    expect(silenceUrl(undefined, { a: 'b' })).toBeNull();
    expect(silenceUrl('javascript:alert(1)', { a: 'b' })).toBeNull();
    expect(silenceUrl('http://am:9093', { pod: 'p'.repeat(ALERT_LINK_MAX) })).toBeNull();
    expect(silenceUrl('http://am:9093', { alertname: 'U0\udc00' })).toBeNull();
  });
});
