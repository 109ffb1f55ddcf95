#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "in a test a panic is a failure report"
)]

//! Signed grant sets (docs/verification.md): every rejection with its exact error code, in the
//! order `jws::verify` checks, plus the RFC 8037 test vectors, `sign` and `inspect`.
//!
//! Valid tokens come from the crate's own `jws::sign`; everything else is built by hand
//! (base64url of JSON, signed with `ed25519_dalek` where the signature must be real so that a
//! later check is the one that fires).

use std::panic::{catch_unwind, AssertUnwindSafe};

use camunda_authz::base64url;
use camunda_authz::jwk::{Jwk, Jwks};
use camunda_authz::jws::{self, SignOptions, DEFAULT_MAX_TOKEN_BYTES};
use camunda_authz::model::Audience;
use camunda_authz::{AuthzError, KeySet, SigningJwk, VerifiedGrants, VerifyOptions};
use ed25519_dalek::{Signature, Signer, SigningKey};
use serde_json::{json, Value};

const NOW: i64 = 1_763_800_100;
const EXP: i64 = NOW + 800;
const TYP: &str = "camunda-grants+jwt";

// ----------------------------------------------------------------------------------------------
// Helpers
// ----------------------------------------------------------------------------------------------

fn payload() -> Value {
    json!({
        "iss": "https://tasklist.example.com", "aud": "tasklist", "sub": "demo",
        "iat": NOW - 100, "exp": EXP, "ver": 1, "camundaVersion": "8.9",
        "authorizationsEnabled": true, "multiTenancyEnabled": false,
        "principal": { "type": "USER", "id": "demo", "groups": ["sales"], "roles": ["task-worker"],
                       "tenants": ["<default>"], "mappingRules": [] },
        "authorizations": [
            { "ownerType": "ROLE", "ownerId": "task-worker", "resourceType": "USER_TASK",
              "resourcePropertyName": "candidateGroups", "permissionTypes": ["READ", "CLAIM", "COMPLETE"] }
        ]
    })
}

fn key(kid: &str, seed: u8) -> SigningJwk {
    SigningJwk::from_seed(kid, [seed; 32]).unwrap()
}

fn keyset(keys: &[&SigningJwk]) -> KeySet {
    let public: Vec<Jwk> = keys.iter().map(|k| k.public_jwk()).collect();
    KeySet::parse_str(&serde_json::to_string(&Jwks { keys: public }).unwrap()).unwrap()
}

fn opts() -> VerifyOptions {
    VerifyOptions {
        now: NOW,
        ..VerifyOptions::default()
    }
}

/// A valid token from the crate's own signer (keeps the payload's `exp`).
fn signed(payload: &Value, key: &SigningJwk) -> String {
    jws::sign(
        &payload.to_string(),
        key,
        &SignOptions {
            now: NOW - 100,
            ..SignOptions::default()
        },
    )
    .unwrap()
}

fn b64(bytes: &[u8]) -> String {
    base64url::encode(bytes)
}

fn b64json(value: &Value) -> String {
    b64(&serde_json::to_vec(value).unwrap())
}

fn header(kid: &str) -> Value {
    json!({ "alg": "EdDSA", "typ": TYP, "kid": kid })
}

/// `header.payload.signature` from already-encoded parts, signed for real with `key`.
fn forge_b64(header_b64: &str, payload_b64: &str, key: &SigningKey) -> String {
    let input = format!("{header_b64}.{payload_b64}");
    let signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

/// A hand-made token with a real signature over whatever header and payload bytes it is given.
fn forge(header: &Value, payload: &[u8], key: &SigningJwk) -> String {
    forge_b64(&b64json(header), &b64(payload), &key.key)
}

/// A hand-made token whose signature is whatever bytes it is given.
fn with_signature(header: &Value, payload: &[u8], signature: &[u8]) -> String {
    format!("{}.{}.{}", b64json(header), b64(payload), b64(signature))
}

/// `jws::inspect`, its header and payload as serde_json values.
fn inspect(token: &str) -> (Value, Value) {
    let (h, p) = jws::inspect(token).unwrap();
    (
        serde_json::to_value(&h).unwrap(),
        serde_json::to_value(&p).unwrap(),
    )
}

fn parts(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

/// Runs `verify` and reports a panic as a test failure naming the case.
fn run(
    what: &str,
    token: &str,
    keys: &KeySet,
    options: &VerifyOptions,
) -> Result<VerifiedGrants, AuthzError> {
    match catch_unwind(AssertUnwindSafe(|| jws::verify(token, keys, options))) {
        Ok(result) => result,
        Err(_) => panic!("{what}: jws::verify panicked on {:?}", shorten(token)),
    }
}

fn shorten(token: &str) -> String {
    if token.len() > 200 {
        format!(
            "{}… ({} bytes)",
            token.chars().take(200).collect::<String>(),
            token.len()
        )
    } else {
        token.to_owned()
    }
}

/// Asserts that verification fails with exactly `code`.
#[track_caller]
fn rejects(what: &str, token: &str, keys: &KeySet, options: &VerifyOptions, code: &str) {
    match run(what, token, keys, options) {
        Ok(grants) => panic!(
            "{what}: expected {code}, but it verified: {:?}",
            grants.header()
        ),
        Err(e) => {
            assert_eq!(e.code.as_str(), code, "{what}: wrong code ({})", e.message);
            assert!(!e.message.is_empty(), "{what}: empty message");
        }
    }
}

#[track_caller]
fn accepts(what: &str, token: &str, keys: &KeySet, options: &VerifyOptions) -> VerifiedGrants {
    run(what, token, keys, options)
        .unwrap_or_else(|e| panic!("{what}: expected to verify, got {e}"))
}

fn with(mut value: Value, member: &str, new: Value) -> Value {
    value[member] = new;
    value
}

fn without(mut value: Value, member: &str) -> Value {
    value.as_object_mut().unwrap().remove(member);
    value
}

// ----------------------------------------------------------------------------------------------
// The baseline: a signed token verifies and decides
// ----------------------------------------------------------------------------------------------

#[test]
fn a_signed_grant_set_verifies() {
    let k = key("k", 1);
    let token = signed(&payload(), &k);
    let grants = accepts("baseline", &token, &keyset(&[&k]), &opts());
    assert_eq!(grants.header().kid.as_deref(), Some("k"));
    assert_eq!(grants.header().alg, "EdDSA");
    assert_eq!(grants.header().typ.as_deref(), Some(TYP));
    assert_eq!(grants.payload().principal.id, "demo");
    assert_eq!(grants.payload().exp, EXP);
    let authz = camunda_authz::Authorizer::new(grants);
    let task = json!({ "userTaskKey": "1", "candidateGroups": ["sales"] });
    let text = task.to_string();
    let task = camunda_authz::json::parse(text.as_bytes()).unwrap();
    assert!(authz
        .can_json(camunda_authz::Operation::Claim, &task)
        .unwrap());
}

// ----------------------------------------------------------------------------------------------
// `alg`: only EdDSA, checked before anything cryptographic
// ----------------------------------------------------------------------------------------------

#[test]
fn alg_none_is_rejected() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let body = serde_json::to_vec(&payload()).unwrap();
    let h = with(header("k"), "alg", json!("none"));
    // The classic unsecured JWS: an empty signature.
    rejects(
        "alg none, empty signature",
        &with_signature(&h, &body, &[]),
        &keys,
        &opts(),
        "ERR_GRANTS_ALG",
    );
    // Even with a real Ed25519 signature over it.
    rejects(
        "alg none, real signature",
        &forge(&h, &body, &k),
        &keys,
        &opts(),
        "ERR_GRANTS_ALG",
    );
    for alg in ["None", "NONE", "nOnE"] {
        rejects(
            alg,
            &forge(&with(header("k"), "alg", json!(alg)), &body, &k),
            &keys,
            &opts(),
            "ERR_GRANTS_ALG",
        );
    }
}

#[test]
fn alg_hs256_is_rejected_before_any_crypto() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let public = k.public_jwk();
    let h = with(header("k"), "alg", json!("HS256"));
    let input = format!("{}.{}", b64json(&h), b64json(&payload()));
    // The key-confusion attack: an HMAC keyed with the public key (raw bytes, and the JWK's `x`
    // text as a naive library would take it). Were the alg honoured it would "verify".
    let secrets: [Vec<u8>; 2] = [
        k.key.verifying_key().as_bytes().to_vec(),
        public.x.clone().unwrap().into_bytes(),
    ];
    for secret in &secrets {
        let mac = hmac_sha256(secret, input.as_bytes());
        rejects(
            "HS256 keyed with the public key",
            &format!("{input}.{}", b64(&mac)),
            &keys,
            &opts(),
            "ERR_GRANTS_ALG",
        );
    }
    // Random bytes as the signature: the alg check still comes first.
    rejects(
        "HS256, 32 random bytes",
        &format!("{input}.{}", b64(&[0x5a; 32])),
        &keys,
        &opts(),
        "ERR_GRANTS_ALG",
    );
    for alg in ["HS384", "HS512"] {
        let h = with(header("k"), "alg", json!(alg));
        rejects(
            alg,
            &with_signature(&h, b"{}", &[7; 48]),
            &keys,
            &opts(),
            "ERR_GRANTS_ALG",
        );
    }
}

#[test]
fn alg_es256_and_other_names_are_rejected() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let body = serde_json::to_vec(&payload()).unwrap();
    for alg in [
        "ES256", "RS256", "PS256", "ES256K", "eddsa", "EDDSA", "EdDSA ", "Ed25519", "Ed448", "",
    ] {
        // A real Ed25519 signature, so that nothing but `alg` is wrong.
        let token = forge(&with(header("k"), "alg", json!(alg)), &body, &k);
        rejects(
            &format!("alg {alg:?}"),
            &token,
            &keys,
            &opts(),
            "ERR_GRANTS_ALG",
        );
    }
    // The alg check comes before `crit`, `typ` and `kid`.
    let h = json!({ "alg": "ES256", "crit": ["x"], "typ": "JWT", "kid": "nope" });
    rejects(
        "alg before crit, typ, kid",
        &with_signature(&h, &body, &[0; 64]),
        &keys,
        &opts(),
        "ERR_GRANTS_ALG",
    );
}

