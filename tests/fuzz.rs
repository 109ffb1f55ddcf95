#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "in a test a panic is a failure report"
)]

//! A bounded randomized test (the fuzz target of issue 3, run by `cargo test --release`): every
//! decoder that takes outside input, fed arbitrary bytes, random text from the base64url and
//! JSON alphabets, deeply nested JSON and mutations of valid inputs. The seed is fixed, so a
//! failure replays; each failure names the round and the input.
//!
//! Beyond "never panics" it checks:
//! - every error carries a documented code, and one that the function may return (a verifier error is
//!   an `ERR_GRANTS_*`, a JWKS error `ERR_JWKS_INVALID`, ...), with a non-empty message;
//! - a token that differs from the signed original in any byte never verifies (strict base64url
//!   and strict Ed25519 make the signed text unique), while the original always does;
//! - a payload that decodes gives an `Authorizer` whose answers agree with each other (`can`,
//!   `explain`, the bulk record path) on random tasks; a payload that signs verifies.
//!
//! Ed25519 dominates the cost, so each test has a budget of signature checks and signings (see
//! `crypto_budget`); everything cheaper runs on every input. The whole file takes a few seconds
//! under `cargo test --release`. `CAMUNDA_AUTHZ_FUZZ_ROUNDS` scales rounds and budgets (default
//! 1) and `CAMUNDA_AUTHZ_FUZZ_SEED` changes the seed, for a longer hunt by hand.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use camunda_authz::authorizer::RECORD_HEADER;
use camunda_authz::base64url;
use camunda_authz::json;
use camunda_authz::jwk::{Jwk, Jwks};
use camunda_authz::jws::{self, SignOptions};
use camunda_authz::{
    Authorizer, AuthzError, ErrorCode, GrantSetPayload, KeySet, Operation, SigningJwk, Task,
    VerifyOptions,
};
use ed25519_dalek::Signer;
use serde_json::{json, Value};

const NOW: i64 = 1_763_800_100;
const TYP: &str = "camunda-grants+jwt";
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// ----------------------------------------------------------------------------------------------
// A small deterministic PRNG (SplitMix64): no crate, same sequence everywhere.
// ----------------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(stream: u64) -> Self {
        let seed = std::env::var("CAMUNDA_AUTHZ_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0x5eed_ca3d_a0a7_2026);
        Rng(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the bias is irrelevant here).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A length that is usually small and sometimes large.
    fn len(&mut self) -> usize {
        match self.below(8) {
            0 => 0,
            1..=5 => self.below(40),
            6 => self.below(400),
            _ => self.below(4000),
        }
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }

    fn text_from(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| char::from(*self.pick(alphabet))).collect()
    }
}

/// `base` scaled by `CAMUNDA_AUTHZ_FUZZ_ROUNDS` (and cut in unoptimized builds).
fn rounds(base: usize) -> usize {
    let scale = std::env::var("CAMUNDA_AUTHZ_FUZZ_ROUNDS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(1);
    let debug = if cfg!(debug_assertions) { 10 } else { 1 };
    (base * scale / debug).max(1)
}

/// How many Ed25519 operations (a signature check or a signing) one test may spend. They
/// dominate the cost: the release profile builds the crate with `opt-level = "z"`, where one
/// takes milliseconds, while parsing a token takes microseconds. Inputs that would reach the
/// signature check once the budget is spent still go through every cheaper check.
fn crypto_budget(base: usize) -> Cell<usize> {
    Cell::new(rounds(base))
}

/// Takes one Ed25519 operation from the budget; `false` when it is spent.
fn spend(budget: &Cell<usize>) -> bool {
    let left = budget.get();
    budget.set(left.saturating_sub(1));
    left > 0
}

// ----------------------------------------------------------------------------------------------
// Fixtures
// ----------------------------------------------------------------------------------------------

fn payload() -> Value {
    json!({
        "iss": "https://tasklist.example.com", "aud": ["tasklist", "operate"], "sub": "demo",
        "iat": NOW - 100, "exp": NOW + 800, "ver": 1, "camundaVersion": "8.9",
        "authorizationsEnabled": true, "multiTenancyEnabled": true,
        "principal": { "type": "USER", "id": "demo", "groups": ["sales", "ops"],
                       "roles": ["task-worker"], "tenants": ["<default>", "t1"],
                       "mappingRules": ["m1"] },
        "authorizations": [
            { "ownerType": "ROLE", "ownerId": "task-worker", "resourceType": "USER_TASK",
              "resourcePropertyName": "candidateGroups", "permissionTypes": ["READ", "CLAIM", "COMPLETE"] },
            { "ownerType": "USER", "ownerId": "demo", "resourceType": "PROCESS_DEFINITION",
              "resourceId": "invoice", "permissionTypes": ["READ_USER_TASK", "UPDATE_USER_TASK"] },
            { "ownerType": "GROUP", "ownerId": "ops", "resourceType": "USER_TASK",
              "resourceId": "2251799813685249", "permissionTypes": ["UPDATE"] },
            { "ownerType": "MAPPING_RULE", "ownerId": "m1", "resourceType": "PROCESS_DEFINITION",
              "resourceId": "*", "permissionTypes": ["CLAIM_USER_TASK"] },
            { "ownerType": "USER", "ownerId": "demo", "resourceType": "COMPONENT",
              "resourceId": "tasklist", "permissionTypes": ["ACCESS"], "authorizationKey": "42" }
        ]
    })
}

fn task() -> Value {
    json!({ "userTaskKey": "2251799813685249", "processDefinitionId": "invoice",
            "assignee": "demo", "candidateUsers": ["demo", "x"], "candidateGroups": ["sales"],
            "tenantId": "t1", "name": "Approve invoice" })
}

struct Fixture {
    a: SigningJwk,
    b: SigningJwk,
    keys: KeySet,
    jwks_text: String,
    private_text: String,
    token: String,
    /// The same payload signed by the other key (for part swaps).
    token_b: String,
    options: VerifyOptions,
    /// Ed25519 operations left for this test (see [`crypto_budget`]).
    crypto: Cell<usize>,
}

fn fixture() -> Fixture {
    let a = SigningJwk::from_seed("k-a", [7; 32]).unwrap();
    let b = SigningJwk::from_seed("k-b", [9; 32]).unwrap();
    let public: Vec<Jwk> = vec![a.public_jwk(), b.public_jwk()];
    let jwks_text = serde_json::to_string(&Jwks { keys: public }).unwrap();
    let keys = KeySet::parse_str(&jwks_text).unwrap();
    let private_text = serde_json::to_string(&a.private_jwk()).unwrap();
    let sign = |key: &SigningJwk| {
        jws::sign(
            &payload().to_string(),
            key,
            &SignOptions {
                now: NOW - 100,
                ..SignOptions::default()
            },
        )
        .unwrap()
    };
    let options = VerifyOptions {
        now: NOW,
        issuer: Some("https://tasklist.example.com".to_owned()),
        audience: Some(vec!["tasklist".to_owned()]),
        ..VerifyOptions::default()
    };
    let token = sign(&a);
    let token_b = sign(&b);
    jws::verify(&token, &keys, &options).expect("the fixture token verifies");
    jws::verify(&token_b, &keys, &options).expect("the fixture token of key b verifies");
    Fixture {
        a,
        b,
        keys,
        jwks_text,
        private_text,
        token,
        token_b,
        options,
        crypto: crypto_budget(200),
    }
}

// ----------------------------------------------------------------------------------------------
// Checks
// ----------------------------------------------------------------------------------------------

const GRANTS_CODES: &[ErrorCode] = &ErrorCode::GRANTS;
const PARSE_CODES: &[ErrorCode] = &[ErrorCode::GrantsMalformed, ErrorCode::GrantsTooLarge];
const PAYLOAD_CODES: &[ErrorCode] = &[ErrorCode::GrantsMalformed];
const SIGN_CODES: &[ErrorCode] = &[ErrorCode::GrantsMalformed, ErrorCode::ArgumentInvalid];

fn shorten(input: &str) -> String {
    if input.len() > 160 {
        let head: String = input.chars().take(160).collect();
        format!("{head:?}… ({} bytes)", input.len())
    } else {
        format!("{input:?}")
    }
}

/// Runs `f`, turning a panic into a failure that names the function and the input.
#[track_caller]
fn guard<T>(what: &str, input: &str, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => value,
        Err(_) => panic!("{what} panicked on {}", shorten(input)),
    }
}

