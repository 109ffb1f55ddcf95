//! The one binding layer between the core and JavaScript. Everything JS-specific lives here:
//! conversions, and turning [`AuthzError`] into a thrown `Error` with a `code` (the package's
//! JavaScript wrapper rethrows it as its `AuthzError` class).
//!
//! The wrapper (`pkg-template/core/`, its `TaskRecords`) interns task strings through [`Engine::vocabulary`] and
//! writes task records (see [`crate::authorizer::RECORD_HEADER`]) into a scratch buffer inside
//! wasm memory, so a task list crosses the boundary in bulk, as integers.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::authorizer::Authorizer;
use crate::error::{AuthzError, ErrorCode};
use crate::json::{self, Value};
use crate::model::GrantSetPayload;
use crate::rules::Operation;
use crate::task::Task;

/// The error of a function the browser build leaves out.
#[cfg(not(all(feature = "sign", feature = "edge")))]
fn unsupported(name: &str) -> JsValue {
    into_error(AuthzError::new(
        ErrorCode::Unsupported,
        format!("{name} is not in the browser build; import camunda-authz in Node.js, Deno, workerd or Vercel Edge to use it"),
    ))
}

/// The single conversion from a core error to a thrown JavaScript value: an `Error` named
/// `AuthzError` with a `code` (the wrapper keeps the code of such errors only).
fn into_error(error: AuthzError) -> JsValue {
    let js = js_sys::Error::new(&error.message);
    js.set_name("AuthzError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(
        &js,
        &JsValue::from_str("code"),
        &JsValue::from_str(error.code.as_str()),
    );
    js.into()
}

/// A value as a JavaScript object (the generated key of the full build).
#[cfg(feature = "sign")]
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| {
        into_error(AuthzError::new(
            ErrorCode::ArgumentInvalid,
            format!("cannot convert to JavaScript: {e}"),
        ))
    })
}

/// A value as JSON text, which the wrapper turns into an object with `JSON.parse`: smaller in
/// the module than building the object through serde-wasm-bindgen (no JS string cache), and
/// read as the wrapper reads every other JSON.
fn to_text<T: Serialize + ?Sized>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|_| {
        into_error(AuthzError::new(
            ErrorCode::ArgumentInvalid,
            "cannot convert to JSON".to_owned(),
        ))
    })
}

/// Parses JSON text that the wrapper made with `JSON.stringify` (one parser for every input).
fn parse<'t>(text: &'t str, code: ErrorCode, what: &str) -> Result<Value<'t>, JsValue> {
    json::parse_as(text.as_bytes(), code, what).map_err(into_error)
}

fn operation(name: &str) -> Result<Operation, JsValue> {
    Operation::parse(name).map_err(into_error)
}

/// Reads a task (as JSON text) through the core's validation: the canonical `ERR_TASK_INVALID`.
fn task_value(task_json: &str) -> Result<Value<'_>, JsValue> {
    parse(task_json, ErrorCode::TaskInvalid, "the task")
}

/// Throws the canonical error for an operation name the wrapper did not recognise.
#[wasm_bindgen(js_name = checkOperation)]
pub fn check_operation(name: &str) -> Result<(), JsValue> {
    operation(name).map(|_| ())
}

/// The user-task states in the order of their record codes: state `i + 1` is entry `i` (0 is a
/// task without state; any other string is `0xFFFF_FFFF`). The wrapper reads this once, so the
/// names and codes live only in the core ([`crate::rules::TaskState`]).
#[wasm_bindgen(js_name = taskStates)]
pub fn task_states() -> Vec<String> {
    crate::rules::TaskState::ALL
        .iter()
        .map(|state| state.as_str().to_owned())
        .collect()
}

/// The process-instance states in the order of their record codes, as [`task_states`] for a
/// task's `processInstanceState` ([`crate::rules::InstanceState`]).
#[wasm_bindgen(js_name = instanceStates)]
pub fn instance_states() -> Vec<String> {
    crate::rules::InstanceState::ALL
        .iter()
        .map(|state| state.as_str().to_owned())
        .collect()
}

/// Throws the canonical error for a task the wrapper could not encode.
#[wasm_bindgen(js_name = checkTask)]
pub fn check_task(task_json: &str) -> Result<(), JsValue> {
    let value = task_value(task_json)?;
    Task::from_json(&value).map(|_| ()).map_err(into_error)
}

