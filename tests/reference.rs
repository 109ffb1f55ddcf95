#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "in a test a panic is a failure report"
)]

//! The indexed evaluator against a deliberately naive reading of the rules (docs/rules.md):
//! every decision scans every authorization with plain string comparisons, then reads the
//! task's state and assignee. The two must agree on every operation of every generated case,
//! on the answer and on the reason code of the step that refuses; so must the task records the
//! JavaScript glue sends and the edge path over a search response of the same tasks.

use camunda_authz::model::{Authorization, GrantSetPayload, Principal};
use camunda_authz::{Authorizer, Button, Operation, Task};

mod common;
use common::Rng;

/// The minor release `camundaVersion` names (absent: the newest this crate knows, 8.10).
fn minor(payload: &GrantSetPayload) -> u32 {
    payload
        .camunda_version
        .as_deref()
        .map_or(10, |v| v.strip_prefix("8.").unwrap().parse().unwrap())
}

/// Whether release `8.<minor>` has this resource or permission type.
fn exists(minor: u32, name: &str) -> bool {
    let since = match name {
        "USER_TASK" | "CLAIM_USER_TASK" | "COMPLETE_USER_TASK" => 9,
        "SECRET" | "REVEAL" | "SUSPEND_PROCESS_INSTANCE" => 10,
        _ => 8,
    };
    minor >= since
}

