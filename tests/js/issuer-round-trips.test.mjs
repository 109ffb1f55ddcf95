// A user's first grant set in one round trip, not two (8.8, 8.9 by user token): once the issuer
// has learnt which claim of the cluster's tokens holds the username /me answers with, it asks for
// the user's own authorizations while /me is still on its way. The guess only starts a read: the
// grant set is built from what /me says; a wrong guess (a token whose claim names someone else, a
// token the cluster refuses) costs one search and leaves nothing of the guessed user cached.
import { test } from "node:test";
import assert from "node:assert/strict";
import { standinStarter } from "./support/standins.mjs";
import { SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";
import { AUD, ISS, salesPopulation } from "./support/issuer-population.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);

const KEY = lib.generateSigningKey("round-trips-1");
const startStandin = standinStarter();
const ME = "/v2/authentication/me";
const SEARCH = "/v2/authorizations/search";

function population() {
  const data = salesPopulation({ authorizations: [{ ownerType: "USER", ownerId: "dave", resourceType: "USER_TASK", resourceId: "*", permissionTypes: ["READ"] }] });
  data.users.push({ username: "dave" });
  return data;
}

/**
 * A fetch that, once `seen.armed`, holds /me's answer until the issue has asked for `username`'s
 * own authorizations, or for `holdMs` (then the search came after /me: two round trips).
 * `seen.searchBeforeMe` tells whether the search was asked for before /me's answer was given.
 */
function holdingMe(username, holdMs = 1000) {
  const seen = { armed: false, searchBeforeMe: false, meAnswered: false };
  let searched = false;
  let release = () => {};
  const fetcher = async (url, init) => {
    const path = new URL(url).pathname;
    if (seen.armed && path === SEARCH && JSON.parse(init.body ?? "{}").filter?.ownerId === username) {
      searched = true;
      if (!seen.meAnswered) seen.searchBeforeMe = true;
      release();
    }
    const answer = await fetch(url, init);
    if (seen.armed && path === ME) {
      if (!searched) await new Promise((resolve) => ((release = resolve), setTimeout(resolve, holdMs)));
      seen.meAnswered = true;
    }
    return answer;
  };
  return { fetcher, seen };
}

const issuerFor = (s, options = {}) => createIssuer({ camunda: { restAddress: s.url, auth: { strategy: "OAUTH", oauthUrl: s.oauthUrl, ...SERVICE_ACCOUNT } }, signingKey: KEY.privateJwk, issuer: ISS, audience: AUD, ...options });
const searchesFor = (s, username) => s.requests.filter((r) => r.path === SEARCH && r.body?.filter?.ownerId === username).length;

test("a user's first grant set asks for the user's own authorizations while /me is on its way", async () => {
  const s = await startStandin(population());
  const { fetcher, seen } = holdingMe("dave");
  const issuer = issuerFor(s, { fetch: fetcher });
  await issuer.issue({ userToken: s.userToken("alice") }); // the first: learns that `sub` is the username
  seen.armed = true;
  const { payload, stats } = await issuer.issue({ userToken: s.userToken("dave") });
  assert.equal(seen.searchBeforeMe, true, "dave's own authorizations were asked for before /me answered");
  assert.equal(payload.sub, "dave");
  assert.ok(payload.authorizations.some((a) => a.ownerId === "dave"));
  assert.equal(stats.upstreamRequests, 2, "/me and dave's own search, nothing more");
  assert.equal(searchesFor(s, "dave"), 1);
  s.assertClean();
});

test("a wrong guess: the grant set is what /me says, and nothing of the guessed user stays cached", async () => {
  const s = await startStandin(population());
  const issuer = issuerFor(s);
  await issuer.issue({ userToken: s.userToken("alice") });
  // A token of alice's whose `sub` names dave: the guess reads dave's, /me says alice.
  const odd = await issuer.issue({ userToken: s.userToken("alice", { sub: "dave", preferred_username: "alice" }) });
  assert.equal(odd.payload.sub, "alice");
  assert.ok(!odd.payload.authorizations.some((a) => a.ownerId === "dave"), "nothing of dave's in alice's grant set");
  assert.equal(searchesFor(s, "dave"), 1, "the guess asked once");
  const dave = await issuer.issue({ userToken: s.userToken("dave") });
  assert.equal(searchesFor(s, "dave"), 2, "dave's own were not kept from the wrong guess: asked again for dave");
  assert.ok(dave.payload.authorizations.some((a) => a.ownerId === "dave"));
  s.assertClean();
});

test("a token the cluster refuses leaves nothing cached of the user its claim names", async () => {
  const s = await startStandin(population());
  const issuer = issuerFor(s);
  await issuer.issue({ userToken: s.userToken("alice") });
  const forged = `${s.userToken("dave").split(".").slice(0, 2).join(".")}.forged`;
  await assert.rejects(issuer.issue({ userToken: forged }), (e) => e.code === "ERR_ISSUER_PRINCIPAL");
  await issuer.issue({ userToken: s.userToken("dave") });
  assert.equal(searchesFor(s, "dave"), 2, "dave's own asked again: the forged token's read was not kept");
});
