/// <reference types="node" />
// The issuer's requests in Node.js over node:http and node:https with keep-alive agents, in
// place of the global `fetch` (undici): the same requests and bounds for a third of the CPU
// (bench/issuer-load.mjs: 0.40 ms per forwarded request where fetch spent 1.00 ms), which is most
// of what an issue costs the issuer's core. It takes what the issuer sends (a method, headers as
// a record, a string body, an AbortSignal) and answers what it reads (status, headers, the body
// as a stream that the byte cap reads and cancels). It follows no redirect: the cluster and the
// identity provider answer their endpoints, and a credential never goes to another address.
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import type { IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { FetchAnswer, FetchInit } from "./fetch.js";

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** The answer's body as the byte cap reads it: chunk by chunk, cancelled by destroying the socket's stream. */
function bodyOf(res: IncomingMessage): FetchAnswer["body"] {
  return {
    getReader() {
      const chunks = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      return {
        async read() {
          const next = await chunks.next();
          if (next.done === true) return { done: true };
          const chunk = next.value;
          return { done: false, value: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) };
        },
        async cancel() {
          res.destroy();
        },
      };
    },
  };
}

function headersOf(res: IncomingMessage): FetchAnswer["headers"] {
  return {
    get(name: string): string | null {
      const value = res.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

/**
 * One request; rejects on a network failure or an abort (the error's `code` says which). A
 * kept-alive socket the server closed as the request went out is reset before any answer: that
 * request is sent once more on a new socket, as Node.js's documentation advises (`reusedSocket`);
 * every request the issuer sends reads or asks for a token, so sending it again changes nothing.
 */
export async function nodeFetch(url: string, init: FetchInit): Promise<FetchAnswer> {
  try {
    return await once(url, init);
  } catch (error) {
    if (!(error instanceof StaleSocket) || init.signal?.aborted === true) throw error instanceof StaleSocket ? error.cause : error;
    return once(url, init);
  }
}

/** A reset on a reused socket before the answer began (the cause is the system error). */
class StaleSocket extends Error {}

function once(url: string, init: FetchInit): Promise<FetchAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === "https:";
    if (!secure && target.protocol !== "http:") {
      reject(Object.assign(new TypeError(`only http: and https: URLs are fetched (${target.protocol})`), { code: "ERR_INVALID_PROTOCOL" }));
      return;
    }
    const send = secure ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
    const req = send(target, { method: init.method ?? "GET", headers, agent: secure ? agents.https : agents.http, ...(init.signal === undefined ? {} : { signal: init.signal }) }, (res) => {
      const status = res.statusCode ?? 0;
      resolve({ status, ok: status >= 200 && status < 300, headers: headersOf(res), body: bodyOf(res) });
    });
    req.on("error", (error: Error & { code?: string }) => reject(req.reusedSocket && error.code === "ECONNRESET" ? new StaleSocket("reset", { cause: error }) : error));
    req.end(init.body);
  });
}
