// The session's listeners: `subscribe`'s and `on`'s. A listener that throws never stops the others
// and never ends the program: its error goes to the `error` listeners, or, when there are none, to
// the page's `reportError` (window.onerror, the console, error monitors) in a browser and to
// `console.error` elsewhere (in Node.js an uncaught error would end the process).

import { AuthzError } from "../core/index.js";
import type { GrantSessionEvents } from "./types.js";

type Listener<T> = (value: T) => void;

/** Reports a listener's error where nothing is stopped by it. */
function reportUnheard(error: unknown): void {
  const g = globalThis as { document?: unknown; reportError?: (error: unknown) => void; console?: { error(...args: unknown[]): void } };
  try {
    if (g.document !== undefined && typeof g.reportError === "function") g.reportError(error);
    else g.console?.error("camunda-authz: a grant session listener threw:", error);
  } catch {
    // Nowhere left to report it; the session goes on.
  }
}

/** The listeners of one session. */
export class Listeners<State> {
  #state = new Set<Listener<State>>();
  #events: { [E in keyof GrantSessionEvents]: Set<Listener<GrantSessionEvents[E]>> } = { disagreement: new Set(), error: new Set() };
  #closed = false;

  /** Adds a state listener; the function returned removes it. */
  subscribe(listener: Listener<State>): () => void {
    return this.#add(this.#state, listener, "subscribe");
  }

  on<E extends keyof GrantSessionEvents>(event: E, listener: Listener<GrantSessionEvents[E]>): () => void {
    if (event !== "disagreement" && event !== "error") throw new AuthzError("ERR_ARGUMENT_INVALID", `a grant session's events are \`disagreement\` and \`error\`, not \`${String(event)}\``);
    return this.#add(this.#events[event] as Set<Listener<GrantSessionEvents[E]>>, listener, "on");
  }

  #add<T>(set: Set<Listener<T>>, listener: Listener<T>, method: string): () => void {
    if (typeof listener !== "function") throw new AuthzError("ERR_ARGUMENT_INVALID", `${method} takes a function`);
    // A wrapper of its own, so that the same function added twice is removed once per `off`.
    const entry: Listener<T> = (value) => listener(value);
    if (!this.#closed) set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emitState(state: State): void {
    this.#call(this.#state, state);
  }

  emit<E extends keyof GrantSessionEvents>(event: E, value: GrantSessionEvents[E]): void {
    this.#call(this.#events[event] as Set<Listener<GrantSessionEvents[E]>>, value);
  }

  #call<T>(set: Set<Listener<T>>, value: T): void {
    for (const listener of [...set]) {
      try {
        listener(value);
      } catch (error) {
        this.#failed(error, set === (this.#events.error as Set<unknown>));
      }
    }
  }

  /** A listener threw: to the `error` listeners (unless it was one of them), else reported where it stops nothing. */
  #failed(error: unknown, fromErrorListener: boolean): void {
    if (fromErrorListener || this.#events.error.size === 0) reportUnheard(error);
    else this.emit("error", error);
  }

  close(): void {
    this.#closed = true;
    this.#state.clear();
    for (const set of Object.values(this.#events)) set.clear();
  }
}
