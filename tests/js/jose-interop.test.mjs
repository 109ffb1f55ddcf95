// Interoperability of signed grant sets with the npm package `jose`, both ways, on the assembled
// package in pkg/: tokens jose signs verify here, tokens signed here verify in jose, keys made by
// either work in the other, and the RFC 8037 Appendix A Ed25519 example holds in both. Tokens of
// another `alg` or without the grant-set `typ` made by jose are refused with their own codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as jose from "jose";

const lib = await import(process.env.CAMUNDA_AUTHZ_PKG ?? new URL("../../pkg/node.mjs", import.meta.url).href);
const { verifyGrants, signGrants, generateSigningKey, Authorizer, AuthzError } = lib;

const TYP = "camunda-grants+jwt";
const NOW = 1763800100;
const ISS = "https://tasklist.example.com";
const AUD = "tasklist";
const UNCHECKED = { issuer: null, audience: null }; // verifyGrants without issuer and audience checks, on purpose

const payload = {
  iss: ISS, aud: AUD, sub: "demo", iat: NOW - 100, exp: NOW + 800, ver: 1, camundaVersion: "8.9",
  authorizationsEnabled: true, multiTenancyEnabled: false,
  principal: { type: "USER", id: "demo", groups: ["sales"], roles: ["task-worker"], tenants: ["<default>"], mappingRules: [] },
  authorizations: [
    { ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM", "COMPLETE"] },
  ],
};
const task = { userTaskKey: "2251799813685249", processDefinitionId: "invoice", candidateGroups: ["sales"] };
const otherTask = { userTaskKey: "2251799813685250", processDefinitionId: "invoice", candidateGroups: ["hr"] };
const at = new Date(NOW * 1000);
const joseOpts = { algorithms: ["EdDSA"], typ: TYP, issuer: ISS, audience: AUD, currentDate: at };

/** A jose-made token: `header` is the protected header, the payload is JSON. */
async function joseSign(body, header, key) {
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(body))).setProtectedHeader(header).sign(key);
}

/** An Ed25519 key pair from jose, with its JWKs carrying `kid`. */
async function joseKey(kid) {
  const { privateKey, publicKey } = await jose.generateKeyPair("Ed25519", { extractable: true });
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid };
  const privateJwk = { ...(await jose.exportJWK(privateKey)), kid };
  return { privateKey, publicKey, publicJwk, privateJwk, jwks: { keys: [publicJwk] } };
}

function decides(grants) {
  const authz = new Authorizer(grants);
  assert.equal(authz.can("claim", task), true, "claim on a task of the principal's candidate group");
  assert.equal(authz.can("claim", otherTask), false, "no claim on another group's task");
  assert.equal(authz.can("update", task), false, "no update");
}

function refuses(fn, code, what) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof AuthzError, `${what}: threw ${error?.name}: ${error?.message}`);
    assert.equal(error.code, code, `${what}: ${error.message}`);
    return true;
  });
}

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

test("jose signs (EdDSA, OKP Ed25519 JWK, typ, kid): verifyGrants accepts and decides", async () => {
  const key = await joseKey("jose-1");
  assert.equal(key.publicJwk.kty, "OKP");
  assert.equal(key.publicJwk.crv, "Ed25519");
  for (const typ of [TYP, `application/${TYP}`]) {
    const token = await new jose.SignJWT(payload).setProtectedHeader({ alg: "EdDSA", typ, kid: "jose-1" }).sign(key.privateKey);
    const grants = verifyGrants(token, key.jwks, { now: NOW, issuer: ISS, audience: AUD });
    assert.equal(grants.header.kid, "jose-1");
    assert.deepEqual(grants.payload.principal, payload.principal);
    assert.equal(grants.payload.exp, NOW + 800);
    decides(grants);
    // The same token fails closed under another key set or claims.
    refuses(() => verifyGrants(token, generateSigningKey("jose-1").jwks, { ...UNCHECKED, now: NOW }), "ERR_GRANTS_SIGNATURE", "a key of the same kid that did not sign");
    refuses(() => verifyGrants(token, key.jwks, { issuer: null, now: NOW, audience: "operate" }), "ERR_GRANTS_AUDIENCE", "audience");
    refuses(() => verifyGrants(token, key.jwks, { ...UNCHECKED, now: NOW + 800 }), "ERR_GRANTS_EXPIRED", "expired");
  }
});

test("jose signs with a key from generateSigningKey; our JWKS verifies it", async () => {
  const ours = generateSigningKey("ours-1");
  const privateKey = await jose.importJWK(ours.privateJwk, "EdDSA");
  const token = await joseSign(payload, { alg: "EdDSA", typ: TYP, kid: "ours-1" }, privateKey);
  decides(verifyGrants(token, ours.jwks, { ...UNCHECKED, now: NOW }));
  // A JWKS holding jose's public JWK for the same private key is the same set of keys.
  const viaJose = { keys: [{ ...(await jose.exportJWK(await jose.importJWK(ours.publicJwk, "EdDSA"))), kid: "ours-1" }] };
  assert.equal(viaJose.keys[0].x, ours.publicJwk.x);
  decides(verifyGrants(token, viaJose, { ...UNCHECKED, now: NOW }));
});

