//! camunda-authz: Camunda 8 user-task authorization decided client-side.
//!
//! A server signs a *grant set* (who the principal is and which Camunda authorizations apply);
//! a browser or edge runtime verifies it offline and decides locally. This crate is the core:
//! the model ([`model`]), the decision table ([`rules`]), the compiled evaluator
//! ([`Authorizer`]) and the signed grant-set format ([`jws`], [`jwk`]). It never reads a clock
//! or the network. The WebAssembly binding lives in `wasm.rs` alone; the CLI in `src/bin`.

pub mod authorizer;
pub mod base64url;
pub mod buttons;
pub mod decision;
pub mod error;
pub mod json;
pub mod jwk;
pub mod jws;
pub mod messages;
pub mod model;
pub mod rules;
#[cfg(feature = "edge")]
pub mod search;
pub mod sorted_map;
pub mod task;
pub mod tasklist;
pub mod time;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use authorizer::{Authorizer, Sym, TaskSyms};
pub use buttons::Button;
pub use decision::Decision;
pub use error::{AuthzError, ErrorCode, Result};
pub use jwk::KeySet;
#[cfg(feature = "sign")]
pub use jwk::SigningJwk;
pub use jws::{VerifiedGrants, VerifyOptions};
pub use model::{Authorization, GrantSetPayload, Principal};
pub use rules::{MatchedBy, Operation, ReasonCode};
pub use task::Task;
