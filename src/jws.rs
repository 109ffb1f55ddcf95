//! Signed grant sets: a compact JWS (RFC 7515) with EdDSA over Ed25519 (RFC 8037), header `typ`
//! `camunda-grants+jwt` and a `kid` (SPEC section 4).
//!
//! [`verify`] checks in a fixed order and stops at the first failure: size, three base64url
//! parts and a JSON header, `alg`, `crit`, `typ`, the key by `kid`, the signature (strict
//! Ed25519), and only then the payload and its claims. Its result, [`VerifiedGrants`], can only
//! be made here, so nothing unverified reaches an [`crate::Authorizer`] built from it.

use ed25519_dalek::{Signature, Signer};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::authorizer::validate;
use crate::base64url;
use crate::error::{err, AuthzError, ErrorCode, Result};
use crate::jwk::{KeySet, SigningJwk};
use crate::model::{GrantSetPayload, GRANTS_VERSION};

pub const ALG: &str = "EdDSA";
pub const TYP: &str = "camunda-grants+jwt";
/// The default bound on a token's length, checked before anything is parsed.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 1024 * 1024;
/// The lifetime `sign` gives a grant set without an `exp`: 15 minutes.
pub const DEFAULT_TTL_SECONDS: i64 = 900;

/// What `verify` checks beyond the signature.
#[derive(Clone, Debug, Default)]
pub struct VerifyOptions {
    /// Seconds since the epoch. The core never reads a clock: the caller passes the time.
    pub now: i64,
    /// Seconds of leeway for `exp` and `nbf`.
    pub clock_tolerance: i64,
    /// The expected `iss`, when given.
    pub issuer: Option<String>,
    /// Accepted audiences, when given: `aud` must contain one of them.
    pub audience: Option<Vec<String>>,
    /// The size bound; `None` is [`DEFAULT_MAX_TOKEN_BYTES`].
    pub max_token_bytes: Option<usize>,
}

/// The protected header.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq, serde::Serialize)]
pub struct Header {
    pub alg: String,
    #[serde(default)]
    pub typ: Option<String>,
    #[serde(default)]
    pub kid: Option<String>,
    /// `Some` whenever the member is present, even as `null`: any `crit` is rejected.
    #[serde(default, deserialize_with = "present")]
    pub crit: Option<Value>,
}

/// Deserializes a member that is present as `Some`, `null` included (`Option`'s own impl would
/// read `null` as absent). Absent members take `#[serde(default)]`.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// A grant set whose signature and claims have been verified. Only [`verify`] makes one.
#[derive(Clone, Debug)]
pub struct VerifiedGrants {
    header: Header,
    payload: GrantSetPayload,
}

impl VerifiedGrants {
    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn payload(&self) -> &GrantSetPayload {
        &self.payload
    }

    pub fn into_payload(self) -> GrantSetPayload {
        self.payload
    }
}

fn malformed<T>(message: impl Into<String>) -> Result<T> {
    err(ErrorCode::GrantsMalformed, message)
}

/// The three parts of a compact JWS, decoded but not trusted.
pub struct Parts<'t> {
    pub header: Header,
    pub header_bytes: Vec<u8>,
    pub payload_bytes: Vec<u8>,
    pub signature: Vec<u8>,
    pub signing_input: &'t [u8],
}

/// Splits and decodes a token: size, exactly three base64url parts, a JSON object header.
pub fn parse(token: &str, max_token_bytes: usize) -> Result<Parts<'_>> {
    if token.len() > max_token_bytes {
        return err(
            ErrorCode::GrantsTooLarge,
            format!(
                "the grant set is {} bytes, over the bound of {max_token_bytes}",
                token.len()
            ),
        );
    }
    let mut pieces = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (pieces.next(), pieces.next(), pieces.next(), pieces.next())
    else {
        return malformed(format!(
            "a grant set is a compact JWS of three parts separated by `.`, not {}",
            token.split('.').count()
        ));
    };
    let signing_len = header.len() + 1 + payload.len();
    let decode = |part: &str, name: &str| {
        base64url::decode(part).ok_or_else(|| {
            AuthzError::new(
                ErrorCode::GrantsMalformed,
                format!("the {name} is not base64url"),
            )
        })
    };
    let header_bytes = decode(header, "header")?;
    let payload_bytes = decode(payload, "payload")?;
    let signature = decode(signature, "signature")?;
    if !header_bytes.trim_ascii_start().starts_with(b"{") {
        return malformed("the header is not a JSON object");
    }
    let header: Header = serde_json::from_slice(&header_bytes).map_err(|e| {
        AuthzError::new(
            ErrorCode::GrantsMalformed,
            format!("the header is not a JSON object of the expected members: {e}"),
        )
    })?;
    let signing_input = token.as_bytes().get(..signing_len).unwrap_or_default();
    Ok(Parts {
        header,
        header_bytes,
        payload_bytes,
        signature,
        signing_input,
    })
}

