/// <reference types="node" />
// `camunda-authz issuer`: the grants endpoint and the JWKS as a service, for stacks that are not
// JavaScript. Configured by the CAMUNDA_* variables of Camunda's SDKs (the cluster and the
// service account), CAMUNDA_AUTHZ_* (the grant sets; an unknown one is an error, as a typo) and a
// key file read with a bound. Everything is checked before it listens. It logs one JSON line
// per request on stdout (never a token or a query string), serves Prometheus text at /metrics,
// and on SIGTERM or SIGINT stops taking connections, answers what is in flight (each issue
// ends within its deadline) and exits 0.
import { createServer } from "node:http";
import { parseArgs, shown, UsageError } from "./bin-args.js";
import { readBounded } from "./bin-files.js";
import type { IssueErrorEvent, IssueEvent } from "./events.js";
import type { Issuer } from "./issuer.js";
import type { IssuerOptions } from "./options.js";
import { Metrics } from "./metrics.js";
import { createIssuer, createIssuerHandler, keyRing } from "./node.js";
import { jsonAnswer } from "./handler.js";
import type { RequestInfo } from "./handler.js";
import { MAX_KEY_RING_CHARS } from "./keys.js";
import { toNodeListener } from "./node-http.js";
import { ANSWER, answering } from "../http/answer.js";
import type { Answer } from "../http/answer.js";

export const ISSUER_USAGE = `usage: camunda-authz issuer [--key FILE] [--port N] [--host ADDRESS]

Serves GET/POST /grants (the user's bearer token in, { token, expiresAt } out),
GET /.well-known/camunda-grants-jwks.json, GET /healthz (the process), GET /readyz (the
cluster answers and accepts the service account: 200, else 503) and GET /metrics (Prometheus
text). Logs one JSON line per request on stdout, never a token. On SIGTERM or SIGINT it stops
taking connections, answers the requests in flight and exits 0.

  --key FILE     the key ring: a private Ed25519 JWK (camunda-authz keygen --out-private), or
                 { "keys": [current private JWK, older public JWKs...] } during a rotation
                 (default: CAMUNDA_AUTHZ_KEY_FILE); at most 1 MiB
  --port N       default: PORT, else 8080; 0 picks a free port
  --host ADDRESS default: HOST, else 127.0.0.1
  --help         this text

The cluster: CAMUNDA_REST_ADDRESS, CAMUNDA_AUTH_STRATEGY (OAUTH | BASIC | NONE),
CAMUNDA_CLIENT_ID, CAMUNDA_CLIENT_SECRET, CAMUNDA_OAUTH_URL, CAMUNDA_TOKEN_AUDIENCE,
CAMUNDA_OAUTH_SCOPE, CAMUNDA_BASIC_AUTH_USERNAME, CAMUNDA_BASIC_AUTH_PASSWORD.
The grant sets: CAMUNDA_AUTHZ_ISSUER and CAMUNDA_AUTHZ_AUDIENCE (required; a comma-separated
audience is a list), CAMUNDA_AUTHZ_TTL (seconds, default 900, at most 86400),
CAMUNDA_AUTHZ_AUTHORIZATIONS_ENABLED (default true), CAMUNDA_AUTHZ_MULTI_TENANCY_ENABLED
(default false), CAMUNDA_AUTHZ_CAMUNDA_VERSION (8.<minor>, default 8.9),
CAMUNDA_AUTHZ_GROUPS_CLAIM, CAMUNDA_AUTHZ_AUTHENTICATION_METHOD (BASIC or OIDC),
CAMUNDA_AUTHZ_PHYSICAL_TENANT (8.10), CAMUNDA_AUTHZ_RESOURCE_TYPES (comma-separated),
CAMUNDA_AUTHZ_CACHE_TTL (seconds, default 30), CAMUNDA_AUTHZ_CACHE_ENTRIES (default 10000),
CAMUNDA_AUTHZ_TIMEOUT_MS (per request, default 10000), CAMUNDA_AUTHZ_DEADLINE_MS (per grant
set, default 10000), CAMUNDA_AUTHZ_PAGE_SIZE (1 to 10000, default 1000),
CAMUNDA_AUTHZ_MAX_CONCURRENT_ISSUES (default 256).
`;