/// An error must carry a documented code from `allowed` and a message.
#[track_caller]
fn check_error(what: &str, input: &str, error: &AuthzError, allowed: &[ErrorCode]) {
    let code = error.code.as_str();
    assert!(
        code.starts_with("ERR_") && ErrorCode::ALL.contains(&error.code),
        "{what}: `{code}` is not a documented code"
    );
    assert!(
        allowed.contains(&error.code),
        "{what}: {code} is not one this function returns ({}), on {}",
        error.message,
        shorten(input)
    );
    assert!(
        !error.message.is_empty(),
        "{what}: {code} without a message"
    );
}

#[track_caller]
fn check_result<T>(
    what: &str,
    input: &str,
    result: Result<T, AuthzError>,
    allowed: &[ErrorCode],
) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e) => {
            check_error(what, input, &e, allowed);
            None
        }
    }
}

/// Whether `verify` would get as far as the Ed25519 check with the fixture's keys: the header
/// checks pass, the kid is known and the signature is 64 bytes. Only an estimate of the cost;
/// no assertion depends on it.
fn reaches_signature(token: &str) -> bool {
    let Ok(parts) = jws::parse(token, jws::DEFAULT_MAX_TOKEN_BYTES) else {
        return false;
    };
    let typ = parts
        .header
        .typ
        .as_deref()
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    parts.header.alg == "EdDSA"
        && parts.header.crit.is_none()
        && (typ == TYP || typ.strip_prefix("application/") == Some(TYP))
        && matches!(parts.header.kid.as_deref(), Some("k-a" | "k-b"))
        && parts.signature.len() == 64
}

/// What `verify` made of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Verified,
    Refused(ErrorCode),
    /// Not run: it would have had to check a signature and the test's budget for that is spent.
    Skipped,
}

/// Every token entry point on one input.
fn token_entry_points(fx: &Fixture, token: &str) -> Outcome {
    let parsed = guard("jws::parse", token, || {
        jws::parse(token, jws::DEFAULT_MAX_TOKEN_BYTES).map(|_| ())
    });
    check_result("jws::parse", token, parsed, PARSE_CODES);
    let inspected = guard("jws::inspect", token, || jws::inspect(token));
    check_result("jws::inspect", token, inspected, PARSE_CODES);
    if reaches_signature(token) && !spend(&fx.crypto) {
        return Outcome::Skipped;
    }
    let verified = guard("jws::verify", token, || {
        jws::verify(token, &fx.keys, &fx.options)
    });
    match verified {
        Ok(grants) => {
            decide_all("verified payload", &Authorizer::new(grants), token);
            Outcome::Verified
        }
        Err(e) => {
            check_error("jws::verify", token, &e, GRANTS_CODES);
            Outcome::Refused(e.code)
        }
    }
}

