// Writes tests/corpus/grants-verification.json: the signed grant-set fixtures of the
// runtime-agnostic conformance suite (tests/js/conformance.mjs, "grants: ..." checks).
//
//   node tests/js/make-grant-fixtures.mjs            # rewrite the file
//   node tests/js/make-grant-fixtures.mjs --check    # exit 1 if the file differs from its output
//
// Run by hand once; the tests only read the JSON. The output is deterministic: the keys come
// from fixed seeds, Ed25519 signatures are deterministic, and every time is relative to a fixed
// `now`, so running it again gives the same bytes. Tokens are built here with node:crypto alone
// (not with the package's own signer), so the fixtures are an independent check of it: a JWKS of
// two keys, good tokens by either key, and tampered, expired, too long-lived, wrong-audience,
// wrong-typ, alg-none, wrong physical tenant, ... tokens with the error code each must give.
import { createHash, createHmac, createPrivateKey, createPublicKey, sign } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const OUT = new URL("../corpus/grants-verification.json", import.meta.url);
const NOW = 1763800100;
const ISS = "https://tasklist.example.com";
const AUD = "tasklist";
const TYP = "camunda-grants+jwt";
// The order of the Ed25519 group, for a non-canonical signature (S + L).
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const b64 = (bytes) => Buffer.from(bytes).toString("base64url");
const json = (value) => b64(Buffer.from(JSON.stringify(value)));

/** An Ed25519 key from a fixed seed: the node:crypto key and its public JWK. */
function key(kid, label) {
  const seed = createHash("sha256").update(`camunda-authz conformance ${label}`).digest();
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  const { x } = createPublicKey(privateKey).export({ format: "jwk" });
  return { kid, privateKey, publicJwk: { kty: "OKP", crv: "Ed25519", x, kid, alg: "EdDSA", use: "sig" } };
}

/** `header.payload.signature`, both parts given encoded; signed by `k` for real. */
function signEncoded(h, p, k) {
  return `${h}.${p}.${b64(sign(null, Buffer.from(`${h}.${p}`), k.privateKey))}`;
}

const header = (kid, extra = {}) => ({ alg: "EdDSA", typ: TYP, kid, ...extra });
const token = (h, body, k) => signEncoded(json(h), typeof body === "string" ? b64(Buffer.from(body)) : json(body), k);

const k1 = key("conf-1", "key 1");
const k2 = key("conf-2", "key 2");
const stranger = key("conf-1", "a key nobody published");
// Published, but never for verification: `use` `enc`, `key_ops` without `verify`, no `kid`.
const encKey = key("conf-enc", "key for encryption");
const signOnly = key("conf-sign-only", "key whose key_ops lack verify");
const anonymous = key("", "key without kid");
const { kid: _, ...anonymousJwk } = anonymous.publicJwk;
const jwks = {
  keys: [
    k1.publicJwk,
    { ...k2.publicJwk, key_ops: ["verify"] },
    { ...encKey.publicJwk, use: "enc" },
    { ...signOnly.publicJwk, key_ops: ["sign"] },
    anonymousJwk,
  ],
};
const MAX_TIME = Number.MAX_SAFE_INTEGER; // 2^53 - 1
const MAX_DATE = 8.64e12; // seconds: the range of a JavaScript Date (8.64e15 ms either side of the epoch)
const DAY = 86400; // the default maxLifetime

const grants = {
  iss: ISS, aud: AUD, sub: "demo", iat: NOW - 100, exp: NOW + 800, ver: 1, camundaVersion: "8.9",
  authorizationsEnabled: true, multiTenancyEnabled: false,
  principal: { type: "USER", id: "demo", groups: ["sales"], roles: ["task-worker"], tenants: ["<default>"], mappingRules: [] },
  authorizations: [
    { ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM", "COMPLETE"] },
    { ownerType: "USER", ownerId: "demo", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] },
    { ownerType: "USER", ownerId: "demo", resourceType: "COMPONENT", resourceId: "tasklist", permissionTypes: ["ACCESS"] },
  ],
};
const salesTask = { userTaskKey: "2251799813685249", processDefinitionId: "invoice", candidateGroups: ["sales"], tenantId: "<default>" };
const hrTask = { userTaskKey: "2251799813685250", processDefinitionId: "payroll", candidateGroups: ["hr"], tenantId: "<default>" };
const decisions = [
  { operation: "claim", task: salesTask, allowed: true },
  { operation: "update", task: salesTask, allowed: true },
  { operation: "get", task: hrTask, allowed: false },
  { operation: "claim", task: hrTask, allowed: false },
];
const isAuthorized = [
  { resourceType: "COMPONENT", permissionType: "ACCESS", resourceId: "tasklist", expect: true },
  { resourceType: "COMPONENT", permissionType: "ACCESS", resourceId: "operate", expect: false },
];

