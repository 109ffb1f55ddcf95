// When a sleeping tab comes back: the page becomes visible again, or the network returns. One
// small subscribable object (as TanStack Query's focusManager and onlineManager), looked up when
// a session starts, never at import, so the module loads where there is no window or document.

/** Something that says "the page may have slept: check your grant set now". */
export interface WakeSource {
  /** Calls `onWake` on each wake-up; returns the function that stops it. */
  subscribe(onWake: () => void): () => void;
}

interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** `visibilitychange` to visible on `document` and `online` on `window`, where they exist. */
export function browserWake(): WakeSource {
  return {
    subscribe(onWake) {
      const g = globalThis as { document?: EventTargetLike & { visibilityState?: string }; window?: EventTargetLike };
      const doc = g.document;
      const win = g.window;
      const onVisibility = () => {
        if (doc?.visibilityState !== "hidden") onWake();
      };
      doc?.addEventListener("visibilitychange", onVisibility);
      win?.addEventListener("online", onWake);
      return () => {
        doc?.removeEventListener("visibilitychange", onVisibility);
        win?.removeEventListener("online", onWake);
      };
    },
  };
}
