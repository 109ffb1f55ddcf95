//! A user task as the decision needs it: the fields of a Camunda REST API v2 user task that
//! authorization looks at. Every other field is ignored and left untouched.

use crate::json::Value;

use crate::error::{err, ErrorCode, Result};

/// The decision-relevant fields of one user task, borrowed from the caller's data.
/// `None` and empty values never match anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Task<'a> {
    pub user_task_key: Option<&'a str>,
    pub process_definition_id: Option<&'a str>,
    pub assignee: Option<&'a str>,
    pub candidate_users: Vec<&'a str>,
    pub candidate_groups: Vec<&'a str>,
    pub tenant_id: Option<&'a str>,
}

impl<'a> Task<'a> {
    /// Reads a task from JSON. A field may be missing or null; when present it must have its
    /// type: strings, a decimal `userTaskKey`, and arrays of strings for the candidate lists.
    pub fn from_json(value: &'a Value<'_>) -> Result<Self> {
        let Value::Object(_) = value else {
            return err(
                ErrorCode::TaskInvalid,
                format!("a task must be an object, not {}", value.kind()),
            );
        };
        let string = |name: &str| -> Result<Option<&'a str>> {
            match value.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(&**s)),
                Some(other) => err(
                    ErrorCode::TaskInvalid,
                    format!("task field `{name}` must be a string, not {}", other.kind()),
                ),
            }
        };
        let strings = |name: &str| -> Result<Vec<&'a str>> {
            match value.get(name) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| match item {
                        Value::String(s) => Ok(&**s),
                        other => err(
                            ErrorCode::TaskInvalid,
                            format!(
                                "task field `{name}` must hold only strings, not {}",
                                other.kind()
                            ),
                        ),
                    })
                    .collect(),
                Some(other) => err(
                    ErrorCode::TaskInvalid,
                    format!(
                        "task field `{name}` must be an array of strings, not {}",
                        other.kind()
                    ),
                ),
            }
        };
        let user_task_key = string("userTaskKey")?;
        if let Some(key) = user_task_key {
            check_key(key)?;
        }
        Ok(Task {
            user_task_key,
            process_definition_id: string("processDefinitionId")?,
            assignee: string("assignee")?,
            candidate_users: strings("candidateUsers")?,
            candidate_groups: strings("candidateGroups")?,
            tenant_id: string("tenantId")?,
        })
    }
}

/// Camunda keys are decimal strings (a 64-bit number that JavaScript cannot hold exactly).
pub fn check_key(key: &str) -> Result<()> {
    if !key.is_empty() && key.len() <= 20 && key.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        err(
            ErrorCode::TaskInvalid,
            format!("task field `userTaskKey` must be a decimal string, not `{key}`"),
        )
    }
}