/// Verifies a grant set against a key set, in SPEC section 4's order.
pub fn verify(token: &str, keys: &KeySet, options: &VerifyOptions) -> Result<VerifiedGrants> {
    let parts = parse(
        token,
        options.max_token_bytes.unwrap_or(DEFAULT_MAX_TOKEN_BYTES),
    )?;
    let header = &parts.header;
    if header.alg != ALG {
        return err(
            ErrorCode::GrantsAlg,
            format!(
                "`alg` `{}` is not allowed; grant sets are signed with `EdDSA`",
                header.alg
            ),
        );
    }
    if header.crit.is_some() {
        return malformed("the header has `crit`, and no extension is understood here");
    }
    match header.typ.as_deref() {
        Some(typ) if is_grants_typ(typ) => {}
        Some(typ) => {
            return err(
                ErrorCode::GrantsTyp,
                format!("`typ` `{typ}` is not `{TYP}`"),
            )
        }
        None => {
            return err(
                ErrorCode::GrantsTyp,
                format!("the header has no `typ`; expected `{TYP}`"),
            )
        }
    }
    let Some(kid) = header.kid.as_deref() else {
        return err(
            ErrorCode::GrantsKeyNotFound,
            "the header has no `kid` to choose a key by",
        );
    };
    let key = keys.find(kid)?;
    let Ok(signature) = <[u8; 64]>::try_from(parts.signature.as_slice()) else {
        return err(ErrorCode::GrantsSignature, "the signature is not 64 bytes");
    };
    if key
        .verify_strict(parts.signing_input, &Signature::from_bytes(&signature))
        .is_err()
    {
        return err(ErrorCode::GrantsSignature, "the signature does not verify");
    }
    let payload: GrantSetPayload = serde_json::from_slice(&parts.payload_bytes).map_err(|e| {
        AuthzError::new(
            ErrorCode::GrantsMalformed,
            format!("the payload is not a grant set: {e}"),
        )
    })?;
    check_claims(&payload, options)?;
    validate(&payload)?;
    Ok(VerifiedGrants {
        header: parts.header,
        payload,
    })
}

/// `typ` compares case-insensitively and may carry the `application/` prefix (RFC 7515 4.1.9).
fn is_grants_typ(typ: &str) -> bool {
    let typ = typ.to_ascii_lowercase();
    typ == TYP || typ.strip_prefix("application/") == Some(TYP)
}