const checked = { now: NOW, issuer: ISS, audience: AUD };
// Every case names both issuer and audience (null opts out), as verifyGrants requires.
const at = (now, extra = {}) => ({ ...checked, now, ...extra });
const good = token(header("conf-1"), grants, k1);
const [gh, gp, gs] = good.split(".");
const goodSig = Buffer.from(gs, "base64url");

function nonCanonical(signature) {
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]);
  s += L;
  const out = Buffer.from(signature);
  for (let i = 0; i < 32; i++) {
    out[32 + i] = Number(s & 0xffn);
    s >>= 8n;
  }
  return out;
}

const ok = (name, tokenText, options, kid) => ({ name, token: tokenText, options, expectKid: kid });
const bad = (name, tokenText, options, expectError) => ({ name, token: tokenText, options, expectError });

const cases = [
  ok("key 1, issuer and audience checked", good, checked, "conf-1"),
  ok("key 2 of the same JWKS (rotation; its key_ops hold verify)", token(header("conf-2"), grants, k2), checked, "conf-2"),
  ok("no issuer or audience expected (both null)", good, { now: NOW, issuer: null, audience: null }, "conf-1"),
  ok("audience given as a list", good, { ...checked, audience: ["operate", "tasklist"] }, "conf-1"),
  ok("typ with the application/ prefix, in another case", token(header("conf-1", { typ: "application/Camunda-Grants+JWT" }), grants, k1), checked, "conf-1"),
  ok("one second before exp", good, at(NOW + 799), "conf-1"),
  ok("past exp but within clockTolerance", good, at(NOW + 805, { clockTolerance: 10 }), "conf-1"),
  ok("past exp but within the largest clockTolerance, an hour", good, at(NOW + 800 + 3599, { clockTolerance: 3600 }), "conf-1"),
  ok("exp at the last second a Date holds (8.64e12), maxLifetime lifted", token(header("conf-1"), { ...grants, exp: MAX_DATE }, k1), { ...checked, maxLifetime: null }, "conf-1"),
  ok("lives a day exactly (the default maxLifetime)", token(header("conf-1"), { ...grants, exp: grants.iat + DAY }, k1), checked, "conf-1"),
  ok("lives 900 s, maxLifetime 900", good, { ...checked, maxLifetime: 900 }, "conf-1"),
  ok("no iat, maxLifetime lifted", token(header("conf-1"), { ...grants, iat: undefined }, k1), { ...checked, maxLifetime: null }, "conf-1"),
  ok("physicalTenant required and named", token(header("conf-1"), { ...grants, physicalTenant: "eu-1" }, k1), { ...checked, physicalTenant: "eu-1" }, "conf-1"),
  ok("physicalTenant named, not required", token(header("conf-1"), { ...grants, physicalTenant: "eu-1" }, k1), checked, "conf-1"),
  ok("nbf reached", token(header("conf-1"), { ...grants, nbf: NOW }, k1), checked, "conf-1"),
  ok("unknown payload and header members are ignored", token(header("conf-1", { x5u: "ignored" }), { ...grants, extra: { nested: [1] } }, k1), checked, "conf-1"),
  ok("an unknown member repeated, and a number too large for a double", signEncoded(b64(Buffer.from(`{"alg":"EdDSA","typ":"${TYP}","kid":"conf-1","x":1,"x":2}`)), b64(Buffer.from(JSON.stringify(grants).replace("{", '{"big":1e400,'))), k1), checked, "conf-1"),

  bad("tampered payload (authorizations disabled, signature of the original)", `${gh}.${json({ ...grants, authorizationsEnabled: false })}.${gs}`, checked, "ERR_GRANTS_SIGNATURE"),
  bad("tampered signature (one bit)", `${gh}.${gp}.${b64(Buffer.from(goodSig).map((b, i) => (i === 10 ? b ^ 1 : b)))}`, checked, "ERR_GRANTS_SIGNATURE"),
  bad("tampered header (a member added, signature of the original)", `${json(header("conf-1", { jku: "https://evil" }))}.${gp}.${gs}`, checked, "ERR_GRANTS_SIGNATURE"),
  bad("non-canonical signature (S + L)", `${gh}.${gp}.${b64(nonCanonical(goodSig))}`, checked, "ERR_GRANTS_SIGNATURE"),
  bad("signature of 63 bytes", `${gh}.${gp}.${b64(goodSig.subarray(0, 63))}`, checked, "ERR_GRANTS_SIGNATURE"),
  bad("signed by another key under a published kid", token(header("conf-1"), grants, stranger), checked, "ERR_GRANTS_SIGNATURE"),
  bad("kid of key 2, signed by key 1", token(header("conf-2"), grants, k1), checked, "ERR_GRANTS_SIGNATURE"),
  bad("expired: now is exp", good, at(NOW + 800), "ERR_GRANTS_EXPIRED"),
  bad("expired beyond clockTolerance", good, at(NOW + 811, { clockTolerance: 10 }), "ERR_GRANTS_EXPIRED"),
  bad("clockTolerance above an hour", good, at(NOW, { clockTolerance: 3601 }), "ERR_ARGUMENT_INVALID"),
  bad("negative clockTolerance", good, at(NOW, { clockTolerance: -1 }), "ERR_ARGUMENT_INVALID"),
  bad("not yet valid", token(header("conf-1"), { ...grants, nbf: NOW + 60 }, k1), checked, "ERR_GRANTS_NOT_YET_VALID"),
  bad("exp one second past what a Date holds, maxLifetime lifted (signed)", token(header("conf-1"), { ...grants, exp: MAX_DATE + 1 }, k1), { ...checked, maxLifetime: null }, "ERR_GRANTS_MALFORMED"),
  bad("exp of 2^53 - 1, maxLifetime lifted (signed)", token(header("conf-1"), { ...grants, exp: MAX_TIME }, k1), { ...checked, maxLifetime: null }, "ERR_GRANTS_MALFORMED"),
  bad("exp of 2^53 (signed)", token(header("conf-1"), { ...grants, exp: MAX_TIME + 1 }, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("lives a day and a second (signed)", token(header("conf-1"), { ...grants, exp: grants.iat + DAY + 1 }, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("lives ten years (signed)", token(header("conf-1"), { ...grants, exp: grants.iat + 10 * 365 * DAY }, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("lives 900 s, maxLifetime 899", good, { ...checked, maxLifetime: 899 }, "ERR_GRANTS_MALFORMED"),
  bad("no iat while maxLifetime applies (signed)", token(header("conf-1"), { ...grants, iat: undefined }, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("exp before iat (signed)", token(header("conf-1"), { ...grants, iat: grants.exp + 1 }, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("maxLifetime 0", good, { ...checked, maxLifetime: 0 }, "ERR_ARGUMENT_INVALID"),
  bad("physicalTenant required, another named", token(header("conf-1"), { ...grants, physicalTenant: "eu-1" }, k1), { ...checked, physicalTenant: "us-1" }, "ERR_GRANTS_PHYSICAL_TENANT"),
  bad("physicalTenant required, none named", good, { ...checked, physicalTenant: "eu-1" }, "ERR_GRANTS_PHYSICAL_TENANT"),
  bad("nbf of -2^53 (signed)", token(header("conf-1"), { ...grants, nbf: -MAX_TIME - 1 }, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("iat beyond 2^53 (signed)", token(header("conf-1"), { ...grants, iat: MAX_TIME + 2 }, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("wrong issuer", good, { ...checked, issuer: "https://evil.example.com" }, "ERR_GRANTS_ISSUER"),
  bad("no iss while one is expected", token(header("conf-1"), { ...grants, iss: undefined }, k1), checked, "ERR_GRANTS_ISSUER"),
  bad("wrong audience", good, { ...checked, audience: "operate" }, "ERR_GRANTS_AUDIENCE"),
  bad("no aud while one is expected", token(header("conf-1"), { ...grants, aud: undefined }, k1), checked, "ERR_GRANTS_AUDIENCE"),
  bad("typ JWT", token(header("conf-1", { typ: "JWT" }), grants, k1), checked, "ERR_GRANTS_TYP"),
  bad("no typ", token({ alg: "EdDSA", kid: "conf-1" }, grants, k1), checked, "ERR_GRANTS_TYP"),
  bad("alg none, empty signature", `${json(header("conf-1", { alg: "none" }))}.${gp}.`, checked, "ERR_GRANTS_ALG"),
  bad("alg none with a real signature", token(header("conf-1", { alg: "none" }), grants, k1), checked, "ERR_GRANTS_ALG"),
  bad("alg HS256, an HMAC keyed with the public key", (() => {
    const input = `${json(header("conf-1", { alg: "HS256" }))}.${gp}`;
    return `${input}.${b64(createHmac("sha256", Buffer.from(k1.publicJwk.x, "base64url")).update(input).digest())}`;
  })(), checked, "ERR_GRANTS_ALG"),
  bad("alg ES256", `${json(header("conf-1", { alg: "ES256" }))}.${gp}.${b64(Buffer.alloc(64, 7))}`, checked, "ERR_GRANTS_ALG"),
  bad("alg Ed25519 (RFC 9864; only EdDSA is allowed)", token(header("conf-1", { alg: "Ed25519" }), grants, k1), checked, "ERR_GRANTS_ALG"),
  bad("crit", token(header("conf-1", { crit: ["exp"] }), grants, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("header repeats kid (RFC 7515 section 4)", signEncoded(b64(Buffer.from(`{"alg":"EdDSA","typ":"${TYP}","kid":"conf-1","kid":"conf-2"}`)), gp, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("payload repeats authorizationsEnabled (signed)", token(header("conf-1"), JSON.stringify(grants).replace("{", '{"authorizationsEnabled":false,'), k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("unknown kid", token(header("conf-9"), grants, k1), checked, "ERR_GRANTS_KEY_NOT_FOUND"),
  bad("no kid", token({ alg: "EdDSA", typ: TYP }, grants, k1), checked, "ERR_GRANTS_KEY_NOT_FOUND"),
  bad("empty kid, signed by the JWKS key that has no kid", token(header(""), grants, anonymous), checked, "ERR_GRANTS_KEY_NOT_FOUND"),
  bad("kid of a key whose use is enc", token(header("conf-enc"), grants, encKey), checked, "ERR_GRANTS_KEY_NOT_FOUND"),
  bad("kid of a key whose key_ops lack verify", token(header("conf-sign-only"), grants, signOnly), checked, "ERR_GRANTS_KEY_NOT_FOUND"),
  bad("kid with control characters", token(header("conf-1\u001b[2J\n"), grants, k1), checked, "ERR_GRANTS_KEY_NOT_FOUND"),
  bad("two parts", `${gh}.${gp}`, checked, "ERR_GRANTS_MALFORMED"),
  bad("four parts", `${good}.${gs}`, checked, "ERR_GRANTS_MALFORMED"),
  bad("base64 padding", `${gh}.${gp}.${gs}==`, checked, "ERR_GRANTS_MALFORMED"),
  bad("standard base64 alphabet", `${gh}.${gp}.${Buffer.from(goodSig).toString("base64").replace(/=+$/, "")}`, checked, "ERR_GRANTS_MALFORMED"),
  bad("header not JSON", signEncoded(b64(Buffer.from("not json")), gp, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("payload not JSON (signed)", token(header("conf-1"), "not json", k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("payload without exp (signed)", token(header("conf-1"), { ...grants, exp: undefined }, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("payload of an unknown ver (signed)", token(header("conf-1"), { ...grants, ver: 2 }, k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("deeply nested payload (signed)", token(header("conf-1"), "[".repeat(1000) + "]".repeat(1000), k1), checked, "ERR_GRANTS_MALFORMED"),
  bad("over maxTokenBytes", good, { ...checked, maxTokenBytes: 256 }, "ERR_GRANTS_TOO_LARGE"),
];

// The standard-alphabet case must really contain a character outside base64url.
const std = cases.find((c) => c.name === "standard base64 alphabet");
if (!/[+/]/.test(std.token)) throw new Error("the standard-alphabet fixture has no + or /: pick another payload");

const doc = {
  description:
    "Signed grant sets for the conformance suite: a JWKS of two Ed25519 keys that verify and three that never do (`use` `enc`, `key_ops` without `verify`, no `kid`), good tokens by either verifying key (`expectKid`) that all give `decisions` and `isAuthorized`, and bad ones with the error code verifyGrants must throw. `options.now` is seconds; every case names `issuer` and `audience` (`null` opts out); `maxLifetime` absent is the default of a day, `null` lifts it. Generated by tests/js/make-grant-fixtures.mjs; do not edit by hand. `suites` is empty so that the decision-corpus readers skip this file.",
  suites: [],
  grantVerification: {
    jwks,
    // What every good token decides (they all carry the same grant set).
    principalId: grants.principal.id,
    decisions,
    isAuthorized,
    cases,
  },
};
const text = `${JSON.stringify(doc, null, 1)}\n`;

if (process.argv.includes("--check")) {
  const current = readFileSync(OUT, "utf8");
  if (current !== text) {
    console.error(`${OUT.pathname} differs from what this script generates`);
    process.exit(1);
  }
  console.log("up to date");
} else {
  writeFileSync(OUT, text);
  console.log(`wrote ${cases.length} cases to ${OUT.pathname}`);
}
