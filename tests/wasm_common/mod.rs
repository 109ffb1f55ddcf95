//! The binding layer, exercised in a real JavaScript engine (Node.js and headless Chromium):
//! JSON text in, JSON text (which the wrapper parses) and thrown errors with codes out, keys from
//! `crypto.getRandomValues`.

use camunda_authz::wasm::{
    check_task, generate_signing_key, sign, task_states, verify, Engine, Keys, MASK_INVALID,
};
use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const NOW: f64 = 1_763_800_100.0;

/// The JSON text of a JS value (the wrapper hands the core JSON text, never objects).
fn text(value: &JsValue) -> String {
    JSON::stringify(value).unwrap().as_string().unwrap()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

/// A result the core returns as JSON text, as the wrapper sees it after `JSON.parse`.
fn parsed(json: String) -> JsValue {
    JSON::parse(&json).unwrap()
}

fn code(error: JsValue) -> String {
    get(&error, "code").as_string().unwrap_or_default()
}

const PAYLOAD: &str = r#"{
  "sub": "demo", "exp": 1763800900, "ver": 1, "authorizationsEnabled": true,
  "principal": { "type": "USER", "id": "demo", "groups": ["sales"], "roles": ["task-worker"] },
  "authorizations": [
    { "ownerType": "ROLE", "ownerId": "task-worker", "resourceType": "USER_TASK",
      "resourcePropertyName": "candidateGroups", "permissionTypes": ["READ", "CLAIM", "COMPLETE"] },
    { "ownerType": "USER", "ownerId": "demo", "resourceType": "COMPONENT", "resourceId": "tasklist",
      "permissionTypes": ["ACCESS"], "authorizationKey": "42" }
  ]
}"#;

const TASK: &str = r#"{ "userTaskKey": "2251799813685249", "processDefinitionId": "invoice",
  "candidateGroups": ["sales"], "name": "Approve invoice" }"#;

#[wasm_bindgen_test]
fn explains_a_decision_as_json_text() {
    let engine = Engine::from_unverified_payload(PAYLOAD).unwrap();
    let explained = parsed(engine.explain("claim", TASK).unwrap());
    assert_eq!(get(&explained, "allowed"), JsValue::TRUE);
    assert_eq!(
        get(&explained, "matchedBy").as_string().as_deref(),
        Some("candidateGroups")
    );
    assert_eq!(
        get(&get(&explained, "grant"), "ownerId")
            .as_string()
            .as_deref(),
        Some("task-worker")
    );
    let denied = parsed(engine.explain("update", TASK).unwrap());
    assert_eq!(get(&denied, "allowed"), JsValue::FALSE);
    assert_eq!(
        get(&denied, "code").as_string().as_deref(),
        Some("no-grant")
    );
    assert!(engine.is_authorized("COMPONENT", "ACCESS", "tasklist"));
    assert!(!engine.is_authorized("COMPONENT", "ACCESS", "operate"));
}