fn check_claims(payload: &GrantSetPayload, options: &VerifyOptions) -> Result<()> {
    let tolerance = options.clock_tolerance.max(0);
    if options.now.saturating_sub(tolerance) >= payload.exp {
        return err(
            ErrorCode::GrantsExpired,
            format!(
                "the grant set expired at {} (now {})",
                payload.exp, options.now
            ),
        );
    }
    if let Some(nbf) = payload.nbf {
        if options.now.saturating_add(tolerance) < nbf {
            return err(
                ErrorCode::GrantsNotYetValid,
                format!(
                    "the grant set is not valid before {nbf} (now {})",
                    options.now
                ),
            );
        }
    }
    if let Some(expected) = &options.issuer {
        if payload.iss.as_deref() != Some(expected.as_str()) {
            return err(
                ErrorCode::GrantsIssuer,
                format!(
                    "`iss` is `{}`, expected `{expected}`",
                    payload.iss.as_deref().unwrap_or("")
                ),
            );
        }
    }
    if let Some(expected) = &options.audience {
        let matches = payload
            .aud
            .as_ref()
            .is_some_and(|aud| expected.iter().any(|e| aud.contains(e)));
        if !matches {
            return err(
                ErrorCode::GrantsAudience,
                format!(
                    "`aud` does not name {}",
                    expected
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            );
        }
    }
    Ok(())
}

/// What `sign` fills in.
#[derive(Clone, Debug, Default)]
pub struct SignOptions {
    /// Seconds since the epoch, for `iat` and a default `exp`.
    pub now: i64,
    /// Lifetime in seconds when the payload has no `exp`; `None` is [`DEFAULT_TTL_SECONDS`].
    pub ttl: Option<i64>,
    /// Sets `iss` when given.
    pub issuer: Option<String>,
    /// Sets `aud` when given.
    pub audience: Option<Value>,
}

/// Signs a grant-set payload (a JSON object; members this crate does not know are kept).
/// Sets `iat` and `exp` from `ttl` when given (else keeps the payload's, defaulting `exp` to 15
/// minutes), `ver`, and `iss`/`aud` from the options, then checks that the result is a grant set
/// this crate would accept before signing it.
pub fn sign(payload: &Value, key: &SigningJwk, options: &SignOptions) -> Result<String> {
    let Some(object) = payload.as_object() else {
        return malformed("a grant-set payload must be a JSON object");
    };
    let mut object: Map<String, Value> = object.clone();
    // An explicit ttl sets `iat` and `exp`; otherwise the payload's own are kept, and a payload
    // without `exp` lives DEFAULT_TTL_SECONDS.
    if options.ttl.is_some() || !object.contains_key("exp") {
        let ttl = options.ttl.unwrap_or(DEFAULT_TTL_SECONDS);
        if ttl <= 0 {
            return err(
                ErrorCode::ArgumentInvalid,
                format!("ttl must be a positive number of seconds, not {ttl}"),
            );
        }
        object.insert("iat".to_owned(), Value::from(options.now));
        object.insert(
            "exp".to_owned(),
            Value::from(options.now.saturating_add(ttl)),
        );
    }
    object.entry("iat").or_insert(Value::from(options.now));
    object.entry("ver").or_insert(Value::from(GRANTS_VERSION));
    if let Some(issuer) = &options.issuer {
        object.insert("iss".to_owned(), Value::from(issuer.clone()));
    }
    if let Some(audience) = &options.audience {
        object.insert("aud".to_owned(), audience.clone());
    }
    let payload = serde_json::to_vec(&Value::Object(object))
        .map_err(|e| AuthzError::new(ErrorCode::GrantsMalformed, e.to_string()))?;
    let parsed: GrantSetPayload = serde_json::from_slice(&payload).map_err(|e| {
        AuthzError::new(
            ErrorCode::GrantsMalformed,
            format!("the payload is not a grant set: {e}"),
        )
    })?;
    validate(&parsed)?;
    let header = format!(
        r#"{{"alg":"{ALG}","typ":"{TYP}","kid":{}}}"#,
        Value::from(key.kid.as_str())
    );
    let signing_input = format!(
        "{}.{}",
        base64url::encode(header.as_bytes()),
        base64url::encode(&payload)
    );
    let signature = key.key.sign(signing_input.as_bytes());
    Ok(format!(
        "{signing_input}.{}",
        base64url::encode(&signature.to_bytes())
    ))
}

/// Decodes a token WITHOUT verifying anything, for people debugging one: `(header, payload)`.
pub fn inspect(token: &str) -> Result<(Value, Value)> {
    let parts = parse(token, DEFAULT_MAX_TOKEN_BYTES)?;
    let json = |bytes: &[u8], what: &str| {
        serde_json::from_slice::<Value>(bytes).map_err(|e| {
            AuthzError::new(
                ErrorCode::GrantsMalformed,
                format!("the {what} is not JSON: {e}"),
            )
        })
    };
    Ok((
        json(&parts.header_bytes, "header")?,
        json(&parts.payload_bytes, "payload")?,
    ))
}
