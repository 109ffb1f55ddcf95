//! `inspect`: a token decoded WITHOUT verifying anything, for debugging.

use camunda_authz::json::Value;
use camunda_authz::jws;
use camunda_authz::time::iso8601;
use serde::Serialize;

use crate::args::{self, opt};
use crate::files::read_token;
use crate::output::{note, out, pretty, relative};
use crate::verify::TOKEN_WHAT;
use crate::{help, Fail, Outcome};

pub const HELP: &str = "\
usage: camunda-authz inspect [--now SECONDS] TOKEN|TOKEN_FILE|-

decodes a token's header and payload WITHOUT verifying anything: not the signature, not the
key, not a claim. for debugging only; never trust what it shows. prints a warning on stderr and
{ \"verified\": false, \"header\", \"payload\", \"now\", \"issuedAt\", \"notBefore\", \"expiresAt\",
\"expired\" } on stdout, times as seconds and as ISO 8601 UTC.

options:
  --now SECONDS   the time `expired` is judged at (default: the system clock)
";

const CMD: &str = "inspect";

const NOT_VERIFIED: &str = "NOT VERIFIED: decoded without checking the signature, the key or any claim; do not trust or act on this content";

/// A time as seconds and as a date.
#[derive(Serialize)]
struct Instant {
    seconds: i64,
    utc: String,
}

impl Instant {
    fn new(seconds: i64) -> Self {
        Instant {
            seconds,
            utc: iso8601(seconds),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Inspection {
    verified: bool,
    warning: &'static str,
    header: Value<'static>,
    payload: Value<'static>,
    now: Instant,
    #[serde(skip_serializing_if = "Option::is_none")]
    issued_at: Option<Instant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_before: Option<Instant>,
    /// `null` when the payload has no integer `exp` (verification would reject it).
    expires_at: Option<Instant>,
    expired: Option<bool>,
}

pub fn run(argv: &[String]) -> Outcome {
    let args = args::parse(CMD, &[opt("now", "SECONDS")], argv)?;
    if args.help {
        return help(HELP);
    }
    let token_arg = args::one_positional(CMD, &args, TOKEN_WHAT)?;
    let now = args::now(CMD, &args)?;
    let token = read_token(token_arg)?;
    let (header, payload) = jws::inspect(&token).map_err(Fail::Rejected)?;
    note(&format!("warning: {NOT_VERIFIED}"));
    let time = |name: &str| payload.get(name).and_then(Value::as_i64);
    let exp = time("exp");
    let inspection = Inspection {
        verified: false,
        warning: NOT_VERIFIED,
        now: Instant::new(now),
        issued_at: time("iat").map(Instant::new),
        not_before: time("nbf").map(Instant::new),
        expires_at: exp.map(Instant::new),
        expired: exp.map(|exp| now >= exp),
        header,
        payload,
    };
    out(&pretty(&inspection)?)?;
    match exp {
        Some(exp) if now >= exp => note(&format!(
            "expired {} ({})",
            iso8601(exp),
            relative(exp, now)
        )),
        Some(exp) => note(&format!(
            "expires {} ({})",
            iso8601(exp),
            relative(exp, now)
        )),
        None => note("the payload has no integer `exp`, so verification would reject it"),
    }
    Ok(0)
}
