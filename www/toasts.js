// Toasts of the demo page: at most three at once (the oldest goes first), each dismissed by
// itself (4 s for news, 8 s for errors) or by its close button. At phone width only the newest
// shows, on one or two lines, and the page keeps the focused control clear of it (style.css:
// scroll-padding-bottom; app.js scrolls the focused control into view after an action).

const MAX = 3;
const LIFETIME = { ok: 4000, error: 8000 };
let next = 0;

/** Shows a toast in `container`; `content` is a DOM node (built by the caller). */
export function toast(container, kind, content) {
  while (container.children.length >= MAX) container.firstElementChild.remove();
  const el = document.createElement("div");
  el.className = `toast toast-${kind}`;
  el.id = `toast-${++next}`;
  el.setAttribute("role", kind === "error" ? "alert" : "status");
  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast-close";
  close.setAttribute("aria-label", "Dismiss");
  close.textContent = "×";
  close.addEventListener("click", () => el.remove());
  el.append(content, close);
  container.append(el);
  setTimeout(() => el.remove(), LIFETIME[kind] ?? LIFETIME.ok);
  return el;
}
