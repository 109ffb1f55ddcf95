// The "Tamper: make me admin" button: the token's payload rewritten to grant the principal
// wildcard UPDATE, the old signature kept, so the page (and the server) must refuse it.

const b64url = {
  encode(text) {
    const bytes = new TextEncoder().encode(text);
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },
  decode(part) {
    const bin = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  },
};

/** Grants the principal wildcard UPDATE in the payload, keeping the old signature. */
export function tamper(token) {
  const parts = token.trim().split(".");
  try {
    if (parts.length !== 3) throw new Error("not a compact JWS");
    const payload = JSON.parse(b64url.decode(parts[1]));
    const owner = { ownerType: payload.principal?.type === "CLIENT" ? "CLIENT" : "USER", ownerId: payload.principal?.id ?? "me" };
    payload.authorizationsEnabled = true;
    payload.authorizations = [
      ...(Array.isArray(payload.authorizations) ? payload.authorizations : []),
      { ...owner, resourceType: "PROCESS_DEFINITION", resourceId: "*", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] },
      { ...owner, resourceType: "USER_TASK", resourceId: "*", permissionTypes: ["READ", "UPDATE", "CLAIM", "COMPLETE"] },
    ];
    return [parts[0], b64url.encode(JSON.stringify(payload)), parts[2]].join(".");
  } catch {
    // Not decodable: flip a character of the signature instead.
    const s = parts[2] ?? "";
    const flipped = s ? (s[0] === "A" ? "B" : "A") + s.slice(1) : "AAAA";
    return [parts[0] ?? "", parts[1] ?? "", flipped].join(".");
  }
}