#[test]
fn alg_that_is_missing_or_not_a_string_is_malformed() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let body = serde_json::to_vec(&payload()).unwrap();
    for h in [
        without(header("k"), "alg"),
        with(header("k"), "alg", json!(null)),
        with(header("k"), "alg", json!(["EdDSA"])),
        with(header("k"), "alg", json!(1)),
    ] {
        rejects(
            &format!("header {h}"),
            &forge(&h, &body, &k),
            &keys,
            &opts(),
            "ERR_GRANTS_MALFORMED",
        );
    }
}

// ----------------------------------------------------------------------------------------------
// `typ` and `crit`
// ----------------------------------------------------------------------------------------------

#[test]
fn missing_typ_is_rejected() {
    let k = key("k", 1);
    let body = serde_json::to_vec(&payload()).unwrap();
    let keys = keyset(&[&k]);
    rejects(
        "no typ",
        &forge(&without(header("k"), "typ"), &body, &k),
        &keys,
        &opts(),
        "ERR_GRANTS_TYP",
    );
    rejects(
        "typ null",
        &forge(&with(header("k"), "typ", json!(null)), &body, &k),
        &keys,
        &opts(),
        "ERR_GRANTS_TYP",
    );
}

#[test]
fn wrong_typ_is_rejected() {
    let k = key("k", 1);
    let body = serde_json::to_vec(&payload()).unwrap();
    let keys = keyset(&[&k]);
    for typ in [
        "JWT",
        "jwt",
        "at+jwt",
        "application/jwt",
        "grants+jwt",
        "camunda-grants",
        "camunda-grants+jwt ",
        " camunda-grants+jwt",
        "application/application/camunda-grants+jwt",
        "text/camunda-grants+jwt",
        "",
    ] {
        let token = forge(&with(header("k"), "typ", json!(typ)), &body, &k);
        rejects(
            &format!("typ {typ:?}"),
            &token,
            &keys,
            &opts(),
            "ERR_GRANTS_TYP",
        );
    }
    // A `typ` that is not a string is a malformed header, not a wrong type.
    let token = forge(
        &with(header("k"), "typ", json!(["camunda-grants+jwt"])),
        &body,
        &k,
    );
    rejects("typ array", &token, &keys, &opts(), "ERR_GRANTS_MALFORMED");
}

#[test]
fn typ_variants_are_accepted() {
    let k = key("k", 1);
    let body = serde_json::to_vec(&payload()).unwrap();
    let keys = keyset(&[&k]);
    for typ in [
        "camunda-grants+jwt",
        "application/camunda-grants+jwt",
        "CAMUNDA-GRANTS+JWT",
        "Camunda-Grants+JWT",
        "APPLICATION/camunda-grants+jwt",
        "Application/Camunda-Grants+Jwt",
    ] {
        let token = forge(&with(header("k"), "typ", json!(typ)), &body, &k);
        let grants = accepts(&format!("typ {typ:?}"), &token, &keys, &opts());
        assert_eq!(grants.header().typ.as_deref(), Some(typ));
    }
}

#[test]
fn any_crit_is_rejected() {
    let k = key("k", 1);
    let body = serde_json::to_vec(&payload()).unwrap();
    let keys = keyset(&[&k]);
    for crit in [
        json!(["exp"]),
        json!(["b64"]),
        json!([]),
        json!("exp"),
        json!({}),
        json!(null),
    ] {
        let token = forge(&with(header("k"), "crit", crit.clone()), &body, &k);
        rejects(
            &format!("crit {crit}"),
            &token,
            &keys,
            &opts(),
            "ERR_GRANTS_MALFORMED",
        );
    }
    // `crit` is checked after `alg` and before `typ`.
    let h = json!({ "alg": "none", "typ": TYP, "kid": "k", "crit": ["exp"] });
    rejects(
        "alg before crit",
        &forge(&h, &body, &k),
        &keys,
        &opts(),
        "ERR_GRANTS_ALG",
    );
    let h = json!({ "alg": "EdDSA", "typ": "JWT", "kid": "k", "crit": ["exp"] });
    rejects(
        "crit before typ",
        &forge(&h, &body, &k),
        &keys,
        &opts(),
        "ERR_GRANTS_MALFORMED",
    );
}

// ----------------------------------------------------------------------------------------------
// `kid` and the key set
// ----------------------------------------------------------------------------------------------

#[test]
fn unknown_kid_is_rejected() {
    let k = key("k", 1);
    let body = serde_json::to_vec(&payload()).unwrap();
    let keys = keyset(&[&k]);
    for kid in ["other", "K", "k ", ""] {
        let token = forge(&header(kid), &body, &k);
        rejects(
            &format!("kid {kid:?}"),
            &token,
            &keys,
            &opts(),
            "ERR_GRANTS_KEY_NOT_FOUND",
        );
    }
    // Signed by a key the set does not hold.
    let stranger = key("stranger", 9);
    rejects(
        "other key set",
        &signed(&payload(), &stranger),
        &keys,
        &opts(),
        "ERR_GRANTS_KEY_NOT_FOUND",
    );
    // An empty key set holds nothing.
    let empty = KeySet::parse_str(&json!({ "keys": [] }).to_string()).unwrap();
    rejects(
        "empty JWKS",
        &signed(&payload(), &k),
        &empty,
        &opts(),
        "ERR_GRANTS_KEY_NOT_FOUND",
    );
}

#[test]
fn missing_kid_is_rejected() {
    let k = key("k", 1);
    let body = serde_json::to_vec(&payload()).unwrap();
    let keys = keyset(&[&k]);
    rejects(
        "no kid",
        &forge(&without(header("k"), "kid"), &body, &k),
        &keys,
        &opts(),
        "ERR_GRANTS_KEY_NOT_FOUND",
    );
    rejects(
        "kid null",
        &forge(&with(header("k"), "kid", json!(null)), &body, &k),
        &keys,
        &opts(),
        "ERR_GRANTS_KEY_NOT_FOUND",
    );
    rejects(
        "kid number",
        &forge(&with(header("k"), "kid", json!(1)), &body, &k),
        &keys,
        &opts(),
        "ERR_GRANTS_MALFORMED",
    );
}

#[test]
fn kid_naming_a_key_of_another_type_is_not_found() {
    let k = key("k", 1);
    let body = serde_json::to_vec(&payload()).unwrap();
    let set = json!({ "keys": [
        k.public_jwk(),
        { "kty": "EC", "crv": "P-256", "kid": "ec",
          "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRjmumJp86AgxV4s55ZhfKL8U2mZ67GU5T_aXEk" },
        { "kty": "OKP", "crv": "X25519", "kid": "x25519", "x": "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo" },
        { "kty": "RSA", "kid": "rsa", "e": "AQAB", "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw" },
        { "kty": "OKP", "crv": "Ed25519", "kid": "enc", "use": "enc", "x": k.public_jwk().x },
        { "kty": "OKP", "crv": "Ed25519", "kid": "es", "alg": "ES256", "x": k.public_jwk().x },
    ]});
    let keys = KeySet::parse_str(&set.to_string()).unwrap();
    assert_eq!(keys.len(), 1, "only the Ed25519 signature key is usable");
    accepts(
        "the Ed25519 key",
        &forge(&header("k"), &body, &k),
        &keys,
        &opts(),
    );
    for (kid, kind) in [
        ("ec", "EC P-256"),
        ("x25519", "OKP X25519"),
        ("rsa", "RSA"),
        ("enc", "OKP Ed25519"),
        ("es", "OKP Ed25519"),
    ] {
        let err = run(kid, &forge(&header(kid), &body, &k), &keys, &opts()).unwrap_err();
        assert_eq!(
            err.code.as_str(),
            "ERR_GRANTS_KEY_NOT_FOUND",
            "kid {kid}: {}",
            err.message
        );
        assert!(
            err.message.contains(kind),
            "kid {kid}: the message names the key type: {}",
            err.message
        );
    }
}

#[test]
fn a_jwks_with_a_private_key_is_invalid() {
    let k = key("k", 1);
    let private = serde_json::to_value(k.private_jwk()).unwrap();
    assert!(private.get("d").is_some());
    for set in [
        json!({ "keys": [private.clone()] }),
        json!({ "keys": [k.public_jwk(), private.clone()] }),
        private.clone(),
        // Private members of other key types.
        json!({ "keys": [{ "kty": "oct", "kid": "h", "k": "c2VjcmV0" }] }),
        json!({ "keys": [{ "kty": "RSA", "kid": "r", "e": "AQAB", "n": "AQAB", "p": "AQAB" }] }),
        json!({ "keys": [{ "kty": "EC", "crv": "P-256", "kid": "e", "x": "AA", "y": "AA", "d": "AA" }] }),
    ] {
        let got = catch_unwind(|| KeySet::parse_str(&set.to_string()))
            .expect("KeySet::parse_str panicked");
        assert_eq!(
            got.map(|s| s.len()).unwrap_err().code.as_str(),
            "ERR_JWKS_INVALID",
            "{set}"
        );
    }
}

