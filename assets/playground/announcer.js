// The page's live region. The message panes are redrawn whenever a message changes, so they are no
// live regions themselves: a screen reader would read the whole list again at every redraw. A
// message that arrives in the pane or thread on screen is said once, in plain words; the messages
// already there when a pane opens (or the person acting, or the world after a reset, changes) are not.

export class Announcer {
  /** `region` is a role=status element; `words` turns a message into what is said. */
  constructor(region, words) {
    this.region = region;
    this.words = words;
    /** Per pane: what it showed last (a view key) and the ids of the messages it had. */
    this.heard = new Map();
  }

  /** The messages `pane` now shows for `view`; those new since its last call for the same view are said. */
  arrived(pane, view, messages) {
    const before = this.heard.get(pane);
    this.heard.set(pane, { view, ids: new Set(messages.map((m) => m.id)) });
    if (!before || before.view !== view) return;
    const fresh = messages.filter((m) => !before.ids.has(m.id));
    if (fresh.length) this.region.textContent = fresh.map((m) => `Rewind: ${this.words(m)}`).join('\n');
  }
}
