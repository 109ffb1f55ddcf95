#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "in a test a panic is a failure report"
)]

//! The indexed evaluator against a deliberately naive reading of docs/rules.md: every decision
//! scans every authorization with plain string comparisons. The two must agree on every
//! operation of every generated case.

use camunda_authz::model::{Authorization, GrantSetPayload, Principal};
use camunda_authz::{Authorizer, Operation, Task};

mod common;
use common::Rng;

/// The naive reference: docs/rules.md read literally.
fn naive(payload: &GrantSetPayload, op: Operation, task: &Task<'_>) -> bool {
    let principal = &payload.principal;
    let is_user = principal.kind == "USER";
    if payload.multi_tenancy_enabled {
        match task.tenant_id {
            Some(t) if !t.is_empty() && principal.tenants.iter().any(|x| x == t) => {}
            _ => return false,
        }
    }
    if !payload.authorizations_enabled {
        return true;
    }
    let owns = |a: &Authorization| match a.owner_type.as_str() {
        "USER" => is_user && a.owner_id == principal.id,
        "CLIENT" => !is_user && a.owner_id == principal.id,
        "GROUP" => principal.groups.contains(&a.owner_id),
        "ROLE" => principal.roles.contains(&a.owner_id),
        "MAPPING_RULE" => principal.mapping_rules.contains(&a.owner_id),
        _ => false,
    };
    let has = |a: &Authorization, perm: &str| a.permission_types.iter().any(|p| p == perm);
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
    "TELEPORT",
];
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
        ver: 1,
        camunda_version: Some("8.9".to_owned()),
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
    }
}

#[test]
fn indexed_evaluator_agrees_with_naive_reference() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cases = 0u64;
    let mut allowed = 0u64;
    let mut mismatches = Vec::new();
    while cases < 120_000 {
        let payload = payload(&mut rng);
        let authorizer = match Authorizer::from_unverified_payload(payload.clone()) {
            Ok(a) => a,
            Err(e) => panic!("generated payload rejected: {e}"),
        };
        for _ in 0..8 {
            let task = task(&mut rng);
            let mask = authorizer.actions_mask(&task);
            for op in Operation::ALL {
                cases += 1;
                let expected = naive(&payload, op, &task);
                let got = mask & op.bit() != 0;
                let explained = authorizer.explain(op, &task).allowed;
                allowed += u64::from(got);
                if expected != got || explained != got {
                    mismatches.push(format!("{op:?} naive={expected} indexed={got} explain={explained}\n  task={task:?}\n  grants={payload:#?}"));
                }
            }
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
    println!("{cases} cases, {allowed} allowed");
}
