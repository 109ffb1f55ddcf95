// The demo Tasklist page. Everything that decides is camunda-authz, loaded as a browser app gets
// it through the package's browser entry (/pkg/browser/index.js, the browser build: one module
// and its .wasm):
//   verifyGrants(token, jwks, { issuer, audience })  the signed grant set, checked offline
//   new Authorizer(grants)                          then, locally and synchronously:
//   authz.filter(tasks, "search")                   which tasks you see
//   authz.explainButton(button, task)               Tasklist's buttons, as Tasklist shows them
//   authz.explain(operation, task)                  the admin extras, and why (`message` for people)
// The server (server.mjs) enforces the cluster's rules with the same package; actions.mjs is the
// shared list of buttons and the requests they send. The task feed is what a real
// deployment sends: the search response filtered for this grant set by the server's edge path;
// only "Show hidden tasks" reads the demo's separate unfiltered feed.

import init, { verifyGrants, inspectGrants, Authorizer, AuthzError, createGrantSession } from "/pkg/browser/index.js";
import { ACTIONS, decide } from "/actions.mjs";
import { toast as showToast } from "/toasts.js";
import { describe as describeFocus, restore as restoreFocus, focusLost } from "/focus.js";
import { ownerOrigin } from "/owners.js";
import { h, replace, icon, initials, relative, clock, dateTime, reasonText, priorityOf } from "/dom.js";
import { tamper } from "/tamper.js";

const $ = (selector) => document.querySelector(selector);

const state = {
  config: null,
  jwks: null,
  persona: null, // persona id
  variant: "valid", // which grant set the server was asked for
  token: "", // the token the page last verified (or refused)
  grants: null, // VerifiedGrants, or null when refused
  authz: null, // Authorizer, or null when refused
  error: null, // { code, message } when refused
  decoded: null, // inspectGrants(token) (unverified), for the panel
  tasks: [], // the feed for this grant set, shaped like /v2/user-tasks/search items
  allTasks: null, // the demo's unfiltered feed, fetched only while "Show hidden tasks" is on
  unreachable: null, // { since: Date, what } while the server cannot be reached
  session: null, // the persona's GrantSession; null while a hand-made token is in use
  sessionState: null, // its last state
  tab: "open",
  showHidden: false,
  showDenied: false,
  expanded: new Set(), // task keys whose explanation is open
  log: [],
};

// --- Formatting -----------------------------------------------------------------------------

const userName = (id) => state.config?.users.find((u) => u.username === id)?.name ?? state.config?.clients.find((c) => c.clientId === id)?.name ?? id;
const groupName = (id) => state.config?.groups.find((g) => g.groupId === id)?.name ?? id;
const tenantName = (id) => state.config?.tenants.find((t) => t.tenantId === id)?.name ?? id;
// --- Talking to the server ------------------------------------------------------------------

/** The server could not be reached at all (not an HTTP error: no answer). */
class Unreachable extends Error {}

async function request(url, options) {
  try {
    return await fetch(url, options);
  } catch (error) {
    throw new Unreachable(`the server is unreachable (${error?.message ?? error})`);
  }
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function getJSON(url, options) {
  const res = await request(url, options);
  if (!res.ok) {
    await res.text().catch(() => "");
    throw new HttpError(res.status, `${options?.method ?? "GET"} ${url}: HTTP ${res.status}`);
  }
  return res.json();
}

const SEARCH = JSON.stringify({ sort: [{ field: "creationDate", order: "DESC" }], page: { from: 0, limit: 1000 } });

/**
 * The feed for the current grant set (and the unfiltered demo feed while hidden tasks are shown).
 * A 401 means the server no longer accepts this grant set (it restarted with a new key): the
 * session renews it once and the feed is asked again.
 */
async function fetchTasks() {
  if (!state.authz) return; // no verified grant set: nothing to ask for, nothing to show
  const search = (url, headers = {}) => getJSON(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: SEARCH });
  const mine = () => search(state.config.feeds.tasks, { authorization: `Bearer ${state.token}` });
  const [own, all] = await Promise.all([
    mine().catch(async (error) => {
      if (!(error instanceof HttpError && error.status === 401 && state.session)) throw error;
      await renewRefused();
      return mine();
    }),
    state.showHidden ? search(state.config.feeds.unfiltered) : null,
  ]);
  state.tasks = own.items;
  state.allTasks = all?.items ?? null;
  serverBack();
}

// --- Reachability ---------------------------------------------------------------------------

let probe = null;

/** Notes that the server did not answer; the page keeps what it last verified and tries again. */
function serverDown(error, what) {
  state.unreachable = { since: state.unreachable?.since ?? new Date(), what, message: error.message };
  document.body.dataset.server = "unreachable";
  clearTimeout(probe);
  probe = setTimeout(() => run(null, reconnect), 5000);
  render();
}

function serverBack() {
  if (!state.unreachable) return;
  state.unreachable = null;
  clearTimeout(probe);
  document.body.dataset.server = "ok";
}