/// A compiled grant set.
#[wasm_bindgen]
pub struct Engine {
    authorizer: Authorizer,
    scratch: Vec<u32>,
    masks: Vec<u8>,
    /// The edge path's input text (UTF-8), written by the wrapper.
    text: Vec<u8>,
}

/// Grows a buffer the wrapper writes into to at least `len` elements (keeping its contents)
/// and returns its address in wasm memory, or 0 when the memory cannot be reserved (the
/// wrapper then throws): an allocation failure must never abort, as a trap would leave the
/// module unusable.
fn grow<T: Copy + Default>(buffer: &mut Vec<T>, len: usize) -> usize {
    if buffer.len() < len {
        if buffer.try_reserve_exact(len - buffer.len()).is_err() {
            return 0;
        }
        buffer.resize(len, T::default());
    }
    buffer.as_ptr() as usize
}

/// A buffer that grew past this many bytes for one call is released after it, so that a large
/// call does not pin its memory to the `Engine` (the memory stays with the allocator, for
/// every engine to reuse).
pub const RELEASE_BYTES: usize = 16 << 20;

/// Frees `buffer` when it holds more than [`RELEASE_BYTES`].
#[cfg(feature = "edge")]
fn release_if_large<T>(buffer: &mut Vec<T>) {
    if buffer.capacity().saturating_mul(std::mem::size_of::<T>()) > RELEASE_BYTES {
        *buffer = Vec::new();
    }
}

#[wasm_bindgen]
impl Engine {
    /// Compiles a grant-set payload object that the caller trusts (no signature check).
    #[wasm_bindgen(js_name = fromUnverifiedPayload)]
    pub fn from_unverified_payload(payload_json: &str) -> Result<Engine, JsValue> {
        let payload = GrantSetPayload::parse(payload_json.as_bytes()).map_err(into_error)?;
        Ok(Engine::new(
            Authorizer::from_unverified_payload(payload).map_err(into_error)?,
        ))
    }

    /// The interned strings; symbol `i + 1` is entry `i`.
    pub fn vocabulary(&self) -> Vec<String> {
        self.authorizer.vocabulary().to_vec()
    }

    /// Grows the scratch buffer to `len` words and returns its address in wasm memory.
    pub fn scratch(&mut self, len: usize) -> usize {
        grow(&mut self.scratch, len)
    }

    /// Frees the scratch buffer and the masks (the wrapper calls it after a call that grew
    /// them past its threshold, and drops its view of the scratch buffer first).
    #[wasm_bindgen(js_name = releaseScratch)]
    pub fn release_scratch(&mut self) {
        self.scratch = Vec::new();
        self.masks = Vec::new();
    }

    /// The actions mask of the one task record at the start of the scratch buffer, or
    /// [`MASK_INVALID`] when the words are not exactly one well-formed record (the wrapper then
    /// throws `ERR_TASK_INVALID`). Infallible on purpose: a `Result` return costs an allocation
    /// per call in the generated glue, and this is the per-task hot path of `can` and `actions`.
    #[wasm_bindgen(js_name = maskOne)]
    pub fn mask_one(&mut self, len: usize) -> u32 {
        match self.decode_records(len, 1) {
            Ok(()) => self.masks.first().map_or(MASK_INVALID, |m| u32::from(*m)),
            Err(_) => MASK_INVALID,
        }
    }

    /// The buttons mask (bit = `crate::buttons::Button`) of the one task record at the start of
    /// the scratch buffer, or [`MASK_INVALID`], as [`Engine::mask_one`] does for actions.
    #[wasm_bindgen(js_name = buttonsOne)]
    pub fn buttons_one(&mut self, len: usize) -> u32 {
        let mut buttons = Vec::with_capacity(1);
        let decoded = self
            .scratch
            .get(..len)
            .map(|records| self.authorizer.buttons_from_records(records, &mut buttons));
        match (decoded, buttons.as_slice()) {
            (Some(Ok(())), [mask]) => u32::from(*mask),
            _ => MASK_INVALID,
        }
    }

    /// Decodes `len` words of task records from the scratch buffer, which must hold exactly
    /// `count` records, and returns the address of the `count` actions masks (valid until the
    /// next call). Anything else throws `ERR_TASK_INVALID`: the wrapper never reads a mask
    /// that this call did not write.
    #[wasm_bindgen(js_name = maskMany)]
    pub fn mask_many(&mut self, len: usize, count: usize) -> Result<usize, JsValue> {
        self.decode_records(len, count).map_err(into_error)?;
        Ok(self.masks.as_ptr() as usize)
    }

