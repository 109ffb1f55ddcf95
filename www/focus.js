// Keeps keyboard focus on the task list across re-renders, which replace every card. Before a
// render, `describe` notes which control of which card had focus; afterwards `restore` puts
// focus back on the same control of the same card, or on a sensible successor: the card's first
// action, its "Why?" button, the card now at the same place in the list (when the task left
// this view, e.g. completed from the Open tab), or the list itself.

/** What `el` is, in terms that survive a re-render; null when it is not in `list`. */
export function describe(el, list) {
  if (!(el instanceof HTMLElement) || !list.contains(el)) return null;
  const card = el.closest("li[data-task]");
  if (!card) return null;
  return {
    task: card.dataset.task,
    index: [...list.children].indexOf(card),
    action: el.dataset.action ?? null,
    why: el.hasAttribute("data-why"),
  };
}

const usable = (el) => el instanceof HTMLElement && !el.disabled && el.isConnected;

function inCard(card, what) {
  const candidates = [
    what.action ? card.querySelector(`button[data-action="${what.action}"]`) : null,
    what.why ? card.querySelector("button[data-why]") : null,
    card.querySelector('button[data-action][data-allowed="true"]'),
    card.querySelector("button[data-action]"),
    card.querySelector("button[data-why]"),
  ];
  return candidates.find(usable) ?? null;
}

/** Focuses the control `what` named (or its successor); returns the element focused. */
export function restore(what, list) {
  if (!what) return null;
  const cards = [...list.children];
  const same = cards.find((c) => c.dataset.task === what.task);
  const near = cards[Math.min(what.index, cards.length - 1)];
  const target = (same && inCard(same, what)) ?? (near && inCard(near, { action: null, why: false })) ?? list;
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "nearest" });
  return target;
}

/** True when focus has nowhere useful: on the body, or on an element a render removed. */
export function focusLost() {
  const el = document.activeElement;
  return !el || el === document.body || !el.isConnected;
}