/** One try at the server: renew the grant set (the server may have a new key) and reload the feed. */
async function reconnect() {
  try {
    if (state.session) await state.session.refresh();
    else await getJSON("/api/config");
    await fetchTasks();
  } catch (error) {
    if (unavailable(error)) return serverDown(error, state.unreachable?.what ?? "reach it");
    serverBack(); // it answered; what it said is the session's to handle (it retries by itself)
  }
  render();
}

const unavailable = (error) => error instanceof Unreachable || error?.code === "ERR_GRANTS_UNAVAILABLE" || error?.code === "ERR_JWKS_UNAVAILABLE";

// --- Grant sets -----------------------------------------------------------------------------
// A persona's grant set lives in a grant session (createGrantSession): verified against the
// server's JWKS (fetched again when a token names a key it does not hold, as after a restart),
// renewed a minute before it expires, kept while a renewal fails and it is still valid, and
// failed closed once it has expired. The "Try to break it" tokens are verified by hand instead
// (verifyGrants), and are never renewed.

/** A grant set from the server for a persona (`variant` makes it deliberately bad, for the demo). */
async function fetchToken(personaId, variant) {
  const { token } = await getJSON(`/api/grants?persona=${encodeURIComponent(personaId)}&variant=${encodeURIComponent(variant)}`);
  return token;
}

const fetchJwks = () => getJSON(state.config.jwksUri, { cache: "no-store" });

function verifyOptions() {
  return { issuer: state.config.issuer, audience: state.config.audience, clockTolerance: state.config.clockTolerance };
}

const JWKS_COOLDOWN = 5; // seconds; a restarted demo server has a new key: look for it again soon

/**
 * The server refused the grant set in use (401: it restarted with a new key): renew it, waiting
 * out the key-set cool-down once when the new key cannot be fetched yet.
 */
async function renewRefused() {
  try {
    await state.session.refresh();
  } catch (error) {
    if (error?.code !== "ERR_GRANTS_KEY_NOT_FOUND") throw error;
    await new Promise((resolve) => setTimeout(resolve, JWKS_COOLDOWN * 1000 + 250));
    await state.session.refresh();
  }
  fromSession();
}

/** A session for `personaId`, with the tokens it fetched by `jti` (the session keeps only what they say). */
function sessionFor(personaId) {
  const tokens = new Map();
  const session = createGrantSession({
    fetchGrants: async () => {
      const token = await fetchToken(personaId, "valid");
      tokens.set(inspectGrants(token).payload.jti, token);
      if (tokens.size > 4) tokens.delete(tokens.keys().next().value);
      return token;
    },
    fetchJwks,
    ...verifyOptions(),
    refreshBefore: 60,
    jwksCooldown: JWKS_COOLDOWN,
    retry: { initialDelay: 2, maxDelay: 30 },
  });
  session.tokenOf = (grants) => tokens.get(grants?.payload.jti) ?? "";
  return session;
}

/**
 * Signs in as `personaId` with a fresh session. When the server does not answer, nothing
 * changes: the page keeps the last verified user and grant set, puts the picker back, and says
 * the server is unreachable.
 */
async function signIn(personaId) {
  const session = sessionFor(personaId);
  try {
    await session.ready;
  } catch (error) {
    if (unavailable(error)) {
      session.close();
      $("#persona").value = state.persona ?? personaId;
      if (state.persona) history.replaceState(null, "", `#${state.persona}`);
      return serverDown(error, `switch to ${personaName(personaId)}`);
    }
    // Refused (not unreachable): show the refusal, fail closed; the session keeps trying.
  }
  state.session?.close();
  state.session = session;
  state.persona = personaId;
  state.variant = "valid";
  state.expanded.clear();
  $("#persona").value = personaId;
  fromSession();
  session.subscribe(() => run(null, onSessionChange(session)));
  try {
    await fetchTasks();
  } catch (error) {
    if (!unavailable(error)) throw error;
    return serverDown(error, "load your tasks");
  }
  serverBack();
  render();
}

/** Takes the session's current grant set (or its refusal) into the page's state. */
function fromSession() {
  const session = state.session;
  const st = session.state;
  const grants = session.grants;
  state.sessionState = st;
  if (st.status === "verified" && grants) {
    const token = session.tokenOf(grants);
    state.token = token;
    state.decoded = token ? inspectGrants(token) : { header: grants.header, payload: grants.payload };
    state.grants = grants;
    state.authz = session.authorizer;
    state.error = null;
  } else {
    state.grants = null;
    state.authz = null;
    state.tasks = [];
    state.allTasks = null;
    state.error = { code: st.code ?? "ERR_GRANTS_UNAVAILABLE", message: st.message ?? "no grant set yet" };
  }
  $("#token").value = state.token;
}

/** A renewal, a failed renewal or an expiry: follow it, and reload the feed for a new grant set. */
function onSessionChange(session) {
  return async () => {
    if (session !== state.session) return;
    const before = state.grants;
    fromSession();
    const failure = state.sessionState.lastError;
    if (failure && unavailable(failure)) return serverDown(failure, "renew your grant set");
    if (state.grants && state.grants !== before) await fetchTasks();
    render();
  };
}

