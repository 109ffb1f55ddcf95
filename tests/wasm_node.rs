//! wasm-bindgen-test in Node.js (the runner's default).
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "in a test a panic is a failure report"
)]

mod wasm_common;
