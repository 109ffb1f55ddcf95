// A TTL cache with single flight, bounded by entries: concurrent callers of one key share one
// load, a value is kept for `ttlMs`, a failure is never kept (the next caller tries again), and
// at most `max` entries are held: beyond it the oldest goes first. Every entry lives `ttlMs` from
// when it settled, so the Map's insertion order is also the order in which entries expire, and
// both expiry and eviction take entries from the front: each `get` costs O(1), however full.

export class TtlCache<V> {
  readonly #entries = new Map<string, { value: Promise<V>; until: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #max: number;

  constructor(ttlMs: number, now: () => number, max: number) {
    this.#ttlMs = ttlMs;
    this.#now = now;
    this.#max = max;
  }

  /** The value for `key`, loaded when absent or expired; `onMiss` is called unless it was there and settled. */
  get(key: string, load: () => Promise<V>, onMiss?: () => void): Promise<V> {
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && now < hit.until) {
      if (hit.until === Number.POSITIVE_INFINITY) onMiss?.(); // still loading: shared, but not cached
      return hit.value;
    }
    onMiss?.();
    if (hit) this.#entries.delete(key);
    this.#expire(now);
    while (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    // Until it settles the entry never expires, so concurrent callers share it.
    const entry = { value: load(), until: Number.POSITIVE_INFINITY };
    this.#entries.set(key, entry);
    entry.value.then(
      () => {
        if (this.#entries.get(key) !== entry) return;
        // Re-inserted at the end, in the order entries expire.
        this.#entries.delete(key);
        if (this.#ttlMs > 0) this.#entries.set(key, { value: entry.value, until: this.#now() + this.#ttlMs });
      },
      () => this.#entries.get(key) === entry && this.#entries.delete(key),
    );
    return entry.value;
  }

  /** A settled, unexpired value, or undefined (never loads). */
  peek(key: string): Promise<V> | undefined {
    const hit = this.#entries.get(key);
    return hit && hit.until !== Number.POSITIVE_INFINITY && this.#now() < hit.until ? hit.value : undefined;
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
