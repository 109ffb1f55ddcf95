//! Reasons for people: the facts a decision was made from ([`Params`]) and one short sentence
//! per reason code, worded from them ("Assigned to marek: only the assignee can complete it.").
//! `reason` stays the technical sentence; an app that wants its own words switches on `code` and
//! fills in `params` (README has the table of codes).

use serde::Serialize;

use crate::buttons::Button;
use crate::model::{PermissionType, ResourceType};
use crate::rules::{InstanceState, Operation, ReasonCode, TaskState};

/// The facts a decision was made from (each present when the input has it): the task's fields
/// and, for `isAuthorized`, the resource id. [`crate::messages`] words the short message from
/// them, and an app can word its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_task_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process_definition_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// With an assignee: whether it is the principal (a user whose id it is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_to_principal: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process_instance_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// `isAuthorized`: the resource asked about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
}

/// The short message of a decision with `code` on `operation` (or Tasklist's `button`), made
/// from `params`; `resource_type` and `permission_type` are `isAuthorized`'s.
pub fn message(
    code: ReasonCode,
    operation: Option<Operation>,
    button: Option<Button>,
    params: &Params,
    resource_type: Option<ResourceType>,
    permission_type: Option<PermissionType>,
) -> String {
    let assignee = params.assignee.as_deref().unwrap_or_default();
    match code {
        ReasonCode::Granted | ReasonCode::AuthorizationsDisabled => {
            let none = if code == ReasonCode::Granted {
                "You have this permission."
            } else {
                "Allowed: this cluster does not check authorizations."
            };
            let can = operation.map_or(none, |op| match (button, op) {
                (Some(Button::AssignToMe), _) | (None, Operation::Claim) => {
                    "You can assign this task to yourself."
                }
                (_, Operation::Get) => "You can open this task.",
                (_, Operation::Search) => "You can see this task.",
                (_, Operation::GetForm) => "You can open this task's form.",
                (_, Operation::Claim) => "You can assign this task to yourself.",
                (_, Operation::Assign) => "You can assign this task.",
                (_, Operation::Unassign) => "You can unassign this task.",
                (_, Operation::Complete) => "You can complete this task.",
                (_, Operation::Update) => "You can change this task.",
            });
            can.to_owned()
        }
        ReasonCode::TenantNotAssigned => match params.tenant_id.as_deref() {
            Some(tenant) if !tenant.is_empty() => {
                format!("This task belongs to tenant {tenant}, which you are not a member of.")
            }
            _ => "This task belongs to none of your tenants.".to_owned(),
        },
        ReasonCode::NoGrant => match operation {
            Some(op) => {
                let what = match op {
                    Operation::Get | Operation::Search | Operation::GetForm => "see",
                    Operation::Claim => "assign yourself",
                    Operation::Assign => "assign",
                    Operation::Unassign => "unassign",
                    Operation::Complete => "complete",
                    Operation::Update => "change",
                };
                match params.process_definition_id.as_deref() {
                    Some(process) if !process.is_empty() => {
                        format!("You may not {what} tasks of {process}.")
                    }
                    _ => format!("You may not {what} this task."),
                }
            }
            None => match (permission_type, resource_type) {
                (Some(permission), Some(resource)) => format!(
                    "You do not have {} on {} {}.",
                    permission.as_str(),
                    resource.as_str(),
                    params.resource_id.as_deref().unwrap_or_default()
                ),
                _ => "Not allowed: nothing in this cluster's release grants it.".to_owned(),
            },
        },
        ReasonCode::TaskNotActive => not_active(params),
        ReasonCode::AssignedToOther => {
            format!("Assigned to {assignee}: you cannot assign it to yourself.")
        }
        ReasonCode::AlreadyAssigned => {
            if params.assigned_to_principal == Some(true) {
                "Assigned to you.".to_owned()
            } else {
                format!("Assigned to {assignee}.")
            }
        }
        ReasonCode::NotAssigned => "Nobody is assigned to this task.".to_owned(),
        ReasonCode::NotAssignee => {
            if assignee.is_empty() {
                "Not assigned: assign it to yourself to complete it.".to_owned()
            } else {
                format!("Assigned to {assignee}: only the assignee can complete it.")
            }
        }
    }
}

/// Why a task takes no command now: its process instance, or its own state.
fn not_active(params: &Params) -> String {
    if let Some(instance) = params
        .process_instance_state
        .as_deref()
        .filter(|s| *s != InstanceState::Active.as_str())
    {
        return match InstanceState::parse(instance) {
            Some(InstanceState::Suspended) => "Its process instance is suspended.".to_owned(),
            Some(InstanceState::Completed | InstanceState::Terminated) => {
                "Its process instance has ended.".to_owned()
            }
            _ => format!("Its process instance is {instance}."),
        };
    }
    let state = params.state.as_deref().unwrap_or_default();
    match TaskState::parse(state) {
        Some(TaskState::Completed) => "This task is completed.".to_owned(),
        Some(TaskState::Canceled) => "This task was canceled.".to_owned(),
        Some(TaskState::Creating) => "This task is still being created.".to_owned(),
        Some(TaskState::Assigning) => "This task is being assigned right now.".to_owned(),
        Some(TaskState::Updating) => "This task is being updated right now.".to_owned(),
        Some(TaskState::Completing) => "This task is being completed right now.".to_owned(),
        Some(TaskState::Canceling) => "This task is being canceled right now.".to_owned(),
        Some(TaskState::Failed) => "This task has failed.".to_owned(),
        Some(TaskState::Created) | None => format!("This task is in state {state}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code has a sentence for every operation and button, with and without the facts.
    #[test]
    fn every_code_has_a_message() {
        let full = Params {
            user_task_key: Some("1".into()),
            process_definition_id: Some("invoice".into()),
            assignee: Some("marek".into()),
            assigned_to_principal: Some(false),
            state: Some("COMPLETED".into()),
            process_instance_state: Some("SUSPENDED".into()),
            tenant_id: Some("acme".into()),
            resource_id: Some("tasklist".into()),
        };
        for params in [Params::default(), full] {
            for code in ReasonCode::ALL {
                let mut subjects: Vec<(Option<Operation>, Option<Button>)> = Operation::ALL
                    .into_iter()
                    .map(|op| (Some(op), None))
                    .collect();
                subjects.extend(Button::ALL.map(|b| (Some(b.operation()), Some(b))));
                subjects.push((None, None));
                for (op, button) in subjects {
                    let text = message(code, op, button, &params, None, None);
                    assert!(
                        text.ends_with('.') && !text.contains('{') && text.len() > 8,
                        "{code:?} {op:?} {button:?}: {text:?}"
                    );
                }
            }
        }
    }
}