/// A token that is not the original must never verify. (A mutation that changed nothing is
/// not checked again: the original is verified on its own every so often.)
#[track_caller]
fn never_verifies_unless_original(fx: &Fixture, original: &str, mutated: &str, how: &str) {
    if mutated != original {
        let verified = token_entry_points(fx, mutated);
        assert!(
            verified != Outcome::Verified,
            "{how}: a token that differs from the signed one verified: {}",
            shorten(mutated)
        );
    }
}

#[track_caller]
fn original_verifies(fx: &Fixture, original: &str, how: &str) {
    let verified = jws::verify(original, &fx.keys, &fx.options);
    assert!(
        verified.is_ok(),
        "{how}: the unchanged original no longer verifies: {verified:?}"
    );
}

/// A serde_json value as the crate's own JSON value (its text read back by `json::parse`).
fn ours(value: &Value) -> json::Value<'static> {
    let text = value.to_string();
    guard("json::parse", &text, || {
        json::parse(text.as_bytes()).map(json::Value::into_owned)
    })
    .unwrap_or_else(|e| {
        panic!(
            "json::parse refused serde_json's output: {e} on {}",
            shorten(&text)
        )
    })
}

/// Tasks built from the strings a grant set names, and some it does not.
fn random_task(rng: &mut Rng, names: &[String]) -> Value {
    let mut pool: Vec<Value> = names.iter().map(|n| Value::from(n.as_str())).collect();
    pool.extend([
        json!("demo"),
        json!("sales"),
        json!("invoice"),
        json!("t1"),
        json!(""),
        json!("2251799813685249"),
    ]);
    let mut task = serde_json::Map::new();
    for field in [
        "userTaskKey",
        "processDefinitionId",
        "assignee",
        "tenantId",
        "candidateUsers",
        "candidateGroups",
    ] {
        let value = match rng.below(8) {
            0 => continue,
            1 => Value::Null,
            2 => random_json(rng, 2),
            _ if field.starts_with("candidate") => {
                let n = rng.below(4);
                Value::Array((0..n).map(|_| rng.pick(&pool).clone()).collect())
            }
            _ if field == "userTaskKey" => json!(rng.next().to_string()),
            _ => rng.pick(&pool).clone(),
        };
        task.insert(field.to_owned(), value);
    }
    Value::Object(task)
}

/// Decides with every API on a few tasks and checks that the answers agree.
fn decide_all(what: &str, authz: &Authorizer, input: &str) {
    let mut rng = Rng::new(input.len() as u64);
    let names = authz.vocabulary().to_vec();
    for _ in 0..4 {
        let value = random_task(&mut rng, &names);
        let text = value.to_string();
        let value = ours(&value);
        let parsed = guard("Task::from_json", &text, || Task::from_json(&value));
        let Some(task) = check_result("Task::from_json", &text, parsed, &[ErrorCode::TaskInvalid])
        else {
            continue;
        };
        let mask = guard("actions_mask", &text, || authz.actions_mask(&task));
        for op in Operation::ALL {
            let explained = guard("explain", &text, || authz.explain(op, &task));
            assert_eq!(
                explained.allowed,
                mask & op.bit() != 0,
                "{what}: explain({}) disagrees with actions on {text}",
                op.as_str()
            );
            assert!(!explained.reason.is_empty(), "{what}: no reason");
        }
        let mut records = Vec::new();
        authz.push_record(&task, &mut records);
        let mut masks = Vec::new();
        authz.masks_from_records(&records, &mut masks).unwrap();
        assert_eq!(masks, [mask], "{what}: the record path disagrees on {text}");
    }
    for _ in 0..2 {
        let resource = rng.pick(&["COMPONENT", "PROCESS_DEFINITION", "USER_TASK", "X"]);
        let permission = rng.pick(&["ACCESS", "READ", "CREATE_PROCESS_INSTANCE", ""]);
        let id = if names.is_empty() {
            "*"
        } else {
            rng.pick(&names).as_str()
        };
        let decision = guard("is_authorized", id, || {
            authz.is_authorized(resource, permission, id)
        });
        assert!(!decision.reason.is_empty(), "{what}: no reason");
    }
}

// ----------------------------------------------------------------------------------------------
// Generators
// ----------------------------------------------------------------------------------------------

/// A random JSON value of bounded depth.
fn random_json(rng: &mut Rng, depth: usize) -> Value {
    let kind = if depth == 0 {
        rng.below(5)
    } else {
        rng.below(7)
    };
    match kind {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(2)),
        2 => match rng.below(5) {
            0 => json!(rng.next()),
            1 => json!(rng.next() as i64),
            2 => json!(f64::from(rng.next() as u32) / 7.0),
            3 => json!(NOW + rng.below(2000) as i64 - 1000),
            _ => json!(rng.below(3)),
        },
        3 | 4 => {
            let pool = [
                "",
                "*",
                "demo",
                "USER",
                "CLIENT",
                "GROUP",
                "ROLE",
                "MAPPING_RULE",
                "USER_TASK",
                "PROCESS_DEFINITION",
                "READ",
                "CLAIM",
                "candidateGroups",
                "assignee",
                "EdDSA",
                TYP,
                "k-a",
                "k-b",
                "OKP",
                "Ed25519",
                "\u{0}",
                "é",
                "\u{1F600}",
            ];
            if rng.chance(3) {
                let n = rng.below(12);
                Value::String(rng.text_from(B64URL, n))
            } else {
                json!(rng.pick(&pool))
            }
        }
        5 => {
            let n = rng.below(4);
            Value::Array((0..n).map(|_| random_json(rng, depth - 1)).collect())
        }
        _ => {
            let keys = [
                "kty",
                "crv",
                "x",
                "d",
                "kid",
                "alg",
                "use",
                "keys",
                "type",
                "id",
                "groups",
                "exp",
                "ver",
                "principal",
                "resourceId",
                "permissionTypes",
                "crit",
            ];
            let n = rng.below(4);
            Value::Object(
                (0..n)
                    .map(|_| (rng.pick(&keys).to_string(), random_json(rng, depth - 1)))
                    .collect(),
            )
        }
    }
}

