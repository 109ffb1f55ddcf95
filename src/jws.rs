//! Signed grant sets: a compact JWS (RFC 7515) with EdDSA over Ed25519 (RFC 8037), header `typ`
//! `camunda-grants+jwt` and a `kid` (docs/verification.md).
//!
//! [`verify`] checks in a fixed order and stops at the first failure: size, three base64url
//! parts and a JSON header, `alg`, `crit`, `typ`, the key by `kid`, the signature (strict
//! Ed25519), and only then the payload (its shape, the range of its times, its lifetime) and
//! its claims. Its result, [`VerifiedGrants`], can only
//! be made here, so nothing unverified reaches an [`crate::Authorizer`] built from it.

#[cfg(feature = "sign")]
use std::borrow::Cow;

use ed25519_dalek::Signature;
#[cfg(feature = "sign")]
use ed25519_dalek::Signer;

use crate::base64url;
use crate::error::{err, AuthzError, ErrorCode, Result};
use crate::json::{self, Fields, Value};
use crate::jwk::KeySet;
#[cfg(feature = "sign")]
use crate::jwk::SigningJwk;
use crate::model::GrantSetPayload;
#[cfg(feature = "sign")]
use crate::model::{Audience, GRANTS_VERSION};
use crate::time::{iso8601, MAX_DATE_SECONDS};

pub const ALG: &str = "EdDSA";
pub const TYP: &str = "camunda-grants+jwt";
/// The default bound on a token's length, checked before anything is parsed.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 1024 * 1024;
/// The most leeway `clockTolerance` may give `exp` and `nbf`: an hour.
pub const MAX_CLOCK_TOLERANCE_SECONDS: i64 = 3600;
/// The bound on `exp`, `nbf` and `iat` either side of the epoch: the range of a JavaScript `Date`
/// (8.64e12 s, [`MAX_DATE_SECONDS`]), so that a payload read in JS means what it meant here and
/// its times make valid `Date`s (`expiresAt.toISOString()` cannot throw). Every such integer is
/// also a JavaScript number exactly (it is below 2^53).
pub const MAX_TIME_SECONDS: i64 = MAX_DATE_SECONDS;
/// The default `max_lifetime`: a grant set may live a day (`exp - iat`) at most.
pub const DEFAULT_MAX_LIFETIME_SECONDS: i64 = 86_400;
/// The lifetime `sign` gives a grant set without an `exp`: 15 minutes.
pub const DEFAULT_TTL_SECONDS: i64 = 900;

/// What `verify` checks beyond the signature. `Default` bounds the lifetime
/// ([`DEFAULT_MAX_LIFETIME_SECONDS`]) and checks nothing else beyond the token.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// Seconds since the epoch. The core never reads a clock: the caller passes the time.
    pub now: i64,
    /// Seconds of leeway for `exp` and `nbf`: 0 to [`MAX_CLOCK_TOLERANCE_SECONDS`].
    pub clock_tolerance: i64,
    /// The expected `iss`, when given.
    pub issuer: Option<String>,
    /// Accepted audiences, when given: `aud` must contain one of them.
    pub audience: Option<Vec<String>>,
    /// The size bound; `None` is [`DEFAULT_MAX_TOKEN_BYTES`].
    pub max_token_bytes: Option<usize>,
    /// The longest lifetime (`exp - iat`, seconds) a grant set may have; it then needs `iat`.
    /// `None` opts out (the caller says so explicitly: the default bounds it).
    pub max_lifetime: Option<i64>,
    /// The physical tenant the grant set must name (`physicalTenant`), when given.
    pub physical_tenant: Option<String>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            now: 0,
            clock_tolerance: 0,
            issuer: None,
            audience: None,
            max_token_bytes: None,
            max_lifetime: Some(DEFAULT_MAX_LIFETIME_SECONDS),
            physical_tenant: None,
        }
    }
}

/// The protected header.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Header {
    pub alg: String,
    pub typ: Option<String>,
    pub kid: Option<String>,
    /// `Some` whenever the member is present, even as `null`: any `crit` is rejected, so a
    /// verified header never has one (and it is not serialized).
    #[serde(skip)]
    pub crit: Option<Value<'static>>,
}

impl Header {
    fn from_json(value: Value<'_>) -> Result<Self> {
        let mut f = Fields::new(value, ErrorCode::GrantsMalformed, "the header")?;
        Ok(Header {
            alg: f.string("alg")?,
            typ: f.opt_string("typ")?,
            kid: f.opt_string("kid")?,
            crit: f.take("crit")?.map(Value::into_owned),
        })
    }
}

