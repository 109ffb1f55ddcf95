// An HTTP problem (RFC 9457) the demo server answers with: status, title, detail, extra members.

export class Problem extends Error {
  constructor(status, title, detail, extra = {}) {
    super(detail);
    this.status = status;
    this.title = title;
    this.extra = extra;
  }
}

/** A 400 for a bad request parameter. */
export const badRequest = (detail) => new Problem(400, "INVALID_ARGUMENT", detail);
