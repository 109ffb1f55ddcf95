// The authorizations of a principal's owners (itself, its groups, roles and mapping rules), from
// two caches: one entry per owner, and one per owner type holding every authorization of that
// type. A type's entry is loaded when a principal has more than BATCH_OWNERS owners of it (a
// user in 5,000 groups costs the pages of the GROUP authorizations, not 5,000 searches), and
// used by every principal while it is fresh. A type with more authorizations than
// `maxSearchItems` falls back to one search per owner, at most 8 at a time.
import type { Authorization } from "../core/index.js";
import { ownerAuthorizations, typeAuthorizations } from "./authorizations.js";
import type { OwnerType } from "./authorizations.js";
import { TtlCache } from "./cache.js";
import type { CamundaClient } from "./client.js";
import type { IssueContext } from "./context.js";
import { limited } from "./directory.js";
import { isTooMany } from "./errors.js";
import type { Memberships } from "./memberships.js";

/** More owners of one type than this, and the type's authorizations are read at once. */
export const BATCH_OWNERS = 32;
/** Searches in flight for one issue. */
const CONCURRENCY = 8;

/** The principal's groups, roles and mapping rules, by owner type: the types it has any of. */
function ownersOf(m: Memberships): [OwnerType, readonly string[]][] {
  const all: [OwnerType, readonly string[]][] = [
    ["GROUP", m.groups],
    ["ROLE", m.roles],
    ["MAPPING_RULE", m.mappingRules],
  ];
  return all.filter(([, ids]) => ids.length > 0);
}

/** The owners' cache key of one owner. */
const ownerKey = (type: OwnerType, id: string) => `${type}\u0000${id}`;

export class OwnerAuthorizations {
  readonly #client: CamundaClient;
  readonly #resourceTypes: readonly string[] | undefined;
  readonly #owners: TtlCache<Authorization[]>;
  readonly #types: TtlCache<Map<string, Authorization[]>>;
  /** Owner types too large to read at once, until when. */
  readonly #tooLarge = new Map<OwnerType, number>();
  readonly #now: () => number;
  readonly #retryMs: number;

  constructor(client: CamundaClient, resourceTypes: readonly string[] | undefined, cacheMs: number, cacheEntries: number, now: () => number) {
    this.#client = client;
    this.#resourceTypes = resourceTypes;
    this.#owners = new TtlCache(cacheMs, now, cacheEntries, { refresh: true });
    this.#types = new TtlCache(cacheMs, now, 3, { refresh: true });
    this.#now = now;
    this.#retryMs = Math.max(cacheMs, 60_000);
  }

  #one(type: OwnerType, id: string, ctx: IssueContext): Promise<Authorization[]> {
    return this.#owners.get(ownerKey(type, id), (background) => ownerAuthorizations(this.#client, type, id, this.#resourceTypes, background ? undefined : ctx), () => (ctx.misses += 1));
  }

  /**
   * Starts reading one principal's own authorizations before `of()` asks for them (a guess of who
   * it is, usernames.ts); resolves a function that drops them again, unless they were held before
   * (the guess was wrong). A read it starts is this issue's miss, whoever the guess was.
   */
  prefetch(type: "USER" | "CLIENT", id: string, ctx: IssueContext): () => void {
    const key = ownerKey(type, id);
    const held = this.#owners.has(key);
    this.#one(type, id, ctx).catch(() => {}); // a failure is the issue's that asks for it, if any
    return held ? () => {} : () => this.#owners.forget(key);
  }

  #each(type: OwnerType, ids: readonly string[], ctx: IssueContext): Promise<Authorization[]> {
    return limited(CONCURRENCY, ids.map((id) => () => this.#one(type, id, ctx))).then((lists) => lists.flat());
  }

  /** The owners of one type through the type's entry, or one by one when it is too large. */
  async #batched(type: OwnerType, ids: readonly string[], entry: Promise<Map<string, Authorization[]>>, ctx: IssueContext): Promise<Authorization[]> {
    try {
      const byOwner = await entry;
      return ids.flatMap((id) => byOwner.get(id) ?? []);
    } catch (error) {
      if (!isTooMany(error)) throw error;
      this.#tooLarge.set(type, this.#now() + this.#retryMs);
      return this.#each(type, ids, ctx);
    }
  }

  async of(m: Memberships, ctx: IssueContext): Promise<Authorization[]> {
    const jobs: (() => Promise<Authorization[]>)[] = [() => this.#one(m.type, m.id, ctx)];
    for (const [type, ids] of ownersOf(m)) {
      // A fresh entry of the type serves every principal; a new one is loaded only for many owners.
      let entry: Promise<Map<string, Authorization[]>> | undefined;
      if (this.#types.peek(type) !== undefined || (ids.length > BATCH_OWNERS && !((this.#tooLarge.get(type) ?? 0) > this.#now()))) {
        entry = this.#types.get(type, (background) => typeAuthorizations(this.#client, type, this.#resourceTypes, background ? undefined : ctx), () => (ctx.misses += 1));
      }
      if (entry !== undefined) {
        const batch = entry;
        jobs.push(() => this.#batched(type, ids, batch, ctx));
      } else for (const id of ids) jobs.push(() => this.#one(type, id, ctx));
    }
    return (await limited(CONCURRENCY, jobs)).flat();
  }

  /** Drops what `of(m)` would read from the cache: the principal's own, its owners' and their types'. */
  forget(m: Memberships): void {
    this.#owners.forget(ownerKey(m.type, m.id));
    for (const [type, ids] of ownersOf(m)) {
      this.#types.forget(type);
      for (const id of ids) this.#owners.forget(ownerKey(type, id));
    }
  }

  get size(): number {
    return this.#owners.size + this.#types.size;
  }

  clear(): void {
    this.#owners.clear();
    this.#types.clear();
    this.#tooLarge.clear();
  }
}
