//! The JWS parser and verifier. Invariants: `verify` accepts only a token the fixture keys
//! signed, byte for byte (a fuzzer cannot sign, so anything else it accepts skipped a check),
//! and only when an independent Ed25519 check of its signature holds; `parse` and `inspect`
//! accept whatever `verify` accepts; what it accepts has times JavaScript holds exactly; every error has a verification code and a clean message.
#![no_main]

use camunda_authz::base64url;
use camunda_authz::jws::{self, DEFAULT_MAX_TOKEN_BYTES};
use camunda_authz_fuzz::{check_error, fixture, GRANTS_CODES};
use ed25519_dalek::{Signature, VerifyingKey};
use libfuzzer_sys::fuzz_target;

/// The public key the JWKS text gives `kid`, read independently of `KeySet`.
fn published_key(kid: &str) -> Option<VerifyingKey> {
    let jwks: serde_json::Value = serde_json::from_str(&fixture().jwks_text).ok()?;
    let key = jwks["keys"]
        .as_array()?
        .iter()
        .find(|k| k["kid"].as_str() == Some(kid))?;
    let x: [u8; 32] = base64url::decode(key["x"].as_str()?)?.try_into().ok()?;
    VerifyingKey::from_bytes(&x).ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let fx = fixture();
    let parsed = jws::parse(token, DEFAULT_MAX_TOKEN_BYTES);
    if let Err(e) = &parsed {
        check_error("jws::parse", e, GRANTS_CODES);
    }
    let inspected = jws::inspect(token);
    match jws::verify(token, &fx.keys, &fx.options) {
        Err(e) => check_error("jws::verify", &e, GRANTS_CODES),
        Ok(grants) => {
            assert!(
                fx.good.iter().any(|good| good == token),
                "verify accepted a token nobody signed: {token:?}"
            );
            let parts = parsed.unwrap_or_else(|e| panic!("verified but parse fails: {e}"));
            let kid = grants.header().kid.as_deref().unwrap_or_default();
            let key = published_key(kid).unwrap_or_else(|| panic!("no published key `{kid}`"));
            let signature: [u8; 64] = parts.signature.as_slice().try_into().unwrap_or([0; 64]);
            assert!(
                key.verify_strict(parts.signing_input, &Signature::from_bytes(&signature))
                    .is_ok(),
                "verified without a signature that holds"
            );
            assert_eq!(grants.header().alg, "EdDSA");
            let payload = grants.payload();
            let times = [Some(payload.exp), payload.nbf, payload.iat];
            assert!(
                times.iter().flatten().all(|t| t.unsigned_abs() <= jws::MAX_TIME_SECONDS as u64),
                "verified a time JavaScript cannot hold exactly"
            );
            assert!(inspected.is_ok(), "verified but inspect fails");
        }
    }
});
