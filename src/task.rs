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
    /// Camunda's `UserTaskStateEnum` value; absent counts as `CREATED`, and a string that is no
    /// state refuses every operation the lifecycle gates (see `crate::rules`).
    pub state: Option<&'a str>,
    /// The state of the task's process instance (`ProcessInstanceStateEnum`), which a user task
    /// of the REST API does not carry: the caller adds it from the process-instance API. Absent
    /// counts as `ACTIVE`; any other value refuses every write (see `crate::rules`).
    pub process_instance_state: Option<&'a str>,
}

impl<'a> Task<'a> {
    /// Reads a task from JSON. A field may be missing or null; when present it must have its
    /// type: strings (`state` too), a decimal `userTaskKey`, and arrays of strings for the
    /// candidate lists.
    pub fn from_json(value: &'a Value<'_>) -> Result<Self> {
        let Value::Object(_) = value else {
            return err(ErrorCode::TaskInvalid, not_an_object(value.kind()));
        };
        let string = |name: &str| -> Result<Option<&'a str>> {
            match value.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(&**s)),
                Some(other) => invalid(name, Fault::NotString(other.kind())),
            }
        };
        let strings = |name: &str| -> Result<Vec<&'a str>> {
            match value.get(name) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) if items.len() > MAX_CANDIDATES => {
                    invalid(name, Fault::TooMany(items.len()))
                }
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| match item {
                        Value::String(s) => Ok(&**s),
                        other => invalid(name, Fault::NotStringItem(other.kind())),
                    })
                    .collect(),
                Some(other) => invalid(name, Fault::NotStrings(other.kind())),
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
            state: string("state")?,
            process_instance_state: string("processInstanceState")?,
        })
    }
}

/// Camunda keys are decimal strings (a 64-bit number that JavaScript cannot hold exactly).
pub fn check_key(key: &str) -> Result<()> {
    if is_key(key) {
        Ok(())
    } else {
        invalid("userTaskKey", Fault::NotDecimal(Some(key)))
    }
}

/// Whether `key` is a Camunda key: 1 to 20 decimal digits.
pub fn is_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 20 && key.bytes().all(|b| b.is_ascii_digit())
}

/// What is wrong with a task field. Both readers of tasks, [`Task::from_json`] and the edge
/// path (`src/search.rs`), word their errors through [`Fault::message`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault<'a> {
    /// Not a string (the JSON kind found).
    NotString(&'static str),
    /// Not an array.
    NotStrings(&'static str),
    /// An array holding something other than a string.
    NotStringItem(&'static str),
    /// A `userTaskKey` that is not a decimal string (the key, when the reader has it).
    NotDecimal(Option<&'a str>),
    /// A candidate list with more than [`MAX_CANDIDATES`] entries (how many).
    TooMany(usize),
}

/// The most entries a candidate list (`candidateUsers`, `candidateGroups`) may hold; the
/// JavaScript wrapper refuses longer lists before reading them, with the same words.
pub const MAX_CANDIDATES: usize = 65_536;

impl Fault<'_> {
    pub fn message(&self, name: &str) -> String {
        let what = match self {
            Fault::NotString(kind) => format!("must be a string, not {kind}"),
            Fault::NotStrings(kind) => format!("must be an array of strings, not {kind}"),
            Fault::NotStringItem(kind) => format!("must hold only strings, not {kind}"),
            Fault::NotDecimal(Some(key)) => format!("must be a decimal string, not `{key}`"),
            Fault::NotDecimal(None) => "must be a decimal string".to_owned(),
            Fault::TooMany(n) => {
                format!("has {n} entries, more than the bound of {MAX_CANDIDATES}")
            }
        };
        format!("task field `{name}` {what}")
    }
}

fn invalid<T>(name: &str, fault: Fault<'_>) -> Result<T> {
    err(ErrorCode::TaskInvalid, fault.message(name))
}

/// The error for a task that is not an object (the JSON kind found).
pub fn not_an_object(kind: &str) -> String {
    format!("a task must be an object, not {kind}")
}