const personaName = (id) => state.config.personas.find((p) => p.id === id)?.name ?? id;

/** Uses a token by hand (a bad variant, an edited or tampered one): no session, no renewal. */
async function useToken(token, variant) {
  state.session?.close();
  state.session = null;
  state.sessionState = null;
  state.variant = variant;
  await accept(token);
  await fetchTasks();
  render();
}

function verify(token) {
  return verifyGrants(token, state.jwks, verifyOptions());
}

/** Verifies `token` with the package against the server's current JWKS; on failure the page shows nothing (fail closed). */
async function accept(token) {
  state.token = token;
  $("#token").value = token;
  try {
    state.decoded = inspectGrants(token);
  } catch {
    state.decoded = null;
  }
  state.jwks = await fetchJwks();
  try {
    state.grants = verify(token);
    state.authz = new Authorizer(state.grants);
    state.error = null;
  } catch (error) {
    state.grants = null;
    state.authz = null;
    state.tasks = [];
    state.allTasks = null;
    state.error = error instanceof AuthzError ? { code: error.code, message: error.message } : { code: "ERR_UNEXPECTED", message: String(error?.message ?? error) };
  }
}

// --- Actions --------------------------------------------------------------------------------

function dialogResult(dialog) {
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
  });
}

async function requestOf(action, task) {
  const key = task.userTaskKey;
  const me = (state.grants?.payload ?? state.decoded?.payload)?.principal?.id ?? "";
  switch (action.id) {
    case "claim":
      return { method: "POST", path: `/v2/user-tasks/${key}/assignment`, body: { assignee: me, allowOverride: false, action: "claim" } };
    case "unassign":
      return { method: "DELETE", path: `/v2/user-tasks/${key}/assignee` };
    case "complete":
      return { method: "POST", path: `/v2/user-tasks/${key}/completion`, body: { variables: {}, action: "complete" } };
    case "assign": {
      const select = $("#assign-user");
      const people = state.config.users.map((u) => h("option", { value: u.username }, `${u.name} (${u.username})`));
      replace(select, people);
      select.value = task.assignee && task.assignee !== me ? me || state.config.users[0].username : state.config.users.find((u) => u.username !== me)?.username;
      replace($("#assign-task-name"), `${task.name} · ${task.processName}`);
      if ((await dialogResult($("#assign-dialog"))) !== "ok") return null;
      return { method: "POST", path: `/v2/user-tasks/${key}/assignment`, body: { assignee: select.value, allowOverride: true, action: "assign" } };
    }
    case "update": {
      $("#update-priority").value = String(task.priority ?? 50);
      const due = task.dueDate ? new Date(task.dueDate) : null;
      $("#update-due").value = due ? new Date(due.getTime() - due.getTimezoneOffset() * 60e3).toISOString().slice(0, 16) : "";
      replace($("#update-task-name"), `${task.name} · ${task.processName}`);
      if ((await dialogResult($("#update-dialog"))) !== "ok") return null;
      const dueValue = $("#update-due").value;
      return {
        method: "PATCH",
        path: `/v2/user-tasks/${key}`,
        body: { changeset: { priority: Number($("#update-priority").value), dueDate: dueValue ? new Date(dueValue).toISOString() : null }, action: "update" },
      };
    }
    default:
      return null;
  }
}

async function perform(action, task, forced) {
  const call = await requestOf(action, task);
  if (!call) return;
  const local = state.authz ? decide(state.authz, action, task).why : null;
  const send = () =>
    request(call.path, {
      method: call.method,
      headers: { authorization: `Bearer ${state.token}`, ...(call.body ? { "content-type": "application/json" } : {}) },
      body: call.body ? JSON.stringify(call.body) : undefined,
    });
  let res = await send();
  if (res.status === 401 && state.session) {
    await res.text(); // done with this answer
    await renewRefused();
    res = await send();
  }
  const text = await res.text(); // read to the end, even when empty, so the request completes
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const entry = {
    at: new Date(),
    status: res.status,
    method: call.method,
    path: call.path,
    action: action.id,
    label: action.label,
    task: task.name,
    key: task.userTaskKey,
    forced,
    detail: body?.detail ?? null,
    code: body?.explanation?.code ?? body?.code ?? null,
    local,
  };
  state.log.unshift(entry);
  if (state.log.length > 30) state.log.length = 30;
  if (res.ok) {
    toast("ok", `${action.label}: done`, `“${task.name}” · the server answered ${res.status}.`);
    await fetchTasks();
  } else if (res.status === 403) {
    toast("error", `403: the server refused ${action.label}`, [reasonText(body?.explanation?.reason ?? body?.detail ?? ""), `. The page agreed: it did not offer this action (${local?.code ?? "denied"}).`]);
  } else {
    toast("error", `${res.status} ${body?.title ?? ""}`.trim(), body?.detail ?? "");
  }
  render();
}

// --- Rendering ------------------------------------------------------------------------------

function payloadShown() {
  return state.grants ? state.grants.payload : state.decoded?.payload ?? null;
}

