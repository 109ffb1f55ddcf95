//! Ed25519 keys as JWKs (RFC 7517, RFC 8037: `kty` `OKP`, `crv` `Ed25519`) and public key sets.

#[cfg(feature = "sign")]
use ed25519_dalek::SigningKey;
use ed25519_dalek::VerifyingKey;
use serde::Serialize;

use crate::base64url;
#[cfg(feature = "sign")]
use crate::error::AuthzError;
use crate::error::{err, ErrorCode, Result};
use crate::json::{self, Fields, Value};

/// A JWK as JSON: the members this crate reads and writes. Other members are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub d: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    /// What the key may be used for (RFC 7517 section 4.3); when present, a key verifies only
    /// if it lists `verify`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_ops: Option<Vec<String>>,
    /// Whether the private member of an RSA (`p`) or symmetric (`k`) key is present (and not
    /// `null`): read only to refuse such keys in a JWKS.
    #[serde(skip)]
    pub has_other_private: bool,
}

/// `{ "keys": [...] }`: a JWKS as it is published.
#[derive(Clone, Debug, Serialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

impl Jwk {
    /// Reads a JWK object; members other than the ones of [`Jwk`] are ignored.
    pub fn from_json(value: Value, code: ErrorCode, what: &str) -> Result<Self> {
        let mut f = Fields::new(value, code, what)?;
        Ok(Jwk {
            kty: f.string("kty")?,
            crv: f.opt_string("crv")?,
            x: f.opt_string("x")?,
            d: f.opt_string("d")?,
            kid: f.opt_string("kid")?,
            alg: f.opt_string("alg")?,
            use_: f.opt_string("use")?,
            key_ops: match f.optional("key_ops")? {
                Some(ops) => Some(f.strings_of("key_ops", ops)?),
                None => None,
            },
            has_other_private: f.optional("p")?.is_some() || f.optional("k")?.is_some(),
        })
    }

    fn is_ed25519(&self) -> bool {
        self.kty == "OKP" && self.crv.as_deref() == Some("Ed25519")
    }

    /// What the key is, for messages: `OKP Ed25519`, `EC P-256`, `RSA`.
    fn describe(&self) -> String {
        match &self.crv {
            Some(crv) => format!("{} {crv}", self.kty),
            None => self.kty.clone(),
        }
    }

    /// Why this key never verifies a grant set, or `None` when it may: an Ed25519 key whose
    /// `alg` (when present) is EdDSA, whose `use` (when present) is `sig` and whose `key_ops`
    /// (when present) hold `verify`.
    fn unusable(&self) -> Option<String> {
        let kind = self.describe();
        if !self.is_ed25519() {
            return Some(format!("{kind}, not an Ed25519 signature key"));
        }
        if let Some(alg) = self
            .alg
            .as_deref()
            .filter(|a| *a != "EdDSA" && *a != "Ed25519")
        {
            return Some(format!(
                "{kind} for `alg` `{alg}`, not an Ed25519 signature key"
            ));
        }
        if let Some(use_) = self.use_.as_deref().filter(|u| *u != "sig") {
            return Some(format!(
                "{kind} with `use` `{use_}`, not `sig`: it does not verify signatures"
            ));
        }
        match &self.key_ops {
            Some(ops) if !ops.iter().any(|op| op == "verify") => Some(format!(
                "{kind} whose `key_ops` lack `verify`: it does not verify signatures"
            )),
            _ => None,
        }
    }
}

/// A public verification key with its key id.
#[derive(Clone, Debug)]
pub struct PublicKey {
    pub kid: String,
    pub key: VerifyingKey,
}

/// A JWKS reduced to what verification can use: its Ed25519 signature keys. Keys that never
/// verify (other types, other algorithms, `use` other than `sig`, `key_ops` without `verify`)
/// are kept by kid only, with the reason, so that a token naming one gets a precise error.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    keys: Vec<PublicKey>,
    others: Vec<(String, String)>,
}

fn decode_32(text: Option<&str>, what: &str, code: ErrorCode) -> Result<[u8; 32]> {
    let Some(text) = text else {
        return err(code, format!("an Ed25519 JWK needs `{what}`"));
    };
    match base64url::decode(text).map(<[u8; 32]>::try_from) {
        Some(Ok(bytes)) => Ok(bytes),
        _ => err(
            code,
            format!("`{what}` of an Ed25519 JWK must be 32 bytes of base64url"),
        ),
    }
}

fn public_key(jwk: &Jwk, code: ErrorCode) -> Result<VerifyingKey> {
    let x = decode_32(jwk.x.as_deref(), "x", code)?;
    match VerifyingKey::from_bytes(&x) {
        Ok(key) if !key.is_weak() => Ok(key),
        _ => err(code, "`x` is not a valid Ed25519 public key"),
    }
}

