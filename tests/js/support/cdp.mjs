// Headless Chromium driven over the DevTools protocol directly, on a pipe (`--remote-debugging-pipe`:
// JSON messages, each ended by a NUL byte, written to descriptor 3 and read from 4). For what
// Playwright will not do: it keeps every page it drives "visible" on purpose, so a tab switch
// there never fires `visibilitychange`. Here tabs are real tabs of one window, and switching
// between them hides and shows a page as a browser does.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * Starts Chromium with one tab; resolves `{ send, evaluate, newTab, activate, closeTab, pageErrors, close }`.
 * `send(method, params, sessionId?)` resolves a command's result (rejects with its error);
 * `evaluate(expression)` runs in the first tab and resolves its value (awaiting a promise).
 */
export async function startChromium() {
  const profile = mkdtempSync(join(tmpdir(), "camunda-authz-cdp-"));
  // Its own process group, so that close() ends Chromium's helper processes too (they keep
  // writing into the profile after the browser process is gone).
  const child = spawn("/usr/bin/chromium", [...FLAGS, `--user-data-dir=${profile}`, "--remote-debugging-pipe", "about:blank"], {
    stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  const out = child.stdio[3];
  const pending = new Map();
  const listeners = new Set();
  let nextId = 0;
  let buffer = "";
  child.stdio[4].setEncoding("utf8").on("data", (chunk) => {
    const parts = (buffer + chunk).split("\0");
    buffer = parts.pop();
    for (const part of parts) {
      const msg = JSON.parse(part);
      if (msg.id !== undefined && pending.has(msg.id)) {
        const { resolve, reject } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) reject(new Error(`${msg.error.message} (${msg.error.code})`));
        else resolve(msg.result);
      } else {
        for (const listener of listeners) listener(msg);
      }
    }
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const send = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      out.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  const { targetInfos } = await send("Target.getTargets");
  const first = targetInfos.find((t) => t.type === "page");
  if (!first) throw new Error(`Chromium opened no tab:\n${stderr}`);
  const { sessionId } = await send("Target.attachToTarget", { targetId: first.targetId, flatten: true });
  const pageErrors = [];
  listeners.add((msg) => {
    if (msg.sessionId === sessionId && msg.method === "Runtime.exceptionThrown") pageErrors.push(msg.params.exceptionDetails?.exception?.description ?? msg.params.exceptionDetails?.text);
  });
  await send("Runtime.enable", {}, sessionId);
  await send("Page.enable", {}, sessionId);

  return {
    send,
    sessionId,
    pageErrors,
    /** Loads `url` in the first tab and waits for its load event. */
    async goto(url) {
      const loaded = new Promise((resolve) => {
        const on = (msg) => {
          if (msg.sessionId === sessionId && msg.method === "Page.loadEventFired") {
            listeners.delete(on);
            resolve();
          }
        };
        listeners.add(on);
      });
      await send("Page.navigate", { url }, sessionId);
      await loaded;
    },
    /** The value of `expression` in the first tab (a promise is awaited). */
    async evaluate(expression) {
      const r = await send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true }, sessionId);
      if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result.value;
    },
    /** Opens another tab in the same window, in front: the first tab becomes hidden. Resolves its target id. */
    async newTab() {
      return (await send("Target.createTarget", { url: "about:blank", newWindow: false })).targetId;
    },
    /** Brings the first tab to the front again. */
    activateFirst: () => send("Target.activateTarget", { targetId: first.targetId }),
    closeTab: (targetId) => send("Target.closeTarget", { targetId }),
    /** Takes the first tab's network away and gives it back, as the browser's offline mode does. */
    async setOffline(offline) {
      await send("Network.enable", {}, sessionId);
      await send("Network.emulateNetworkConditions", { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 }, sessionId);
    },
    async close() {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      await exited;
      // A scratch profile under the system's temporary folder: a failure to remove it must not
      // fail (or hang) the test that used it.
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      } catch {
        // left for the system's cleaning of its temporary folder
      }
    },
  };
}
