// fetch with a deadline: every request the issuer makes ends within `timeoutMs`, and a network
// failure or a timeout is ERR_ISSUER_UPSTREAM naming the request (never its headers or body).
import { issuerError } from "./errors.js";

/** The issuer's way out: a fetch, a deadline and a clock (tests pass their own). */
export interface Transport {
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
}

export async function timedFetch(transport: Transport, url: string, init: RequestInit, what: string): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), transport.timeoutMs);
  try {
    const res = await transport.fetch(url, { ...init, signal: controller.signal });
    // The body is read under the same deadline.
    const text = await res.text();
    return new Response([204, 205, 304].includes(res.status) ? null : text, { status: res.status, headers: res.headers });
  } catch (cause) {
    if (controller.signal.aborted) throw issuerError("ERR_ISSUER_UPSTREAM", `${what} timed out after ${transport.timeoutMs} ms`, { cause });
    throw issuerError("ERR_ISSUER_UPSTREAM", `${what} failed: the cluster could not be reached`, { cause });
  } finally {
    clearTimeout(timer);
  }
}
