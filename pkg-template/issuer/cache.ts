// A TTL cache with single flight, bounded by entries: concurrent callers of one key share one
// load, a value is kept for `ttlMs`, a failure is never kept (the next caller tries again), and
// at most `max` entries are held: beyond it the oldest goes first. Every entry lives `ttlMs` from
// when it settled, so the Map's insertion order is also the order in which entries expire, and
// both expiry and eviction take entries from the front: each `get` costs O(1), however full.
//
// With `refresh`, a value asked for in the last quarter of its life is still answered, and
// loaded again in the background (once): an entry many callers share (a role's authorizations,
// the mapping rules) is renewed before it expires instead of making whoever comes first after
// its expiry, and everyone who joins them, wait a round trip. No value is ever older than
// `ttlMs`: the old one stays only until its own expiry if the reload fails.

/** A load: `background` when it renews a value still answered (it is nobody's request then). */
export type Load<V> = (background: boolean) => Promise<V>;

interface Entry<V> {
  value: Promise<V>;
  /** Settled, or Infinity while loading. */
  until: number;
  refreshing?: boolean;
}

export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #max: number;
  readonly #refresh: boolean;

  constructor(ttlMs: number, now: () => number, max: number, options: { refresh?: boolean } = {}) {
    this.#ttlMs = ttlMs;
    this.#now = now;
    this.#max = max;
    this.#refresh = options.refresh ?? false;
  }

  /** The value for `key`, loaded when absent or expired; `onMiss` is called unless it was there and settled. */
  get(key: string, load: Load<V>, onMiss?: () => void): Promise<V> {
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && now < hit.until) {
      if (hit.until === Number.POSITIVE_INFINITY) onMiss?.(); // still loading: shared, but not cached
      else if (this.#refresh && !hit.refreshing && hit.until - now < this.#ttlMs / 4) this.#renew(key, hit, load);
      return hit.value;
    }
    onMiss?.();
    if (hit) this.#entries.delete(key);
    return this.#load(key, load, now);
  }

  #load(key: string, load: Load<V>, now: number): Promise<V> {
    this.#expire(now);
    while (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    // Until it settles the entry never expires, so concurrent callers share it.
    const entry: Entry<V> = { value: load(false), until: Number.POSITIVE_INFINITY };
    this.#entries.set(key, entry);
    entry.value.then(
      () => this.#settle(key, entry, entry.value),
      () => this.#entries.get(key) === entry && this.#entries.delete(key),
    );
    return entry.value;
  }

  /** Loads `key` again while `hit` is still answered; the new value replaces it once it settles. */
  #renew(key: string, hit: Entry<V>, load: Load<V>): void {
    hit.refreshing = true;
    const value = load(true);
    value.then(
      () => this.#settle(key, hit, value),
      () => (hit.refreshing = false),
    );
  }

  /** `entry` (still the one held for `key`) gets `value`, and its time from now, at the end of the order. */
  #settle(key: string, entry: Entry<V>, value: Promise<V>): void {
    if (this.#entries.get(key) !== entry) return;
    this.#entries.delete(key);
    if (this.#ttlMs > 0) this.#entries.set(key, { value, until: this.#now() + this.#ttlMs });
  }

  /** A settled, unexpired value, or undefined (never loads). */
  peek(key: string): Promise<V> | undefined {
    const hit = this.#entries.get(key);
    return hit && hit.until !== Number.POSITIVE_INFINITY && this.#now() < hit.until ? hit.value : undefined;
  }

  /** Whether `key` is held and unexpired: settled, or loading. */
  has(key: string): boolean {
    const hit = this.#entries.get(key);
    return hit !== undefined && this.#now() < hit.until;
  }

  /** Drops `key` (the next `get` loads it). */
  forget(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Drops expired entries from the front (loads in flight there stop it: they have not started their time). */
  #expire(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.until > now) break;
      this.#entries.delete(key);
    }
  }
}
