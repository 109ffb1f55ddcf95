//! `camunda-authz`: the native command line. Makes keys, signs grant-set payloads, verifies
//! tokens, decodes them without verifying (and says so), and decides user-task operations with
//! their explanation. One module per command; [`args`] parses, [`files`] reads and writes,
//! [`output`] prints.
//!
//! Arguments are parsed by hand (`--flag value` or `--flag=value`, `--` ends options). Results
//! go to stdout as JSON (or the bare token for `sign`); notes, warnings and errors go to stderr,
//! with control characters from input escaped. Exit codes are documented in [`EXIT_CODES`].
//! Unlike the library, this program may read the system clock: `--now` overrides it.

/// The help lines of the options verify and check share (one list, so the two cannot drift).
macro_rules! verification_options_help {
    () => {
        "  --issuer ISS                require this iss
  --any-issuer                accept any iss (or none); one of the two is required
  --audience AUD              require aud to name AUD; repeat to accept any of several
  --any-audience              accept any aud (or none); one of the two is required
  --now SECONDS               the current time for exp and nbf (default: the system clock)
  --clock-tolerance SECS      leeway for exp and nbf, 0 to 3600 (default 0)
  --max-token-bytes N         the size bound checked before parsing (default 1048576)
  --max-lifetime SECONDS      the longest exp - iat accepted (default 86400; `none`: any,
                              and iat may then be missing)
  --physical-tenant ID        require the grant set's physicalTenant to be ID
"
    };
}

mod args;
mod check;
mod files;
mod inspect;
mod keygen;
mod output;
mod sign;
mod verify;

use std::process::ExitCode;

use camunda_authz::AuthzError;

use crate::output::{note, out, shown};

const NAME: &str = "camunda-authz";
const VERSION: &str = env!("CARGO_PKG_VERSION");

const EXIT_DENIED: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_REJECTED: u8 = 3;
const EXIT_INPUT: u8 = 4;

const EXIT_CODES: &str = "\
exit codes:
  0  success; for check: every requested decision is allowed
  1  check only: at least one requested decision (any task, any operation) is denied
  2  usage error: unknown command or option, missing or malformed argument, unknown operation,
     verify or check without --issuer/--any-issuer or --audience/--any-audience
  3  the token or the JWKS was rejected (ERR_GRANTS_*, ERR_JWKS_*): verify, check, inspect
  4  other bad input: a file that cannot be read or written, or larger than its bound, JSON
     that does not parse, a bad private key, a bad task file, a payload that sign refuses, an
     --unverified-payload that is not a grant set";

const GENERAL_HELP: &str = "\
usage: camunda-authz <command> [options] [arguments]

sign, verify and decide Camunda 8 grant sets (compact JWS, EdDSA over Ed25519).

commands:
  keygen   make an Ed25519 signing key (private JWK) and its public JWKS
  sign     sign a grant-set payload with a private JWK and print the token
  verify   verify a token against a JWKS and print its payload
  inspect  decode a token WITHOUT verifying it
  check    verify a token, then decide user-task operations on tasks, with explanations
  help     `camunda-authz help <command>` is `camunda-authz <command> --help`

options are `--name value` or `--name=value`; `--` ends them. a TOKEN argument is the token
itself, a file holding it, or - for stdin; surrounding whitespace is trimmed. a FILE holding
JSON may be - for stdin. inputs are read up to a bound: 1 MiB for a private key or a JWKS,
64 MiB for a token or a payload, 256 MiB for a task file. --now takes seconds since the unix epoch; the system clock is read
only when --now is not given; times shown are ISO 8601 UTC dates. results go to stdout,
notes, warnings and errors to stderr (control characters from input shown escaped, as \\u{1b}).
the rules and bounds are in docs/rules.md and docs/verification.md.

client-side decisions are for display and filtering; the orchestration cluster still enforces
every request.
";

// ---------------------------------------------------------------------------------------------
// Failures and exit codes

/// Why the program stops without a result. Each variant is one exit code.
#[derive(Debug)]
enum Fail {
    /// Exit 2. `command` names the help to point at.
    Usage {
        command: Option<&'static str>,
        message: String,
    },
    /// Exit 3: the token or the JWKS was rejected.
    Rejected(AuthzError),
    /// Exit 4: any other bad input; the message is complete.
    Input(String),
}

impl Fail {
    fn usage(command: &'static str, message: impl Into<String>) -> Self {
        Fail::Usage {
            command: Some(command),
            message: message.into(),
        }
    }

    /// A library error about a local input (key, task, payload): exit 4, code kept.
    fn input(context: &str, error: &AuthzError) -> Self {
        Fail::Input(format!(
            "{}: {context}: {}",
            error.code.as_str(),
            error.message
        ))
    }
}

type Outcome = Result<u8, Fail>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match run(&args) {
        Ok(code) => code,
        Err(Fail::Usage { command, message }) => {
            let help = match command {
                Some(command) => format!("{NAME} {command} --help"),
                None => format!("{NAME} --help"),
            };
            note(&format!("{message}\nrun `{help}` for usage"));
            EXIT_USAGE
        }
        Err(Fail::Rejected(error)) => {
            note(&error.to_string());
            EXIT_REJECTED
        }
        Err(Fail::Input(message)) => {
            note(&message);
            EXIT_INPUT
        }
    };
    ExitCode::from(code)
}

fn run(args: &[String]) -> Outcome {
    let Some((command, rest)) = args.split_first() else {
        note(GENERAL_HELP.trim_end());
        note(EXIT_CODES);
        return Ok(EXIT_USAGE);
    };
    match command.as_str() {
        "keygen" => keygen::run(rest),
        "sign" => sign::run(rest),
        "verify" => verify::run(rest),
        "inspect" => inspect::run(rest),
        "check" => check::run(rest),
        "help" | "--help" | "-h" => match rest.first().map(String::as_str) {
            None => help(GENERAL_HELP),
            Some(topic) => match command_help(topic) {
                Some(text) => help(text),
                None => Err(Fail::Usage {
                    command: None,
                    message: format!("error: no help for `{}`: it is not a command", shown(topic)),
                }),
            },
        },
        "--version" | "-V" | "version" => {
            out(&format!("{NAME} {VERSION}"))?;
            Ok(0)
        }
        other => Err(Fail::Usage {
            command: None,
            message: format!(
                "error: unknown command `{}`; expected keygen, sign, verify, inspect or check",
                shown(other)
            ),
        }),
    }
}

fn command_help(command: &str) -> Option<&'static str> {
    match command {
        "keygen" => Some(keygen::HELP),
        "sign" => Some(sign::HELP),
        "verify" => Some(verify::HELP),
        "inspect" => Some(inspect::HELP),
        "check" => Some(check::HELP),
        _ => None,
    }
}

/// Prints a command's help with the exit codes.
fn help(text: &str) -> Outcome {
    out(&format!("{}\n\n{EXIT_CODES}", text.trim_end()))?;
    Ok(0)
}
