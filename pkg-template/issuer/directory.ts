// The cluster's identity entities as the service account sees them, for issuing without a user
// token: mapping rules, and every group, role and tenant with its members. One snapshot serves
// every principal until it expires, so a thousand users in three roles cost the same look-ups
// as one.
import { segment } from "./client.js";
import type { CamundaClient } from "./client.js";
import type { MappingRule } from "./claims.js";
import type { RequestContext } from "./context.js";
import { hasId, isMappingRule } from "./shapes.js";

/** Member types, as the REST API names its member searches (`/v2/groups/{id}/users/search`...). */
export type MemberKind = "users" | "clients" | "groups" | "roles" | "mapping-rules";

/** One group, role or tenant: its members by kind. */
export type Members = Partial<Record<MemberKind, ReadonlySet<string>>>;

export interface Directory {
  mappingRules: readonly MappingRule[];
  groups: ReadonlyMap<string, Members>;
  roles: ReadonlyMap<string, Members>;
  /** Empty unless tenants were asked for (multi-tenancy on). */
  tenants: ReadonlyMap<string, Members>;
}

const MEMBER_ID: Record<MemberKind, string> = { users: "username", clients: "clientId", groups: "groupId", roles: "roleId", "mapping-rules": "mappingRuleId" };

/** Which member searches each entity has (the cluster's REST API v2). */
const MEMBER_KINDS = {
  groups: ["users", "clients", "mapping-rules"],
  roles: ["users", "clients", "groups", "mapping-rules"],
  tenants: ["users", "clients", "groups", "roles", "mapping-rules"],
} as const satisfies Record<string, readonly MemberKind[]>;

const ENTITY_ID = { groups: "groupId", roles: "roleId", tenants: "tenantId" } as const;

/** Runs `tasks` with at most `limit` at a time; rejects with the first failure. */
export async function limited<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < tasks.length) {
      const i = next++;
      const task = tasks[i];
      if (task === undefined) return;
      try {
        results[i] = await task();
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

async function entities(client: CamundaClient, kind: keyof typeof MEMBER_KINDS, concurrency: number, call: RequestContext | undefined): Promise<Map<string, Members>> {
  const idKey = ENTITY_ID[kind];
  const list = await client.searchAll(`/v2/${kind}/search`, undefined, hasId(idKey), kind.slice(0, -1), call);
  const jobs: (() => Promise<void>)[] = [];
  const result = new Map<string, Members>();
  for (const entity of list) {
    const id = entity[idKey];
    const path = `/v2/${kind}/${segment(id, `the cluster has ${kind === "groups" ? "a group" : kind === "roles" ? "a role" : "a tenant"}`)}`;
    const members: Members = {};
    result.set(id, members);
    for (const memberKind of MEMBER_KINDS[kind]) {
      const memberId = MEMBER_ID[memberKind];
      jobs.push(async () => {
        const items = await client.searchAll(`${path}/${memberKind}/search`, undefined, hasId(memberId), `a ${memberId}`, call);
        members[memberKind] = new Set(items.map((m) => m[memberId] as string));
      });
    }
  }
  await limited(concurrency, jobs);
  return result;
}

export async function loadMappingRules(client: CamundaClient, call?: RequestContext): Promise<MappingRule[]> {
  const rules = await client.searchAll("/v2/mapping-rules/search", undefined, isMappingRule, "a mapping rule", call);
  return rules.map(({ mappingRuleId, claimName, claimValue }) => ({ mappingRuleId, claimName, claimValue }));
}

/** The directory; without `mappingRules` (a BASIC cluster resolves none) they are not read. */
export async function loadDirectory(client: CamundaClient, options: { tenants: boolean; mappingRules: boolean; concurrency: number; call?: RequestContext }): Promise<Directory> {
  const [mappingRules, groups, roles, tenants] = await Promise.all([
    options.mappingRules ? loadMappingRules(client, options.call) : Promise.resolve([]),
    entities(client, "groups", options.concurrency, options.call),
    entities(client, "roles", options.concurrency, options.call),
    options.tenants ? entities(client, "tenants", options.concurrency, options.call) : Promise.resolve(new Map<string, Members>()),
  ]);
  return { mappingRules, groups, roles, tenants };
}
