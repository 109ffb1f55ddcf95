/// <reference types="node" />
// The bin's metrics in Prometheus' text format (version 0.0.4): requests by route and status,
// issues by outcome and code with a histogram of their duration, cache hits, the cluster
// requests and OAuth token requests made, what is in flight, the cache's entries and the
// process' memory. Labels take only fixed values (a route the handler does not serve counts as
// `other`), so a client cannot grow the set of series.
import type { Issuer } from "./issuer.js";

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function line(name: string, labels: Record<string, string>, value: number): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`)
    .join(",");
  return `${name}${l === "" ? "" : `{${l}}`} ${value}`;
}

export class Metrics {
  readonly #routes: readonly string[];
  readonly #requests = new Map<string, number>();
  readonly #issues = new Map<string, number>();
  readonly #buckets = new Array<number>(BUCKETS.length).fill(0);
  #sum = 0;
  #count = 0;
  #cached = 0;

  constructor(routes: readonly string[]) {
    this.#routes = routes;
  }

  request(path: string, status: number): void {
    const key = `${this.#routes.includes(path) ? path : "other"}\u0000${status}`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
  }

  issue(durationMs: number, code: string | undefined, cached: boolean): void {
    const key = code ?? "";
    this.#issues.set(key, (this.#issues.get(key) ?? 0) + 1);
    const seconds = durationMs / 1000;
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.#buckets[i] = (this.#buckets[i] ?? 0) + 1;
    });
    this.#sum += seconds;
    this.#count += 1;
    if (cached) this.#cached += 1;
  }

  text(issuer: Issuer, requestsInFlight: number): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family("camunda_authz_http_requests_total", "counter", "HTTP requests answered, by route and status.");
    for (const [key, n] of this.#requests) {
      const [route = "", status = ""] = key.split("\u0000");
      out.push(line("camunda_authz_http_requests_total", { route, status }, n));
    }
    family("camunda_authz_issues_total", "counter", "Grant sets asked for, by outcome and error code.");
    for (const [code, n] of this.#issues) out.push(line("camunda_authz_issues_total", code === "" ? { outcome: "issued", code: "" } : { outcome: "failed", code }, n));
    family("camunda_authz_issues_cached_total", "counter", "Grant sets issued with every authorization from the cache.");
    out.push(line("camunda_authz_issues_cached_total", {}, this.#cached));
    family("camunda_authz_issue_duration_seconds", "histogram", "Time from the grants request to its answer, issued or failed.");
    BUCKETS.forEach((le, i) => out.push(line("camunda_authz_issue_duration_seconds_bucket", { le: String(le) }, this.#buckets[i] ?? 0)));
    out.push(line("camunda_authz_issue_duration_seconds_bucket", { le: "+Inf" }, this.#count));
    out.push(line("camunda_authz_issue_duration_seconds_sum", {}, this.#sum), line("camunda_authz_issue_duration_seconds_count", {}, this.#count));
    family("camunda_authz_upstream_requests_total", "counter", "Requests made to the cluster's REST API.");
    out.push(line("camunda_authz_upstream_requests_total", {}, issuer.stats.requests));
    family("camunda_authz_oauth_token_requests_total", "counter", "OAuth token requests made for the service account.");
    out.push(line("camunda_authz_oauth_token_requests_total", {}, issuer.stats.tokenRequests));
    family("camunda_authz_http_requests_in_flight", "gauge", "HTTP requests being answered.");
    out.push(line("camunda_authz_http_requests_in_flight", {}, requestsInFlight));
    family("camunda_authz_issues_in_flight", "gauge", "Grant sets being issued.");
    out.push(line("camunda_authz_issues_in_flight", {}, issuer.stats.inFlight));
    family("camunda_authz_upstream_requests_in_flight", "gauge", "Requests to the cluster in flight.");
    out.push(line("camunda_authz_upstream_requests_in_flight", {}, issuer.stats.upstreamInFlight));
    family("camunda_authz_cache_entries", "gauge", "Entries in the issuer's caches (at most cacheEntries per cache).");
    out.push(line("camunda_authz_cache_entries", {}, issuer.stats.cacheEntries));
    family("process_resident_memory_bytes", "gauge", "Resident memory of the process.");
    out.push(line("process_resident_memory_bytes", {}, process.memoryUsage.rss()));
    return `${out.join("\n")}\n`;
  }
}