// A control in the task list that should get focus back after the next render (set by `run`
// when a task's button starts an action, since the render replaces that button).
let focusAfter = null;

function render() {
  const list = $("#task-list");
  const wanted = focusAfter ?? describeFocus(document.activeElement, list);
  renderStatus();
  renderWho();
  renderGrants();
  renderTasks();
  renderLog();
  renderReachability();
  if (wanted && focusLost()) restoreFocus(wanted, list);
  document.body.dataset.persona = state.persona ?? "";
  document.body.dataset.status = state.authz ? "verified" : "refused";
}

function renderReachability() {
  const u = state.unreachable;
  const banner = $("#banner");
  if (!u) {
    if (banner.dataset.kind === "unreachable") banner.hidden = true;
    return;
  }
  banner.hidden = false;
  banner.dataset.kind = "unreachable";
  const who = personaName(state.persona);
  replace(
    banner,
    h("strong", {}, "The server is unreachable. "),
    `Could not ${u.what}. `,
    state.authz
      ? `Still signed in as ${who} with the last verified grant set (${validity(state.grants.payload.exp)}); the page keeps deciding with it and retries every few seconds.`
      : `Still showing ${who}; nothing is decided without a verified grant set. The page retries every few seconds.`,
  );
}

function renderStatus() {
  const pill = $("#grant-pill");
  const badge = $("#verify-status");
  const result = $("#verify-result");
  if (state.authz) {
    pill.className = "pill pill-ok";
    badge.dataset.state = "ok";
    badge.removeAttribute("data-code");
    replace(badge, icon("check"), "verified");
    result.hidden = false;
    result.className = "verify-result ok";
    result.dataset.code = "";
    replace(
      result,
      h("strong", {}, icon("check"), " Verified"),
      h("span", {}, ` Ed25519 signature by key `, h("code", {}, state.grants.header.kid), `, issuer and audience `, h("code", {}, state.config.audience), ` checked, not expired.`),
    );
  } else {
    pill.className = "pill pill-error";
    badge.dataset.state = "error";
    badge.dataset.code = state.error?.code ?? "";
    replace(badge, icon("cross"), state.error?.code ?? "refused");
    result.hidden = false;
    result.className = "verify-result error";
    result.dataset.code = state.error?.code ?? "";
    replace(
      result,
      h("strong", { class: "error-code", "data-testid": "error-code" }, icon("cross"), ` ${state.error?.code}`),
      h("span", {}, ` ${state.error?.message ?? ""}.`),
      h("span", { class: "fail-closed" }, " The page refuses the grant set and shows no tasks (fail closed)."),
    );
  }
  tick();
}

function stillValid(token) {
  try {
    verify(token);
    return true;
  } catch {
    return false;
  }
}

/** "valid until 10:04:31", or, once `exp` is past (within the clock tolerance), "expired at 10:04:31". */
function validity(exp) {
  const at = new Date(exp * 1000).toLocaleTimeString();
  return exp * 1000 > Date.now() ? `valid until ${at}` : `expired at ${at}, still accepted within the clock tolerance`;
}

/** The pill's text, including the live countdown to `exp`. */
function tick() {
  const text = $("#grant-pill-text");
  if (state.authz) {
    const left = state.grants.payload.exp - Date.now() / 1000;
    if (state.session) state.session.state; // a read fails the session closed once expired (it then notifies)
    else if (left <= 0 && !stillValid(state.token)) {
      // Expired while open and past the clock tolerance: the package now refuses it.
      run(null, async () => {
        await accept(state.token);
        render();
      });
      return;
    }
    text.textContent = left > 0 ? `Verified · expires in ${clock(left)}` : "Verified · expired, within the clock tolerance";
    const exp = $("#exp-left");
    if (exp) exp.textContent = left > 0 ? `in ${clock(left)}` : `expired ${clock(-left)} ago`;
  } else {
    text.textContent = `Refused · ${state.error?.code ?? ""}`;
  }
  if (state.unreachable && state.authz) text.textContent += " · server unreachable";
  $("#grant-pill").dataset.server = state.unreachable ? "unreachable" : "ok";
}

function chips(list, cls = "chip", label = (x) => x) {
  if (!list?.length) return h("span", { class: "muted" }, "none");
  return list.map((x) => h("span", { class: cls, title: x }, label(x)));
}

