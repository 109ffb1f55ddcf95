//! Errors with stable, documented codes. A deny is an answer, never an error.

use std::borrow::Cow;
use std::fmt;

/// The stable error codes users match on. `as_str` is the contract; the variant names are not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    GrantsMalformed,
    GrantsTooLarge,
    GrantsAlg,
    GrantsTyp,
    GrantsKeyNotFound,
    GrantsSignature,
    GrantsExpired,
    GrantsNotYetValid,
    GrantsIssuer,
    GrantsAudience,
    /// The grant set names another physical tenant than the verifier requires (or none).
    GrantsPhysicalTenant,
    JwksInvalid,
    KeyInvalid,
    TaskInvalid,
    OperationUnknown,
    ArgumentInvalid,
    /// A function this build leaves out (the browser build has no signing or edge scanner).
    Unsupported,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::GrantsMalformed => "ERR_GRANTS_MALFORMED",
            Self::GrantsTooLarge => "ERR_GRANTS_TOO_LARGE",
            Self::GrantsAlg => "ERR_GRANTS_ALG",
            Self::GrantsTyp => "ERR_GRANTS_TYP",
            Self::GrantsKeyNotFound => "ERR_GRANTS_KEY_NOT_FOUND",
            Self::GrantsSignature => "ERR_GRANTS_SIGNATURE",
            Self::GrantsExpired => "ERR_GRANTS_EXPIRED",
            Self::GrantsNotYetValid => "ERR_GRANTS_NOT_YET_VALID",
            Self::GrantsIssuer => "ERR_GRANTS_ISSUER",
            Self::GrantsAudience => "ERR_GRANTS_AUDIENCE",
            Self::GrantsPhysicalTenant => "ERR_GRANTS_PHYSICAL_TENANT",
            Self::JwksInvalid => "ERR_JWKS_INVALID",
            Self::KeyInvalid => "ERR_KEY_INVALID",
            Self::TaskInvalid => "ERR_TASK_INVALID",
            Self::OperationUnknown => "ERR_OPERATION_UNKNOWN",
            Self::ArgumentInvalid => "ERR_ARGUMENT_INVALID",
            Self::Unsupported => "ERR_UNSUPPORTED",
        }
    }

    /// The codes of a token that verification refuses (`jws::verify`, given valid options).
    pub const GRANTS: [ErrorCode; 11] = [
        Self::GrantsMalformed,
        Self::GrantsTooLarge,
        Self::GrantsAlg,
        Self::GrantsTyp,
        Self::GrantsKeyNotFound,
        Self::GrantsSignature,
        Self::GrantsExpired,
        Self::GrantsNotYetValid,
        Self::GrantsIssuer,
        Self::GrantsAudience,
        Self::GrantsPhysicalTenant,
    ];

    /// Every code, for documentation and tests.
    pub const ALL: [ErrorCode; 17] = [
        Self::GrantsMalformed,
        Self::GrantsTooLarge,
        Self::GrantsAlg,
        Self::GrantsTyp,
        Self::GrantsKeyNotFound,
        Self::GrantsSignature,
        Self::GrantsExpired,
        Self::GrantsNotYetValid,
        Self::GrantsIssuer,
        Self::GrantsAudience,
        Self::GrantsPhysicalTenant,
        Self::JwksInvalid,
        Self::KeyInvalid,
        Self::TaskInvalid,
        Self::OperationUnknown,
        Self::ArgumentInvalid,
        Self::Unsupported,
    ];
}

/// An error: a stable code and a message for people (lowercase, no final period, user input in
/// backticks). The message never holds a raw control character: [`AuthzError::new`] escapes
/// them, so input quoted in it cannot move a terminal's cursor or forge a log line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthzError {
    pub code: ErrorCode,
    pub message: String,
}

impl AuthzError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if message.chars().any(is_unsafe) {
            message = escape_controls(&message).into_owned();
        }
        Self { code, message }
    }
}

/// Whether `c` must not reach a terminal or a log as is: the C0 and C1 controls, DEL, and the
/// bidirectional formatting characters (which reorder what a terminal shows).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with each control character written visibly: `\n`, `\r`, `\t`, else `\u{1b}`
/// (Rust's escape syntax). Text without any is returned as it is.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

impl fmt::Display for AuthzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for AuthzError {}

pub type Result<T> = std::result::Result<T, AuthzError>;

/// Shorthand used throughout the crate.
pub(crate) fn err<T>(code: ErrorCode, message: impl Into<String>) -> Result<T> {
    Err(AuthzError::new(code, message))
}