test("signGrants signs: jose's compactVerify and jwtVerify accept with our publicJwk and jwks", async () => {
  const key = generateSigningKey("k-2026-11");
  const token = signGrants(payload, key.privateJwk, { now: NOW, ttl: 600, issuer: ISS, audience: AUD });
  const publicKey = await jose.importJWK(key.publicJwk, "EdDSA");
  const compact = await jose.compactVerify(token, publicKey, { algorithms: ["EdDSA"] });
  assert.deepEqual(compact.protectedHeader, { alg: "EdDSA", typ: TYP, kid: "k-2026-11" });
  const body = JSON.parse(new TextDecoder().decode(compact.payload));
  assert.deepEqual(body.principal, payload.principal);
  assert.equal(body.exp, NOW + 600);
  assert.equal(body.iat, NOW);
  const jwt = await jose.jwtVerify(token, jose.createLocalJWKSet(key.jwks), joseOpts);
  assert.equal(jwt.protectedHeader.kid, "k-2026-11");
  assert.deepEqual(jwt.payload.authorizations, payload.authorizations);
  // And jose refuses it once tampered, as we do.
  const [h, p, s] = token.split(".");
  const tampered = `${h}.${b64url(Buffer.from(JSON.stringify({ ...body, authorizationsEnabled: false })))}.${s}`;
  await assert.rejects(jose.compactVerify(tampered, publicKey), jose.errors.JWSSignatureVerificationFailed);
  refuses(() => verifyGrants(tampered, key.jwks, { ...UNCHECKED, now: NOW }), "ERR_GRANTS_SIGNATURE", "tampered payload");
  assert.ok(p.length > 0);
});

test("a key jose generates signs with signGrants; the JWKS verifies here and in jose", async () => {
  const key = await joseKey("jose-2");
  const token = signGrants(payload, key.privateJwk, { now: NOW, ttl: 600, issuer: ISS, audience: AUD });
  const grants = verifyGrants(token, key.jwks, { now: NOW, issuer: ISS, audience: AUD });
  assert.equal(grants.header.kid, "jose-2");
  decides(grants);
  await jose.compactVerify(token, key.publicKey, { algorithms: ["EdDSA"] });
  await jose.jwtVerify(token, jose.createLocalJWKSet(key.jwks), joseOpts);
  // Key rotation across libraries: a set of one jose key and one of ours verifies tokens by both.
  const ours = generateSigningKey("ours-2");
  const both = { keys: [key.publicJwk, ours.publicJwk] };
  for (const privateJwk of [key.privateJwk, ours.privateJwk]) {
    const t = signGrants(payload, privateJwk, { now: NOW, ttl: 600 });
    assert.equal(verifyGrants(t, both, { ...UNCHECKED, now: NOW }).header.kid, privateJwk.kid);
    await jose.jwtVerify(t, jose.createLocalJWKSet(both), { algorithms: ["EdDSA"], typ: TYP, currentDate: at });
  }
});

test("Ed25519 is deterministic: jose and signGrants make the same token from the same key and input", async () => {
  const ours = generateSigningKey("det");
  const token = signGrants(payload, ours.privateJwk, { now: NOW, ttl: 600 });
  const [h, p] = token.split(".");
  const header = JSON.parse(Buffer.from(h, "base64url").toString());
  assert.deepEqual(Object.keys(header), ["alg", "typ", "kid"]);
  const again = await new jose.CompactSign(Buffer.from(p, "base64url"))
    .setProtectedHeader(header)
    .sign(await jose.importJWK(ours.privateJwk, "EdDSA"));
  assert.equal(again, token);
});

// RFC 8037 Appendix A: the Ed25519 key (A.1, A.2) and the JWS over "Example of Ed25519 signing" (A.4).
const RFC8037 = {
  d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
  x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
  thumbprint: "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
  jws:
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc" +
    ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
};

