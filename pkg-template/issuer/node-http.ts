/// <reference types="node" />
// The fetch-style handler as a node:http request listener:
//   http.createServer(toNodeListener(createIssuerHandler(issuer))).listen(8080)
// Express takes the same listener (`app.use(toNodeListener(handler))`). The package's own
// handlers are written to the socket as they answered (http/answer.ts); any other handler's
// Response is read and written.
import type { IncomingMessage, ServerResponse } from "node:http";
import { answerOf } from "../http/answer.js";

/** The most a request body may hold (the grants endpoint reads none). */
const MAX_BODY = 64 * 1024;

async function body(req: IncomingMessage): Promise<ArrayBuffer | undefined> {
  if (req.method === "GET" || req.method === "HEAD") return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) break;
    chunks.push(chunk as Buffer);
  }
  const all = Buffer.concat(chunks);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
}

export function toNodeListener(handler: (request: Request) => Promise<Response>): (req: IncomingMessage, res: ServerResponse) => void {
  const answer = answerOf(handler);
  return (req, res) => {
    void (async () => {
      try {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) {
          if (typeof value === "string") headers.set(name, value);
          else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        }
        const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
        const data = await body(req);
        const request = new Request(url, { method: req.method ?? "GET", headers, ...(data === undefined ? {} : { body: data }) });
        if (answer !== undefined) {
          const a = await answer(request);
          res.writeHead(a.status, a.headers);
          res.end(a.body ?? undefined);
          return;
        }
        const response = await handler(request);
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/problem+json" });
        res.end(JSON.stringify({ type: "about:blank", title: "Internal Server Error", status: 500, code: "ERR_INTERNAL" }));
      }
    })();
  };
}
