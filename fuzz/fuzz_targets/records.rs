//! The task record decoder (`Authorizer::masks_from_records`). The first byte picks the mode:
//! - raw words: never more masks than records, masks already in `out` untouched, errors are
//!   ERR_TASK_INVALID;
//! - tasks built from the input, encoded with `push_record`: one mask per task, each equal to
//!   the decision on the task itself (`actions_mask`).
#![no_main]

use camunda_authz::authorizer::RECORD_HEADER;
use camunda_authz::{ErrorCode, Task};
use camunda_authz_fuzz::{check_error, fixture};
use libfuzzer_sys::fuzz_target;

/// Names the fixture's grant set knows, and some it does not.
const NAMES: [&str; 12] = [
    "demo", "sales", "hr", "invoice", "payroll", "<default>", "", "other", "task-worker",
    "2251799813685249", "2251799813685250", "tenant-b",
];

/// Task states and process-instance states, known and not (one in four absent).
const STATES: [&str; 6] = ["CREATED", "COMPLETED", "ASSIGNING", "CANCELED", "created", ""];
const INSTANCE_STATES: [&str; 6] = ["ACTIVE", "SUSPENDED", "TERMINATED", "COMPLETED", "active", ""];

fn state(byte: Option<u8>, states: &'static [&'static str; 6]) -> Option<&'static str> {
    byte.filter(|b| b % 4 != 3).map(|b| states[usize::from(b / 4) % states.len()])
}

fn name(byte: u8) -> Option<&'static str> {
    // One in eight fields is absent.
    (byte % 8 != 7).then(|| NAMES[usize::from(byte / 8) % NAMES.len()])
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let authz = &fixture().authorizer;
    let sentinel = 0xA5;
    let mut out = vec![sentinel];
    if mode % 2 == 0 {
        let words: Vec<u32> = rest
            .chunks(4)
            .map(|c| c.iter().rev().fold(0, |w, b| w << 8 | u32::from(*b)))
            .collect();
        let result = authz.masks_from_records(&words, &mut out);
        assert_eq!(out.first(), Some(&sentinel), "a mask already in `out` changed");
        assert!(
            out.len() - 1 <= words.len() / RECORD_HEADER,
            "{} masks from {} words",
            out.len() - 1,
            words.len()
        );
        if let Err(e) = result {
            check_error("masks_from_records", &e, &[ErrorCode::TaskInvalid]);
        }
        return;
    }
    let mut tasks = Vec::new();
    for chunk in rest.chunks(8) {
        let field = |i: usize| chunk.get(i).copied().and_then(name);
        let list = |i: usize| -> Vec<&str> {
            let n = chunk.get(i).map_or(0, |b| b % 4);
            (0..n).filter_map(|k| name(chunk.get(i).map_or(0, |b| b.rotate_left(k.into())))).collect()
        };
        // `userTaskKey` must be decimal; the names that are not are left out.
        let key = field(0).filter(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()));
        tasks.push(Task {
            user_task_key: key,
            process_definition_id: field(1),
            assignee: field(2),
            tenant_id: field(3),
            candidate_users: list(4),
            candidate_groups: list(5),
            state: state(chunk.get(6).copied(), &STATES),
            process_instance_state: state(chunk.get(7).copied(), &INSTANCE_STATES),
        });
    }
    let mut records = Vec::new();
    for task in &tasks {
        authz.push_record(task, &mut records);
    }
    authz
        .masks_from_records(&records, &mut out)
        .unwrap_or_else(|e| panic!("records of push_record refused: {e}"));
    let expected: Vec<u8> = std::iter::once(sentinel)
        .chain(tasks.iter().map(|t| authz.actions_mask(t)))
        .collect();
    assert_eq!(out, expected, "decoded masks differ from the decisions on the tasks");
});