function renderWho() {
  const persona = state.config.personas.find((p) => p.id === state.persona);
  const principal = payloadShown()?.principal ?? persona?.principal;
  const p = payloadShown();
  replace(
    $("#who"),
    h(
      "div",
      { class: "who-head" },
      h("span", { class: `avatar avatar-${persona?.id}` }, initials(persona?.name ?? "?")),
      h("div", {}, h("div", { class: "who-name" }, persona?.name), h("div", { class: "who-title" }, `${persona?.title} · ${principal?.type} `, h("code", {}, principal?.id))),
    ),
    h("p", { class: "who-summary" }, persona?.summary),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Groups"),
      h("dd", {}, chips(principal?.groups, "chip chip-group")),
      h("dt", {}, "Roles"),
      h("dd", {}, chips(principal?.roles, "chip chip-role")),
      h("dt", {}, "Tenants"),
      h("dd", {}, p?.multiTenancyEnabled === false && !principal?.tenants?.length ? h("span", { class: "muted" }, "not used (multi-tenancy off)") : chips(principal?.tenants, "chip chip-tenant")),
      h("dt", {}, "Mapping rules"),
      h("dd", {}, chips(principal?.mappingRules, "chip chip-rule")),
      h("dt", {}, "Cluster"),
      h(
        "dd",
        {},
        h("span", { class: "muted" }, persona?.cluster.name),
        " ",
        h("span", { class: `flag ${p?.authorizationsEnabled === false ? "flag-off" : "flag-on"}` }, `authorizations ${p?.authorizationsEnabled === false ? "off" : "on"}`),
        " ",
        h("span", { class: `flag ${p?.multiTenancyEnabled ? "flag-on" : "flag-off"}` }, `multi-tenancy ${p?.multiTenancyEnabled ? "on" : "off"}`),
      ),
    ),
  );
}

function describeAuthorization(a, principal) {
  const target = a.resourcePropertyName !== undefined ? h("span", {}, "by ", h("code", {}, a.resourcePropertyName)) : h("code", {}, a.resourceId);
  return h(
    "li",
    { class: "authorization", "data-owner-type": a.ownerType, "data-owner-id": a.ownerId },
    h("div", { class: "auth-line" }, h("span", { class: `owner owner-${String(a.ownerType).toLowerCase()}` }, a.ownerType), h("code", { class: "owner-id" }, a.ownerId)),
    h("div", { class: "auth-origin" }, reasonText(ownerOrigin(a, principal ?? {}, state.config))),
    h("div", { class: "auth-line" }, h("span", { class: "resource" }, a.resourceType), " ", target),
    h("div", { class: "perms" }, (a.permissionTypes ?? []).map((p) => h("span", { class: "perm" }, p))),
  );
}

function renderGrants() {
  const payload = payloadShown();
  const header = state.grants ? state.grants.header : state.decoded?.header;
  const claims = $("#claims");
  if (!payload) {
    replace(claims, h("dt", {}, "Token"), h("dd", {}, h("span", { class: "muted" }, "cannot be decoded")));
    replace($("#authorizations"));
    replace($("#auth-count"), "0");
    replace($("#payload-json"), "");
    return;
  }
  const aud = Array.isArray(payload.aud) ? payload.aud.join(", ") : payload.aud;
  const left = payload.exp - Date.now() / 1000;
  replace(
    claims,
    state.grants ? null : [h("dt", {}, "Warning"), h("dd", { class: "unverified" }, "UNVERIFIED: decoded with inspectGrants() for display only")],
    h("dt", {}, "Issuer"),
    h("dd", {}, h("code", {}, payload.iss)),
    h("dt", {}, "Audience"),
    h("dd", {}, h("code", {}, aud)),
    h("dt", {}, "Subject"),
    h("dd", {}, h("code", {}, payload.sub)),
    h("dt", {}, "Key"),
    h("dd", {}, h("code", {}, header?.kid), " ", h("span", { class: "muted" }, header?.alg)),
    h("dt", {}, "Issued"),
    h("dd", {}, payload.iat ? dateTime(payload.iat) : "–"),
    h("dt", {}, "Expires"),
    h(
      "dd",
      { id: "exp-row" },
      dateTime(payload.exp),
      " ",
      state.grants
        ? h("span", { class: "exp-left", id: "exp-left" }, `in ${clock(left)}`)
        : left > 0
          ? h("span", { class: "exp-refused" }, "(refused: no countdown for a grant set the page does not accept)")
          : h("span", { class: "exp-past" }, `${relative(new Date(payload.exp * 1000).toISOString()).text} ago`),
    ),
  );
  const list = payload.authorizations ?? [];
  replace($("#auth-count"), String(list.length));
  replace($("#authorizations"), list.map((a) => describeAuthorization(a, payload.principal)));
  replace(
    $("#issued-by"),
    "Issued by ",
    h("code", {}, "camunda-authz/issuer"),
    " from the demo's cluster (the Camunda stand-in at ",
    h("code", {}, state.config.cluster),
    ") as a real deployment reads an Orchestration Cluster: memberships, then each owner's authorizations.",
  );
  replace($("#payload-json"), JSON.stringify({ header, payload }, null, 2));
}

function stateTab(task) {
  return task.state === "COMPLETED" ? "completed" : "open";
}