/// A structure-aware mutation of a JSON value: replace, delete or add members and items.
fn mutate_value(rng: &mut Rng, value: &mut Value, depth: usize) {
    match value {
        Value::Object(map) if !map.is_empty() && (depth < 4 && !rng.chance(4)) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = rng.pick(&keys).clone();
            match rng.below(6) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(key, random_json(rng, 2));
                }
                2 => {
                    map.insert(format!("{key}{}", rng.below(3)), random_json(rng, 1));
                }
                _ => mutate_value(rng, map.get_mut(&key).unwrap(), depth + 1),
            }
        }
        Value::Array(items) if !items.is_empty() && (depth < 4 && !rng.chance(4)) => {
            let i = rng.below(items.len());
            match rng.below(5) {
                0 => {
                    items.remove(i);
                }
                1 => {
                    let copy = items[i].clone();
                    items.push(copy);
                }
                _ => mutate_value(rng, &mut items[i], depth + 1),
            }
        }
        _ => *value = random_json(rng, 2),
    }
}

/// A byte-level mutation of text: flips, inserts, deletes, truncations, duplications.
fn mutate_bytes(rng: &mut Rng, input: &[u8], alphabet: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(3) {
        let len = out.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                let b = if rng.chance(2) {
                    *rng.pick(alphabet)
                } else {
                    rng.byte()
                };
                out.insert(i, b);
            }
            2 if len > 0 => {
                let i = rng.below(len);
                out.remove(i);
            }
            3 => out.truncate(rng.below(len + 1)),
            4 if len > 0 => {
                let i = rng.below(len);
                out[i] = *rng.pick(alphabet);
            }
            5 if len > 0 => {
                let start = rng.below(len);
                let end = (start + rng.below(16)).min(len);
                let chunk = out[start..end].to_vec();
                let at = rng.below(out.len() + 1);
                out.splice(at..at, chunk);
            }
            _ => {}
        }
    }
    out
}

