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

use camunda_authz::{Authorizer, GrantSetPayload, Operation, Task};
use serde_json::Value;

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
                    for (field, value) in want.as_object().unwrap() {
                        let actual = got.get(field).cloned().unwrap_or(Value::Null);
                        if &actual != value {
                            failures.push(format!("{case_name}: explain {} .{field} expected {value}, got {actual} ({})", op.as_str(), got["reason"]));
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
