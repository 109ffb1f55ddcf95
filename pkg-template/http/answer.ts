// A response as the package's handlers build it: a status, headers and a text body (or none).
// A fetch-style handler answers with a `Response` made from it; `answering(handler)` also keeps
// the answer itself reachable, so that toNodeListener (issuer/node-http.ts) writes it to the
// socket as it is instead of making a Response and reading its body back out of a stream (about
// a fifth of the issuer's CPU for a cached grant set, measured in bench/issuer-load.mjs).

export interface Answer {
  status: number;
  /** Lower-case names; the object is the answer's own (a caller may add to it). */
  headers: Record<string, string>;
  body: string | null;
}

/** The answer as a fetch `Response`. */
export function toResponse(answer: Answer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/** Where an answering handler keeps its answer function. */
export const ANSWER: unique symbol = Symbol.for("camunda-authz.answer");

/** A fetch-style handler that can also give its answer without a Response. */
export interface AnsweringHandler {
  (request: Request): Promise<Response>;
  readonly [ANSWER]: (request: Request) => Promise<Answer>;
}

/** The fetch-style handler of an answer function, with the function kept at `ANSWER`. */
export function answering(answer: (request: Request) => Promise<Answer>): AnsweringHandler {
  const handler = async (request: Request) => toResponse(await answer(request));
  return Object.assign(handler, { [ANSWER]: answer });
}

/** The answer function of a handler made by `answering`, else undefined. */
export function answerOf(handler: (request: Request) => Promise<Response>): ((request: Request) => Promise<Answer>) | undefined {
  const answer = (handler as Partial<AnsweringHandler>)[ANSWER];
  return typeof answer === "function" ? answer : undefined;
}
