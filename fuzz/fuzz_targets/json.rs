//! The JSON reader (src/json.rs). Invariants: what it reads, written back with `to_json`,
//! reads back as the same value; it agrees with serde_json on what is JSON (up to the nesting
//! bound, and numbers beyond a double, which serde_json refuses and this reader keeps as text).
#![no_main]

use camunda_authz::json;
use camunda_authz_fuzz::depth;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ours = json::parse(data);
    let theirs = serde_json::from_slice::<serde_json::Value>(data);
    match (&ours, &theirs) {
        (Ok(value), _) => {
            let text = value.to_json();
            let again = json::parse(text.as_bytes())
                .unwrap_or_else(|e| panic!("to_json output {text:?} does not read back: {e}"));
            assert_eq!(&again, value, "to_json does not round-trip");
            if let Err(e) = &theirs {
                assert!(
                    e.to_string().contains("number out of range"),
                    "read {:?}, which serde_json refuses: {e}",
                    String::from_utf8_lossy(data)
                );
            }
        }
        (Err(e), Ok(value)) => assert!(
            depth(value) >= json::MAX_DEPTH,
            "refused {:?}, which serde_json reads: {e}",
            String::from_utf8_lossy(data)
        ),
        (Err(e), Err(_)) => assert!(!e.is_empty(), "an error without a message"),
    }
});