#[test]
fn malformed_jwks_shapes_are_invalid() {
    let k = key("k", 1);
    let x = k.public_jwk().x.unwrap();
    let ed = |x: Value| json!({ "keys": [{ "kty": "OKP", "crv": "Ed25519", "kid": "k", "x": x }] });
    let mut identity = [0u8; 32];
    identity[0] = 1; // the neutral element: a small-order ("weak") public key
    let cases = [
        json!(null),
        json!(42),
        json!("keys"),
        json!([]),
        json!([k.public_jwk()]),
        json!({}),
        json!({ "keys": null }),
        json!({ "keys": 1 }),
        json!({ "keys": {} }),
        json!({ "keys": "[]" }),
        json!({ "keys": [1] }),
        json!({ "keys": [null] }),
        json!({ "keys": [[]] }),
        json!({ "keys": [{}] }),
        json!({ "keys": [{ "kty": 1 }] }),
        json!({ "keys": [{ "kty": "OKP", "crv": "Ed25519", "kid": "k" }] }),
        json!({ "keys": [{ "kty": "OKP", "crv": "Ed25519", "kid": 7, "x": x }] }),
        ed(json!(null)),
        ed(json!(1)),
        ed(json!("")),
        ed(json!(format!("{x}="))),
        ed(json!(format!("+{}", &x[1..]))),
        ed(json!(&x[..x.len() - 1])),
        ed(json!(format!("{x}AA"))),
        ed(json!(b64(&identity))),
        ed(json!(b64(&[0u8; 32]))),
    ];
    for set in cases {
        let got = catch_unwind(|| KeySet::parse_str(&set.to_string()))
            .expect("KeySet::parse_str panicked");
        assert_eq!(
            got.map(|s| s.len()).unwrap_err().code.as_str(),
            "ERR_JWKS_INVALID",
            "{set}"
        );
    }
    for text in ["", "{", "not json", "{\"keys\":[}", "[[[[[[[["] {
        assert_eq!(
            KeySet::parse_str(text).unwrap_err().code.as_str(),
            "ERR_JWKS_INVALID",
            "{text:?}"
        );
    }
    // The set as published; a single public JWK is a set of one.
    let set = Jwks {
        keys: vec![k.public_jwk()],
    };
    assert_eq!(
        KeySet::parse_str(&serde_json::to_string(&set).unwrap())
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        KeySet::parse_str(&serde_json::to_string(&k.public_jwk()).unwrap())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn key_rotation_two_keys_either_verifies() {
    let a = key("key-2026-10", 1);
    let b = key("key-2026-11", 2);
    let keys = keyset(&[&a, &b]);
    for k in [&a, &b] {
        let grants = accepts(&k.kid, &signed(&payload(), k), &keys, &opts());
        assert_eq!(grants.header().kid.as_deref(), Some(k.kid.as_str()));
    }
    // Retired key: only the new one is left.
    let only_b = keyset(&[&b]);
    rejects(
        "retired key",
        &signed(&payload(), &a),
        &only_b,
        &opts(),
        "ERR_GRANTS_KEY_NOT_FOUND",
    );
    accepts("current key", &signed(&payload(), &b), &only_b, &opts());
    // Signed by one key but naming the other: the named key's check fails.
    let body = serde_json::to_vec(&payload()).unwrap();
    rejects(
        "kid of b, signed by a",
        &forge(&header(&b.kid), &body, &a),
        &keys,
        &opts(),
        "ERR_GRANTS_SIGNATURE",
    );
}

// ----------------------------------------------------------------------------------------------
// The signature
// ----------------------------------------------------------------------------------------------

#[test]
fn tampered_header_payload_and_signature_are_rejected() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let token = signed(&payload(), &k);
    let [h, p, s]: [String; 3] = parts(&token).try_into().unwrap();

    // Header: same meaning, one extra member; or a reordered header.
    let h2 = b64json(&json!({ "alg": "EdDSA", "typ": TYP, "kid": "k", "x": 1 }));
    rejects(
        "header with a member added",
        &format!("{h2}.{p}.{s}"),
        &keys,
        &opts(),
        "ERR_GRANTS_SIGNATURE",
    );
    let h3 = b64(format!(r#"{{"typ":"{TYP}","kid":"k","alg":"EdDSA"}}"#).as_bytes());
    assert_ne!(h3, h);
    rejects(
        "header reordered",
        &format!("{h3}.{p}.{s}"),
        &keys,
        &opts(),
        "ERR_GRANTS_SIGNATURE",
    );

    // Payload: widened grants.
    let mut evil = payload();
    evil["principal"]["groups"] = json!(["sales", "admins"]);
    let p2 = b64json(&evil);
    rejects(
        "payload widened",
        &format!("{h}.{p2}.{s}"),
        &keys,
        &opts(),
        "ERR_GRANTS_SIGNATURE",
    );
    let p3 = b64json(&with(payload(), "exp", json!(EXP + 3600)));
    rejects(
        "payload extended",
        &format!("{h}.{p3}.{s}"),
        &keys,
        &opts(),
        "ERR_GRANTS_SIGNATURE",
    );

    // Signature: every bit of every byte, one at a time (64 * 8 = 512 tokens).
    let signature = base64url::decode(&s).unwrap();
    for i in 0..signature.len() {
        for bit in 0..8 {
            let mut flipped = signature.clone();
            flipped[i] ^= 1 << bit;
            let t = format!("{h}.{p}.{}", b64(&flipped));
            rejects(
                &format!("signature byte {i} bit {bit}"),
                &t,
                &keys,
                &opts(),
                "ERR_GRANTS_SIGNATURE",
            );
        }
    }
    rejects(
        "all-zero signature",
        &format!("{h}.{p}.{}", b64(&[0; 64])),
        &keys,
        &opts(),
        "ERR_GRANTS_SIGNATURE",
    );

    // Swapped signatures between two valid tokens of the same key.
    let other = signed(&with(payload(), "sub", json!("other")), &k);
    let s_other = parts(&other)[2].clone();
    rejects(
        "signature of another token",
        &format!("{h}.{p}.{s_other}"),
        &keys,
        &opts(),
        "ERR_GRANTS_SIGNATURE",
    );
}

/// The order of the Ed25519 group, L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

fn add_le(a: &[u8], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0, "S + L overflowed 256 bits");
    out
}

#[test]
fn a_non_canonical_signature_s_plus_l_is_rejected() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let token = signed(&payload(), &k);
    let [h, p, s]: [String; 3] = parts(&token).try_into().unwrap();
    let signature = base64url::decode(&s).unwrap();
    // R stays; S becomes S + L, which is the same scalar mod L (so a lax verifier accepts it: the
    // signature is malleable) but is not < L, which strict verification requires.
    let mut malleated = signature[..32].to_vec();
    malleated.extend_from_slice(&add_le(&signature[32..], &L));
    assert_ne!(malleated, signature);
    assert!(
        malleated[63] & 0xe0 == 0,
        "S + L still fits the 253 bits a lax verifier checks"
    );
    let t = format!("{h}.{p}.{}", b64(&malleated));
    rejects("S + L", &t, &keys, &opts(), "ERR_GRANTS_SIGNATURE");
    // S + 2L as well, and S with the top bits set.
    let mut twice = signature[..32].to_vec();
    twice.extend_from_slice(&add_le(&add_le(&signature[32..], &L), &L));
    rejects(
        "S + 2L",
        &format!("{h}.{p}.{}", b64(&twice)),
        &keys,
        &opts(),
        "ERR_GRANTS_SIGNATURE",
    );
    let mut high = signature.clone();
    high[63] |= 0x80;
    rejects(
        "S with the high bit",
        &format!("{h}.{p}.{}", b64(&high)),
        &keys,
        &opts(),
        "ERR_GRANTS_SIGNATURE",
    );
    // The original still verifies: only the encoding of S changed.
    accepts("original", &token, &keys, &opts());
}

#[test]
fn a_signature_of_the_wrong_length_is_rejected() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let token = signed(&payload(), &k);
    let [h, p, s]: [String; 3] = parts(&token).try_into().unwrap();
    let signature = base64url::decode(&s).unwrap();
    let mut cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0],
        signature[..63].to_vec(),
        signature[..32].to_vec(),
        [signature.clone(), vec![0]].concat(),
        [signature.clone(), signature.clone()].concat(),
    ];
    cases.push(vec![1; 65]);
    cases.push(vec![1; 128]);
    for sig in cases {
        let t = format!("{h}.{p}.{}", b64(&sig));
        rejects(
            &format!("{} signature bytes", sig.len()),
            &t,
            &keys,
            &opts(),
            "ERR_GRANTS_SIGNATURE",
        );
    }
    // An empty third part.
    rejects(
        "empty signature part",
        &format!("{h}.{p}."),
        &keys,
        &opts(),
        "ERR_GRANTS_SIGNATURE",
    );
}

// ----------------------------------------------------------------------------------------------
// The compact serialization
// ----------------------------------------------------------------------------------------------

#[test]
fn two_and_four_parts_are_malformed() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let token = signed(&payload(), &k);
    let [h, p, s]: [String; 3] = parts(&token).try_into().unwrap();
    for (what, t) in [
        ("two parts", format!("{h}.{p}")),
        ("four parts", format!("{h}.{p}.{s}.{s}")),
        ("trailing dot", format!("{h}.{p}.{s}.")),
        ("leading dot", format!(".{h}.{p}.{s}")),
        ("one part", h.clone()),
        ("five parts (JWE-shaped)", format!("{h}.{p}.{s}.{s}.{s}")),
        ("empty", String::new()),
        ("dot", ".".to_owned()),
        ("two dots", "..".to_owned()),
        ("three dots", "...".to_owned()),
    ] {
        rejects(what, &t, &keys, &opts(), "ERR_GRANTS_MALFORMED");
        let parsed = catch_unwind(|| jws::parse(&t, DEFAULT_MAX_TOKEN_BYTES).map(|_| ()))
            .expect("parse panicked");
        assert_eq!(
            parsed.unwrap_err().code.as_str(),
            "ERR_GRANTS_MALFORMED",
            "{what}: parse"
        );
    }
}