/// The naive reference read literally: the reason code of the decision, in step order
/// (existence and the process instance for writes, tenant, authorization, state, assignee).
fn naive(payload: &GrantSetPayload, op: Operation, task: &Task<'_>) -> &'static str {
    let principal = &payload.principal;
    let read = matches!(op, Operation::Get | Operation::Search | Operation::GetForm);
    // A command on a task the engine removed (completed, canceled) is 404 before anything else;
    // one on a task of a halted process instance is 409 before the tenant and the grants.
    if !read && matches!(task.state, Some("COMPLETED" | "CANCELED")) {
        return "task-not-active";
    }
    if !read && !matches!(task.process_instance_state, None | Some("ACTIVE")) {
        return "task-not-active";
    }
    if payload.multi_tenancy_enabled {
        match task.tenant_id {
            Some(t) if !t.is_empty() && principal.tenants.iter().any(|x| x == t) => {}
            _ => return "tenant-not-assigned",
        }
    }
    let granted = if payload.authorizations_enabled {
        if !authorized(payload, op, task) {
            return "no-grant";
        }
        "granted"
    } else {
        "authorizations-disabled"
    };
    if !read && !matches!(task.state, None | Some("CREATED")) {
        return "task-not-active";
    }
    if op == Operation::Claim {
        if let Some(assignee) = task.assignee.filter(|a| !a.is_empty()) {
            if assignee != principal.id {
                return "assigned-to-other";
            }
        }
    }
    granted
}

/// Tasklist's button read literally: its screen rule on the task's assignee, and its request
/// allowed by [`naive`].
fn naive_button(payload: &GrantSetPayload, button: Button, task: &Task<'_>) -> bool {
    let assignee = task.assignee.filter(|a| !a.is_empty());
    let mine = payload.principal.kind == "USER" && assignee == Some(payload.principal.id.as_str());
    let (screen, op) = match button {
        Button::AssignToMe => (assignee.is_none(), Operation::Claim),
        Button::Unassign => (assignee.is_some(), Operation::Unassign),
        Button::Complete => (mine, Operation::Complete),
    };
    screen
        && matches!(
            naive(payload, op, task),
            "granted" | "authorizations-disabled"
        )
}

/// The authorization step: does any alternative of `op` hold.
fn authorized(payload: &GrantSetPayload, op: Operation, task: &Task<'_>) -> bool {
    let principal = &payload.principal;
    let is_user = principal.kind == "USER";
    let minor = minor(payload);
    let owns = |a: &Authorization| match a.owner_type.as_str() {
        "USER" => is_user && a.owner_id == principal.id,
        "CLIENT" => !is_user && a.owner_id == principal.id,
        "GROUP" => principal.groups.contains(&a.owner_id),
        "ROLE" => principal.roles.contains(&a.owner_id),
        "MAPPING_RULE" => principal.mapping_rules.contains(&a.owner_id),
        _ => false,
    };
    let has = |a: &Authorization, perm: &str| {
        exists(minor, perm)
            && exists(minor, &a.resource_type)
            && a.permission_types.iter().any(|p| p == perm)
    };
    fn nonempty(s: Option<&str>) -> Option<&str> {
        s.filter(|s| !s.is_empty())
    }
    fn rid(a: &Authorization) -> Option<&str> {
        nonempty(a.resource_id.as_deref())
    }
    fn prop(a: &Authorization) -> Option<&str> {
        nonempty(a.resource_property_name.as_deref())
    }
    let pd = |perm: &str| {
        payload.authorizations.iter().any(|a| {
            owns(a)
                && a.resource_type == "PROCESS_DEFINITION"
                && has(a, perm)
                && prop(a).is_none()
                && (rid(a) == Some("*")
                    || (rid(a).is_some() && rid(a) == nonempty(task.process_definition_id)))
        })
    };
    let assigned_to_me = is_user && nonempty(task.assignee) == Some(principal.id.as_str());
    let ut = |perm: &str, properties: &[&str]| {
        payload.authorizations.iter().any(|a| {
            if !(owns(a) && a.resource_type == "USER_TASK" && has(a, perm)) {
                return false;
            }
            match (rid(a), prop(a)) {
                (Some("*"), None) => true,
                (Some(id), None) => nonempty(task.user_task_key) == Some(id),
                (None, Some(p)) if properties.contains(&p) => match p {
                    "assignee" => assigned_to_me,
                    "candidateUsers" => {
                        is_user
                            && task
                                .candidate_users
                                .iter()
                                .any(|u| !u.is_empty() && *u == principal.id)
                    }
                    "candidateGroups" => task
                        .candidate_groups
                        .iter()
                        .any(|g| !g.is_empty() && principal.groups.iter().any(|x| x == g)),
                    _ => false,
                },
                _ => false,
            }
        })
    };
    let all = ["assignee", "candidateUsers", "candidateGroups"];
    match op {
        Operation::Get | Operation::Search | Operation::GetForm => {
            pd("READ_USER_TASK") || ut("READ", &all)
        }
        Operation::Claim => {
            pd("UPDATE_USER_TASK")
                || pd("CLAIM_USER_TASK")
                || ut("UPDATE", &all)
                || ut("CLAIM", &all)
        }
        Operation::Assign | Operation::Update => pd("UPDATE_USER_TASK") || ut("UPDATE", &all),
        Operation::Unassign => {
            pd("UPDATE_USER_TASK")
                || ut("UPDATE", &all)
                || (assigned_to_me && (pd("CLAIM_USER_TASK") || ut("CLAIM", &["assignee"])))
        }
        Operation::Complete => {
            pd("UPDATE_USER_TASK")
                || pd("COMPLETE_USER_TASK")
                || ut("UPDATE", &all)
                || ut("COMPLETE", &all)
        }
    }
}

const USERS: &[&str] = &["demo", "Demo", "anna", "svc", ""];
const GROUPS: &[&str] = &["sales", "ops", "Sales", "task-worker", "demo", ""];
const ROLES: &[&str] = &["task-worker", "approver", "admin"];
const PROCESSES: &[&str] = &["invoice", "Invoice", "order", "inv*", "*", ""];
const KEYS: &[&str] = &["2251799813685249", "2251799813685250", "7", "*", ""];
const TENANTS: &[&str] = &["<default>", "acme", "globex", ""];
const OWNER_TYPES: &[&str] = &["USER", "CLIENT", "GROUP", "ROLE", "MAPPING_RULE", "ALIEN"];
const RESOURCE_TYPES: &[&str] = &[
    "PROCESS_DEFINITION",
    "USER_TASK",
    "USER_TASK",
    "PROCESS_DEFINITION",
    "COMPONENT",
    "SECRET",
    "FUTURE_THING",
];
const PERMISSIONS: &[&str] = &[
    "READ_USER_TASK",
    "UPDATE_USER_TASK",
    "CLAIM_USER_TASK",
    "COMPLETE_USER_TASK",
    "READ",
    "UPDATE",
    "CLAIM",
    "COMPLETE",
    "ACCESS",
    "CREATE_PROCESS_INSTANCE",
    "SUSPEND_PROCESS_INSTANCE",
    "REVEAL",
    "TELEPORT",
];
const VERSIONS: &[&str] = &["8.8", "8.9", "8.10", "8.11", "8.7"];
const PROPERTIES: &[&str] = &["assignee", "candidateUsers", "candidateGroups", "priority"];

fn payload(rng: &mut Rng) -> GrantSetPayload {
    let is_user = rng.chance(80);
    let id = if is_user { "demo" } else { "svc" };
    let principal = Principal {
        kind: if is_user { "USER" } else { "CLIENT" }.to_owned(),
        id: id.to_owned(),
        groups: rng
            .some(&GROUPS[..3], 2)
            .into_iter()
            .map(str::to_owned)
            .collect(),
        roles: rng.some(ROLES, 2).into_iter().map(str::to_owned).collect(),
        tenants: rng
            .some(&TENANTS[..3], 2)
            .into_iter()
            .map(str::to_owned)
            .collect(),
        mapping_rules: rng
            .some(&["mr1", "mr2"], 1)
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    let count = rng.below(9);
    let authorizations = (0..count)
        .map(|i| {
            let owner_type = rng.pick(OWNER_TYPES);
            // Mostly owners that count for this principal, some that do not.
            let owner_id = match owner_type {
                "USER" | "CLIENT" if rng.chance(70) => id.to_owned(),
                "GROUP" if rng.chance(70) && !principal.groups.is_empty() => {
                    principal.groups[rng.below(principal.groups.len())].clone()
                }
                "ROLE" if rng.chance(70) && !principal.roles.is_empty() => {
                    principal.roles[rng.below(principal.roles.len())].clone()
                }
                "USER" | "CLIENT" => rng.pick(&["demo", "svc", "anna"]).to_owned(),
                "GROUP" => rng.pick(GROUPS).to_owned(),
                "ROLE" => rng.pick(ROLES).to_owned(),
                _ => rng.pick(&["mr1", "mr2", "x"]).to_owned(),
            };
            let resource_type = rng.pick(RESOURCE_TYPES);
            let (resource_id, property) = match rng.below(4) {
                0 => (Some("*"), None),
                1 if resource_type == "USER_TASK" => (Some(rng.pick(KEYS)), None),
                1 => (Some(rng.pick(PROCESSES)), None),
                2 => (
                    Some(rng.pick(&["invoice", "2251799813685249", "tasklist"])),
                    None,
                ),
                _ => (None, Some(rng.pick(PROPERTIES))),
            };
            let (resource_id, property) = match (resource_id, property) {
                (Some(""), None) => (Some("*"), None),
                other => other,
            };
            Authorization {
                authorization_key: Some(format!("{}", 1000 + i)),
                owner_type: owner_type.to_owned(),
                owner_id,
                resource_type: resource_type.to_owned(),
                resource_id: resource_id.map(str::to_owned),
                resource_property_name: property.map(str::to_owned),
                permission_types: (0..=rng.below(3))
                    .map(|_| rng.pick(PERMISSIONS).to_owned())
                    .collect(),
            }
        })
        .collect();
    GrantSetPayload {
        iss: None,
        aud: None,
        sub: Some(id.to_owned()),
        iat: None,
        exp: 2_000_000_000,
        nbf: None,
        jti: None,
        physical_tenant: None,
        ver: 1,
        // Mostly the newest rules, so that the table is exercised in full.
        camunda_version: match rng.below(8) {
            0 => None,
            1..=3 => Some(rng.pick(VERSIONS).to_owned()),
            _ => Some("8.9".to_owned()),
        },
        authorizations_enabled: !rng.chance(5),
        multi_tenancy_enabled: rng.chance(25),
        principal,
        authorizations,
    }
}

fn task<'a>(rng: &mut Rng) -> Task<'a> {
    let maybe = |rng: &mut Rng, items: &[&'a str]| {
        if rng.chance(85) {
            Some(rng.pick(items))
        } else {
            None
        }
    };
    Task {
        user_task_key: maybe(rng, &KEYS[..3]),
        process_definition_id: maybe(rng, PROCESSES),
        assignee: maybe(rng, USERS),
        candidate_users: rng.some(USERS, 3),
        candidate_groups: rng.some(&[GROUPS, ROLES].concat(), 3),
        tenant_id: maybe(rng, TENANTS),
        // Most tasks CREATED or without state, the rest any state.
        state: match rng.below(6) {
            0 => None,
            1..=3 => Some("CREATED"),
            _ => Some(rng.state()),
        },
        // Mostly no word of the process instance; else any of its states, or one that is none.
        process_instance_state: match rng.below(8) {
            0 => Some("ACTIVE"),
            1 => Some(rng.pick(&["SUSPENDED", "COMPLETED", "TERMINATED", "active", ""])),
            _ => None,
        },
    }
}

/// A task as the JSON of a Camunda search item (absent fields left out).
fn task_json(task: &Task<'_>) -> serde_json::Value {
    let mut item = serde_json::Map::new();
    let mut put = |name: &str, value: Option<&str>| {
        if let Some(value) = value {
            item.insert(name.to_owned(), value.into());
        }
    };
    put("userTaskKey", task.user_task_key);
    put("processDefinitionId", task.process_definition_id);
    put("assignee", task.assignee);
    put("tenantId", task.tenant_id);
    put("state", task.state);
    put("processInstanceState", task.process_instance_state);
    item.insert("candidateUsers".into(), task.candidate_users.clone().into());
    item.insert(
        "candidateGroups".into(),
        task.candidate_groups.clone().into(),
    );
    item.into()
}

#[test]
fn indexed_evaluator_agrees_with_naive_reference() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cases = 0u64;
    let mut allowed = 0u64;
    let mut refusals = [0u64; CODES.len()];
    let mut mismatches = Vec::new();
    while cases < 120_000 {
        let payload = payload(&mut rng);
        let authorizer = match Authorizer::from_unverified_payload(payload.clone()) {
            Ok(a) => a,
            Err(e) => panic!("generated payload rejected: {e}"),
        };
        let tasks: Vec<Task> = (0..8).map(|_| task(&mut rng)).collect();
        let mut records = Vec::new();
        let mut masks = Vec::new();
        for task in &tasks {
            authorizer.push_record(task, &mut records);
            masks.push(authorizer.actions_mask(task));
        }
        let mut from_records = Vec::new();
        authorizer
            .masks_from_records(&records, &mut from_records)
            .unwrap();
        assert_eq!(from_records, masks, "records: {tasks:?}");
        let mut buttons_from_records = Vec::new();
        authorizer
            .buttons_from_records(&records, &mut buttons_from_records)
            .unwrap();
        for (task, from_record) in tasks.iter().zip(&buttons_from_records) {
            let mask = authorizer.buttons_mask(task);
            assert_eq!(*from_record, mask, "buttons from records: {task:?}");
            for button in Button::ALL {
                let naive = naive_button(&payload, button, task);
                let explained = authorizer.explain_button(button, task);
                if naive != (mask & button.bit() != 0) || explained.allowed != naive {
                    mismatches.push(format!("button {button:?} naive={naive} mask={mask} explain={}\n  task={task:?}\n  grants={payload:#?}", explained.code.as_str()));
                }
            }
        }
        let items: Vec<serde_json::Value> = tasks.iter().map(task_json).collect();
        let response =
            serde_json::json!({ "items": items, "page": { "totalItems": 8 } }).to_string();
        for op in Operation::ALL {
            let edge: serde_json::Value =
                serde_json::from_str(&authorizer.filter_search_response(op, &response).unwrap())
                    .unwrap();
            let mut kept = edge["items"].as_array().unwrap().iter();
            let mut next_kept = kept.next();
            for (task, mask) in tasks.iter().zip(&masks) {
                cases += 1;
                let code = naive(&payload, op, task);
                let expected = matches!(code, "granted" | "authorizations-disabled");
                let got = mask & op.bit() != 0;
                let explained = authorizer.explain(op, task);
                let on_edge = next_kept == Some(&task_json(task));
                if on_edge {
                    next_kept = kept.next();
                }
                allowed += u64::from(got);
                refusals[refusal_index(code)] += 1;
                if expected != got
                    || explained.allowed != got
                    || explained.code.as_str() != code
                    || on_edge != got
                {
                    mismatches.push(format!("{op:?} naive={code} indexed={got} explain={} edge={on_edge}\n  task={task:?}\n  grants={payload:#?}", explained.code.as_str()));
                }
            }
            assert_eq!(next_kept, None, "the edge path kept more than filter");
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first:\n{}",
        mismatches.len(),
        mismatches.first().map_or("", String::as_str)
    );
    // The generator must exercise both answers, or the comparison proves little.
    assert!(
        allowed > cases / 20 && allowed < cases - cases / 20,
        "allowed {allowed} of {cases}: generator is lopsided"
    );
    // Every step must refuse, and every kind of allow happen, in a good share of the cases.
    for (code, count) in CODES.iter().zip(refusals) {
        assert!(count > cases / 1000, "{code}: only {count} of {cases}");
    }
    println!("{cases} cases, {allowed} allowed, by code {refusals:?}");
}

const CODES: [&str; 6] = [
    "granted",
    "authorizations-disabled",
    "tenant-not-assigned",
    "no-grant",
    "task-not-active",
    "assigned-to-other",
];

fn refusal_index(code: &str) -> usize {
    CODES.iter().position(|c| *c == code).unwrap()
}
