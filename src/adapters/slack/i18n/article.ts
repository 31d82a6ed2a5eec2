/**
 * The English indefinite article for a word a sentence fills in ("An immediate rollback", "A gradual
 * rollback", "an alertmanager alert"), by its first letter: the words it meets are strategy names and
 * alert sources, none of which starts with a silent h or a "you" sound.
 */
export function indefinite(word: string, capital = false): string {
  const article = /^[aeiou]/i.test(word.trim()) ? 'an' : 'a';
  return `${capital ? article[0]!.toUpperCase() + article.slice(1) : article} ${word}`;
}