#[test]
fn bad_base64url_in_each_part_is_malformed() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let token = signed(&payload(), &k);
    let original = parts(&token);
    // Bytes whose base64 has `+` and `/` in the standard alphabet: 0xfb 0xff 0xbf.
    assert_eq!(b64(&[0xfb, 0xff, 0xbf]), "-_-_");
    type Mutation = (&'static str, fn(&str) -> String);
    let mutations: [Mutation; 11] = [
        ("padding", |s| format!("{s}=")),
        ("double padding", |s| format!("{s}==")),
        ("padding to a multiple of 4", |s| {
            let pad = (4 - s.len() % 4) % 4;
            format!("{s}{}", "=".repeat(if pad == 0 { 4 } else { pad }))
        }),
        ("standard alphabet +", |s| {
            s.replacen(|c: char| c.is_ascii_alphanumeric(), "+", 1)
        }),
        ("standard alphabet /", |s| {
            s.replacen(|c: char| c.is_ascii_alphanumeric(), "/", 1)
        }),
        ("space", |s| format!("{} {}", &s[..4], &s[4..])),
        ("newline", |s| format!("{}\n{}", &s[..4], &s[4..])),
        ("non-ASCII", |s| format!("{}é{}", &s[..4], &s[4..])),
        ("NUL", |s| format!("{}\0{}", &s[..4], &s[4..])),
        ("length 1 mod 4", |s| {
            let want = s.len() + (5 - s.len() % 4) % 4;
            format!("{s}{}", "A".repeat(want - s.len()))
        }),
        ("percent", |s| format!("%{s}")),
    ];
    for (part, name) in ["header", "payload", "signature"].into_iter().enumerate() {
        for (what, mutate) in mutations {
            let mut p = original.clone();
            p[part] = mutate(&p[part]);
            let t = p.join(".");
            rejects(
                &format!("{name}: {what}"),
                &t,
                &keys,
                &opts(),
                "ERR_GRANTS_MALFORMED",
            );
        }
    }
    // Stray bits in the last character (non-canonical): "eyJ" + ... ends in 2 or 3 chars.
    for (part, name) in ["header", "payload", "signature"].into_iter().enumerate() {
        let text = &original[part];
        if text.len() % 4 == 0 {
            continue;
        }
        let last = text.as_bytes()[text.len() - 1];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let index = alphabet.iter().position(|&c| c == last).unwrap();
        let mut p = original.clone();
        p[part] = format!(
            "{}{}",
            &text[..text.len() - 1],
            char::from(alphabet[index | 1])
        );
        if p[part] != *text {
            rejects(
                &format!("{name}: stray bits"),
                &p.join("."),
                &keys,
                &opts(),
                "ERR_GRANTS_MALFORMED",
            );
        }
    }
}

#[test]
fn a_header_that_is_not_a_json_object_is_malformed() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let body = b64json(&payload());
    for header in [
        b"not json".to_vec(),
        b"".to_vec(),
        b"{".to_vec(),
        b"{\"alg\":\"EdDSA\",}".to_vec(),
        b"[\"EdDSA\"]".to_vec(),
        b"\"EdDSA\"".to_vec(),
        b"42".to_vec(),
        b"null".to_vec(),
        b"true".to_vec(),
        b"{\"alg\":\"EdDSA\",\"typ\":\"camunda-grants+jwt\",\"kid\":\"k\"} x".to_vec(),
        b"\xef\xbb\xbf{\"alg\":\"EdDSA\",\"typ\":\"camunda-grants+jwt\",\"kid\":\"k\"}".to_vec(),
        b"{\"alg\":\"EdDSA\",\"typ\":\"camunda-grants+jwt\",\"kid\":\"\xff\"}".to_vec(),
    ] {
        let t = forge_b64(&b64(&header), &body, &k.key);
        rejects(
            &format!("header {:?}", String::from_utf8_lossy(&header)),
            &t,
            &keys,
            &opts(),
            "ERR_GRANTS_MALFORMED",
        );
    }
}

// ----------------------------------------------------------------------------------------------
// The payload (reached only with a good signature)
// ----------------------------------------------------------------------------------------------

#[test]
fn a_payload_that_is_not_json_is_malformed() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    for body in [
        b"not json".as_slice(),
        b"",
        b"{",
        b"[]",
        b"\"grants\"",
        b"null",
        b"{\"exp\": 1}}",
        b"\xff\xfe",
    ] {
        let t = forge(&header("k"), body, &k);
        rejects(
            &format!("payload {:?}", String::from_utf8_lossy(body)),
            &t,
            &keys,
            &opts(),
            "ERR_GRANTS_MALFORMED",
        );
    }
}

#[test]
fn a_payload_without_exp_or_with_a_mistyped_exp_is_malformed() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let cases = [
        ("missing exp", without(payload(), "exp")),
        ("exp string", with(payload(), "exp", json!(EXP.to_string()))),
        ("exp null", with(payload(), "exp", json!(null))),
        ("exp bool", with(payload(), "exp", json!(true))),
        ("exp array", with(payload(), "exp", json!([EXP]))),
        (
            "exp fraction",
            with(payload(), "exp", json!(EXP as f64 + 0.5)),
        ),
        ("exp over i64", with(payload(), "exp", json!(u64::MAX))),
        ("nbf string", with(payload(), "nbf", json!("0"))),
        ("iss number", with(payload(), "iss", json!(1))),
        ("aud number", with(payload(), "aud", json!(1))),
        ("aud array of numbers", with(payload(), "aud", json!([1]))),
        ("missing principal", without(payload(), "principal")),
        (
            "principal type",
            with(
                payload(),
                "principal",
                json!({ "type": "ROBOT", "id": "x" }),
            ),
        ),
        (
            "missing authorizationsEnabled",
            without(payload(), "authorizationsEnabled"),
        ),
        ("duplicate exp", Value::Null), // built below as text
    ];
    for (what, p) in cases {
        let body = if p.is_null() {
            let text = serde_json::to_string(&payload()).unwrap();
            text.replacen('{', &format!("{{\"exp\":{},", EXP + 99999), 1)
                .into_bytes()
        } else {
            serde_json::to_vec(&p).unwrap()
        };
        let t = forge(&header("k"), &body, &k);
        rejects(what, &t, &keys, &opts(), "ERR_GRANTS_MALFORMED");
    }
}

#[test]
fn expiry_is_exclusive_and_clock_tolerance_extends_it() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let token = signed(&payload(), &k);
    let at = |now: i64, tolerance: i64| VerifyOptions {
        now,
        clock_tolerance: tolerance,
        ..VerifyOptions::default()
    };
    accepts("one second before exp", &token, &keys, &at(EXP - 1, 0));
    rejects(
        "now == exp",
        &token,
        &keys,
        &at(EXP, 0),
        "ERR_GRANTS_EXPIRED",
    );
    rejects(
        "after exp",
        &token,
        &keys,
        &at(EXP + 1, 0),
        "ERR_GRANTS_EXPIRED",
    );
    rejects(
        "long after",
        &token,
        &keys,
        &at(i64::MAX, 0),
        "ERR_GRANTS_EXPIRED",
    );
    accepts("tolerance 5, 4 s late", &token, &keys, &at(EXP + 4, 5));
    rejects(
        "tolerance 5, 5 s late",
        &token,
        &keys,
        &at(EXP + 5, 5),
        "ERR_GRANTS_EXPIRED",
    );
    accepts("tolerance 5, now == exp", &token, &keys, &at(EXP, 5));
    // Negative and huge tolerances: clock_tolerance_is_bounded_at_an_hour.
}

#[test]
fn not_yet_valid_before_nbf() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let nbf = NOW + 100;
    let token = signed(&with(payload(), "nbf", json!(nbf)), &k);
    let at = |now: i64, tolerance: i64| VerifyOptions {
        now,
        clock_tolerance: tolerance,
        ..VerifyOptions::default()
    };
    rejects(
        "before nbf",
        &token,
        &keys,
        &at(NOW, 0),
        "ERR_GRANTS_NOT_YET_VALID",
    );
    rejects(
        "one second before nbf",
        &token,
        &keys,
        &at(nbf - 1, 0),
        "ERR_GRANTS_NOT_YET_VALID",
    );
    accepts("now == nbf", &token, &keys, &at(nbf, 0));
    accepts("tolerance covers it", &token, &keys, &at(nbf - 10, 10));
    rejects(
        "tolerance short by one",
        &token,
        &keys,
        &at(nbf - 11, 10),
        "ERR_GRANTS_NOT_YET_VALID",
    );
}

#[test]
fn issuer_is_checked_when_expected() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let expect = |issuer: &str| VerifyOptions {
        issuer: Some(issuer.to_owned()),
        ..opts()
    };
    let token = signed(&payload(), &k);
    accepts(
        "right issuer",
        &token,
        &keys,
        &expect("https://tasklist.example.com"),
    );
    rejects(
        "wrong issuer",
        &token,
        &keys,
        &expect("https://evil.example.com"),
        "ERR_GRANTS_ISSUER",
    );
    rejects(
        "issuer differs by a slash",
        &token,
        &keys,
        &expect("https://tasklist.example.com/"),
        "ERR_GRANTS_ISSUER",
    );
    rejects(
        "issuer differs by case",
        &token,
        &keys,
        &expect("https://Tasklist.example.com"),
        "ERR_GRANTS_ISSUER",
    );
    let no_iss = signed(&without(payload(), "iss"), &k);
    rejects(
        "missing iss, issuer expected",
        &no_iss,
        &keys,
        &expect("https://tasklist.example.com"),
        "ERR_GRANTS_ISSUER",
    );
    rejects(
        "missing iss, empty issuer expected",
        &no_iss,
        &keys,
        &expect(""),
        "ERR_GRANTS_ISSUER",
    );
    accepts("missing iss, nothing expected", &no_iss, &keys, &opts());
}

#[test]
fn audience_is_checked_when_expected() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let expect = |aud: &[&str]| VerifyOptions {
        audience: Some(aud.iter().map(|a| (*a).to_owned()).collect()),
        ..opts()
    };
    let one = signed(&payload(), &k);
    accepts("aud string", &one, &keys, &expect(&["tasklist"]));
    accepts(
        "one of several accepted",
        &one,
        &keys,
        &expect(&["operate", "tasklist"]),
    );
    rejects(
        "wrong audience",
        &one,
        &keys,
        &expect(&["operate"]),
        "ERR_GRANTS_AUDIENCE",
    );
    rejects(
        "audience differs by case",
        &one,
        &keys,
        &expect(&["Tasklist"]),
        "ERR_GRANTS_AUDIENCE",
    );
    rejects(
        "nothing accepted",
        &one,
        &keys,
        &expect(&[]),
        "ERR_GRANTS_AUDIENCE",
    );

    let many = signed(&with(payload(), "aud", json!(["operate", "tasklist"])), &k);
    accepts(
        "aud array containing it",
        &many,
        &keys,
        &expect(&["tasklist"]),
    );
    rejects(
        "aud array without it",
        &many,
        &keys,
        &expect(&["optimize"]),
        "ERR_GRANTS_AUDIENCE",
    );
    let empty = signed(&with(payload(), "aud", json!([])), &k);
    rejects(
        "aud empty array",
        &empty,
        &keys,
        &expect(&["tasklist"]),
        "ERR_GRANTS_AUDIENCE",
    );
    let none = signed(&without(payload(), "aud"), &k);
    rejects(
        "missing aud, audience expected",
        &none,
        &keys,
        &expect(&["tasklist"]),
        "ERR_GRANTS_AUDIENCE",
    );
    accepts("missing aud, nothing expected", &none, &keys, &opts());
}

