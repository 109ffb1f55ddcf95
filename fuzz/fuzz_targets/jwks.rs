//! The JWKS reader (`KeySet::parse_str`). Invariants: errors are ERR_JWKS_INVALID with a clean
//! message; a key set it reads verifies a fixture token only when the text publishes, under the
//! token's kid, the signing key's `x` as an Ed25519 key that may verify (`use` absent or `sig`,
//! `key_ops` absent or holding `verify`, `alg` absent or EdDSA) and no private member.
#![no_main]

use camunda_authz::json::{self, Value};
use camunda_authz::{jws, ErrorCode, KeySet};
use camunda_authz_fuzz::{check_error, fixture};
use libfuzzer_sys::fuzz_target;

fn absent(key: &Value<'_>, name: &str) -> bool {
    matches!(key.get(name), None | Some(Value::Null))
}

/// Whether the JWKS text publishes `x` under `kid` as a key that may verify.
fn publishes(text: &str, kid: &str, x: &str) -> bool {
    let Ok(doc) = json::parse(text.as_bytes()) else {
        return false;
    };
    let keys: Vec<&Value<'_>> = match doc.get("keys") {
        Some(Value::Array(keys)) => keys.iter().collect(),
        _ => vec![&doc],
    };
    keys.iter().any(|key| {
        key.get("kid").and_then(Value::as_str) == Some(kid)
            && key.get("kty").and_then(Value::as_str) == Some("OKP")
            && key.get("crv").and_then(Value::as_str) == Some("Ed25519")
            && key.get("x").and_then(Value::as_str) == Some(x)
            && (absent(key, "use") || key.get("use").and_then(Value::as_str) == Some("sig"))
            && (absent(key, "key_ops")
                || matches!(key.get("key_ops"), Some(Value::Array(ops))
                    if ops.iter().any(|op| op.as_str() == Some("verify"))))
            && (absent(key, "alg")
                || matches!(key.get("alg").and_then(Value::as_str), Some("EdDSA" | "Ed25519")))
            && absent(key, "d")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let keys = match KeySet::parse_str(text) {
        Err(e) => {
            check_error("KeySet::parse_str", &e, &[ErrorCode::JwksInvalid]);
            return;
        }
        Ok(keys) => keys,
    };
    let fx = fixture();
    for token in &fx.good {
        let Ok(grants) = jws::verify(token, &keys, &fx.options) else {
            continue;
        };
        let kid = grants.header().kid.as_deref().unwrap_or_default();
        let x = fixture_x(kid);
        assert!(
            publishes(text, kid, &x),
            "verified with key `{kid}` of a JWKS that does not publish it for verification: {text:?}"
        );
    }
});

/// The `x` the fixture JWKS gives `kid`.
fn fixture_x(kid: &str) -> String {
    let doc = json::parse(fixture().jwks_text.as_bytes()).unwrap_or(Value::Null);
    let Some(Value::Array(keys)) = doc.get("keys") else {
        return String::new();
    };
    keys.iter()
        .find(|k| k.get("kid").and_then(Value::as_str) == Some(kid))
        .and_then(|k| k.get("x").and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned()
}