    /// Grows the text buffer (for `filterSearchText`) to `len` bytes, keeping what it holds,
    /// and returns its address in wasm memory. The wrapper writes UTF-8 into it with
    /// `TextEncoder.encodeInto`, far faster than passing a long string as an argument.
    #[wasm_bindgen(js_name = textBuffer)]
    pub fn text_buffer(&mut self, len: usize) -> usize {
        grow(&mut self.text, len)
    }

    /// `filterSearchResponse(responseJson, operation)` on the first `len` bytes of the text
    /// buffer: a `/v2/user-tasks/search` response as JSON text in, the same text with only the
    /// allowed `items` out (page totals untouched; see [`Authorizer::filter_search_response`]).
    /// The text buffer is released afterwards when it holds more than [`RELEASE_BYTES`].
    #[cfg(feature = "edge")]
    #[wasm_bindgen(js_name = filterSearchText)]
    pub fn filter_search_text(&mut self, op: &str, len: usize) -> Result<String, JsValue> {
        let filtered = self.filter_text(op, len);
        release_if_large(&mut self.text);
        filtered
    }

    /// The browser build has no edge scanner: `filterSearchResponse` throws `ERR_UNSUPPORTED`.
    #[cfg(not(feature = "edge"))]
    #[wasm_bindgen(js_name = filterSearchText)]
    pub fn filter_search_text(&self) -> Result<String, JsValue> {
        Err(unsupported("filterSearchResponse"))
    }

    /// `explain(operation, task)`.
    pub fn explain(&self, op: &str, task_json: &str) -> Result<String, JsValue> {
        let op = operation(op)?;
        let value = task_value(task_json)?;
        let task = Task::from_json(&value).map_err(into_error)?;
        to_text(&self.authorizer.explain(op, &task))
    }

    /// `explainButton(button, task)`: Tasklist's button, its screen rule and its operation.
    #[wasm_bindgen(js_name = explainButton)]
    pub fn explain_button(&self, button: &str, task_json: &str) -> Result<String, JsValue> {
        let button = crate::buttons::Button::parse(button).map_err(into_error)?;
        let value = task_value(task_json)?;
        let task = Task::from_json(&value).map_err(into_error)?;
        to_text(&self.authorizer.explain_button(button, &task))
    }

    /// `isAuthorized(resourceType, permissionType, resourceId)` with its explanation.
    #[wasm_bindgen(js_name = explainAuthorized)]
    pub fn explain_authorized(
        &self,
        resource_type: &str,
        permission_type: &str,
        resource_id: &str,
    ) -> Result<String, JsValue> {
        to_text(
            &self
                .authorizer
                .is_authorized(resource_type, permission_type, resource_id),
        )
    }

    #[wasm_bindgen(js_name = isAuthorized)]
    pub fn is_authorized(
        &self,
        resource_type: &str,
        permission_type: &str,
        resource_id: &str,
    ) -> bool {
        self.authorizer
            .is_authorized(resource_type, permission_type, resource_id)
            .allowed
    }

    /// The grant-set payload, as a plain object.
    pub fn payload(&self) -> Result<String, JsValue> {
        to_text(self.authorizer.payload())
    }
}

impl Engine {
    fn new(authorizer: Authorizer) -> Self {
        Engine {
            authorizer,
            scratch: Vec::new(),
            masks: Vec::new(),
            text: Vec::new(),
        }
    }

    /// Decides the first `len` words of task records in the scratch buffer into `masks`; they
    /// must be exactly `count` records. Fails closed: on any error `masks` is left empty.
    fn decode_records(&mut self, len: usize, count: usize) -> crate::error::Result<()> {
        self.masks.clear();
        let decoded = self.decode_into_masks(len, count);
        if decoded.is_err() {
            self.masks.clear();
        }
        decoded
    }

    fn decode_into_masks(&mut self, len: usize, count: usize) -> crate::error::Result<()> {
        use crate::error::err;
        let Some(records) = self.scratch.get(..len) else {
            let written = self.scratch.len();
            return err(
                ErrorCode::TaskInvalid,
                format!("the task records end at word {len}, beyond the {written} words written"),
            );
        };
        if self.masks.try_reserve(count).is_err() {
            return err(
                ErrorCode::ArgumentInvalid,
                format!("cannot reserve memory for {count} task masks"),
            );
        }
        self.authorizer
            .masks_from_records(records, &mut self.masks)?;
        let found = self.masks.len();
        if found != count {
            return err(
                ErrorCode::TaskInvalid,
                format!("the task records hold {found} tasks, not the {count} given"),
            );
        }
        Ok(())
    }

