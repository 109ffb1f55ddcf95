// DOM and formatting helpers of the demo page: elements built with text as text (never HTML
// from data), the page's icons (static markup), and how times, priorities and the package's
// reasons are shown.

/** h("div", { class: "x", "data-a": 1, onclick: fn }, child, "text") — text is always text. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const ICONS = {
  check: '<path d="M4 10.5l3.5 3.5L16 5.5"/>',
  cross: '<path d="M5.5 5.5l9 9M14.5 5.5l-9 9"/>',
  lock: '<rect x="4.5" y="9" width="11" height="8" rx="1.5"/><path d="M7 9V6.5a3 3 0 016 0V9"/>',
  eyeOff: '<path d="M3 3l14 14M8.6 8.7a2 2 0 002.7 2.7M6.1 6.3C4.4 7.3 3.2 8.7 2.5 10c1.4 2.7 4.3 5 7.5 5 1.4 0 2.7-.4 3.9-1.1M9 5.1c.3 0 .7-.1 1-.1 3.2 0 6.1 2.3 7.5 5-.4.8-1 1.6-1.6 2.3"/>',
  shield: '<path d="M10 2.5l6 2.3v4.7c0 3.8-2.6 6.6-6 7.5-3.4-.9-6-3.7-6-7.5V4.8z"/>',
  user: '<circle cx="10" cy="7" r="3.2"/><path d="M3.8 17c.8-3 3.3-4.8 6.2-4.8s5.4 1.8 6.2 4.8"/>',
  users: '<circle cx="7.5" cy="7.5" r="2.7"/><path d="M2.5 16c.6-2.6 2.6-4 5-4s4.4 1.4 5 4"/><path d="M12.5 5a2.6 2.6 0 010 5.1M14 12.2c1.8.4 3 1.7 3.5 3.8"/>',
  clock: '<circle cx="10" cy="10" r="7"/><path d="M10 6v4.3l2.8 1.7"/>',
  info: '<circle cx="10" cy="10" r="7.5"/><path d="M10 9v5M10 6.3v.1"/>',
};
export function icon(name, cls = "icon") {
  const span = document.createElement("span");
  span.className = cls;
  span.setAttribute("aria-hidden", "true");
  // Static markup only (never data): safe under the page's CSP and from injection.
  span.innerHTML = `<svg viewBox="0 0 20 20" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round">${ICONS[name]}</svg>`;
  return span;
}

export const initials = (name) =>
  name
    .split(/[\s.-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((s) => s[0].toUpperCase())
    .join("");

export function relative(iso, now = Date.now()) {
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const unit = abs < 3600e3 ? [Math.max(1, Math.round(abs / 60e3)), "min"] : abs < 48 * 3600e3 ? [Math.round(abs / 3600e3), "h"] : [Math.round(abs / 86400e3), "d"];
  return { text: `${unit[0]} ${unit[1]}`, past: ms < 0 };
}
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
export function dateTime(secondsOrIso) {
  const d = typeof secondsOrIso === "number" ? new Date(secondsOrIso * 1000) : new Date(secondsOrIso);
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}
/** The package's reasons quote ids in backticks: show those as code. */
export function reasonText(text) {
  return String(text ?? "")
    .split("`")
    .map((part, i) => (i % 2 ? h("code", {}, part) : part));
}
export function priorityOf(p) {
  if (p >= 75) return ["high", "High"];
  if (p >= 50) return ["medium", "Medium"];
  return ["low", "Low"];
}
