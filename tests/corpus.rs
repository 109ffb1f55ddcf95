#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "in a test a panic is a failure report"
)]

//! The shared JSON corpus (`tests/corpus/*.json`), read by the native core here and by the
//! JavaScript package tests: grant sets, tasks, and the expected decision for all eight
//! operations, explanations and `isAuthorized` answers.

use camunda_authz::jwk::{KeySet, SigningJwk};
use camunda_authz::{
    base64url, jws, Authorizer, Button, GrantSetPayload, Operation, Task, VerifyOptions,
};
use ed25519_dalek::Signer;
use serde_json::{json, Value};

mod common;
use common::corpus;

/// A serde_json value as the crate's own JSON value.
fn ours(value: &Value) -> camunda_authz::json::Value<'static> {
    camunda_authz::json::parse(value.to_string().as_bytes())
        .unwrap()
        .into_owned()
}

#[test]
fn every_corpus_case_decides_as_expected() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for (file, doc) in corpus() {
        for suite in doc["suites"].as_array().unwrap() {
            let name = format!("{file} / {}", suite["name"].as_str().unwrap());
            let payload = GrantSetPayload::parse(suite["grants"].to_string().as_bytes())
                .unwrap_or_else(|e| panic!("{name}: grants: {e}"));
            let authorizer = Authorizer::from_unverified_payload(payload)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            for case in suite["cases"].as_array().into_iter().flatten() {
                let case_name = format!("{name} / {}", case["name"].as_str().unwrap());
                let task_json = ours(&case["task"]);
                let parsed = Task::from_json(&task_json);
                if let Some(code) = case.get("expectError") {
                    match parsed {
                        Err(e) if e.code.as_str() == code => {}
                        other => {
                            failures.push(format!("{case_name}: expected {code}, got {other:?}"))
                        }
                    }
                    checked += 1;
                    continue;
                }
                let task = match parsed {
                    Ok(task) => task,
                    Err(e) => {
                        failures.push(format!("{case_name}: unexpected {e}"));
                        continue;
                    }
                };
                let mask = authorizer.actions_mask(&task);
                for op in Operation::ALL {
                    let expected = case["expect"][op.as_str()]
                        .as_bool()
                        .unwrap_or_else(|| panic!("{case_name}: expect.{} missing", op.as_str()));
                    let got = mask & op.bit() != 0;
                    let explained = authorizer.explain(op, &task);
                    if got != expected || explained.allowed != expected {
                        failures.push(format!(
                            "{case_name}: {} expected {expected}, got {got} (explain: {})",
                            op.as_str(),
                            explained.reason
                        ));
                    }
                    checked += 1;
                }
                for (op, want) in case
                    .get("explain")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let op = Operation::parse(op).unwrap();
                    let got = serde_json::to_value(authorizer.explain(op, &task)).unwrap();
                    if let Err(e) = reason_names_what_refused(&got, &case["task"]) {
                        failures.push(format!("{case_name}: explain {}: {e}", op.as_str()));
                    }
                    for (field, value) in want.as_object().unwrap() {
                        let actual = got.get(field).cloned().unwrap_or(Value::Null);
                        if &actual != value {
                            failures.push(format!("{case_name}: explain {} .{field} expected {value}, got {actual} ({})", op.as_str(), got["reason"]));
                        }
                    }
                    checked += 1;
                }
            }
            // Tasklist's buttons, where a case gives them.
            for case in suite["cases"].as_array().into_iter().flatten() {
                let case_name = format!("{name} / {}", case["name"].as_str().unwrap());
                let task_json = ours(&case["task"]);
                let Ok(task) = Task::from_json(&task_json) else {
                    continue;
                };
                if let Some(want) = case.get("buttons") {
                    let mask = authorizer.buttons_mask(&task);
                    let got: serde_json::Map<String, Value> = Button::ALL
                        .into_iter()
                        .map(|b| (b.as_str().to_owned(), Value::Bool(mask & b.bit() != 0)))
                        .collect();
                    if &Value::Object(got.clone()) != want {
                        failures.push(format!("{case_name}: buttons expected {want}, got {got:?}"));
                    }
                    checked += 1;
                }
                for (button, want) in case
                    .get("explainButton")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let b = Button::parse(button).unwrap();
                    let got = serde_json::to_value(authorizer.explain_button(b, &task)).unwrap();
                    for (field, value) in want.as_object().unwrap() {
                        let actual = got.get(field).cloned().unwrap_or(Value::Null);
                        if &actual != value {
                            failures.push(format!("{case_name}: explainButton {button} .{field} expected {value}, got {actual} ({})", got["reason"]));
                        }
                    }
                    checked += 1;
                }
            }
            for check in suite
                .get("isAuthorized")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let s = |k: &str| check[k].as_str().unwrap();
                let decision = authorizer.is_authorized(
                    s("resourceType"),
                    s("permissionType"),
                    s("resourceId"),
                );
                if decision.allowed != check["expect"].as_bool().unwrap() {
                    failures.push(format!(
                        "{name}: isAuthorized {check} got {} ({})",
                        decision.allowed, decision.reason
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 1000, "only {checked} checks ran");
}

/// The record format the JavaScript glue writes decodes to the same decisions as the string path.
#[test]
fn task_records_decide_like_tasks() {
    for (_, doc) in corpus() {
        for suite in doc["suites"].as_array().unwrap() {
            let payload = GrantSetPayload::parse(suite["grants"].to_string().as_bytes()).unwrap();
            let authorizer = Authorizer::from_unverified_payload(payload).unwrap();
            let mut records = Vec::new();
            let mut expected = Vec::new();
            for case in suite["cases"].as_array().into_iter().flatten() {
                let task_json = ours(&case["task"]);
                let Ok(task) = Task::from_json(&task_json) else {
                    continue;
                };
                authorizer.push_record(&task, &mut records);
                expected.push(authorizer.actions_mask(&task));
            }
            let mut masks = Vec::new();
            authorizer.masks_from_records(&records, &mut masks).unwrap();
            assert_eq!(masks, expected);
            if !records.is_empty() {
                let mut truncated = Vec::new();
                let error =
                    authorizer.masks_from_records(&records[..records.len() - 1], &mut truncated);
                assert!(
                    error.is_err() || records[records.len() - 1] == 0,
                    "a truncated record must not decide"
                );
            }
        }
    }
}

/// A lifecycle refusal names what refused: the task's state (or its process instance's, when
/// that is not active), or its assignee, in backticks.
fn reason_names_what_refused(explained: &Value, task: &Value) -> Result<(), String> {
    let reason = explained["reason"].as_str().unwrap_or_default();
    let instance_halted = task["processInstanceState"]
        .as_str()
        .is_some_and(|s| s != "ACTIVE");
    let field = match explained["code"].as_str() {
        Some("task-not-active") if instance_halted => "processInstanceState",
        Some("task-not-active") => "state",
        Some("assigned-to-other") => "assignee",
        _ => return Ok(()),
    };
    let named = format!("`{}`", task[field].as_str().unwrap_or_default());
    if reason.contains(&named) {
        Ok(())
    } else {
        Err(format!(
            "the reason does not name {field} {named}: {reason}"
        ))
    }
}

/// A case whose task Camunda's API cannot send says why (`notFromApi`): the JavaScript suite
/// checks every other task against Camunda's published user-task schema.
#[test]
fn tasks_the_api_cannot_send_say_so() {
    for (file, doc) in corpus() {
        for suite in doc["suites"].as_array().unwrap() {
            for case in suite["cases"].as_array().into_iter().flatten() {
                let task = &case["task"];
                let state = &task["state"];
                let odd_state = task.is_object()
                    && task.get("state").is_some()
                    && !state
                        .as_str()
                        .is_some_and(|s| common::API_STATES.contains(&s));
                if odd_state {
                    assert!(
                        case["notFromApi"]
                            .as_str()
                            .is_some_and(|why| !why.is_empty()),
                        "{file} / {}: a task with state {state} needs `notFromApi`",
                        case["name"]
                    );
                }
            }
        }
    }
}

/// Grant sets the corpus marks malformed (`malformedGrants`, e.g. a bad `camundaVersion`) are
/// refused with their code by the payload reader, by `from_unverified_payload` and by `verify`
/// (a token signed over them, so that verification reaches the payload).
#[test]
fn malformed_grant_sets_are_refused_on_every_path() {
    let key = SigningJwk::from_seed("k", [7; 32]).unwrap();
    let keys = KeySet::parse_str(&json!({ "keys": [key.public_jwk()] }).to_string()).unwrap();
    let header = base64url::encode(
        json!({ "alg": "EdDSA", "typ": "camunda-grants+jwt", "kid": "k" })
            .to_string()
            .as_bytes(),
    );
    let options = VerifyOptions {
        now: 1_763_800_100,
        ..VerifyOptions::default()
    };
    let mut checked = 0;
    for (file, doc) in corpus() {
        for bad in doc["malformedGrants"].as_array().into_iter().flatten() {
            let name = format!("{file} / {}", bad["name"]);
            let code = bad["expectError"].as_str().unwrap();
            let text = bad["grants"].to_string();
            let parsed = GrantSetPayload::parse(text.as_bytes())
                .and_then(Authorizer::from_unverified_payload);
            assert_eq!(parsed.err().map(|e| e.code.as_str()), Some(code), "{name}");
            let input = format!("{header}.{}", base64url::encode(text.as_bytes()));
            let signature = key.key.sign(input.as_bytes());
            let token = format!("{input}.{}", base64url::encode(&signature.to_bytes()));
            let verified = jws::verify(&token, &keys, &options);
            assert_eq!(
                verified.err().map(|e| e.code.as_str()),
                Some(code),
                "{name}: verify"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} malformed grant sets");
}