    /// `filterSearchText` before the text buffer is released.
    #[cfg(feature = "edge")]
    fn filter_text(&self, op: &str, len: usize) -> Result<String, JsValue> {
        let op = operation(op)?;
        let Some(bytes) = self.text.get(..len) else {
            return Err(into_error(AuthzError::new(
                ErrorCode::ArgumentInvalid,
                format!(
                    "the search response ends at byte {len}, beyond the {} bytes written",
                    self.text.len()
                ),
            )));
        };
        let text = std::str::from_utf8(bytes).map_err(|e| {
            into_error(AuthzError::new(
                ErrorCode::ArgumentInvalid,
                format!("the search response is not UTF-8: {e}"),
            ))
        })?;
        self.authorizer
            .filter_search_response(op, text)
            .map_err(into_error)
    }
}

// --- Signed grant sets -------------------------------------------------------------------------

use crate::jwk::KeySet;
#[cfg(feature = "sign")]
use crate::jwk::{Jwk, Jwks, SigningJwk};
#[cfg(feature = "sign")]
use crate::jws::SignOptions;
use crate::jws::{self, VerifiedGrants, VerifyOptions};
use crate::model::Audience;

/// `audience` as JSON text: a string or an array of strings.
fn audience(text: &str) -> Result<Audience, JsValue> {
    const CODE: ErrorCode = ErrorCode::ArgumentInvalid;
    Audience::from_json(parse(text, CODE, "`audience`")?, CODE, "`audience`").map_err(into_error)
}

/// Seconds from a JavaScript number (already checked to be finite by the wrapper).
fn seconds(value: f64) -> i64 {
    value.floor() as i64
}

/// What `Engine::mask_one` answers for a malformed record: above every actions mask.
pub const MASK_INVALID: u32 = 0x100;

/// A public key set, read once and reused across verifications.
#[wasm_bindgen]
pub struct Keys {
    inner: KeySet,
}

#[wasm_bindgen]
impl Keys {
    /// Reads a JWKS from JSON text (a single public JWK also works).
    #[wasm_bindgen(constructor)]
    pub fn new(jwks_json: &str) -> Result<Keys, JsValue> {
        Ok(Keys {
            inner: KeySet::parse_str(jwks_json).map_err(into_error)?,
        })
    }

    /// How many Ed25519 signature keys the set holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }
}

/// A verified grant set: the only thing an `Engine` is built from outside tests.
#[wasm_bindgen]
pub struct Grants {
    inner: VerifiedGrants,
}

#[wasm_bindgen]
impl Grants {
    pub fn payload(&self) -> Result<String, JsValue> {
        to_text(self.inner.payload())
    }

    pub fn header(&self) -> Result<String, JsValue> {
        to_text(self.inner.header())
    }
}

/// Verifies a token. `audience_json` is absent or the JSON text of an array of strings;
/// `max_lifetime` absent accepts any lifetime (the wrapper passes its default of a day unless
/// the caller opted out with `null`).
#[wasm_bindgen]
#[allow(
    clippy::too_many_arguments,
    reason = "one flat call across the boundary, as the wrapper passes the options"
)]
pub fn verify(
    token: &str,
    keys: &Keys,
    now: f64,
    clock_tolerance: f64,
    issuer: Option<String>,
    audience_json: Option<String>,
    max_token_bytes: Option<u32>,
    max_lifetime: Option<f64>,
    physical_tenant: Option<String>,
) -> Result<Grants, JsValue> {
    let audience = match audience_json {
        Some(text) => match audience(&text)? {
            Audience::One(one) => Some(vec![one]),
            Audience::Many(many) => Some(many),
        },
        None => None,
    };
    let options = VerifyOptions {
        now: seconds(now),
        clock_tolerance: seconds(clock_tolerance),
        issuer,
        audience,
        max_token_bytes: max_token_bytes.map(|n| n as usize),
        max_lifetime: max_lifetime.map(seconds),
        physical_tenant,
    };
    let inner = jws::verify(token, &keys.inner, &options).map_err(into_error)?;
    Ok(Grants { inner })
}