impl KeySet {
    /// Reads a JWKS from JSON text (`{ "keys": [...] }`; a single public JWK is read as a set of
    /// one). Fails with `ERR_JWKS_INVALID` when it is not one, when an Ed25519 key in it is
    /// broken, or when it holds a private key (a JWKS is published; a private member in it is a
    /// leak to stop, not to use).
    pub fn parse_str(text: &str) -> Result<Self> {
        const CODE: ErrorCode = ErrorCode::JwksInvalid;
        let value = json::parse_as(text.as_bytes(), CODE, "the JWKS")?;
        let not_a_jwks = || err(CODE, "a JWKS must be an object with a `keys` array");
        let keys = match &value {
            Value::Object(_) if value.get("keys").is_some_and(|k| *k != Value::Null) => {
                Fields::new(value, CODE, "the JWKS")?.records("keys", |key, index| {
                    Jwk::from_json(key, CODE, &format!("key {index} of the JWKS"))
                })?
            }
            Value::Object(_) if value.get("kty").is_some_and(|k| *k != Value::Null) => {
                vec![Jwk::from_json(value, CODE, "the JWK")?]
            }
            _ => return not_a_jwks(),
        };
        let mut set = KeySet::default();
        for (index, jwk) in keys.into_iter().enumerate() {
            if jwk.d.is_some() || jwk.has_other_private {
                return err(
                    ErrorCode::JwksInvalid,
                    format!("key {index} of the JWKS holds private key material; publish only public keys"),
                );
            }
            // A key without `kid` is kept under "", which no token can name.
            let kid = jwk.kid.clone().unwrap_or_default();
            match jwk.unusable() {
                None => {
                    let key = public_key(&jwk, ErrorCode::JwksInvalid)?;
                    set.keys.push(PublicKey { kid, key });
                }
                Some(why) => set.others.push((kid, why)),
            }
        }
        Ok(set)
    }

    /// The Ed25519 signature key with this kid. An empty kid names no key (not even one
    /// published without `kid`).
    pub fn find(&self, kid: &str) -> Result<&VerifyingKey> {
        if kid.is_empty() {
            return err(
                ErrorCode::GrantsKeyNotFound,
                "the header's `kid` is empty, and an empty kid names no key",
            );
        }
        if let Some(found) = self.keys.iter().find(|k| k.kid == kid) {
            return Ok(&found.key);
        }
        match self.others.iter().find(|(k, _)| k == kid) {
            Some((_, why)) => err(
                ErrorCode::GrantsKeyNotFound,
                format!("key `{kid}` in the JWKS is {why}"),
            ),
            None => err(
                ErrorCode::GrantsKeyNotFound,
                format!("no key with kid `{kid}` in the JWKS"),
            ),
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// A private signing key with its kid.
#[cfg(feature = "sign")]
pub struct SigningJwk {
    pub kid: String,
    pub key: SigningKey,
}

#[cfg(feature = "sign")]
impl SigningJwk {
    /// Reads a private Ed25519 JWK from JSON text; `x`, when present, must belong to `d`.
    pub fn parse_str(text: &str) -> Result<Self> {
        const CODE: ErrorCode = ErrorCode::KeyInvalid;
        let value = json::parse_as(text.as_bytes(), CODE, "the private key")?;
        let jwk = Jwk::from_json(value, CODE, "the private key")?;
        if !jwk.is_ed25519() {
            return err(
                ErrorCode::KeyInvalid,
                format!("the private key is {}, not OKP Ed25519", jwk.describe()),
            );
        }
        let d = decode_32(jwk.d.as_deref(), "d", ErrorCode::KeyInvalid)?;
        let key = SigningKey::from_bytes(&d);
        if jwk.x.is_some() && public_key(&jwk, ErrorCode::KeyInvalid)? != key.verifying_key() {
            return err(
                ErrorCode::KeyInvalid,
                "`x` of the private JWK does not belong to its `d`",
            );
        }
        let Some(kid) = jwk.kid.filter(|k| !k.is_empty()) else {
            return err(ErrorCode::KeyInvalid, "the private JWK needs a `kid`, which tokens name so that verifiers can pick the key");
        };
        Ok(SigningJwk { kid, key })
    }

    /// A new key from 32 random bytes (the caller draws them: `getrandom`, or a test's fixed seed).
    pub fn from_seed(kid: &str, seed: [u8; 32]) -> Result<Self> {
        if kid.is_empty() {
            return err(ErrorCode::ArgumentInvalid, "a key id must not be empty");
        }
        Ok(SigningJwk {
            kid: kid.to_owned(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// A new key from the platform's secure random source.
    pub fn generate(kid: &str) -> Result<Self> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| {
            AuthzError::new(
                ErrorCode::KeyInvalid,
                format!("no secure random source: {e}"),
            )
        })?;
        Self::from_seed(kid, seed)
    }

    pub fn public_jwk(&self) -> Jwk {
        Jwk {
            kty: "OKP".to_owned(),
            crv: Some("Ed25519".to_owned()),
            x: Some(base64url::encode(self.key.verifying_key().as_bytes())),
            d: None,
            kid: Some(self.kid.clone()),
            alg: Some("EdDSA".to_owned()),
            use_: Some("sig".to_owned()),
            ..Jwk::default()
        }
    }

    pub fn private_jwk(&self) -> Jwk {
        Jwk {
            d: Some(base64url::encode(self.key.as_bytes())),
            ..self.public_jwk()
        }
    }
}
