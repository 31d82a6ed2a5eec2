/** The indefinite article before a word a sentence fills in: "An immediate rollback", "A gradual rollback". */
import { describe, expect, it } from 'vitest';
import { indefinite } from '../../../src/adapters/slack/i18n/article.ts';
import { NOTE_STRINGS } from '../../../src/adapters/slack/i18n/notes.ts';
import { REFUSAL_STRINGS } from '../../../src/adapters/slack/i18n/refusals.ts';
import { TERMS } from '../../../src/adapters/slack/i18n/terms.ts';

describe('the indefinite article', () => {
  it('is "an" before a vowel and "a" before a consonant, capitalised when it opens a sentence', () => {
    expect(indefinite('immediate rollback', true)).toBe('An immediate rollback');
    expect(indefinite('gradual rollback', true)).toBe('A gradual rollback');
    expect(indefinite('planned rollback')).toBe('a planned rollback');
    expect(indefinite('alertmanager')).toBe('an alertmanager');
    expect(indefinite('Canary re-deploy')).toBe('a Canary re-deploy');
  });

  it('reads right in the refusal of a second rollback, for every strategy', () => {
    const said = (['immediate', 'gradual', 'planned', 'canary'] as const).map((s) =>
      REFUSAL_STRINGS.en.rollbackRunning('prompt-service', TERMS.en.strategy[s], 'Running'),
    );
    expect(said.map((line) => line.slice(0, line.indexOf(' of ')))).toEqual([
      '🚫 An immediate rollback',
      '🚫 A gradual rollback',
      '🚫 A planned rollback',
      '🚫 A canary re-deploy',
    ]);
  });

  it('reads right in the note about an alert for an unknown service, whatever sent it', () => {
    expect(NOTE_STRINGS.en.unknownService('billing', 'alertmanager', 'down')).toContain('❓ An alertmanager alert');
    expect(NOTE_STRINGS.en.unknownService('billing', 'grafana', 'down')).toContain('❓ A grafana alert');
    expect(NOTE_STRINGS.en.unknownService('billing', 'generic', 'down')).toContain('❓ A generic alert');
  });
});
