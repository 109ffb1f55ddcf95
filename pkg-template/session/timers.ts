// Time for a grant session: a clock and one-shot timers, both injectable so tests drive them.

/** Timers as the platform has them; tests pass fakes. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The longest delay `setTimeout` keeps (about 24.8 days); longer ones fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * The platform's timers. In Node.js they do not keep the process alive (a forgotten session
 * does not hang a script); `close()` the session to stop them.
 */
export function platformTimers(): Timers {
  return {
    setTimeout(callback, ms) {
      const handle = globalThis.setTimeout(callback, Math.min(Math.max(0, ms), MAX_DELAY_MS)) as unknown;
      (handle as { unref?: () => void }).unref?.();
      return handle;
    },
    clearTimeout(handle) {
      globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
    },
  };
}

/** One pending callback at a time: `set` replaces the previous one. */
export class Timer {
  #timers: Timers;
  #handle: unknown = undefined;
  #pending = false;

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  set(ms: number, callback: () => void): void {
    this.clear();
    this.#pending = true;
    this.#handle = this.#timers.setTimeout(() => {
      this.#pending = false;
      callback();
    }, Math.min(Math.max(0, ms), MAX_DELAY_MS));
  }

  clear(): void {
    if (this.#pending) this.#timers.clearTimeout(this.#handle);
    this.#pending = false;
    this.#handle = undefined;
  }

  get pending(): boolean {
    return this.#pending;
  }
}