fn nested(open: &str, close: &str, depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

/// JSON texts deep enough to overflow a naive recursive parser.
fn deep_json_texts() -> Vec<String> {
    let mut texts = Vec::new();
    for depth in [64, 127, 128, 129, 1_000, 100_000] {
        texts.push(nested("[", "]", depth, ""));
        texts.push(nested("{\"a\":", "}", depth, "1"));
        texts.push(nested("[{\"keys\":", "}]", depth, "[]"));
        // Unclosed: the parser must give up, not recurse to the end.
        texts.push("[".repeat(depth));
        texts.push(format!(
            r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","x":{}}}]}}"#,
            nested("[", "]", depth, "")
        ));
    }
    texts
}

fn b64json(value: &Value) -> String {
    base64url::encode(&serde_json::to_vec(value).unwrap())
}

/// A token over arbitrary header and payload bytes with a real signature by `key`, so that
/// verification gets past the signature to whatever comes after.
fn forge(header: &str, payload: &[u8], key: &SigningJwk) -> String {
    let input = format!("{header}.{}", base64url::encode(payload));
    let signature = key.key.sign(input.as_bytes());
    format!("{input}.{}", base64url::encode(&signature.to_bytes()))
}

fn header_b64(kid: &str) -> String {
    b64json(&json!({ "alg": "EdDSA", "typ": TYP, "kid": kid }))
}

// ----------------------------------------------------------------------------------------------
// The token parser and verifier
// ----------------------------------------------------------------------------------------------

#[test]
fn tokens_of_arbitrary_bytes_and_alphabets_fail_with_codes() {
    let fx = fixture();
    let mut rng = Rng::new(1);
    for round in 0..rounds(20_000) {
        let n = rng.len();
        let token = match round % 4 {
            0 => String::from_utf8_lossy(&rng.bytes(n)).into_owned(),
            1 => {
                let mut alphabet = B64URL.to_vec();
                alphabet.extend_from_slice(b"....=+/ ");
                rng.text_from(&alphabet, n)
            }
            2 => {
                // Three plausible parts.
                let parts: Vec<String> = (0..3)
                    .map(|_| {
                        let n = rng.len();
                        rng.text_from(B64URL, n)
                    })
                    .collect();
                parts.join(".")
            }
            _ => {
                // Parts that decode to random JSON.
                let header = random_json(&mut rng, 3);
                let payload = random_json(&mut rng, 3);
                let n = rng.below(80);
                format!(
                    "{}.{}.{}",
                    b64json(&header),
                    b64json(&payload),
                    rng.text_from(B64URL, n)
                )
            }
        };
        assert!(
            token_entry_points(&fx, &token) != Outcome::Verified,
            "round {round}: random input verified: {}",
            shorten(&token)
        );
    }
}

#[test]
fn a_mutated_token_never_verifies_and_the_original_does() {
    let fx = fixture();
    let mut rng = Rng::new(2);
    let original = fx.token.clone();
    let mut alphabet = B64URL.to_vec();
    alphabet.extend_from_slice(b".=+/{}\"");
    let mut differed = 0;
    fx.crypto.set(rounds(400));
    for round in 0..rounds(20_000) {
        let mutated = if round % 5 == 4 {
            part_mutation(&mut rng, &fx)
        } else {
            let bytes = mutate_bytes(&mut rng, original.as_bytes(), &alphabet);
            String::from_utf8_lossy(&bytes).into_owned()
        };
        if mutated != original {
            differed += 1;
        }
        never_verifies_unless_original(&fx, &original, &mutated, &format!("round {round}"));
        if round % 1000 == 0 {
            original_verifies(&fx, &original, "the original");
        }
    }
    assert!(differed > rounds(20_000) / 2, "too few mutations differed");
    assert_eq!(
        fx.crypto.get(),
        0,
        "too few mutations reached the signature check"
    );
    original_verifies(&fx, &original, "the original, at the end");
}

/// Swaps, duplicates and splices whole parts, here and with a token by the other key.
fn part_mutation(rng: &mut Rng, fx: &Fixture) -> String {
    let a: Vec<&str> = fx.token.split('.').collect();
    let b: Vec<&str> = fx.token_b.split('.').collect();
    let mut parts: Vec<String> = a.iter().map(|s| (*s).to_owned()).collect();
    match rng.below(8) {
        0 => {
            let (i, j) = (rng.below(3), rng.below(3));
            parts.swap(i, j);
        }
        1 => {
            let i = rng.below(3);
            parts[i] = b[i].to_owned();
        }
        2 => {
            let (i, j) = (rng.below(3), rng.below(3));
            parts[i] = parts[j].clone();
        }
        3 => {
            let i = rng.below(3);
            parts.remove(i);
        }
        4 => {
            let i = rng.below(4);
            parts.insert(i, rng.pick(&a).to_string());
        }
        5 => {
            // Re-encoding a part with padding or the standard alphabet decodes to the same bytes
            // in a lax decoder; here it must not.
            let i = rng.below(3);
            let text = &parts[i];
            parts[i] = match rng.below(3) {
                0 => format!("{text}="),
                1 => format!("{text}=="),
                _ => text.replace('-', "+").replace('_', "/"),
            };
        }
        6 => {
            // Another last character: in a lax decoder the low bits of the final character of
            // a part that is not a multiple of 3 bytes are ignored, so some of these decode to
            // the same bytes. The signature's (64 bytes) is the one no other check catches.
            let i = if rng.chance(2) { 2 } else { rng.below(3) };
            let mut text = parts[i].clone();
            text.pop();
            text.push(char::from(*rng.pick(B64URL)));
            parts[i] = text;
        }
        _ => {
            let i = rng.below(3);
            parts[i] = format!(" {}", parts[i]);
        }
    }
    parts.join(".")
}

#[test]
fn forged_headers_and_payloads_reach_every_later_check() {
    // Real signatures over random headers and payloads: `verify` gets past the signature (or
    // stops at the header check that fires) and must still fail closed with a grants code.
    let fx = fixture();
    let mut rng = Rng::new(3);
    let base_payload = payload();
    let base_header = json!({ "alg": "EdDSA", "typ": TYP, "kid": "k-a" });
    let mut accepted = 0;
    let mut codes = std::collections::BTreeSet::new();
    fx.crypto.set(rounds(300));
    for _ in 0..rounds(300) {
        let key = if rng.chance(2) { &fx.a } else { &fx.b };
        let header = if rng.chance(3) {
            let mut h = base_header.clone();
            mutate_value(&mut rng, &mut h, 0);
            b64json(&h)
        } else {
            header_b64(&key.kid)
        };
        let body: Vec<u8> = match rng.below(5) {
            0 => {
                let mut p = base_payload.clone();
                for _ in 0..=rng.below(3) {
                    mutate_value(&mut rng, &mut p, 0);
                }
                serde_json::to_vec(&p).unwrap()
            }
            1 => mutate_bytes(
                &mut rng,
                &serde_json::to_vec(&base_payload).unwrap(),
                b"{}[]\":,0123456789truefalsenull \\",
            ),
            2 => {
                let n = rng.len();
                rng.bytes(n)
            }
            3 => serde_json::to_vec(&random_json(&mut rng, 4)).unwrap(),
            _ => {
                // One claim moved around its bound: the checks after the signature.
                let mut p = base_payload.clone();
                let near = |rng: &mut Rng| json!(NOW + rng.below(3) as i64 - 1);
                match rng.below(4) {
                    0 => p["exp"] = near(&mut rng),
                    1 => p["nbf"] = near(&mut rng),
                    2 => p["iss"] = json!(rng.pick(&["https://tasklist.example.com", "x", ""])),
                    _ => p["aud"] = json!(rng.pick(&["tasklist", "operate", ""])),
                }
                serde_json::to_vec(&p).unwrap()
            }
        };
        let token = forge(&header, &body, key);
        match token_entry_points(&fx, &token) {
            Outcome::Verified => accepted += 1,
            Outcome::Refused(code) => {
                codes.insert(code.as_str());
            }
            Outcome::Skipped => {}
        }
        // With no keys it stops at the kid, whatever the rest.
        if let Err(e) = jws::verify(&token, &KeySet::default(), &fx.options) {
            check_error("jws::verify without keys", &token, &e, GRANTS_CODES);
            assert_ne!(
                e.code,
                ErrorCode::GrantsSignature,
                "checked a signature with no key"
            );
        }
    }
    // Some forged payloads are still grant sets and verify, and the others fail at every stage:
    // the fuzzer does reach the end of `verify`.
    assert!(accepted > 0, "no forged payload ever verified");
    for code in [
        "ERR_GRANTS_MALFORMED",
        "ERR_GRANTS_ALG",
        "ERR_GRANTS_TYP",
        "ERR_GRANTS_KEY_NOT_FOUND",
        "ERR_GRANTS_SIGNATURE",
    ] {
        assert!(
            codes.contains(code),
            "no forged token failed with {code}: {codes:?}"
        );
    }
    let claims = [
        "ERR_GRANTS_EXPIRED",
        "ERR_GRANTS_NOT_YET_VALID",
        "ERR_GRANTS_ISSUER",
        "ERR_GRANTS_AUDIENCE",
    ];
    for code in claims {
        assert!(
            codes.contains(code),
            "no forged token got as far as {code}: {codes:?}"
        );
    }
}

#[test]
fn deeply_nested_json_fails_closed_everywhere() {
    let fx = fixture();
    for text in deep_json_texts() {
        // As the payload of a correctly signed token, as the header, and raw.
        let token = forge(&header_b64("k-a"), text.as_bytes(), &fx.a);
        let verified = guard("jws::verify", &token, || {
            jws::verify(&token, &fx.keys, &fx.options)
        });
        let error = verified.expect_err("a nested payload must not verify");
        check_error(
            "deep payload",
            &text,
            &error,
            &[ErrorCode::GrantsMalformed, ErrorCode::GrantsTooLarge],
        );
        let header = base64url::encode(text.as_bytes());
        let token = forge(&header, b"{}", &fx.a);
        assert_ne!(token_entry_points(&fx, &token), Outcome::Verified);
        jwks_entry_points(&text);
        private_key_entry_points(&text);
        payload_entry_points(text.as_bytes());
        task_entry_points(&text);
    }
}

#[test]
fn verify_options_at_their_extremes_never_panic() {
    let fx = fixture();
    let mut rng = Rng::new(4);
    let extremes = [i64::MIN, i64::MIN + 1, -1, 0, 1, NOW, NOW + 800, i64::MAX];
    for round in 0..rounds(200) {
        let options = VerifyOptions {
            now: if rng.chance(2) {
                *rng.pick(&extremes)
            } else {
                rng.next() as i64
            },
            clock_tolerance: match rng.below(3) {
                0 => *rng.pick(&extremes),
                1 => rng.next() as i64,
                _ => rng.below(3601) as i64,
            },
            issuer: rng
                .chance(2)
                .then(|| rng.pick(&["", "https://tasklist.example.com"]).to_string()),
            audience: rng.chance(2).then(|| {
                let n = rng.below(3);
                (0..n)
                    .map(|_| rng.pick(&["tasklist", "operate", ""]).to_string())
                    .collect()
            }),
            max_token_bytes: rng.chance(2).then(|| match rng.below(3) {
                0 => 0,
                1 => fx.token.len() - 1 + rng.below(2),
                _ => usize::MAX,
            }),
        };
        let token = if rng.chance(2) {
            &fx.token
        } else {
            &fx.token_b
        };
        let result = guard("jws::verify", token, || {
            jws::verify(token, &fx.keys, &options)
        });
        let what = format!("round {round} ({options:?})");
        // A clock tolerance outside 0..=3600 is the caller's mistake, refused before the token.
        let bad_tolerance =
            !(0..=jws::MAX_CLOCK_TOLERANCE_SECONDS).contains(&options.clock_tolerance);
        match &result {
            Err(e) if bad_tolerance => {
                assert_eq!(e.code, ErrorCode::ArgumentInvalid, "{what}: {e}")
            }
            Ok(_) if bad_tolerance => panic!("{what}: verified with a tolerance out of bounds"),
            _ => {
                check_result(&what, token, result, GRANTS_CODES);
            }
        }
    }
}

// ----------------------------------------------------------------------------------------------
// The payload decoder
// ----------------------------------------------------------------------------------------------

/// `GrantSetPayload::parse`, then validation through `from_unverified_payload`.
fn payload_entry_points(bytes: &[u8]) -> Option<Authorizer> {
    let input = String::from_utf8_lossy(bytes);
    let decoded = guard("GrantSetPayload decode", &input, || {
        GrantSetPayload::parse(bytes)
    });
    let payload = check_result("GrantSetPayload::parse", &input, decoded, PAYLOAD_CODES)?;
    let built = guard("Authorizer::from_unverified_payload", &input, || {
        Authorizer::from_unverified_payload(payload)
    });
    let authz = check_result(
        "Authorizer::from_unverified_payload",
        &input,
        built,
        PAYLOAD_CODES,
    )?;
    decide_all("unverified payload", &authz, &input);
    Some(authz)
}

#[test]
fn payloads_decode_validate_and_decide_consistently() {
    let fx = fixture();
    let mut rng = Rng::new(5);
    let base = payload();
    let base_bytes = serde_json::to_vec(&base).unwrap();
    let mut decoded = 0;
    let mut signed = 0;
    for round in 0..rounds(8_000) {
        let bytes = match round % 4 {
            0 | 1 => {
                let mut p = base.clone();
                for _ in 0..=rng.below(3) {
                    mutate_value(&mut rng, &mut p, 0);
                }
                // Some mutated payloads also go through `sign`, whose output must verify.
                if round % 8 == 0 && spend(&fx.crypto) && spend(&fx.crypto) {
                    let text = p.to_string();
                    let result = guard("jws::sign", &text, || {
                        jws::sign(
                            &text,
                            &fx.a,
                            &SignOptions {
                                now: NOW,
                                ttl: Some(600),
                                ..SignOptions::default()
                            },
                        )
                    });
                    if let Some(token) = check_result("jws::sign", &text, result, SIGN_CODES) {
                        signed += 1;
                        let options = VerifyOptions {
                            now: NOW,
                            ..VerifyOptions::default()
                        };
                        match jws::verify(&token, &fx.keys, &options) {
                            Ok(grants) => decide_all("signed", &Authorizer::new(grants), &token),
                            Err(e) => check_error(
                                "a token `sign` made",
                                &text,
                                &e,
                                &[ErrorCode::GrantsNotYetValid],
                            ),
                        }
                    }
                }
                serde_json::to_vec(&p).unwrap()
            }
            2 => mutate_bytes(
                &mut rng,
                &base_bytes,
                b"{}[]\":,0123456789-eE.truefalsenull\\",
            ),
            _ => serde_json::to_vec(&random_json(&mut rng, 4)).unwrap(),
        };
        if payload_entry_points(&bytes).is_some() {
            decoded += 1;
        }
    }
    assert!(
        payload_entry_points(&base_bytes).is_some(),
        "the base payload no longer decodes"
    );
    assert!(decoded > 100, "only {decoded} mutated payloads decoded");
    assert!(signed > 10, "only {signed} mutated payloads signed");
}

// ----------------------------------------------------------------------------------------------
// Keys
// ----------------------------------------------------------------------------------------------

fn jwks_entry_points(text: &str) -> Option<KeySet> {
    let parsed = guard("KeySet::parse_str", text, || KeySet::parse_str(text));
    let keys = check_result("KeySet::parse_str", text, parsed, &[ErrorCode::JwksInvalid])?;
    let found = guard("KeySet::find", text, || keys.find("k-a").map(|_| ()));
    check_result("KeySet::find", text, found, &[ErrorCode::GrantsKeyNotFound]);
    Some(keys)
}

fn private_key_entry_points(text: &str) -> Option<SigningJwk> {
    let parsed = guard("SigningJwk::parse_str", text, || {
        SigningJwk::parse_str(text)
    });
    check_result(
        "SigningJwk::parse_str",
        text,
        parsed,
        &[ErrorCode::KeyInvalid],
    )
}

#[test]
fn key_sets_and_private_keys_fail_with_their_codes() {
    let fx = fixture();
    let mut rng = Rng::new(6);
    let jwks_value: Value = serde_json::from_str(&fx.jwks_text).unwrap();
    let private_value: Value = serde_json::from_str(&fx.private_text).unwrap();
    let alphabet = b"{}[]\":,kty OKP crv Ed25519 x d kid keys use sig alg EdDSA -_ABCxyz019";
    let mut private_ok = 0;
    for round in 0..rounds(10_000) {
        let (jwks_text, private_text) = match round % 4 {
            0 => {
                let mut j = jwks_value.clone();
                let mut p = private_value.clone();
                mutate_value(&mut rng, &mut j, 0);
                mutate_value(&mut rng, &mut p, 0);
                (j.to_string(), p.to_string())
            }
            1 => (
                String::from_utf8_lossy(&mutate_bytes(&mut rng, fx.jwks_text.as_bytes(), alphabet))
                    .into_owned(),
                String::from_utf8_lossy(&mutate_bytes(
                    &mut rng,
                    fx.private_text.as_bytes(),
                    alphabet,
                ))
                .into_owned(),
            ),
            2 => {
                let n = rng.len();
                let m = rng.len();
                (rng.text_from(alphabet, n), rng.text_from(alphabet, m))
            }
            _ => (
                random_json(&mut rng, 4).to_string(),
                random_json(&mut rng, 3).to_string(),
            ),
        };
        let keys = jwks_entry_points(&jwks_text);
        if let Some(keys) = keys.filter(|_| round % 2 == 0 && spend(&fx.crypto)) {
            // Whatever key set the text turned into, it verifies the fixture's token only if it
            // still holds the very key that signed it under that kid.
            let token = if round % 4 == 0 {
                &fx.token
            } else {
                &fx.token_b
            };
            let kid = if round % 4 == 0 { "k-a" } else { "k-b" };
            let result = guard("jws::verify", token, || {
                jws::verify(token, &keys, &fx.options)
            });
            if check_result(
                "jws::verify, mutated JWKS",
                &jwks_text,
                result,
                GRANTS_CODES,
            )
            .is_some()
            {
                assert_eq!(
                    keys.find(kid).ok(),
                    fx.keys.find(kid).ok(),
                    "verified with another key: {jwks_text}"
                );
            }
        }
        // Reading a private JWK derives its public key (a scalar multiplication, milliseconds
        // here): one round in four of each kind is enough.
        if round % 16 >= 4 {
            continue;
        }
        let key = private_key_entry_points(&private_text);
        if let Some(key) = key.filter(|_| spend(&fx.crypto) && spend(&fx.crypto)) {
            // A private key that parses signs tokens that its own public key verifies.
            private_ok += 1;
            let token = jws::sign(
                &payload().to_string(),
                &key,
                &SignOptions {
                    now: NOW,
                    ..SignOptions::default()
                },
            )
            .unwrap_or_else(|e| panic!("a parsed key failed to sign: {e} ({private_text})"));
            let set = Jwks {
                keys: vec![key.public_jwk()],
            };
            let keys = KeySet::parse_str(&serde_json::to_string(&set).unwrap()).unwrap();
            let options = VerifyOptions {
                now: NOW,
                ..VerifyOptions::default()
            };
            if let Err(e) = jws::verify(&token, &keys, &options) {
                panic!("a token by a parsed key does not verify: {e} ({private_text})");
            }
        }
    }
    assert!(private_ok > 0, "no mutated private key ever parsed");
    assert_eq!(
        KeySet::parse_str(&fx.jwks_text).unwrap().len(),
        2,
        "the fixture JWKS no longer parses"
    );
}

// ----------------------------------------------------------------------------------------------
// Tasks and the records decoder of the wasm path
// ----------------------------------------------------------------------------------------------

fn task_entry_points(text: &str) {
    let Ok(value) = guard("json::parse", text, || json::parse(text.as_bytes())) else {
        return;
    };
    let parsed = guard("Task::from_json", text, || {
        Task::from_json(&value).map(|_| ())
    });
    check_result("Task::from_json", text, parsed, &[ErrorCode::TaskInvalid]);
}

#[test]
fn tasks_and_task_records_fail_with_their_codes() {
    let authz = Authorizer::from_unverified_payload(
        GrantSetPayload::parse(payload().to_string().as_bytes()).unwrap(),
    )
    .unwrap();
    let mut rng = Rng::new(7);
    let base = task();
    let vocabulary = authz.vocabulary().len() as u32;
    let mut decided = 0;
    for round in 0..rounds(20_000) {
        // Tasks as JSON.
        let text = match round % 3 {
            0 => {
                let mut t = base.clone();
                mutate_value(&mut rng, &mut t, 0);
                t.to_string()
            }
            1 => String::from_utf8_lossy(&mutate_bytes(
                &mut rng,
                base.to_string().as_bytes(),
                b"{}[]\":,0123456789 null",
            ))
            .into_owned(),
            _ => random_task(&mut rng, authz.vocabulary()).to_string(),
        };
        task_entry_points(&text);
        if let Ok(value) = json::parse(text.as_bytes()) {
            if let Ok(task) = Task::from_json(&value) {
                let mask = authz.actions_mask(&task);
                for op in Operation::ALL {
                    assert_eq!(authz.can(op, &task), mask & op.bit() != 0);
                }
                decided += 1;
            }
        }
        // Records as the wasm glue writes them, and random words: a decision per complete
        // record, or ERR_TASK_INVALID for a truncated one.
        let mut records: Vec<u32> = Vec::new();
        let complete = rng.below(4);
        for _ in 0..complete {
            let users = rng.below(3);
            let groups = rng.below(3);
            records
                .extend((0..RECORD_HEADER - 2).map(|_| rng.below(vocabulary as usize + 2) as u32));
            records.extend([users as u32, groups as u32]);
            records.extend((0..users + groups).map(|_| rng.below(vocabulary as usize + 2) as u32));
        }
        // 0: only complete records; 1: the last one cut; 2: random words after them.
        let shape = rng.below(3);
        match shape {
            1 if !records.is_empty() => {
                let cut = rng.below(records.len());
                records.truncate(cut);
            }
            2 => records.extend((0..=rng.below(20)).map(|_| rng.next() as u32)),
            _ => {}
        }
        let input = format!("{records:?}");
        let mut masks = Vec::new();
        let result = guard("masks_from_records", &input, || {
            authz.masks_from_records(&records, &mut masks)
        });
        let ok = check_result(
            "masks_from_records",
            &input,
            result,
            &[ErrorCode::TaskInvalid],
        )
        .is_some();
        match shape {
            0 => assert!(
                ok && masks.len() == complete,
                "complete records must decide one mask each: {input}"
            ),
            1 if complete > 0 => assert!(masks.len() < complete, "decided a cut record: {input}"),
            _ => assert!(
                masks.len() <= records.len() / RECORD_HEADER,
                "more masks than records: {input}"
            ),
        }
    }
    assert!(decided > 1000, "only {decided} mutated tasks decided");
    // Complete records decide one mask each, and a cut one is refused.
    let base = ours(&base);
    let task = Task::from_json(&base).unwrap();
    let mut record = Vec::new();
    authz.push_record(&task, &mut record);
    let mut masks = Vec::new();
    authz.masks_from_records(&record, &mut masks).unwrap();
    assert_eq!(masks, [authz.actions_mask(&task)]);
    for cut in 1..record.len() {
        let mut masks = Vec::new();
        let error = authz
            .masks_from_records(&record[..cut], &mut masks)
            .expect_err("a cut record must not decide");
        assert_eq!(error.code, ErrorCode::TaskInvalid);
    }
}

// ----------------------------------------------------------------------------------------------
// Regressions from the coverage-guided fuzzers (fuzz/)
// ----------------------------------------------------------------------------------------------

/// Found by the `search` fuzz target: a response whose item holds a lone surrogate escape
/// (`\uDEEE`) in a member the scanner only validates. The scanner reads JSON as `JSON.parse`
/// does, which accepts it, while `json::parse` refuses it; the target's invariant was the one
/// at fault. What stays true: the response is filtered, not refused; the item is copied byte for
/// byte; and a lone surrogate in a field the decision reads matches nothing.
#[test]
fn a_lone_surrogate_in_a_search_item_is_read_as_json_parse_reads_it() {
    let authz = Authorizer::from_unverified_payload(
        GrantSetPayload::parse(payload().to_string().as_bytes()).unwrap(),
    )
    .unwrap();
    let kept = r#"{"userTaskKey":"2251799813685249","processDefinitionId":"payroll","candidateGroups":["sales"],"tenantId":"t1","name":"a \uDEEE b"}"#;
    let denied = r#"{"userTaskKey":"2251799813685250","processDefinitionId":"payroll","candidateGroups":["\uD800"],"tenantId":"t1"}"#;
    let text = format!(r#"{{"items":[{kept},{denied}],"page":{{"totalItems":2}}}}"#);
    assert!(
        json::parse(text.as_bytes()).is_err(),
        "json::parse refuses lone surrogates"
    );
    let out = authz
        .filter_search_response(Operation::Search, &text)
        .unwrap();
    assert_eq!(
        out,
        format!(r#"{{"items":[{kept}],"page":{{"totalItems":2}}}}"#)
    );
}
