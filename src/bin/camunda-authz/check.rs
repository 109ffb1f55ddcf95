//! `check`: a token verified (or a payload read WITHOUT verification, for debugging), then
//! user-task operations decided on tasks, with their explanation.

use std::collections::HashSet;
use std::fmt::Write as _;

use camunda_authz::json::Value;
use camunda_authz::jws;
use camunda_authz::model::{GrantSetPayload, GRANTS_VERSION};
use camunda_authz::{Authorizer, Decision, Operation, Task};
use serde::Serialize;

use crate::args::{self, many, opt, Spec};
use crate::files::{read_json, source_name, Bound};
use crate::output::{note, out, pretty, shown};
use crate::verify::{self, TOKEN_WHAT};
use crate::{help, Fail, Outcome, EXIT_DENIED};

pub const HELP: &str = concat!(
    "\
usage: camunda-authz check --jwks JWKS_FILE (--issuer ISS | --any-issuer)
                           (--audience AUD | --any-audience) --task TASK_FILE --operation OP
                           [options] TOKEN|TOKEN_FILE|-
       camunda-authz check --unverified-payload PAYLOAD_FILE --task TASK_FILE --operation OP

verifies the token (as verify does), then decides the operation on each task (the rules are
in docs/rules.md) and prints the explanation: { allowed, operation, code, reason, grant?,
matchedBy?, resourceType?, permissionType? }. a one-line summary per task goes to stderr.

options:
  --task FILE                 a Camunda REST API v2 user task, or an array of them (required)
  --operation OP              get, search, getForm, claim, assign, unassign, complete, update,
                              or all; several by commas or by repeating (required)
  --jwks FILE                 the public keys (required unless --unverified-payload)
",
    verification_options_help!(),
    "  --unverified-payload FILE   decide on a grant-set payload file WITHOUT any token or
                              signature, for debugging (a warning is printed); a payload
                              without exp or ver, as given to sign, is accepted; it takes
                              none of the verification options

output:
  one task, one operation     the decision object
  one task, several           an array of decisions, in the order requested
  an array of tasks           an array of { index, userTaskKey?, decision | decisions }

exits 0 when every requested decision is allowed and 1 when any is denied.
"
);

const CMD: &str = "check";

/// One task's result in an array of tasks.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TaskResult<'a> {
    index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_task_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<&'a Decision<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decisions: Option<&'a [Decision<'a>]>,
}

/// `--operation` values: names, comma lists, `all`; duplicates dropped, order kept.
fn operations(values: &[String]) -> Result<Vec<Operation>, Fail> {
    let mut ops = Vec::new();
    let mut seen = HashSet::new();
    for name in values.iter().flat_map(|v| v.split(',')).map(str::trim) {
        let named: Vec<Operation> = if name == "all" {
            Operation::ALL.to_vec()
        } else {
            vec![Operation::parse(name).map_err(|e| Fail::usage(CMD, e.to_string()))?]
        };
        for op in named {
            if seen.insert(op) {
                ops.push(op);
            }
        }
    }
    if ops.is_empty() {
        return Err(Fail::usage(
            CMD,
            "error: option `--operation` names no operation",
        ));
    }
    Ok(ops)
}

/// Reads a grant-set payload file for `--unverified-payload`, filling in the `exp` and `ver`
/// that `sign` would add.
fn unverified_authorizer(path: &str, now: i64) -> Result<Authorizer, Fail> {
    let mut value = read_json(path, "payload", Bound::Payload)?;
    if let Value::Object(members) = &mut value {
        let mut default = |name: &str, value: Value<'static>| {
            if !members.iter().any(|(k, _)| k == name) {
                members.push((name.to_owned().into(), value));
            }
        };
        default(
            "exp",
            Value::from(now.saturating_add(jws::DEFAULT_TTL_SECONDS)),
        );
        default("ver", Value::Number(GRANTS_VERSION.to_string().into()));
    }
    let context = format!("the payload in {}", source_name(path));
    let payload = GrantSetPayload::from_json(value).map_err(|e| Fail::input(&context, &e))?;
    Authorizer::from_unverified_payload(payload).map_err(|e| Fail::input(&context, &e))
}

fn task_label(index: Option<usize>, task: &Task<'_>) -> String {
    match (task.user_task_key, index) {
        (Some(key), _) => format!("task `{}`", shown(key)),
        (None, Some(index)) => format!("task {index}"),
        (None, None) => "the task".to_owned(),
    }
}

/// The options of check: verify's, and the task, the operations and the unverified payload.
fn specs() -> Vec<Spec> {
    let mut specs: Vec<Spec> = verify::SPECS.into_iter().collect();
    specs.extend([
        opt("task", "FILE"),
        many("operation", "OP"),
        opt("unverified-payload", "FILE"),
    ]);
    specs
}

/// The options that only make sense with a token.
const VERIFYING: [&str; 8] = [
    "issuer",
    "any-issuer",
    "audience",
    "any-audience",
    "clock-tolerance",
    "max-token-bytes",
    "max-lifetime",
    "physical-tenant",
];