function renderTasks() {
  const list = $("#task-list");
  const empty = $("#empty");
  for (const tab of document.querySelectorAll(".tab")) tab.setAttribute("aria-selected", String(tab.dataset.tab === state.tab));
  document.body.dataset.showHidden = String(state.showHidden);
  document.body.dataset.showDenied = String(state.showDenied);
  if (!state.authz) {
    replace(list);
    for (const id of ["#count-open", "#count-completed", "#count-all"]) replace($(id), "0");
    replace($("#stats"), "");
    empty.hidden = false;
    empty.dataset.code = state.error?.code ?? "";
    replace(
      empty,
      icon("lock", "icon big"),
      h("strong", {}, "Grant set refused: ", h("span", { class: "code" }, state.error?.code ?? "unknown")),
      h("span", { class: "empty-detail" }, `verifyGrants() says: ${state.error?.message ?? "no grant set"}.`),
      h("span", {}, "The page decides nothing from a grant set it cannot verify, so it shows no tasks (fail closed). Pick who you are, or press “Fresh valid one”."),
    );
    return;
  }
  const authz = state.authz;
  // The server's feed is already filtered for this grant set; filtering it again locally is the
  // page's own check (and a no-op when both agree). Hidden tasks come from the demo-only feed.
  const mine = authz.filter(state.tasks, "search");
  const visibleKeys = new Set(mine.map((t) => t.userTaskKey));
  const all = state.showHidden && state.allTasks ? state.allTasks : mine;
  const visible = new Set(all.filter((t) => visibleKeys.has(t.userTaskKey)));
  const inTab = (t) => state.tab === "all" || stateTab(t) === state.tab;
  replace($("#count-open"), String(mine.filter((t) => stateTab(t) === "open").length));
  replace($("#count-completed"), String(mine.filter((t) => stateTab(t) === "completed").length));
  replace($("#count-all"), String(mine.length));
  const hiddenCount = all.length - visible.size;
  replace(
    $("#stats"),
    state.allTasks && state.showHidden
      ? [h("strong", {}, `${mine.length} of ${all.length}`), " tasks visible to you; ", h("strong", {}, String(hiddenCount)), hiddenCount === 1 ? " is hidden by your grant set (from the demo's unfiltered feed)." : " are hidden by your grant set (from the demo's unfiltered feed)."]
      : [
          h("strong", {}, String(mine.length)),
          " tasks visible to you: the server's search response, filtered for your grant set at the edge (",
          h("code", {}, "filterSearchResponse"),
          "). ",
          h("button", { type: "button", class: "btn-link inline", onclick: () => setToggle("show-hidden", true) }, "Show the hidden ones"),
          ".",
        ],
  );
  const shown = all.filter((t) => inTab(t) && (visible.has(t) || state.showHidden));
  replace(
    list,
    shown.map((t) => (visible.has(t) ? taskCard(t, authz) : hiddenCard(t, authz))),
  );
  empty.hidden = shown.length > 0;
  empty.dataset.code = "";
  if (!shown.length) replace(empty, icon("check", "icon big"), h("strong", {}, "Nothing here."), h("span", {}, state.tab === "open" ? "No open tasks you may see." : "No tasks in this view."));
}

function taskMeta(task) {
  const [prioCls, prioLabel] = priorityOf(task.priority ?? 50);
  const me = state.grants?.payload.principal.id;
  const due = task.dueDate ? relative(task.dueDate) : null;
  return [
    h(
      "div",
      { class: "task-title-row" },
      h("h3", { class: "task-name" }, task.name),
      task.state === "COMPLETED" ? h("span", { class: "badge badge-done" }, "Completed") : null,
      task.state === "CREATED" && due?.past ? h("span", { class: "badge badge-overdue" }, "Overdue") : null,
      h("span", { class: `prio prio-${prioCls}`, title: `priority ${task.priority}` }, prioLabel),
    ),
    h(
      "div",
      { class: "task-meta" },
      h("span", { class: "process" }, `${task.processName} v${task.processDefinitionVersion}`),
      h("span", { class: "tenant", title: `tenant ${task.tenantId}` }, tenantName(task.tenantId)),
      h("span", { class: "key" }, `#${task.userTaskKey}`),
    ),
    h(
      "div",
      { class: "task-people" },
      h(
        "span",
        { class: `assignee ${task.assignee ? "" : "unassigned"}`, "data-assignee": task.assignee ?? "" },
        icon("user"),
        task.assignee ? (task.assignee === me ? h("strong", {}, "Assigned to me") : userName(task.assignee)) : "Unassigned",
      ),
      task.candidateGroups.length || task.candidateUsers.length
        ? h(
            "span",
            { class: "candidates" },
            icon("users"),
            task.candidateGroups.map((g) => h("span", { class: "chip chip-group", title: `candidate group ${g}` }, groupName(g))),
            task.candidateUsers.map((u) => h("span", { class: "chip chip-user", title: `candidate user ${u}` }, userName(u))),
          )
        : null,
      h(
        "span",
        { class: "dates" },
        icon("clock"),
        task.state === "COMPLETED" && task.completionDate
          ? `Completed ${relative(task.completionDate).text} ago`
          : due
            ? due.past
              ? `Due ${due.text} ago`
              : `Due in ${due.text}`
            : `Created ${relative(task.creationDate).text} ago`,
      ),
    ),
  ];
}