/// Signs a grant-set payload (JSON text) with a private JWK (JSON text). `audience_json` is
/// absent or the JSON text of a string or an array of strings.
#[cfg(feature = "sign")]
#[wasm_bindgen]
pub fn sign(
    payload_json: &str,
    private_jwk_json: &str,
    now: f64,
    ttl: Option<f64>,
    issuer: Option<String>,
    audience_json: Option<String>,
) -> Result<String, JsValue> {
    let key = SigningJwk::parse_str(private_jwk_json).map_err(into_error)?;
    let options = sign_options(now, ttl, issuer, audience_json)?;
    jws::sign(payload_json, &key, &options).map_err(into_error)
}

/// `sign`'s and `signingInput`'s options from their arguments.
#[cfg(feature = "sign")]
fn sign_options(
    now: f64,
    ttl: Option<f64>,
    issuer: Option<String>,
    audience_json: Option<String>,
) -> Result<SignOptions, JsValue> {
    Ok(SignOptions {
        now: seconds(now),
        ttl: ttl.map(seconds),
        issuer,
        audience: audience_json.as_deref().map(audience).transpose()?,
    })
}

/// What `sign` would sign (`<header>.<payload>`), with all its checks, for a signer of the
/// platform's (the issuer's node:crypto in Node.js). `kid` is the private JWK's key id.
#[cfg(feature = "sign")]
#[wasm_bindgen(js_name = signingInput)]
pub fn signing_input(
    payload_json: &str,
    kid: &str,
    now: f64,
    ttl: Option<f64>,
    issuer: Option<String>,
    audience_json: Option<String>,
) -> Result<String, JsValue> {
    let options = sign_options(now, ttl, issuer, audience_json)?;
    jws::signing_input(payload_json, kid, &options).map_err(into_error)
}

/// A new Ed25519 signing key: `{ kid, privateJwk, publicJwk, jwks }`.
#[cfg(feature = "sign")]
#[wasm_bindgen(js_name = generateSigningKey)]
pub fn generate_signing_key(kid: &str) -> Result<JsValue, JsValue> {
    let key = SigningJwk::generate(kid).map_err(into_error)?;
    let public = key.public_jwk();
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct GeneratedKey<'k> {
        kid: &'k str,
        private_jwk: Jwk,
        public_jwk: &'k Jwk,
        jwks: Jwks,
    }
    to_js(&GeneratedKey {
        kid: &key.kid,
        private_jwk: key.private_jwk(),
        public_jwk: &public,
        jwks: Jwks {
            keys: vec![public.clone()],
        },
    })
}

/// The browser build signs nothing: `signGrants` throws `ERR_UNSUPPORTED`.
#[cfg(not(feature = "sign"))]
#[wasm_bindgen]
pub fn sign() -> Result<String, JsValue> {
    Err(unsupported("signGrants"))
}

/// Nor does it prepare a signature.
#[cfg(not(feature = "sign"))]
#[wasm_bindgen(js_name = signingInput)]
pub fn signing_input() -> Result<String, JsValue> {
    Err(unsupported("signingInput"))
}

/// The browser build makes no keys: `generateSigningKey` throws `ERR_UNSUPPORTED`.
#[cfg(not(feature = "sign"))]
#[wasm_bindgen(js_name = generateSigningKey)]
pub fn generate_signing_key() -> Result<JsValue, JsValue> {
    Err(unsupported("generateSigningKey"))
}

/// Decodes a token without verifying it: the JSON text of `{ header, payload, verified }`
/// (the wrapper parses it, so numbers and duplicate members read as `JSON.parse` reads them).
#[wasm_bindgen(js_name = inspectGrants)]
pub fn inspect_grants(token: &str) -> Result<String, JsValue> {
    let (header, payload) = jws::inspect(token).map_err(into_error)?;
    Ok(Value::Object(vec![
        ("header".into(), header),
        ("payload".into(), payload),
        ("verified".into(), Value::Bool(false)),
    ])
    .to_json())
}

#[wasm_bindgen]
impl Engine {
    /// Compiles a verified grant set.
    #[wasm_bindgen(js_name = fromGrants)]
    pub fn from_grants(grants: &Grants) -> Engine {
        Engine::new(Authorizer::new(grants.inner.clone()))
    }
}

/// A smaller allocator than std's dlmalloc, for the browser build (the `small-allocator` feature;
/// see docs/size.md): a page holds few verified grant sets at a time, so its free list stays short.
#[cfg(feature = "small-allocator")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