test("RFC 8037 Appendix A: jose verifies and reproduces the example; the key works here in our JWK shape", async () => {
  const publicJwk = { kty: "OKP", crv: "Ed25519", x: RFC8037.x };
  const privateJwk = { ...publicJwk, d: RFC8037.d };
  const publicKey = await jose.importJWK(publicJwk, "EdDSA");
  const { payload: body, protectedHeader } = await jose.compactVerify(RFC8037.jws, publicKey);
  assert.equal(new TextDecoder().decode(body), "Example of Ed25519 signing");
  assert.deepEqual(protectedHeader, { alg: "EdDSA" });
  assert.equal(await jose.calculateJwkThumbprint(publicJwk), RFC8037.thumbprint);
  const reproduced = await new jose.CompactSign(new TextEncoder().encode("Example of Ed25519 signing"))
    .setProtectedHeader({ alg: "EdDSA" })
    .sign(await jose.importJWK(privateJwk, "EdDSA"));
  assert.equal(reproduced, RFC8037.jws);

  // Our verifier takes the example's signature as EdDSA but refuses the token: it is no grant set.
  refuses(() => verifyGrants(RFC8037.jws, { keys: [{ ...publicJwk, kid: "rfc" }] }, { ...UNCHECKED, now: NOW }), "ERR_GRANTS_TYP", "the RFC example has no typ");

  // The RFC key in the shape generateSigningKey gives (kid, alg, use added) signs grant sets
  // that jose verifies with the RFC's public key, and that verify here with its public half.
  const shape = generateSigningKey("shape");
  const rfcPrivate = { ...shape.privateJwk, kid: "rfc", d: RFC8037.d, x: RFC8037.x };
  const rfcPublic = { ...shape.publicJwk, kid: "rfc", x: RFC8037.x };
  assert.deepEqual(Object.keys(rfcPrivate).sort(), ["alg", "crv", "d", "kid", "kty", "use", "x"]);
  assert.deepEqual(Object.keys(rfcPublic).sort(), ["alg", "crv", "kid", "kty", "use", "x"]);
  const token = signGrants(payload, rfcPrivate, { now: NOW, ttl: 600 });
  await jose.compactVerify(token, publicKey);
  decides(verifyGrants(token, { keys: [rfcPublic] }, { ...UNCHECKED, now: NOW }));
  // A private JWK whose `x` is not its `d`'s is refused.
  refuses(() => signGrants(payload, { ...rfcPrivate, x: shape.publicJwk.x }, { ...UNCHECKED, now: NOW }), "ERR_KEY_INVALID", "x of another key");
});

test("jose tokens of another alg, or without the grant-set typ, are refused with their codes", async () => {
  const ed = await joseKey("k");
  const jwks = ed.jwks;
  const v = (token) => () => verifyGrants(token, jwks, { ...UNCHECKED, now: NOW });

  // HS256 keyed with the public key's bytes and with its `x` text: the classic key confusion.
  for (const secret of [Buffer.from(ed.publicJwk.x, "base64url"), new TextEncoder().encode(ed.publicJwk.x)]) {
    const hs = await new jose.SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: TYP, kid: "k" }).sign(secret);
    refuses(v(hs), "ERR_GRANTS_ALG", "HS256");
  }
  const es = await jose.generateKeyPair("ES256", { extractable: true });
  const esToken = await new jose.SignJWT(payload).setProtectedHeader({ alg: "ES256", typ: TYP, kid: "k" }).sign(es.privateKey);
  refuses(v(esToken), "ERR_GRANTS_ALG", "ES256");
  // Even when the JWKS holds the ES256 key under that kid: only EdDSA is accepted.
  const esJwks = { keys: [{ ...(await jose.exportJWK(es.publicKey)), kid: "k" }] };
  refuses(() => verifyGrants(esToken, esJwks, { ...UNCHECKED, now: NOW }), "ERR_GRANTS_ALG", "ES256 with its own key");
  // An EdDSA token naming a P-256 key: the kid finds no Ed25519 key.
  const edToken = await new jose.SignJWT(payload).setProtectedHeader({ alg: "EdDSA", typ: TYP, kid: "k" }).sign(ed.privateKey);
  refuses(() => verifyGrants(edToken, esJwks, { ...UNCHECKED, now: NOW }), "ERR_GRANTS_KEY_NOT_FOUND", "a key of another curve");
  // RFC 9864's fully-specified "Ed25519" alg: grant sets allow `EdDSA` only (docs/rules.md).
  const fully = await new jose.SignJWT(payload).setProtectedHeader({ alg: "Ed25519", typ: TYP, kid: "k" }).sign(ed.privateKey);
  refuses(v(fully), "ERR_GRANTS_ALG", "alg Ed25519");

  const noTyp = await new jose.SignJWT(payload).setProtectedHeader({ alg: "EdDSA", kid: "k" }).sign(ed.privateKey);
  refuses(v(noTyp), "ERR_GRANTS_TYP", "no typ");
  const jwtTyp = await new jose.SignJWT(payload).setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: "k" }).sign(ed.privateKey);
  refuses(v(jwtTyp), "ERR_GRANTS_TYP", "typ JWT");
  const noKid = await new jose.SignJWT(payload).setProtectedHeader({ alg: "EdDSA", typ: TYP }).sign(ed.privateKey);
  refuses(v(noKid), "ERR_GRANTS_KEY_NOT_FOUND", "no kid");
  const unsecured = new jose.UnsecuredJWT(payload).encode();
  refuses(v(unsecured), "ERR_GRANTS_ALG", "alg none");
  // The control: the same key, alg, typ and kid verify.
  decides(verifyGrants(edToken, jwks, { ...UNCHECKED, now: NOW }));
});