function taskCard(task, authz) {
  const key = task.userTaskKey;
  const buttons = [];
  // Tasklist's buttons as the package answers them (authz.explainButton: the cluster's permission
  // and Tasklist's screen rule), then the admin extras (authz.explain); allowed ones first, then
  // (when asked for) the denied ones, each saying why.
  const shown = ACTIONS.map((action) => ({ action, ...decide(authz, action, task) })).filter((d) => d.shown);
  const primary = shown.find((d) => d.allowed && (d.action.id === "claim" || d.action.id === "complete"))?.action.id;
  for (const { action, allowed, why } of [...shown.filter((d) => d.allowed), ...shown.filter((d) => !d.allowed)]) {
    if (!allowed && !state.showDenied) continue;
    buttons.push(
      h(
        "button",
        {
          type: "button",
          class: `btn ${allowed ? (action.id === primary ? "btn-primary" : "btn-secondary") : "btn-denied"}`,
          "data-action": action.id,
          "data-allowed": String(allowed),
          title: allowed ? `${action.label} (allowed by your grant set)` : `Denied (${why.code}): ${why.message} Press to send it anyway and see the server's 403.`,
          onclick: (event) => run(event, () => perform(action, task, !allowed)),
        },
        allowed ? null : icon("lock"),
        action.label,
      ),
    );
  }
  const open = state.expanded.has(key);
  return h(
    "li",
    { class: `task ${task.state === "COMPLETED" ? "is-done" : ""}`, "data-task": key, "data-visibility": "visible", "data-state": task.state },
    h("div", { class: "task-body" }, taskMeta(task)),
    h(
      "div",
      { class: "task-actions" },
      buttons,
      !buttons.length && task.state === "CREATED" ? h("span", { class: "muted small" }, "View only") : null,
      h(
        "button",
        { type: "button", class: "btn btn-link why", "aria-expanded": String(open), "data-why": key, onclick: () => toggleWhy(key) },
        icon("info"),
        open ? "Hide why" : "Why?",
      ),
    ),
    open ? whyPanel(task, authz) : null,
  );
}

function hiddenCard(task, authz) {
  const why = authz.explain("search", task);
  const open = state.expanded.has(task.userTaskKey);
  return h(
    "li",
    { class: "task is-hidden", "data-task": task.userTaskKey, "data-visibility": "hidden", "data-state": task.state },
    h("div", { class: "task-body" }, taskMeta(task)),
    h(
      "div",
      { class: "task-actions" },
      h("span", { class: "hidden-tag" }, icon("eyeOff"), "Hidden from you"),
      h("button", { type: "button", class: "btn btn-link why", "aria-expanded": String(open), "data-why": task.userTaskKey, onclick: () => toggleWhy(task.userTaskKey) }, icon("info"), open ? "Hide why" : "Why?"),
    ),
    h("p", { class: "hidden-reason", "data-code": why.code }, h("span", { class: "code" }, why.code), " ", why.message),
    open ? whyPanel(task, authz) : null,
  );
}

function grantLine(grant) {
  if (!grant) return null;
  const target = grant.resourcePropertyName !== undefined ? `by ${grant.resourcePropertyName}` : grant.resourceId;
  return h(
    "div",
    { class: "grant-line" },
    "authorization ",
    h("code", {}, grant.authorizationKey ?? "–"),
    `: ${grant.ownerType} ${grant.ownerId} → ${grant.resourceType} ${target} [${(grant.permissionTypes ?? []).join(", ")}]`,
  );
}

function whyPanel(task, authz) {
  const rows = [{ id: "view", label: "See it", operation: "search" }, ...ACTIONS].map((action) => {
    const { shown, why: e } = action.id === "view" ? { shown: true, why: authz.explain("search", task) } : decide(authz, action, task);
    return h(
      "tr",
      { "data-op": action.operation, "data-allowed": String(e.allowed), "data-code": e.code },
      h("td", { class: "verdict" }, e.allowed ? h("span", { class: "yes" }, icon("check")) : h("span", { class: "no" }, icon("cross"))),
      h("th", { scope: "row" }, action.label, h("div", { class: "op" }, action.button ? `button ${action.button} · ${action.operation}` : action.operation)),
      h(
        "td",
        {},
        h("div", { class: "message" }, e.message),
        h("span", { class: `code ${e.allowed ? "code-ok" : ""}` }, e.code),
        e.refusedBy ? h("span", { class: "matched" }, ` refused by ${e.refusedBy === "screen" ? "Tasklist's screen rule" : "the permission"}`) : null,
        e.matchedBy ? h("span", { class: "matched" }, ` matched by ${e.matchedBy}`) : null,
        h("div", { class: "reason" }, reasonText(e.reason)),
        grantLine(e.grant),
        shown ? null : h("div", { class: "na" }, task.state !== "CREATED" ? `Not offered: the task is ${task.state.toLowerCase()}.` : "Not offered: Tasklist does not show it on this task."),
      ),
    );
  });
  return h(
    "div",
    { class: "why-panel", "data-why-panel": task.userTaskKey },
    h("table", {}, h("caption", {}, "authz.explain(operation, task), decided in your browser"), h("tbody", {}, rows)),
  );
}