#[wasm_bindgen_test]
fn bad_input_throws_errors_with_codes() {
    let engine = Engine::from_unverified_payload(PAYLOAD).unwrap();
    assert_eq!(
        code(engine.explain("teleport", TASK).unwrap_err()),
        "ERR_OPERATION_UNKNOWN"
    );
    assert_eq!(code(check_task("7").unwrap_err()), "ERR_TASK_INVALID");
    assert_eq!(code(check_task("[]").unwrap_err()), "ERR_TASK_INVALID");
    assert_eq!(
        code(check_task("{not json").unwrap_err()),
        "ERR_TASK_INVALID"
    );
    assert_eq!(
        code(check_task(r#"{"userTaskKey": 7}"#).unwrap_err()),
        "ERR_TASK_INVALID"
    );
    assert_eq!(
        code(check_task(r#"{"candidateGroups": "sales"}"#).unwrap_err()),
        "ERR_TASK_INVALID"
    );
    assert!(check_task(TASK).is_ok());
    let error = Engine::from_unverified_payload(r#"{"ver": 1}"#)
        .err()
        .unwrap();
    assert_eq!(code(error.clone()), "ERR_GRANTS_MALFORMED");
    assert!(wasm_bindgen::JsCast::is_instance_of::<js_sys::Error>(
        &error
    ));
}

#[wasm_bindgen_test]
fn task_records_cross_in_bulk() {
    let mut engine = Engine::from_unverified_payload(PAYLOAD).unwrap();
    let vocabulary = engine.vocabulary();
    let sales = vocabulary.iter().position(|s| s == "sales").unwrap() as u32 + 1;
    assert!(engine.scratch(35) != 0);
    // Write four records through the same path the JS wrapper uses (8 header words: key,
    // process, assignee, tenant, state, the process instance's state, users, groups): `sales` as
    // a candidate group; nothing; `sales` and state COMPLETED; `sales` and an assignee outside
    // the vocabulary. Everything that may allocate comes before the view: growing memory
    // detaches its buffer.
    let completed = task_states().iter().position(|s| s == "COMPLETED").unwrap() as u32 + 1;
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().into();
    let view = js_sys::Uint32Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        engine.scratch(35) as u32,
        35,
    );
    let other = u32::MAX;
    view.copy_from(&[
        0, 0, 0, 0, 0, 0, 0, 1, sales, //
        0, 0, 0, 0, 0, 0, 0, 0, //
        0, 0, 0, 0, completed, 0, 0, 1, sales, //
        0, 0, other, 0, 0, 0, 0, 1, sales,
    ]);
    let ptr = engine.mask_many(35, 4).unwrap();
    let masks =
        js_sys::Uint8Array::new_with_byte_offset_and_length(&memory.buffer(), ptr as u32, 4)
            .to_vec();
    assert_eq!(masks, vec![0b0100_1111, 0, 0b0000_0111, 0b0100_0111]);
    // One record: its Tasklist buttons (bit 0 Assign to me, 1 Unassign, 2 Complete).
    assert_eq!(
        engine.buttons_one(9),
        0b001,
        "unassigned, claimable: Assign to me"
    );
    assert_eq!(engine.buttons_one(8), MASK_INVALID, "a record cut short");
    assert_eq!(
        code(engine.mask_many(3, 1).unwrap_err()),
        "ERR_TASK_INVALID",
        "a truncated record fails closed"
    );
    assert_eq!(
        code(engine.mask_many(17, 3).unwrap_err()),
        "ERR_TASK_INVALID",
        "fewer records than tasks fails closed (no stale mask is read)"
    );
    assert_eq!(
        code(engine.mask_many(1 << 20, 1).unwrap_err()),
        "ERR_TASK_INVALID",
        "records beyond the buffer fail closed"
    );
}

#[wasm_bindgen_test]
fn signs_with_a_fresh_key_and_verifies() {
    let key = generate_signing_key("k1").unwrap();
    let private = get(&key, "privateJwk");
    assert_eq!(get(&private, "crv").as_string().as_deref(), Some("Ed25519"));
    let other = generate_signing_key("k1").unwrap();
    assert_ne!(
        get(&get(&other, "publicJwk"), "x").as_string(),
        get(&get(&key, "publicJwk"), "x").as_string(),
        "keys come from a random source"
    );
    let token = sign(
        PAYLOAD,
        &text(&private),
        NOW,
        None,
        Some("https://issuer".into()),
        Some(r#""tasklist""#.into()),
    )
    .unwrap();
    let keys = Keys::new(&text(&get(&key, "jwks"))).unwrap();
    let grants = verify(
        &token,
        &keys,
        NOW,
        0.0,
        Some("https://issuer".into()),
        Some(r#"["tasklist"]"#.into()),
        None,
    )
    .unwrap();
    let engine = Engine::from_grants(&grants);
    assert!(engine.is_authorized("COMPONENT", "ACCESS", "tasklist"));
    let wrong = Keys::new(&text(&get(&other, "jwks"))).unwrap();
    assert_eq!(
        code(
            verify(&token, &wrong, NOW, 0.0, None, None, None)
                .err()
                .unwrap()
        ),
        "ERR_GRANTS_SIGNATURE"
    );
    assert_eq!(
        code(
            verify(&token, &keys, 1_763_900_000.0, 0.0, None, None, None)
                .err()
                .unwrap()
        ),
        "ERR_GRANTS_EXPIRED"
    );
    assert_eq!(
        code(
            verify(&token, &keys, NOW, 0.0, None, None, Some(10))
                .err()
                .unwrap()
        ),
        "ERR_GRANTS_TOO_LARGE"
    );
    assert_eq!(code(Keys::new("{}").err().unwrap()), "ERR_JWKS_INVALID");
    assert_eq!(code(Keys::new("[1]").err().unwrap()), "ERR_JWKS_INVALID");
}