#[test]
fn an_unknown_version_is_malformed() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    for ver in [json!(2), json!(0), json!(u64::MAX)] {
        let t = forge(
            &header("k"),
            &serde_json::to_vec(&with(payload(), "ver", ver.clone())).unwrap(),
            &k,
        );
        rejects(
            &format!("ver {ver}"),
            &t,
            &keys,
            &opts(),
            "ERR_GRANTS_MALFORMED",
        );
    }
    for ver in [json!("1"), json!(-1), json!(1.5), json!(null)] {
        let t = forge(
            &header("k"),
            &serde_json::to_vec(&with(payload(), "ver", ver.clone())).unwrap(),
            &k,
        );
        rejects(
            &format!("ver {ver}"),
            &t,
            &keys,
            &opts(),
            "ERR_GRANTS_MALFORMED",
        );
    }
    let t = forge(
        &header("k"),
        &serde_json::to_vec(&without(payload(), "ver")).unwrap(),
        &k,
    );
    rejects("no ver", &t, &keys, &opts(), "ERR_GRANTS_MALFORMED");
}

// ----------------------------------------------------------------------------------------------
// Size and depth
// ----------------------------------------------------------------------------------------------

/// A valid token of exactly `len` bytes (padding the payload with an unknown member), if the
/// base64url lengths this kid gives can reach it.
fn token_of_length(len: usize, k: &SigningJwk) -> Option<String> {
    let base = signed(&payload(), k).len();
    let estimate = (len - base) * 3 / 4;
    (estimate.saturating_sub(16)..estimate + 16)
        .map(|pad| signed(&with(payload(), "pad", json!("x".repeat(pad))), k))
        .find(|t| t.len() == len)
}

#[test]
fn the_size_bound_comes_first_and_is_inclusive() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let token = signed(&payload(), &k);
    let bound = |n: usize| VerifyOptions {
        max_token_bytes: Some(n),
        ..opts()
    };
    accepts(
        "exactly at a custom bound",
        &token,
        &keys,
        &bound(token.len()),
    );
    rejects(
        "one byte over a custom bound",
        &token,
        &keys,
        &bound(token.len() - 1),
        "ERR_GRANTS_TOO_LARGE",
    );
    rejects("bound 0", &token, &keys, &bound(0), "ERR_GRANTS_TOO_LARGE");
    accepts("bound raised", &token, &keys, &bound(usize::MAX));

    // The default bound, 1 MiB, with a real token of exactly that length, and one byte more.
    // (A kid of another length shifts the token's length when base64 skips the one we want.)
    let (big, big_key) = (1..=4)
        .find_map(|n| {
            let k = key(&"k".repeat(n), 1);
            token_of_length(DEFAULT_MAX_TOKEN_BYTES, &k).map(|t| (t, k))
        })
        .unwrap();
    assert_eq!(big.len(), DEFAULT_MAX_TOKEN_BYTES);
    accepts("exactly 1 MiB", &big, &keyset(&[&big_key]), &opts());
    // One byte more: the same token with one more character in the payload's padding (any
    // length over the bound will do, so take the first token longer than the bound).
    let over = (1..8)
        .map(|extra| {
            let (_, p) = inspect(&big);
            let pad = p["pad"].as_str().unwrap().len() + extra;
            signed(&with(payload(), "pad", json!("x".repeat(pad))), &big_key)
        })
        .find(|t| t.len() > DEFAULT_MAX_TOKEN_BYTES)
        .unwrap();
    assert!(over.len() <= DEFAULT_MAX_TOKEN_BYTES + 2);
    rejects(
        "just over 1 MiB",
        &over,
        &keyset(&[&big_key]),
        &opts(),
        "ERR_GRANTS_TOO_LARGE",
    );
    accepts(
        "just over 1 MiB, bound raised",
        &over,
        &keyset(&[&big_key]),
        &VerifyOptions {
            max_token_bytes: Some(over.len()),
            ..opts()
        },
    );

    // Before anything is parsed: junk over the bound is too large, not malformed.
    let junk = "%".repeat(DEFAULT_MAX_TOKEN_BYTES + 1);
    rejects(
        "junk over the bound",
        &junk,
        &keys,
        &opts(),
        "ERR_GRANTS_TOO_LARGE",
    );
    let junk = "%".repeat(DEFAULT_MAX_TOKEN_BYTES);
    rejects(
        "junk at the bound",
        &junk,
        &keys,
        &opts(),
        "ERR_GRANTS_MALFORMED",
    );
    // The bound is in bytes, not characters.
    let wide = "é".repeat(DEFAULT_MAX_TOKEN_BYTES / 2 + 1);
    rejects(
        "multi-byte characters over the bound",
        &wide,
        &keys,
        &opts(),
        "ERR_GRANTS_TOO_LARGE",
    );
}

/// Runs `f` on a thread with a 1 MiB stack (WebAssembly's default), so a recursion that the
/// default 8 MiB main stack would survive still shows up.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap_or_else(|_| panic!("panicked or overflowed its stack"))
}

#[test]
fn deeply_nested_json_is_malformed_without_overflowing_the_stack() {
    on_small_stack(|| {
        let k = key("k", 1);
        let keys = keyset(&[&k]);
        let deep_open = "[".repeat(100_000);
        let deep_balanced = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let deep_objects = format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));

        // In the payload, with a good signature so that the payload decoder sees it.
        for (what, body) in [
            ("100k [", deep_open.clone()),
            ("100k [ ]", deep_balanced.clone()),
            ("50k objects", deep_objects.clone()),
            (
                "principal 100k [",
                with_raw(&payload(), "principal", &deep_open),
            ),
            (
                "principal 100k [ ]",
                with_raw(&payload(), "principal", &deep_balanced),
            ),
            (
                "authorizations 100k [ ]",
                with_raw(&payload(), "authorizations", &deep_balanced),
            ),
            ("aud 100k [ ]", with_raw(&payload(), "aud", &deep_balanced)),
            (
                "unknown member 100k [",
                with_raw(&payload(), "extra", &deep_open),
            ),
        ] {
            let t = forge(&header("k"), body.as_bytes(), &k);
            rejects(
                &format!("payload: {what}"),
                &t,
                &keys,
                &opts(),
                "ERR_GRANTS_MALFORMED",
            );
            let inspected = jws::inspect(&t).map(|_| ());
            assert_eq!(
                inspected.unwrap_err().code.as_str(),
                "ERR_GRANTS_MALFORMED",
                "inspect {what}"
            );
        }

        // In the header (unauthenticated input, parsed before any signature check).
        for (what, h) in [
            ("100k [", &deep_open),
            ("100k [ ]", &deep_balanced),
            ("50k objects", &deep_objects),
        ] {
            let t = forge_b64(&b64(h.as_bytes()), &b64json(&payload()), &k.key);
            rejects(
                &format!("header: {what}"),
                &t,
                &keys,
                &opts(),
                "ERR_GRANTS_MALFORMED",
            );
            for member in ["alg", "typ", "kid", "crit"] {
                let obj = format!(
                    "{{\"alg\":\"EdDSA\",\"typ\":\"{TYP}\",\"kid\":\"k\",\"{member}\":{h}}}"
                );
                let t = forge_b64(&b64(obj.as_bytes()), &b64json(&payload()), &k.key);
                rejects(
                    &format!("header `{member}`: {what}"),
                    &t,
                    &keys,
                    &opts(),
                    "ERR_GRANTS_MALFORMED",
                );
            }
        }
        let open_member =
            format!("{{\"alg\":\"EdDSA\",\"typ\":\"{TYP}\",\"kid\":\"k\",\"x\":{deep_open}}}");
        let t = forge_b64(&b64(open_member.as_bytes()), &b64json(&payload()), &k.key);
        rejects(
            "header unknown member: 100k [",
            &t,
            &keys,
            &opts(),
            "ERR_GRANTS_MALFORMED",
        );

        // A balanced, deep value in a member nobody reads (header or payload) is valid JSON.
        // Whether the decoder skips it (serde_json skips ignored values iteratively, without
        // recursion) or refuses it for its depth, it must not overflow, and must either verify
        // or be ERR_GRANTS_MALFORMED. `inspect`, which builds a whole JSON value, refuses it.
        let balanced_member =
            format!("{{\"alg\":\"EdDSA\",\"typ\":\"{TYP}\",\"kid\":\"k\",\"x\":{deep_balanced}}}");
        for (what, t) in [
            (
                "header unknown member: 100k [ ]",
                forge_b64(
                    &b64(balanced_member.as_bytes()),
                    &b64json(&payload()),
                    &k.key,
                ),
            ),
            (
                "payload unknown member: 100k [ ]",
                forge(
                    &header("k"),
                    with_raw(&payload(), "extra", &deep_balanced).as_bytes(),
                    &k,
                ),
            ),
        ] {
            match run(what, &t, &keys, &opts()) {
                Ok(grants) => assert_eq!(grants.payload().principal.id, "demo"),
                Err(e) => assert_eq!(e.code.as_str(), "ERR_GRANTS_MALFORMED", "{what}: {e}"),
            }
            assert_eq!(
                jws::inspect(&t).unwrap_err().code.as_str(),
                "ERR_GRANTS_MALFORMED",
                "inspect {what}"
            );
        }
    });
}