/// Parses a decoded part of a token as JSON (`ERR_GRANTS_MALFORMED` when it is not).
fn part_json<'t>(bytes: &'t [u8], what: &str) -> Result<Value<'t>> {
    json::parse_as(bytes, ErrorCode::GrantsMalformed, what)
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
    let header = Header::from_json(part_json(&header_bytes, "the header")?)?;
    let signing_input = token.as_bytes().get(..signing_len).unwrap_or_default();
    Ok(Parts {
        header,
        header_bytes,
        payload_bytes,
        signature,
        signing_input,
    })
}

/// Verifies a grant set against a key set, in the order of docs/verification.md.
pub fn verify(token: &str, keys: &KeySet, options: &VerifyOptions) -> Result<VerifiedGrants> {
    check_options(options)?;
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
    let payload = GrantSetPayload::from_json(part_json(&parts.payload_bytes, "the payload")?)?;
    check_times(&payload)?;
    check_lifetime(&payload, options.max_lifetime)?;
    check_claims(&payload, options)?;
    payload.validate()?;
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

/// The caller's options, before the token is looked at: a clock tolerance of 0 to an hour, a
/// positive maximum lifetime.
fn check_options(options: &VerifyOptions) -> Result<()> {
    let tolerance = options.clock_tolerance;
    if !(0..=MAX_CLOCK_TOLERANCE_SECONDS).contains(&tolerance) {
        return err(
            ErrorCode::ArgumentInvalid,
            format!("the clock tolerance must be 0 to {MAX_CLOCK_TOLERANCE_SECONDS} seconds, not {tolerance}"),
        );
    }
    if let Some(max) = options
        .max_lifetime
        .filter(|m| !(1..=2 * MAX_TIME_SECONDS).contains(m))
    {
        return err(
            ErrorCode::ArgumentInvalid,
            format!(
                "the maximum lifetime must be 1 to {} seconds, not {max}",
                2 * MAX_TIME_SECONDS
            ),
        );
    }
    Ok(())
}

/// `exp`, `nbf` and `iat` at most [`MAX_TIME_SECONDS`] from the epoch.
fn check_times(payload: &GrantSetPayload) -> Result<()> {
    let times = [
        ("exp", Some(payload.exp)),
        ("nbf", payload.nbf),
        ("iat", payload.iat),
    ];
    for (name, time) in times {
        if let Some(time) = time.filter(|t| !(-MAX_TIME_SECONDS..=MAX_TIME_SECONDS).contains(t)) {
            return malformed(format!(
                "the payload: `{name}` ({}) is more than 8.64e12 seconds from the epoch, beyond what a JavaScript Date holds",
                iso8601(time)
            ));
        }
    }
    Ok(())
}

/// `exp - iat` at most `max` seconds. A grant set without `iat` cannot show how long it lives,
/// so with a bound it is refused (fail closed); `exp` before `iat` (a negative lifetime) is none at all. Both
/// times are within [`MAX_TIME_SECONDS`] here, so the difference cannot overflow.
fn check_lifetime(payload: &GrantSetPayload, max: Option<i64>) -> Result<()> {
    let Some(max) = max else {
        return Ok(());
    };
    let Some(iat) = payload.iat else {
        return malformed(format!(
            "the payload has no `iat`, so its lifetime cannot be held to maxLifetime {max} s"
        ));
    };
    let lifetime = payload.exp - iat;
    if !(0..=max).contains(&lifetime) {
        return malformed(format!(
            "the payload: the grant set lives {lifetime} s (`iat` {} to `exp` {}), not 0 to maxLifetime {max} s",
            iso8601(iat),
            iso8601(payload.exp)
        ));
    }
    Ok(())
}

fn check_claims(payload: &GrantSetPayload, options: &VerifyOptions) -> Result<()> {
    let tolerance = options.clock_tolerance;
    if options.now.saturating_sub(tolerance) >= payload.exp {
        return err(
            ErrorCode::GrantsExpired,
            format!(
                "the grant set expired at {} (now {})",
                iso8601(payload.exp),
                iso8601(options.now)
            ),
        );
    }
    if let Some(nbf) = payload.nbf {
        if options.now.saturating_add(tolerance) < nbf {
            return err(
                ErrorCode::GrantsNotYetValid,
                format!(
                    "the grant set is not valid before {} (now {})",
                    iso8601(nbf),
                    iso8601(options.now)
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
    if let Some(expected) = &options.physical_tenant {
        if payload.physical_tenant.as_deref() != Some(expected.as_str()) {
            return err(
                ErrorCode::GrantsPhysicalTenant,
                match &payload.physical_tenant {
                    Some(actual) => {
                        format!("`physicalTenant` is `{actual}`, expected `{expected}`")
                    }
                    None => {
                        format!("the grant set names no `physicalTenant`, expected `{expected}`")
                    }
                },
            );
        }
    }
    Ok(())
}

/// What `sign` fills in.
#[cfg(feature = "sign")]
#[derive(Clone, Debug, Default)]
pub struct SignOptions {
    /// Seconds since the epoch, for `iat` and a default `exp`.
    pub now: i64,
    /// Lifetime in seconds when the payload has no `exp`; `None` is [`DEFAULT_TTL_SECONDS`].
    pub ttl: Option<i64>,
    /// Sets `iss` when given.
    pub issuer: Option<String>,
    /// Sets `aud` when given.
    pub audience: Option<Audience>,
}

/// Sets member `name` of an object: in place when present, else at the end.
#[cfg(feature = "sign")]
fn set<'t>(members: &mut Vec<(Cow<'t, str>, Value<'t>)>, name: &'t str, value: Value<'t>) {
    match members.iter_mut().find(|(k, _)| k == name) {
        Some(member) => member.1 = value,
        None => members.push((Cow::Borrowed(name), value)),
    }
}

/// Signs a grant-set payload given as JSON text (an object; members this crate does not know
/// are kept, in order, numbers as written). Sets `iat` and `exp` from `ttl` when given (else
/// keeps the payload's, defaulting `exp` to 15 minutes), `ver`, and `iss`/`aud` from the
/// options, then checks that the result is a grant set this crate would accept before signing.
#[cfg(feature = "sign")]
pub fn sign(payload_json: &str, key: &SigningJwk, options: &SignOptions) -> Result<String> {
    let signing_input = signing_input(payload_json, &key.kid, options)?;
    let signature = key.key.sign(signing_input.as_bytes());
    Ok(format!(
        "{signing_input}.{}",
        base64url::encode(&signature.to_bytes())
    ))
}

/// What [`sign`] signs, `<header>.<payload>` in base64url, with every check [`sign`] makes: for
/// a signer outside this crate (the platform's Ed25519, which signs the same bytes to the same
/// signature, Ed25519 being deterministic).
#[cfg(feature = "sign")]
pub fn signing_input(payload_json: &str, kid: &str, options: &SignOptions) -> Result<String> {
    let Value::Object(mut members) = part_json(payload_json.as_bytes(), "the payload")? else {
        return malformed("a grant-set payload must be a JSON object");
    };
    let has =
        |members: &[(Cow<'_, str>, Value<'_>)], name: &str| members.iter().any(|(k, _)| k == name);
    // An explicit ttl sets `iat` and `exp`; otherwise the payload's own are kept, and a payload
    // without `exp` lives DEFAULT_TTL_SECONDS.
    if options.ttl.is_some() || !has(&members, "exp") {
        let ttl = options.ttl.unwrap_or(DEFAULT_TTL_SECONDS);
        if ttl <= 0 {
            return err(
                ErrorCode::ArgumentInvalid,
                format!("ttl must be a positive number of seconds, not {ttl}"),
            );
        }
        set(&mut members, "iat", Value::from(options.now));
        set(
            &mut members,
            "exp",
            Value::from(options.now.saturating_add(ttl)),
        );
    }
    if !has(&members, "iat") {
        set(&mut members, "iat", Value::from(options.now));
    }
    if !has(&members, "ver") {
        set(
            &mut members,
            "ver",
            Value::Number(Cow::Owned(GRANTS_VERSION.to_string())),
        );
    }
    if let Some(issuer) = &options.issuer {
        set(&mut members, "iss", Value::from(issuer.as_str()));
    }
    if let Some(audience) = &options.audience {
        set(&mut members, "aud", audience.to_json());
    }
    let payload = Value::Object(members);
    let payload_json = payload.to_json();
    GrantSetPayload::from_json(payload)?.validate()?;
    let mut header = format!(r#"{{"alg":"{ALG}","typ":"{TYP}","kid":"#);
    json::quote(kid, &mut header);
    header.push('}');
    Ok(format!(
        "{}.{}",
        base64url::encode(header.as_bytes()),
        base64url::encode(payload_json.as_bytes())
    ))
}

/// Decodes a token WITHOUT verifying anything, for people debugging one: `(header, payload)`.
pub fn inspect(token: &str) -> Result<(Value<'static>, Value<'static>)> {
    let parts = parse(token, DEFAULT_MAX_TOKEN_BYTES)?;
    Ok((
        part_json(&parts.header_bytes, "the header")?.into_owned(),
        part_json(&parts.payload_bytes, "the payload")?.into_owned(),
    ))
}
