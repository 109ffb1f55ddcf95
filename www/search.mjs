// The demo's POST /v2/user-tasks/search: the request checked the way Camunda's API checks it
// (unknown members, a bad sort field or order, a page that is not whole numbers are each a 400
// problem, never a 500), then filtered, sorted and paged. Who may see what is not decided here:
// the server filters the response with the package afterwards (server.mjs).

import { badRequest } from "./problem.mjs";

const FILTERS = new Set(["userTaskKey", "state", "assignee", "elementId", "elementInstanceKey", "processDefinitionId", "processDefinitionKey", "processInstanceKey", "tenantId", "candidateGroup", "candidateUser"]);
const SORTS = new Set(["creationDate", "completionDate", "dueDate", "followUpDate", "priority"]);
const ORDERS = new Set(["ASC", "DESC"]);
const MAX_LIMIT = 1000;

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const only = (value, allowed, where) => {
  for (const k of Object.keys(value)) if (!allowed.includes(k)) throw badRequest(`unknown member \`${k}\` in ${where}`);
};

/** The checked request: `{ filter: [[field, value]], sort: [{ field, desc }], from, limit }`. */
export function parseSearch(body) {
  if (!isObject(body)) throw badRequest("the request body must be a JSON object");
  only(body, ["filter", "sort", "page"], "the request");
  const filter = body.filter ?? {};
  if (!isObject(filter)) throw badRequest("`filter` must be an object");
  const filters = Object.entries(filter).map(([field, value]) => {
    if (!FILTERS.has(field)) throw badRequest(`unknown filter \`${field}\`; one of ${[...FILTERS].join(", ")}`);
    if (typeof value !== "string") throw badRequest(`filter \`${field}\` must be a string (the demo supports equality only)`);
    return [field, value];
  });
  const sortList = body.sort ?? [];
  if (!Array.isArray(sortList)) throw badRequest("`sort` must be an array");
  const sort = sortList.map((s, i) => {
    if (!isObject(s)) throw badRequest(`\`sort[${i}]\` must be an object`);
    only(s, ["field", "order"], `\`sort[${i}]\``);
    if (typeof s.field !== "string" || !SORTS.has(s.field)) throw badRequest(`\`sort[${i}].field\` must be one of ${[...SORTS].join(", ")}`);
    if (s.order !== undefined && (typeof s.order !== "string" || !ORDERS.has(s.order.toUpperCase()))) throw badRequest(`\`sort[${i}].order\` must be ASC or DESC`);
    return { field: s.field, desc: s.order?.toUpperCase() === "DESC" };
  });
  const page = body.page ?? {};
  if (!isObject(page)) throw badRequest("`page` must be an object");
  only(page, ["from", "limit"], "`page`");
  const whole = (name, value, fallback, max) => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < 0 || value > max) throw badRequest(`\`page.${name}\` must be a whole number from 0 to ${max}`);
    return value;
  };
  return { filters, sort, from: whole("from", page.from, 0, Number.MAX_SAFE_INTEGER), limit: whole("limit", page.limit, 100, MAX_LIMIT) };
}

function matches(task, [field, value]) {
  if (field === "candidateGroup") return task.candidateGroups.includes(value);
  if (field === "candidateUser") return task.candidateUsers.includes(value);
  return task[field] === value;
}

function compare(sort) {
  return (a, b) => {
    for (const { field, desc } of sort) {
      const x = a[field] ?? null;
      const y = b[field] ?? null;
      if (x === y) continue;
      if (x === null) return 1; // nulls last
      if (y === null) return -1;
      const c = x < y ? -1 : 1;
      return desc ? -c : c;
    }
    return 0;
  };
}

const cursor = (from) => Buffer.from(JSON.stringify({ from })).toString("base64url");

/** A /v2/user-tasks/search response over `tasks` for a checked query. */
export function searchTasks(query, tasks) {
  let items = tasks.filter((t) => query.filters.every((f) => matches(t, f)));
  if (query.sort.length) items = [...items].sort(compare(query.sort));
  const page = items.slice(query.from, query.from + query.limit);
  return {
    items: page,
    page: { totalItems: items.length, ...(page.length ? { startCursor: cursor(query.from), endCursor: cursor(query.from + page.length) } : {}) },
  };
}