/// The payload as JSON text with `member` set to raw JSON text (which may be invalid).
fn with_raw(payload: &Value, member: &str, raw: &str) -> String {
    let marker = "\"__RAW__\"";
    let text = serde_json::to_string(&with(payload.clone(), member, json!("__RAW__"))).unwrap();
    text.replacen(marker, raw, 1)
}

// ----------------------------------------------------------------------------------------------
// RFC 8037 appendix A
// ----------------------------------------------------------------------------------------------

const RFC8037_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
const RFC8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
const RFC8037_INPUT: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
const RFC8037_SIGNATURE: &str =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

#[test]
fn rfc8037_appendix_a_test_vectors() {
    // A.1/A.2: the private key and its public key.
    let jwk =
        json!({ "kty": "OKP", "crv": "Ed25519", "d": RFC8037_D, "x": RFC8037_X, "kid": "rfc8037" });
    let key = SigningJwk::parse_str(&jwk.to_string()).unwrap();
    assert_eq!(key.public_jwk().x.as_deref(), Some(RFC8037_X));
    assert_eq!(key.private_jwk().d.as_deref(), Some(RFC8037_D));
    // A.3: the JWS header and payload as RFC 8037 gives them.
    let [h, p]: [&str; 2] = RFC8037_INPUT
        .split('.')
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    assert_eq!(base64url::decode(h).unwrap(), br#"{"alg":"EdDSA"}"#);
    assert_eq!(base64url::decode(p).unwrap(), b"Example of Ed25519 signing");
    // A.4: Ed25519 is deterministic, so the signature is exactly the RFC's.
    let signature = key.key.sign(RFC8037_INPUT.as_bytes());
    assert_eq!(b64(&signature.to_bytes()), RFC8037_SIGNATURE);
    // A.5: the public key set verifies it strictly, and refuses it for any other input.
    let keys = KeySet::parse_str(
        &json!({ "keys": [{ "kty": "OKP", "crv": "Ed25519", "x": RFC8037_X, "kid": "rfc8037" }] })
            .to_string(),
    )
    .unwrap();
    let public = keys.find("rfc8037").unwrap();
    let bytes: [u8; 64] = base64url::decode(RFC8037_SIGNATURE)
        .unwrap()
        .try_into()
        .unwrap();
    let signature = Signature::from_bytes(&bytes);
    public
        .verify_strict(RFC8037_INPUT.as_bytes(), &signature)
        .unwrap();
    assert!(public
        .verify_strict(
            b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmd",
            &signature
        )
        .is_err());
    // A one-character change in R (`MGCj` -> `MZCj`, a transcription slip seen in the wild) does
    // not verify.
    let slipped = RFC8037_SIGNATURE.replacen("MGCj", "MZCj", 1);
    assert_ne!(slipped, RFC8037_SIGNATURE);
    let bytes: [u8; 64] = base64url::decode(&slipped).unwrap().try_into().unwrap();
    assert!(public
        .verify_strict(RFC8037_INPUT.as_bytes(), &Signature::from_bytes(&bytes))
        .is_err());
    // The RFC key signs grant sets that verify against the RFC public key.
    let token = jws::sign(
        &payload().to_string(),
        &key,
        &SignOptions {
            now: NOW,
            ..SignOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        accepts("RFC 8037 key", &token, &keys, &opts())
            .header()
            .kid
            .as_deref(),
        Some("rfc8037")
    );
    // A private JWK whose `x` does not belong to its `d` is refused.
    let mismatched =
        json!({ "kty": "OKP", "crv": "Ed25519", "d": RFC8037_D, "x": key_x(2), "kid": "k" });
    assert_eq!(
        SigningJwk::parse_str(&mismatched.to_string())
            .err()
            .unwrap()
            .code
            .as_str(),
        "ERR_KEY_INVALID"
    );
    // The RFC's token has no `typ` or `kid`; as a grant set it fails on `typ`, not on the signature.
    let token = format!("{RFC8037_INPUT}.{RFC8037_SIGNATURE}");
    rejects("RFC 8037 token", &token, &keys, &opts(), "ERR_GRANTS_TYP");
}

fn key_x(seed: u8) -> String {
    key("x", seed).public_jwk().x.unwrap()
}

// ----------------------------------------------------------------------------------------------
// sign and inspect
// ----------------------------------------------------------------------------------------------

#[test]
fn sign_round_trip_keeps_unknown_payload_members() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let extra = json!({ "nested": [1, "two", { "three": null }], "flag": true });
    let p = with(
        with(payload(), "x-custom", extra.clone()),
        "tenantHint",
        json!("acme"),
    );
    let token = signed(&p, &k);
    accepts("round trip", &token, &keys, &opts());
    let (h, decoded) = inspect(&token);
    assert_eq!(h, json!({ "alg": "EdDSA", "typ": TYP, "kid": "k" }));
    assert_eq!(decoded["x-custom"], extra);
    assert_eq!(decoded["tenantHint"], "acme");
    assert_eq!(decoded["principal"], payload()["principal"]);
    assert_eq!(decoded["authorizations"], payload()["authorizations"]);
    assert_eq!(decoded["exp"], EXP, "the payload's own exp is kept");

    // With a ttl, issuer and audience from the options.
    let token = jws::sign(
        &without(payload(), "exp").to_string(),
        &k,
        &SignOptions {
            now: NOW,
            ttl: Some(60),
            issuer: Some("https://issuer.example".to_owned()),
            audience: Some(Audience::Many(vec![
                "tasklist".to_owned(),
                "operate".to_owned(),
            ])),
        },
    )
    .unwrap();
    let (_, decoded) = inspect(&token);
    assert_eq!(
        (decoded["iat"].as_i64(), decoded["exp"].as_i64()),
        (Some(NOW), Some(NOW + 60))
    );
    assert_eq!(decoded["iss"], "https://issuer.example");
    assert_eq!(decoded["aud"], json!(["tasklist", "operate"]));
    let expected = VerifyOptions {
        issuer: Some("https://issuer.example".to_owned()),
        audience: Some(vec!["operate".to_owned()]),
        ..opts()
    };
    accepts("options applied", &token, &keys, &expected);
    // Without `exp` or `ttl`, 15 minutes; without `ver`, the current version.
    let token = jws::sign(
        &without(without(payload(), "exp"), "ver").to_string(),
        &k,
        &SignOptions {
            now: NOW,
            ..SignOptions::default()
        },
    )
    .unwrap();
    let (_, decoded) = inspect(&token);
    assert_eq!(
        decoded["exp"].as_i64(),
        Some(NOW + jws::DEFAULT_TTL_SECONDS)
    );
    assert_eq!(decoded["ver"], 1);
}

#[test]
fn sign_refuses_a_payload_that_is_not_a_grant_set() {
    let k = key("k", 1);
    let o = SignOptions {
        now: NOW,
        ..SignOptions::default()
    };
    for (what, p) in [
        ("array", json!([payload()])),
        ("string", json!("payload")),
        ("null", json!(null)),
        ("only ver", json!({ "ver": 1 })),
        ("no principal", without(payload(), "principal")),
        (
            "principal type",
            with(
                payload(),
                "principal",
                json!({ "type": "ROBOT", "id": "demo" }),
            ),
        ),
        (
            "empty principal id",
            with(payload(), "principal", json!({ "type": "USER", "id": "" })),
        ),
        ("ver 2", with(payload(), "ver", json!(2))),
        ("exp string", with(payload(), "exp", json!("soon"))),
        (
            "authorization without scope",
            with(
                payload(),
                "authorizations",
                json!([{ "ownerType": "USER", "ownerId": "demo", "resourceType": "USER_TASK", "permissionTypes": ["READ"] }]),
            ),
        ),
    ] {
        let got = catch_unwind(AssertUnwindSafe(|| jws::sign(&p.to_string(), &k, &o)))
            .expect("sign panicked");
        assert_eq!(
            got.unwrap_err().code.as_str(),
            "ERR_GRANTS_MALFORMED",
            "{what}"
        );
    }
    for ttl in [0, -1, i64::MIN] {
        let got = jws::sign(
            &payload().to_string(),
            &k,
            &SignOptions {
                ttl: Some(ttl),
                ..o.clone()
            },
        );
        assert_eq!(
            got.unwrap_err().code.as_str(),
            "ERR_ARGUMENT_INVALID",
            "ttl {ttl}"
        );
    }
}

#[test]
fn inspect_decodes_without_a_key() {
    let k = key("k", 1);
    let token = signed(&payload(), &k);
    let (h, p) = inspect(&token);
    assert_eq!(h["kid"], "k");
    assert_eq!(p["principal"]["id"], "demo");
    // It does not verify: a broken signature, `alg` `none` and an expired token all decode.
    let [hh, pp, _]: [String; 3] = parts(&token).try_into().unwrap();
    let (_, p2) = inspect(&format!("{hh}.{pp}.{}", b64(&[0; 64])));
    assert_eq!(p2, p);
    let none = with_signature(
        &json!({ "alg": "none" }),
        &serde_json::to_vec(&payload()).unwrap(),
        &[],
    );
    let (h3, _) = inspect(&none);
    assert_eq!(h3["alg"], "none");
    // Still a JWS: structure, base64url and JSON are required.
    for bad in [
        "a.b".to_owned(),
        format!("{hh}.{pp}"),
        format!("{hh}.%%.x"),
        format!("{hh}.{}.", b64(b"not json")),
    ] {
        let got = catch_unwind(|| jws::inspect(&bad).map(|_| ())).expect("inspect panicked");
        assert_eq!(
            got.unwrap_err().code.as_str(),
            "ERR_GRANTS_MALFORMED",
            "{bad}"
        );
    }
}

// ----------------------------------------------------------------------------------------------
// HMAC-SHA256 (RFC 2104 over FIPS 180-4), only to forge the key-confusion token above
// ----------------------------------------------------------------------------------------------

fn sha256(data: &[u8]) -> [u8; 32] {
    // The first 32 bits of the fractional parts of the square and cube roots of the first primes.
    let primes: Vec<u32> = (2u32..)
        .filter(|n| (2..*n).all(|d| n % d != 0))
        .take(64)
        .collect();
    let frac = |x: f64| ((x - x.floor()) * 4_294_967_296.0) as u32;
    let k: Vec<u32> = primes.iter().map(|&p| frac(f64::from(p).cbrt())).collect();
    let mut h: Vec<u32> = primes[..8]
        .iter()
        .map(|&p| frac(f64::from(p).sqrt()))
        .collect();

    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&(data.len() as u64 * 8).to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes(block[4 * i..4 * i + 4].try_into().unwrap());
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v: [u32; 8] = h.clone().try_into().unwrap();
        for i in 0..64 {
            let [a, b, c, d, e, f, g, hh] = v;
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(k[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            v = [
                t1.wrapping_add(s0.wrapping_add(maj)),
                a,
                b,
                c,
                d.wrapping_add(t1),
                e,
                f,
                g,
            ];
        }
        for (x, y) in h.iter_mut().zip(v) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&sha256(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = block
        .iter()
        .map(|b| b ^ 0x36)
        .chain(message.iter().copied())
        .collect();
    let outer: Vec<u8> = block
        .iter()
        .map(|b| b ^ 0x5c)
        .chain(sha256(&inner))
        .collect();
    sha256(&outer)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_hmac_used_to_forge_is_real_hmac_sha256() {
    assert_eq!(
        hex(&sha256(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        hex(&sha256(b"")),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    // RFC 4231 test cases 2 and 6 (a key longer than the block).
    assert_eq!(
        hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        hex(&hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        )),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}

#[test]
fn sign_keeps_member_order_and_number_text_as_written() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    // Members this crate does not read keep their place and their exact text: a 64-bit key a
    // JavaScript number could not hold, a trailing zero, an exponent.
    let body = serde_json::to_string(&payload()).unwrap();
    let text = body.replacen(
        '{',
        r#"{"zFirst":12345678901234567890,"ratio":1.50,"tiny":1e-7,"#,
        1,
    );
    let token = jws::sign(
        &text,
        &k,
        &SignOptions {
            now: NOW,
            ..SignOptions::default()
        },
    )
    .unwrap();
    accepts("as written", &token, &keys, &opts());
    let part = token.split('.').nth(1).unwrap();
    let signed = String::from_utf8(base64url::decode(part).unwrap()).unwrap();
    assert!(
        signed.starts_with(r#"{"zFirst":12345678901234567890,"ratio":1.50,"tiny":1e-7,"#),
        "{signed}"
    );
    assert!(
        signed.ends_with(r#""sub":"demo","ver":1}"#) && signed.contains(r#""iat":1763800000,"#),
        "the payload's own iat, exp and ver are kept in place: {signed}"
    );
}

#[test]
fn duplicate_members_the_verifier_reads_are_refused_in_header_and_keys() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let body = serde_json::to_vec(&payload()).unwrap();
    // RFC 7515 section 4: a JWS with duplicate header names is rejected, not read either way.
    for header_text in [
        r#"{"alg":"EdDSA","typ":"camunda-grants+jwt","kid":"k","kid":"other"}"#,
        r#"{"alg":"none","alg":"EdDSA","typ":"camunda-grants+jwt","kid":"k"}"#,
    ] {
        let t = forge_b64(&b64(header_text.as_bytes()), &b64(&body), &k.key);
        rejects(header_text, &t, &keys, &opts(), "ERR_GRANTS_MALFORMED");
    }
    // A member the verifier does not read may repeat.
    let t = forge_b64(
        &b64(br#"{"alg":"EdDSA","typ":"camunda-grants+jwt","kid":"k","x":1,"x":2}"#),
        &b64(&body),
        &k.key,
    );
    accepts("repeated unknown member", &t, &keys, &opts());
    let jwks = serde_json::to_string(&Jwks {
        keys: vec![k.public_jwk()],
    })
    .unwrap();
    let doubled = jwks.replacen(r#""kid":"k""#, r#""kid":"k","kid":"k2""#, 1);
    assert_ne!(jwks, doubled);
    let e = KeySet::parse_str(&doubled).unwrap_err();
    assert_eq!(e.code.as_str(), "ERR_JWKS_INVALID", "{e}");
    assert!(e.message.contains("`kid` appears more than once"), "{e}");
}

// ----------------------------------------------------------------------------------------------
// Hardening: key use, empty kid, clock tolerance, time bounds, control characters
// ----------------------------------------------------------------------------------------------

/// A JWKS of one usable key `k` plus Ed25519 keys (all with `k`'s public key) that must never
/// verify: `use` other than `sig`, `key_ops` without `verify`.
fn restricted_keys(k: &SigningJwk) -> KeySet {
    let x = k.public_jwk().x;
    let set = json!({ "keys": [
        k.public_jwk(),
        { "kty": "OKP", "crv": "Ed25519", "kid": "enc", "use": "enc", "x": x },
        { "kty": "OKP", "crv": "Ed25519", "kid": "sign-only", "key_ops": ["sign"], "x": x },
        { "kty": "OKP", "crv": "Ed25519", "kid": "no-ops", "key_ops": [], "x": x },
        { "kty": "OKP", "crv": "Ed25519", "kid": "ops-verify", "key_ops": ["sign", "verify"], "x": x },
        { "kty": "OKP", "crv": "Ed25519", "kid": "sig-verify", "use": "sig", "key_ops": ["verify"], "x": x },
        { "kty": "OKP", "crv": "Ed25519", "x": x },
        { "kty": "OKP", "crv": "Ed25519", "kid": "", "x": x },
    ]});
    KeySet::parse_str(&set.to_string()).unwrap()
}

#[test]
fn a_key_whose_use_or_key_ops_exclude_verification_never_matches() {
    let k = key("k", 1);
    let keys = restricted_keys(&k);
    let body = serde_json::to_vec(&payload()).unwrap();
    for kid in ["k", "ops-verify", "sig-verify"] {
        accepts(kid, &forge(&header(kid), &body, &k), &keys, &opts());
    }
    for (kid, why) in [
        ("enc", "`use` `enc`"),
        ("sign-only", "`key_ops`"),
        ("no-ops", "`key_ops`"),
    ] {
        let e = run(kid, &forge(&header(kid), &body, &k), &keys, &opts()).unwrap_err();
        assert_eq!(e.code.as_str(), "ERR_GRANTS_KEY_NOT_FOUND", "{kid}: {e}");
        assert!(e.message.contains(why), "{kid}: the message says why: {e}");
    }
    let bad_ops = json!({ "keys": [{ "kty": "OKP", "crv": "Ed25519", "kid": "k", "key_ops": "verify", "x": k.public_jwk().x }] });
    let e = KeySet::parse_str(&bad_ops.to_string()).unwrap_err();
    assert_eq!(e.code.as_str(), "ERR_JWKS_INVALID", "{e}");
}

#[test]
fn an_empty_kid_never_matches_a_key_without_kid() {
    let k = key("k", 1);
    let keys = restricted_keys(&k);
    let body = serde_json::to_vec(&payload()).unwrap();
    let e = run("kid \"\"", &forge(&header(""), &body, &k), &keys, &opts()).unwrap_err();
    assert_eq!(e.code.as_str(), "ERR_GRANTS_KEY_NOT_FOUND", "{e}");
    assert!(e.message.contains("empty"), "{e}");
    // Only a key without kid: still not found.
    let anonymous = json!({ "keys": [{ "kty": "OKP", "crv": "Ed25519", "x": k.public_jwk().x }] });
    let keys = KeySet::parse_str(&anonymous.to_string()).unwrap();
    rejects(
        "kid \"\" against a key without kid",
        &forge(&header(""), &body, &k),
        &keys,
        &opts(),
        "ERR_GRANTS_KEY_NOT_FOUND",
    );
}

#[test]
fn clock_tolerance_is_bounded_at_an_hour() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let token = signed(&payload(), &k);
    let at = |now: i64, tolerance: i64| VerifyOptions {
        now,
        clock_tolerance: tolerance,
        ..VerifyOptions::default()
    };
    accepts("tolerance 3600", &token, &keys, &at(EXP + 3599, 3600));
    rejects(
        "tolerance 3600, an hour late",
        &token,
        &keys,
        &at(EXP + 3600, 3600),
        "ERR_GRANTS_EXPIRED",
    );
    for tolerance in [3601, i64::MAX, -1, i64::MIN] {
        rejects(
            &format!("tolerance {tolerance}"),
            &token,
            &keys,
            &at(EXP - 1, tolerance),
            "ERR_ARGUMENT_INVALID",
        );
    }
    assert_eq!(jws::MAX_CLOCK_TOLERANCE_SECONDS, 3600);
}

#[test]
fn times_beyond_what_a_js_date_holds_are_malformed() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    // A JavaScript Date holds ±8.64e15 ms: ±8.64e12 s around the epoch. An `exp` beyond it once
    // verified, and then `expiresAt.toISOString()` threw in JavaScript.
    let limit: i64 = 8_640_000_000_000;
    assert_eq!(jws::MAX_TIME_SECONDS, limit);
    assert_eq!(camunda_authz::time::MAX_DATE_SECONDS, limit);
    // The lifetime bound is lifted so that only the range is tested here.
    let any_lifetime = VerifyOptions {
        max_lifetime: None,
        ..opts()
    };
    accepts(
        "exp at the last second a Date holds",
        &signed(&with(payload(), "exp", json!(limit)), &k),
        &keys,
        &any_lifetime,
    );
    for (member, value) in [
        ("exp", limit + 1),
        ("exp", (1 << 53) - 1),
        ("exp", i64::MAX),
        ("nbf", -limit - 1),
        ("nbf", limit + 1),
        ("iat", limit + 1),
        ("iat", -limit - 1),
        ("iat", i64::MIN),
    ] {
        let body = serde_json::to_vec(&with(payload(), member, json!(value))).unwrap();
        let token = forge(&header("k"), &body, &k);
        for options in [&any_lifetime, &opts()] {
            rejects(
                &format!("{member} {value}"),
                &token,
                &keys,
                options,
                "ERR_GRANTS_MALFORMED",
            );
        }
    }
    let body = serde_json::to_vec(&with(payload(), "exp", json!(limit + 1))).unwrap();
    let e = run(
        "exp 8.64e12 + 1",
        &forge(&header("k"), &body, &k),
        &keys,
        &any_lifetime,
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "the payload: `exp` (+275760-09-13T00:00:01Z) is more than 8.64e12 seconds from the epoch, beyond what a JavaScript Date holds"
    );
    accepts(
        "nbf and iat at -8.64e12",
        &signed(
            &with(with(payload(), "nbf", json!(-limit)), "iat", json!(-limit)),
            &k,
        ),
        &keys,
        &any_lifetime,
    );
}

#[test]
fn times_in_messages_are_iso_dates() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let token = signed(&payload(), &k);
    let late = VerifyOptions {
        now: EXP + 10,
        ..opts()
    };
    let e = run("expired", &token, &keys, &late).unwrap_err();
    assert_eq!(
        e.message,
        "the grant set expired at 2025-11-22T08:41:40Z (now 2025-11-22T08:41:50Z)"
    );
    let nbf = signed(&with(payload(), "nbf", json!(NOW + 60)), &k);
    let e = run("nbf", &nbf, &keys, &opts()).unwrap_err();
    assert_eq!(
        e.message,
        "the grant set is not valid before 2025-11-22T08:29:20Z (now 2025-11-22T08:28:20Z)"
    );
    assert_eq!(camunda_authz::time::iso8601(0), "1970-01-01T00:00:00Z");
    assert_eq!(camunda_authz::time::iso8601(-1), "1969-12-31T23:59:59Z");
    assert_eq!(
        camunda_authz::time::iso8601(1 << 53),
        "+285428751-11-12T07:36:32Z"
    );
    assert_eq!(
        camunda_authz::time::iso8601(-(1 << 53)),
        "-285424812-02-20T16:23:28Z"
    );
    for extreme in [i64::MIN, i64::MAX] {
        assert!(camunda_authz::time::iso8601(extreme).ends_with('Z'));
    }
}

#[test]
fn messages_never_carry_raw_control_characters() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let body = serde_json::to_vec(&payload()).unwrap();
    let kid = "evil\u{1b}[31m\nline\u{7}\r\t\u{0}\u{9b}\u{202e}";
    let e = run(
        "control kid",
        &forge(&header(kid), &body, &k),
        &keys,
        &opts(),
    )
    .unwrap_err();
    assert_eq!(e.code.as_str(), "ERR_GRANTS_KEY_NOT_FOUND");
    assert!(
        !e.message.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "raw control characters in {:?}",
        e.message
    );
    assert!(
        e.message
            .contains(r"evil\u{1b}[31m\nline\u{7}\r\t\u{0}\u{9b}\u{202e}"),
        "escaped visibly: {:?}",
        e.message
    );
    let direct = AuthzError::new(camunda_authz::ErrorCode::TaskInvalid, "a\u{1b}b");
    assert_eq!(direct.message, r"a\u{1b}b");
    assert_eq!(direct.to_string(), r"ERR_TASK_INVALID: a\u{1b}b");
}

/// The conformance fixtures every runtime verifies (tests/corpus/grants-verification.json),
/// run natively against `jws::verify`: the same acceptances and the same codes.
#[test]
fn the_conformance_fixtures_verify_natively_as_in_every_runtime() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/grants-verification.json"
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let fixtures = &doc["grantVerification"];
    let keys = KeySet::parse_str(&fixtures["jwks"].to_string()).unwrap();
    let cases = fixtures["cases"].as_array().unwrap();
    assert!(cases.len() > 40);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let o = &case["options"];
        for member in ["issuer", "audience"] {
            assert!(
                o.get(member).is_some(),
                "{name}: options without `{member}`"
            );
        }
        let audience = match &o["audience"] {
            Value::Null => None,
            Value::String(one) => Some(vec![one.clone()]),
            many => Some(serde_json::from_value(many.clone()).unwrap()),
        };
        let options = VerifyOptions {
            now: o["now"].as_i64().unwrap(),
            clock_tolerance: o["clockTolerance"].as_i64().unwrap_or(0),
            issuer: o["issuer"].as_str().map(str::to_owned),
            audience,
            max_token_bytes: o["maxTokenBytes"].as_u64().map(|n| n as usize),
            // Absent: the default bound; `null`: none, on purpose.
            max_lifetime: match o.get("maxLifetime") {
                None => Some(jws::DEFAULT_MAX_LIFETIME_SECONDS),
                Some(max) => max.as_i64(),
            },
            physical_tenant: o["physicalTenant"].as_str().map(str::to_owned),
        };
        let token = case["token"].as_str().unwrap();
        match case["expectError"].as_str() {
            Some(code) => rejects(name, token, &keys, &options, code),
            None => {
                let grants = accepts(name, token, &keys, &options);
                assert_eq!(grants.header().kid.as_deref(), case["expectKid"].as_str());
            }
        }
    }
}

#[test]
fn a_grant_set_living_longer_than_max_lifetime_is_malformed() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let iat = NOW - 100;
    let living = |seconds: i64| signed(&with(payload(), "exp", json!(iat + seconds)), &k);
    // The default bound is a day (`exp - iat`): a ten-year grant set is refused.
    accepts("a day exactly", &living(86_400), &keys, &opts());
    rejects(
        "a day and a second",
        &living(86_401),
        &keys,
        &opts(),
        "ERR_GRANTS_MALFORMED",
    );
    rejects(
        "ten years",
        &living(10 * 365 * 86_400),
        &keys,
        &opts(),
        "ERR_GRANTS_MALFORMED",
    );
    let e = run("ten years", &living(10 * 365 * 86_400), &keys, &opts()).unwrap_err();
    assert_eq!(
        e.message,
        "the payload: the grant set lives 315360000 s (`iat` 2025-11-22T08:26:40Z to `exp` 2035-11-20T08:26:40Z), not 0 to maxLifetime 86400 s"
    );
}

#[test]
fn max_lifetime_needs_iat_can_be_set_or_lifted_and_is_bounded() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let max = |max_lifetime: Option<i64>| VerifyOptions {
        max_lifetime,
        ..opts()
    };
    // Without `iat` the lifetime cannot be shown: refused while a bound applies.
    let no_iat = forge(
        &header("k"),
        &serde_json::to_vec(&without(payload(), "iat")).unwrap(),
        &k,
    );
    rejects("no iat", &no_iat, &keys, &opts(), "ERR_GRANTS_MALFORMED");
    let e = run("no iat", &no_iat, &keys, &opts()).unwrap_err();
    assert_eq!(
        e.message,
        "the payload has no `iat`, so its lifetime cannot be held to maxLifetime 86400 s"
    );
    accepts("no iat, no bound", &no_iat, &keys, &max(None));
    // `exp` before `iat` is no lifetime at all.
    let backwards = signed(&with(payload(), "iat", json!(EXP + 1)), &k);
    rejects(
        "exp before iat",
        &backwards,
        &keys,
        &opts(),
        "ERR_GRANTS_MALFORMED",
    );
    // The payload lives 900 s: a bound of 900 takes it, 899 does not.
    accepts("bound 900", &signed(&payload(), &k), &keys, &max(Some(900)));
    rejects(
        "bound 899",
        &signed(&payload(), &k),
        &keys,
        &max(Some(899)),
        "ERR_GRANTS_MALFORMED",
    );
    // The option itself: positive, checked before the token.
    for bad in [0, -1, i64::MIN, 2 * jws::MAX_TIME_SECONDS + 1] {
        rejects(
            &format!("max_lifetime {bad}"),
            "not even a token",
            &keys,
            &max(Some(bad)),
            "ERR_ARGUMENT_INVALID",
        );
    }
    accepts(
        "the largest bound",
        &signed(&payload(), &k),
        &keys,
        &max(Some(2 * jws::MAX_TIME_SECONDS)),
    );
}

#[test]
fn physical_tenant_is_checked_when_required() {
    let k = key("k", 1);
    let keys = keyset(&[&k]);
    let require = |tenant: &str| VerifyOptions {
        physical_tenant: Some(tenant.to_owned()),
        ..opts()
    };
    let eu = signed(&with(payload(), "physicalTenant", json!("eu-1")), &k);
    let none = signed(&payload(), &k);
    let grants = accepts("eu-1 required", &eu, &keys, &require("eu-1"));
    assert_eq!(grants.payload().physical_tenant.as_deref(), Some("eu-1"));
    accepts("not required: any physical tenant", &eu, &keys, &opts());
    accepts("not required: none", &none, &keys, &opts());
    rejects(
        "another",
        &eu,
        &keys,
        &require("us-1"),
        "ERR_GRANTS_PHYSICAL_TENANT",
    );
    rejects(
        "exact and case-sensitive",
        &eu,
        &keys,
        &require("EU-1"),
        "ERR_GRANTS_PHYSICAL_TENANT",
    );
    rejects(
        "required but absent",
        &none,
        &keys,
        &require("eu-1"),
        "ERR_GRANTS_PHYSICAL_TENANT",
    );
    assert_eq!(
        run("absent", &none, &keys, &require("eu-1"))
            .unwrap_err()
            .message,
        "the grant set names no `physicalTenant`, expected `eu-1`"
    );
    assert_eq!(
        run("another", &eu, &keys, &require("us-1"))
            .unwrap_err()
            .message,
        "`physicalTenant` is `eu-1`, expected `us-1`"
    );
    // Not a string: the payload's shape is wrong.
    let body = serde_json::to_vec(&with(payload(), "physicalTenant", json!(7))).unwrap();
    rejects(
        "a number",
        &forge(&header("k"), &body, &k),
        &keys,
        &opts(),
        "ERR_GRANTS_MALFORMED",
    );
    // Checked after the audience, like the other claims.
    let wrong_aud = VerifyOptions {
        audience: Some(vec!["operate".to_owned()]),
        ..require("us-1")
    };
    rejects(
        "audience first",
        &eu,
        &keys,
        &wrong_aud,
        "ERR_GRANTS_AUDIENCE",
    );
}