/** CAMUNDA_AUTHZ_* variables and the createIssuer option each sets. */
const VARIABLES: Record<string, keyof IssuerOptions | "cluster" | null> = {
  CAMUNDA_AUTHZ_ISSUER: "issuer",
  CAMUNDA_AUTHZ_AUDIENCE: "audience",
  CAMUNDA_AUTHZ_KEY_FILE: null,
  CAMUNDA_AUTHZ_TTL: "ttl",
  CAMUNDA_AUTHZ_CACHE_TTL: "cacheTtl",
  CAMUNDA_AUTHZ_CACHE_ENTRIES: "cacheEntries",
  CAMUNDA_AUTHZ_TIMEOUT_MS: "timeoutMs",
  CAMUNDA_AUTHZ_DEADLINE_MS: "deadlineMs",
  CAMUNDA_AUTHZ_PAGE_SIZE: "pageSize",
  CAMUNDA_AUTHZ_MAX_CONCURRENT_ISSUES: "maxConcurrentIssues",
  CAMUNDA_AUTHZ_RESOURCE_TYPES: "resourceTypes",
  CAMUNDA_AUTHZ_AUTHORIZATIONS_ENABLED: "cluster",
  CAMUNDA_AUTHZ_MULTI_TENANCY_ENABLED: "cluster",
  CAMUNDA_AUTHZ_CAMUNDA_VERSION: "cluster",
  CAMUNDA_AUTHZ_GROUPS_CLAIM: "cluster",
  CAMUNDA_AUTHZ_AUTHENTICATION_METHOD: "cluster",
  CAMUNDA_AUTHZ_PHYSICAL_TENANT: "cluster",
};

/** A configuration error: exit 2 with the message. */
export class ConfigError extends Error {}

function env(name: string): string | undefined {
  const v = process.env[name]?.trim();
  return v === undefined || v === "" ? undefined : v;
}

function bool(name: string): boolean | undefined {
  const v = env(name)?.toLowerCase();
  if (v === undefined) return undefined;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw new ConfigError(`${name} must be true or false, not \`${shown(v)}\``);
}

function number(name: string): number | undefined {
  const v = env(name);
  if (v === undefined) return undefined;
  if (!/^[0-9]+(\.[0-9]+)?$/.test(v)) throw new ConfigError(`${name} must be a number, not \`${shown(v)}\``);
  return Number(v);
}

function list(name: string): string[] | undefined {
  return env(name)
    ?.split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "");
}

