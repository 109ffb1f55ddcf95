//! Errors with stable codes (docs/rules.md, section 10). A deny is an answer, never an error.

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
    JwksInvalid,
    KeyInvalid,
    TaskInvalid,
    OperationUnknown,
    ArgumentInvalid,
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
            Self::JwksInvalid => "ERR_JWKS_INVALID",
            Self::KeyInvalid => "ERR_KEY_INVALID",
            Self::TaskInvalid => "ERR_TASK_INVALID",
            Self::OperationUnknown => "ERR_OPERATION_UNKNOWN",
            Self::ArgumentInvalid => "ERR_ARGUMENT_INVALID",
        }
    }

    /// Every code, for documentation and tests.
    pub const ALL: [ErrorCode; 15] = [
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
        Self::JwksInvalid,
        Self::KeyInvalid,
        Self::TaskInvalid,
        Self::OperationUnknown,
        Self::ArgumentInvalid,
    ];
}

/// An error: a stable code and a message for people (lowercase, no final period, user input in
/// backticks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthzError {
    pub code: ErrorCode,
    pub message: String,
}

impl AuthzError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
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