pub fn run(argv: &[String]) -> Outcome {
    let args = args::parse(CMD, &specs(), argv)?;
    if args.help {
        return help(HELP);
    }
    let task_path = args::required(CMD, &args, "task")?;
    let operation_values = args.all("operation");
    if operation_values.is_empty() {
        return Err(Fail::usage(
            CMD,
            "error: missing required option `--operation`",
        ));
    }
    let ops = operations(&operation_values)?;
    let unverified = args.get("unverified-payload");
    let (jwks_path, token_arg) = match unverified {
        Some(_) => {
            if args.has("jwks") {
                return Err(Fail::usage(
                    CMD,
                    "error: --unverified-payload replaces --jwks and the token; give one or the other",
                ));
            }
            args::no_positional(CMD, &args, "with --unverified-payload there is no token")?;
            if let Some(name) = VERIFYING.iter().find(|name| args.has(name)) {
                return Err(Fail::usage(
                    CMD,
                    format!("error: `--{name}` checks a token, and --unverified-payload has none"),
                ));
            }
            (None, None)
        }
        None => (
            Some(args::required(CMD, &args, "jwks")?),
            Some(args::one_positional(CMD, &args, TOKEN_WHAT)?),
        ),
    };
    args::one_stdin(
        CMD,
        &[
            ("--task", Some(task_path)),
            ("--jwks", jwks_path),
            ("the token", token_arg),
            ("--unverified-payload", unverified),
        ],
    )?;
    // Usage errors first: the verification options are checked before any file is read.
    let options = match unverified {
        None => Some(verify::options(CMD, &args)?),
        Some(_) => None,
    };

    let (tasks_json, single) = read_tasks(task_path)?;
    let file = source_name(task_path);
    let items = match &tasks_json {
        Value::Array(items) => items.as_slice(),
        object => std::slice::from_ref(object),
    };
    let mut tasks = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let context = if single {
            file.clone()
        } else {
            format!("task {index} of {file}")
        };
        tasks.push(Task::from_json(item).map_err(|e| Fail::input(&context, &e))?);
    }

    let authorizer = match (unverified, jwks_path, token_arg, options) {
        (Some(path), _, _, _) => {
            note(&format!(
                "warning: NOT VERIFIED: deciding on the payload in {} without any token or signature; for debugging only",
                source_name(path)
            ));
            unverified_authorizer(path, args::now(CMD, &args)?)?
        }
        (None, Some(jwks_path), Some(token_arg), Some(options)) => {
            let (_, grants) = verify::verified(&options, jwks_path, token_arg)?;
            note(&verify::summary(&grants, options.now));
            Authorizer::new(grants)
        }
        _ => {
            return Err(Fail::usage(
                CMD,
                "error: give --jwks and a token, or --unverified-payload",
            ))
        }
    };

    let mut any_denied = false;
    let mut results: Vec<Vec<Decision<'_>>> = Vec::with_capacity(tasks.len());
    for (index, task) in tasks.iter().enumerate() {
        let decisions: Vec<Decision<'_>> =
            ops.iter().map(|op| authorizer.explain(*op, task)).collect();
        any_denied |= decisions.iter().any(|d| !d.allowed);
        let label = task_label((!single).then_some(index), task);
        note(&summarize(&label, &decisions));
        results.push(decisions);
    }
    out(&render(single, &results, &tasks)?)?;
    if tasks.is_empty() {
        note(&format!("{file} holds no tasks"));
    }
    Ok(if any_denied { EXIT_DENIED } else { 0 })
}

/// The task file: one task object (`true`) or an array of them.
fn read_tasks(path: &str) -> Result<(Value<'static>, bool), Fail> {
    let value = read_json(path, "task file", Bound::Tasks)?;
    match &value {
        Value::Array(_) => Ok((value, false)),
        Value::Object(_) => Ok((value, true)),
        other => Err(Fail::Input(format!(
            "ERR_TASK_INVALID: {}: a task file holds a task object or an array of them, not {}",
            source_name(path),
            other.kind()
        ))),
    }
}

/// The JSON on stdout (see the help's `output:`).
fn render(single: bool, results: &[Vec<Decision<'_>>], tasks: &[Task<'_>]) -> Result<String, Fail> {
    if single {
        return match results.first().map(Vec::as_slice) {
            Some([decision]) => pretty(decision),
            Some(decisions) => pretty(decisions),
            None => pretty(&Vec::<Value>::new()),
        };
    }
    let rows: Vec<TaskResult<'_>> = results
        .iter()
        .zip(tasks)
        .enumerate()
        .map(|(index, (decisions, task))| {
            let (decision, decisions) = match decisions.as_slice() {
                [one] => (Some(one), None),
                many => (None, Some(many)),
            };
            TaskResult {
                index,
                user_task_key: task.user_task_key,
                decision,
                decisions,
            }
        })
        .collect();
    pretty(&rows)
}

/// One line per task: the decision and reason for one operation, or which operations are
/// allowed and denied.
fn summarize(label: &str, decisions: &[Decision<'_>]) -> String {
    let name = |d: &Decision<'_>| d.operation.map_or("?", Operation::as_str);
    if let [decision] = decisions {
        let verdict = if decision.allowed {
            "allowed"
        } else {
            "denied"
        };
        return format!(
            "{verdict}: {} on {label}: {}",
            name(decision),
            shown(&decision.reason)
        );
    }
    let list = |allowed: bool| {
        decisions
            .iter()
            .filter(|d| d.allowed == allowed)
            .map(name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut line = format!("{label}:");
    let (allowed, denied) = (list(true), list(false));
    if !allowed.is_empty() {
        let _ = write!(line, " allowed {allowed}");
    }
    if !denied.is_empty() {
        if !allowed.is_empty() {
            line.push(';');
        }
        let _ = write!(line, " denied {denied}");
    }
    line
}