/** The issuer's options from the environment and the key ring. */
export function optionsFromEnv(keyText: string): IssuerOptions {
  const unknown = Object.keys(process.env).filter((n) => n.startsWith("CAMUNDA_AUTHZ_") && !(n in VARIABLES));
  if (unknown.length > 0) throw new ConfigError(`unknown variable ${unknown.map((n) => `\`${shown(n)}\``).join(", ")} (the CAMUNDA_AUTHZ_* variables are ${Object.keys(VARIABLES).join(", ")})`);
  const issuer = env("CAMUNDA_AUTHZ_ISSUER");
  const audience = list("CAMUNDA_AUTHZ_AUDIENCE");
  if (issuer === undefined || audience === undefined || audience.length === 0) throw new ConfigError("CAMUNDA_AUTHZ_ISSUER and CAMUNDA_AUTHZ_AUDIENCE must be set");
  const ring = keyRing(keyText);
  const optional = <K extends keyof IssuerOptions>(key: K, value: IssuerOptions[K] | undefined) => (value === undefined ? {} : { [key]: value });
  const version = env("CAMUNDA_AUTHZ_CAMUNDA_VERSION");
  const groupsClaim = env("CAMUNDA_AUTHZ_GROUPS_CLAIM");
  const authenticationMethod = env("CAMUNDA_AUTHZ_AUTHENTICATION_METHOD")?.toUpperCase() as "BASIC" | "OIDC" | undefined;
  const physicalTenant = env("CAMUNDA_AUTHZ_PHYSICAL_TENANT");
  const authorizationsEnabled = bool("CAMUNDA_AUTHZ_AUTHORIZATIONS_ENABLED");
  const multiTenancyEnabled = bool("CAMUNDA_AUTHZ_MULTI_TENANCY_ENABLED");
  return {
    signingKey: ring.signingKey,
    previousKeys: ring.previousKeys,
    issuer,
    audience: audience.length === 1 ? (audience[0] as string) : audience,
    ...optional("ttl", number("CAMUNDA_AUTHZ_TTL")),
    ...optional("cacheTtl", number("CAMUNDA_AUTHZ_CACHE_TTL")),
    ...optional("cacheEntries", number("CAMUNDA_AUTHZ_CACHE_ENTRIES")),
    ...optional("timeoutMs", number("CAMUNDA_AUTHZ_TIMEOUT_MS")),
    ...optional("deadlineMs", number("CAMUNDA_AUTHZ_DEADLINE_MS")),
    ...optional("pageSize", number("CAMUNDA_AUTHZ_PAGE_SIZE")),
    ...optional("maxConcurrentIssues", number("CAMUNDA_AUTHZ_MAX_CONCURRENT_ISSUES")),
    ...optional("resourceTypes", list("CAMUNDA_AUTHZ_RESOURCE_TYPES")),
    cluster: {
      ...(authorizationsEnabled === undefined ? {} : { authorizationsEnabled }),
      ...(multiTenancyEnabled === undefined ? {} : { multiTenancyEnabled }),
      ...(version === undefined ? {} : { camundaVersion: version }),
      ...(groupsClaim === undefined ? {} : { groupsClaim }),
      ...(authenticationMethod === undefined ? {} : { authenticationMethod }),
      ...(physicalTenant === undefined ? {} : { physicalTenant }),
    },
  };
}

/** A createIssuer message names the option: say which variable set it. */
export function withVariable(message: string): string {
  const option = /^`(?:cluster\.)?([a-zA-Z]+)`/.exec(message)?.[1];
  const variable = Object.entries(VARIABLES).find(([name, o]) => o === option || (o === "cluster" && name === `CAMUNDA_AUTHZ_${(option ?? "").replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`))?.[0];
  return variable === undefined ? message : `${message} (${variable})`;
}

/** Log lines not written yet: one write per turn of the event loop, not one per request. */
let lines: string[] = [];

function flush(): void {
  if (lines.length === 0) return;
  const text = lines.join("");
  lines = [];
  process.stdout.write(text);
}

function log(entry: Record<string, unknown>): void {
  if (lines.length === 0) setImmediate(flush);
  lines.push(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

/** Exits with the log written. */
function exit(code: number): never {
  flush();
  return process.exit(code);
}

/** Starts the service; resolves the exit code only when it does not start (a UsageError is exit 2). */
export function serve(args: readonly string[]): number | undefined {
  const parsed = parseArgs(args, ["key", "port", "host"]);
  if (parsed.help) {
    process.stdout.write(ISSUER_USAGE);
    return 0;
  }
  const keyFile = parsed.values.get("key") ?? env("CAMUNDA_AUTHZ_KEY_FILE");
  if (keyFile === undefined) throw new UsageError("no key file: pass --key FILE or set CAMUNDA_AUTHZ_KEY_FILE");
  const portText = parsed.values.get("port") ?? env("PORT") ?? "8080";
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`the port must be an integer from 0 to 65535, not \`${shown(portText)}\``);
  const host = parsed.values.get("host") ?? env("HOST") ?? "127.0.0.1";

  let issuer: Issuer;
  let drainMs = 10_000;
  try {
    let keyText: string;
    try {
      keyText = readBounded(keyFile, MAX_KEY_RING_CHARS, "the key file");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`the key file \`${shown(keyFile)}\` could not be read: ${code === undefined ? (error as Error).message : code}`);
    }
    let options: IssuerOptions;
    try {
      options = optionsFromEnv(keyText);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(`the key file \`${shown(keyFile)}\`: ${(error as Error).message}`);
    }
    issuer = createIssuer(options);
    drainMs = (options.deadlineMs ?? 10_000) + 2000;
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : withVariable((error as Error).message);
    process.stderr.write(`camunda-authz issuer: ${message}\n`);
    return 2;
  }

  const events = new WeakMap<Request, (IssueEvent | IssueErrorEvent) & RequestInfo>();
  const remember = (event: (IssueEvent | IssueErrorEvent) & RequestInfo) => events.set(event.request, event);
  const handler = createIssuerHandler(issuer, { onIssue: remember, onError: remember });
  const metrics = new Metrics(["/grants", "/.well-known/camunda-grants-jwks.json", "/healthz", "/readyz", "/metrics"]);
  let inFlight = 0;
  let draining = false;

  const answerHandler = handler[ANSWER];

  async function answer(request: Request, path: string): Promise<Answer> {
    if (path === "/metrics") {
      if (request.method !== "GET" && request.method !== "HEAD") return { status: 405, headers: { allow: "GET, HEAD" }, body: null };
      return { status: 200, headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" }, body: request.method === "HEAD" ? null : metrics.text(issuer, inFlight) };
    }
    // A load balancer stops sending once it sees the drain.
    if (draining && path === "/readyz") return jsonAnswer(503, '{"status":"draining"}');
    return answerHandler(request);
  }

  async function observed(request: Request): Promise<Answer> {
    const started = performance.now();
    const path = new URL(request.url).pathname;
    inFlight += 1;
    try {
      const response = await answer(request, path);
      if (draining) response.headers.connection = "close";
      const event = events.get(request);
      const entry: Record<string, unknown> = { level: response.status >= 500 ? "error" : response.status >= 400 ? "warn" : "info", msg: "request", method: request.method, path, status: response.status, durationMs: Math.round((performance.now() - started) * 10) / 10 };
      if (event) {
        metrics.issue(event.durationMs, "code" in event ? event.code : undefined, event.cached);
        Object.assign(entry, { requestId: event.requestId, subject: event.subject, cached: event.cached, upstreamRequests: event.upstreamRequests, tokenRequests: event.tokenRequests });
        if ("code" in event) Object.assign(entry, { code: event.code, message: event.message });
      } else if (path === "/readyz" && response.status === 503 && !draining) {
        const why = await issuer.ready();
        Object.assign(entry, { code: why.code, message: why.message });
      }
      metrics.request(path, response.status);
      log(entry);
      return response;
    } finally {
      inFlight -= 1;
    }
  }

  const server = createServer(toNodeListener(answering(observed)));
  server.on("error", (error) => {
    process.stderr.write(`camunda-authz issuer: cannot listen on ${host}:${port}: ${error.message}\n`);
    exit(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : port;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${actual}/`;
    log({ level: "info", msg: `camunda-authz issuer listening on ${url} (grants at /grants)`, url });
    void issuer.ready().then((r) => log(r.ready ? { level: "info", msg: "the cluster answers and accepts the service account" } : { level: "warn", msg: "not ready yet", code: r.code, message: r.message }));
  });

  const stop = (signal: string) => {
    if (draining) {
      log({ level: "warn", msg: `${signal} again: stopping now`, inFlight });
      exit(1);
    }
    draining = true;
    log({ level: "info", msg: `${signal}: draining (${inFlight} request(s) in flight)`, inFlight });
    server.close(() => {
      log({ level: "info", msg: "stopped" });
      exit(0);
    });
    server.closeIdleConnections();
    // Each issue ends within its deadline; past that and a margin, what is left is cut off.
    setTimeout(() => {
      log({ level: "error", msg: `still ${inFlight} request(s) in flight after ${drainMs} ms: closing them`, inFlight });
      server.closeAllConnections();
      exit(1);
    }, drainMs).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  return undefined;
}
