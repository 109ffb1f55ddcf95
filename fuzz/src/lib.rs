//! What every fuzz target shares: the conformance fixtures (tests/corpus/grants-verification.json,
//! compiled in) and the checks every error must pass.

use camunda_authz::json::{self, Value};
use camunda_authz::jws;
use camunda_authz::{Authorizer, AuthzError, ErrorCode, KeySet, VerifyOptions};

pub const FIXTURES: &str = include_str!("../../tests/corpus/grants-verification.json");

/// The fixtures: the JWKS (as text and read), the options of the first good case, and the good
/// tokens (every token the fixture keys signed that verifies with those options).
pub struct Fixture {
    pub jwks_text: String,
    pub keys: KeySet,
    pub options: VerifyOptions,
    pub good: Vec<String>,
    pub authorizer: Authorizer,
}

fn string(value: Option<&Value<'_>>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_owned)
}

impl Fixture {
    /// Reads the fixtures; `None` only if the file is broken, which the targets report.
    pub fn load() -> Option<Self> {
        let doc = json::parse(FIXTURES.as_bytes()).ok()?;
        let fixtures = doc.get("grantVerification")?;
        let jwks_text = fixtures.get("jwks")?.to_json();
        let keys = KeySet::parse_str(&jwks_text).ok()?;
        let Value::Array(cases) = fixtures.get("cases")? else {
            return None;
        };
        let first = cases.first()?.get("options")?;
        let options = VerifyOptions {
            now: first.get("now")?.as_i64()?,
            issuer: string(first.get("issuer")),
            audience: string(first.get("audience")).map(|a| vec![a]),
            ..VerifyOptions::default()
        };
        let good: Vec<String> = cases
            .iter()
            .filter_map(|c| string(c.get("token")))
            .filter(|t| jws::verify(t, &keys, &options).is_ok())
            .collect();
        let grants = jws::verify(good.first()?, &keys, &options).ok()?;
        Some(Fixture {
            jwks_text,
            keys,
            options,
            good,
            authorizer: Authorizer::new(grants),
        })
    }
}

/// Every error carries one of `allowed` and a message without raw control characters.
pub fn check_error(what: &str, error: &AuthzError, allowed: &[ErrorCode]) {
    assert!(
        allowed.contains(&error.code),
        "{what}: unexpected {}: {}",
        error.code.as_str(),
        error.message
    );
    assert!(!error.message.is_empty(), "{what}: an empty message");
    assert!(
        !error.message.chars().any(char::is_control),
        "{what}: a raw control character in {:?}",
        error.message
    );
}

/// The codes `jws::verify` may answer with.
pub const GRANTS_CODES: &[ErrorCode] = &ErrorCode::GRANTS;

/// How deeply a value nests (a scalar is 0, `[]` is 1).
pub fn depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The fixture, read once per process.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: std::sync::OnceLock<Option<Fixture>> = std::sync::OnceLock::new();
    match FIXTURE.get_or_init(Fixture::load) {
        Some(fixture) => fixture,
        None => panic!("tests/corpus/grants-verification.json does not hold the fixtures"),
    }
}
