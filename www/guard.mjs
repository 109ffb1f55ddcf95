// Request guards of the demo server, checked before any route.
//
// DNS rebinding: a page on evil.example can make its own name resolve to 127.0.0.1 and then
// talk to this server as if it were same-origin. The browser still sends `Host: evil.example`,
// so only the names this server is reached by locally are served: `127.0.0.1:PORT`,
// `localhost:PORT` and `[::1]:PORT`. Anything else (another name, another port, no Host) is
// 421 Misdirected Request.
//
// CSRF: every request that changes something (POST, PUT, PATCH, DELETE) must come from the
// server's own origin. A browser sends `Origin` on every such request, so:
//   - `Origin` present: it must be `http://` + the (already checked) Host; `null` is refused;
//   - `Origin` absent: refused when the request looks like it came from a browser (a
//     `Sec-Fetch-Site` header, which only browsers send, or a `User-Agent` starting with
//     `Mozilla/`), allowed otherwise (curl, scripts, Node's fetch, tests: a cross-site attack
//     needs a victim's browser, and browsers send an Origin or the fetch metadata or both).
// Both answer 403 with code `ERR_CROSS_ORIGIN`.

export const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The Host values this server answers to when listening on `port`. */
export function allowedHosts(port) {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/**
 * Checks one request; returns null when it may proceed, else `{ status, title, detail, code }`.
 * `headers` are Node's lower-cased request headers.
 */
export function checkRequest(method, headers, port) {
  const host = String(headers.host ?? "").toLowerCase();
  if (!allowedHosts(port).has(host)) {
    return {
      status: 421,
      title: "MISDIRECTED_REQUEST",
      detail: `this demo server answers only to 127.0.0.1:${port}, localhost:${port} and [::1]:${port}, not to host \`${printable(host)}\``,
      code: "ERR_HOST_NOT_ALLOWED",
    };
  }
  if (!UNSAFE_METHODS.has(method)) return null;
  const own = `http://${host}`;
  const origin = headers.origin;
  if (origin !== undefined) {
    if (String(origin).toLowerCase() === own) return null;
    return crossOrigin(`a ${method} from origin \`${printable(origin)}\` is refused: only ${own} may change anything here`);
  }
  const browserLike = headers["sec-fetch-site"] !== undefined || /^Mozilla\//.test(String(headers["user-agent"] ?? ""));
  if (browserLike) return crossOrigin(`a ${method} from a browser without an \`Origin\` header is refused`);
  return null;
}

function crossOrigin(detail) {
  return { status: 403, title: "FORBIDDEN", detail, code: "ERR_CROSS_ORIGIN" };
}

/** At most 100 characters, control characters escaped: safe to echo in a message. */
function printable(value) {
  const text = String(value).slice(0, 100);
  return text.replace(/[\u0000-\u001f\u007f-\u009f`]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