function renderLog() {
  const log = $("#log");
  $("#log-empty").hidden = state.log.length > 0;
  replace(
    log,
    state.log.map((e) =>
      h(
        "li",
        { class: `log-entry ${e.status < 300 ? "ok" : "error"}`, "data-status": String(e.status), "data-action": e.action, "data-task": e.key },
        h("div", { class: "log-head" }, h("span", { class: "status" }, String(e.status)), h("span", { class: "log-what" }, `${e.label} · ${e.task}`), e.forced ? h("span", { class: "forced" }, "forced") : null),
        h("div", { class: "log-path" }, h("code", {}, `${e.method} ${e.path}`)),
        e.status === 403
          ? h("div", { class: "log-detail" }, "Server: ", h("span", { class: "code" }, e.code ?? "?"), " · page: ", h("span", { class: "code" }, e.local?.code ?? "?"), e.code === e.local?.code ? " (they agree)" : " (they differ!)")
          : e.detail
            ? h("div", { class: "log-detail" }, e.detail)
            : null,
      ),
    ),
  );
}

function toast(kind, title, text) {
  showToast($("#toasts"), kind, h("div", { class: "toast-body" }, icon(kind === "ok" ? "check" : "cross"), h("div", {}, h("strong", {}, title), h("div", { class: "toast-text" }, text))));
}

// --- Events ---------------------------------------------------------------------------------

function toggleWhy(key) {
  if (state.expanded.has(key)) state.expanded.delete(key);
  else state.expanded.add(key);
  const list = $("#task-list");
  const wanted = describeFocus(document.activeElement, list);
  renderTasks();
  if (wanted && focusLost()) restoreFocus(wanted, list);
}

function setToggle(id, value) {
  const input = $(`#${id}`);
  input.checked = value;
  input.dispatchEvent(new Event("change"));
}

/** Runs an event handler, reporting failures on the page instead of as uncaught errors. */
async function run(event, fn) {
  const button = event?.currentTarget;
  const list = $("#task-list");
  const own = describeFocus(button, list);
  if (own) focusAfter = own;
  if (button instanceof HTMLButtonElement) button.disabled = true;
  try {
    await fn();
  } catch (error) {
    if (error instanceof Unreachable) serverDown(error, "reach it");
    else toast("error", "Something went wrong", String(error?.message ?? error));
  } finally {
    if (button instanceof HTMLButtonElement && button.isConnected) button.disabled = false;
    if (own) {
      if (focusLost()) restoreFocus(own, list);
      focusAfter = null;
    }
  }
}

function showBanner(text) {
  const banner = $("#banner");
  banner.hidden = !text;
  banner.dataset.kind = "error";
  replace(banner, text ?? "");
}

function wire() {
  $("#persona").addEventListener("change", (e) => {
    const id = e.target.value;
    history.replaceState(null, "", `#${id}`);
    run(null, () => signIn(id));
  });
  window.addEventListener("hashchange", () => {
    const id = location.hash.slice(1);
    if (id !== state.persona && state.config.personas.some((p) => p.id === id)) run(null, () => signIn(id));
  });
  for (const tab of document.querySelectorAll(".tab")) {
    tab.addEventListener("click", () => {
      state.tab = tab.dataset.tab;
      renderTasks();
    });
  }
  $("#show-hidden").addEventListener("change", (e) =>
    run(null, async () => {
      state.showHidden = e.target.checked;
      if (!state.showHidden) state.allTasks = null;
      else await fetchTasks();
      renderTasks();
    }),
  );
  $("#show-denied").addEventListener("change", (e) => {
    state.showDenied = e.target.checked;
    renderTasks();
  });
  $("#verify-token").addEventListener("click", (e) => run(e, () => useToken($("#token").value.trim(), "edited")));
  $("#tamper").addEventListener("click", (e) => run(e, () => useToken(tamper($("#token").value), "tampered")));
  for (const button of document.querySelectorAll("[data-variant]")) {
    const variant = button.dataset.variant;
    button.addEventListener("click", (e) => run(e, async () => (variant === "valid" ? signIn(state.persona) : useToken(await fetchToken(state.persona, variant), variant))));
  }
  $("#reset-data").addEventListener("click", (e) =>
    run(e, async () => {
      await (await request("/api/reset", { method: "POST" })).text();
      await fetchTasks();
      toast("ok", "Sample tasks restored", "Every task is back to its first state.");
      render();
    }),
  );
  setInterval(tick, 1000);
}

async function boot() {
  await init(); // the browser entry loads the WebAssembly module here
  state.config = await getJSON("/api/config");
  const select = $("#persona");
  replace(
    select,
    state.config.personas.map((p) => h("option", { value: p.id }, `${p.name} · ${p.title}`)),
  );
  select.disabled = false;
  wire();
  const fromHash = location.hash.slice(1);
  const first = state.config.personas.some((p) => p.id === fromHash) ? fromHash : state.config.personas[0].id;
  await signIn(first);
}

boot().catch((error) => {
  showBanner(`The demo could not start: ${error?.message ?? error}`);
  const pill = $("#grant-pill");
  pill.className = "pill pill-error";
  $("#grant-pill-text").textContent = "Not started";
  document.body.dataset.status = "failed";
});
