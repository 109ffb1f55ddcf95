// A small TTL cache with single flight: concurrent callers of one key share one load, a value is
// kept for `ttlMs`, and a failure is never kept (the next caller tries again).

export class TtlCache<V> {
  readonly #entries = new Map<string, { value: Promise<V>; until: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #max: number;

  constructor(ttlMs: number, now: () => number, max = 10_000) {
    this.#ttlMs = ttlMs;
    this.#now = now;
    this.#max = max;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && now < hit.until) return hit.value;
    if (this.#entries.size >= this.#max) this.#sweep(now);
    // Until it settles the entry never expires, so concurrent callers share it.
    const entry = { value: load(), until: Number.POSITIVE_INFINITY };
    this.#entries.set(key, entry);
    entry.value.then(
      () => (entry.until = this.#now() + this.#ttlMs),
      () => this.#entries.get(key) === entry && this.#entries.delete(key),
    );
    return entry.value;
  }

  clear(): void {
    this.#entries.clear();
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(key);
    // Still full: drop the oldest entries (a Map iterates in insertion order).
    for (const key of this.#entries.keys()) {
      if (this.#entries.size < this.#max) break;
      this.#entries.delete(key);
    }
  }
}
