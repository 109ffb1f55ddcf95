//! `camunda-authz`: the native command line (SPEC section 6). Makes keys, signs grant-set
//! payloads, verifies tokens, decodes them without verifying (and says so), and decides
//! user-task operations with their explanation.
//!
//! Arguments are parsed by hand (`--flag value` or `--flag=value`, `--` ends options). Results
//! go to stdout as JSON (or the bare token for `sign`); notes, warnings and errors go to stderr.
//! Exit codes are documented in [`GENERAL_HELP`]. Unlike the library, this program may read the
//! system clock: `--now` overrides it.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use camunda_authz::json::{self, Value};
use camunda_authz::jwk::{self, Jwks, KeySet, SigningJwk};
use camunda_authz::jws::{self, SignOptions, VerifiedGrants, VerifyOptions};
use camunda_authz::model::{Audience, GrantSetPayload, GRANTS_VERSION};
use camunda_authz::{Authorizer, AuthzError, Decision, Operation, Task};
use serde::Serialize;

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
  2  usage error: unknown command or option, missing or malformed argument, unknown operation
  3  the token or the JWKS was rejected (ERR_GRANTS_*, ERR_JWKS_*): verify, check, inspect
  4  other bad input: a file that cannot be read or written, JSON that does not parse, a bad
     private key, a bad task file, a payload that sign refuses, an --unverified-payload that
     is not a grant set";

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
JSON may be - for stdin. times are seconds since the unix epoch; the system clock is read only
when --now is not given. results go to stdout, notes, warnings and errors to stderr.

client-side decisions are for display and filtering; the orchestration cluster still enforces
every request.
";

const KEYGEN_HELP: &str = "\
usage: camunda-authz keygen --kid KID [--out-private FILE] [--out-jwks FILE] [--force]

makes an Ed25519 signing key from the system's secure random source.

options:
  --kid KID            the key id that tokens name in their header (required)
  --out-private FILE   write the private JWK to FILE (mode 0600 on unix)
  --out-jwks FILE      write the public JWKS ({ \"keys\": [...] }) to FILE
  --force              overwrite existing output files (refused otherwise)

without --out-* it prints { \"privateJwk\": ..., \"jwks\": ... } to stdout. with one of them,
stdout gets the other part alone (the JWKS, or the private JWK), so it can be redirected to a
file. keep the private JWK secret; publish the JWKS.
";

const SIGN_HELP: &str = "\
usage: camunda-authz sign --key PRIVATE_JWK_FILE [options] PAYLOAD_FILE|-

signs a grant-set payload (SPEC section 4: principal, authorizations, authorizationsEnabled,
...) and prints the compact JWS on stdout. members the payload has and this tool does not
know are kept.

options:
  --key FILE         the private Ed25519 JWK, as keygen writes it (required)
  --ttl SECONDS      set iat to now and exp to now + SECONDS; without it the payload's own exp
                     is kept, and a payload without exp lives 900 seconds
  --issuer ISS       set iss
  --audience AUD     set aud; repeat for several (then aud is an array)
  --now SECONDS      the current time for iat and exp (default: the system clock)
";

const VERIFY_HELP: &str = "\
usage: camunda-authz verify --jwks JWKS_FILE [options] TOKEN|TOKEN_FILE|-

verifies a grant set strictly (size, format, alg EdDSA, typ, key by kid, signature, then the
payload and its claims) and prints the verified payload as JSON on stdout. on failure it prints
`ERR_CODE: message` on stderr and exits 3.

options:
  --jwks FILE              the public keys: a JWKS, or a single public JWK (required)
  --issuer ISS             require this iss
  --audience AUD           require aud to name AUD; repeat to accept any of several
  --now SECONDS            the current time for exp and nbf (default: the system clock)
  --clock-tolerance SECS   leeway for exp and nbf (default 0)
  --max-token-bytes N      the size bound checked before parsing (default 1048576)
";

const INSPECT_HELP: &str = "\
usage: camunda-authz inspect [--now SECONDS] TOKEN|TOKEN_FILE|-

decodes a token's header and payload WITHOUT verifying anything: not the signature, not the
key, not a claim. for debugging only; never trust what it shows. prints a warning on stderr and
{ \"verified\": false, \"header\", \"payload\", \"now\", \"issuedAt\", \"notBefore\", \"expiresAt\",
\"expired\" } on stdout, times as seconds and as ISO-8601 UTC.

options:
  --now SECONDS   the time `expired` is judged at (default: the system clock)
";

const CHECK_HELP: &str = "\
usage: camunda-authz check --jwks JWKS_FILE --task TASK_FILE --operation OP [options] TOKEN|TOKEN_FILE|-
       camunda-authz check --unverified-payload PAYLOAD_FILE --task TASK_FILE --operation OP

verifies the token (as verify does), then decides the operation on each task and prints the
explanation: { allowed, operation, code, reason, grant?, matchedBy?, resourceType?,
permissionType? }. a one-line summary per task goes to stderr.

options:
  --task FILE                 a Camunda REST API v2 user task, or an array of them (required)
  --operation OP              get, search, getForm, claim, assign, unassign, complete, update,
                              or all; several by commas or by repeating (required)
  --jwks FILE                 the public keys (required unless --unverified-payload)
  --issuer ISS                require this iss
  --audience AUD              require aud to name AUD; repeat to accept any of several
  --now SECONDS               the current time for exp and nbf (default: the system clock)
  --clock-tolerance SECS      leeway for exp and nbf (default 0)
  --max-token-bytes N         the size bound checked before parsing (default 1048576)
  --unverified-payload FILE   decide on a grant-set payload file WITHOUT any token or
                              signature, for debugging (a warning is printed); a payload
                              without exp or ver, as given to sign, is accepted

output:
  one task, one operation     the decision object
  one task, several           an array of decisions, in the order requested
  an array of tasks           an array of { index, userTaskKey?, decision | decisions }

exits 0 when every requested decision is allowed and 1 when any is denied.
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
        "keygen" => keygen(rest),
        "sign" => sign(rest),
        "verify" => verify(rest),
        "inspect" => inspect(rest),
        "check" => check(rest),
        "help" | "--help" | "-h" => match rest.first().map(String::as_str) {
            None => help(GENERAL_HELP),
            Some(topic) => match command_help(topic) {
                Some(text) => help(text),
                None => Err(Fail::Usage {
                    command: None,
                    message: format!("error: no help for `{topic}`: it is not a command"),
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
                "error: unknown command `{other}`; expected keygen, sign, verify, inspect or check"
            ),
        }),
    }
}

fn command_help(command: &str) -> Option<&'static str> {
    match command {
        "keygen" => Some(KEYGEN_HELP),
        "sign" => Some(SIGN_HELP),
        "verify" => Some(VERIFY_HELP),
        "inspect" => Some(INSPECT_HELP),
        "check" => Some(CHECK_HELP),
        _ => None,
    }
}

fn help(text: &str) -> Outcome {
    out(&format!("{}\n\n{EXIT_CODES}", text.trim_end()))?;
    Ok(0)
}

// ---------------------------------------------------------------------------------------------
// Argument parsing

/// One option a command accepts.
struct Spec {
    name: &'static str,
    /// The value's placeholder for messages; `None` for a flag without a value.
    value: Option<&'static str>,
    repeat: bool,
}

const fn opt(name: &'static str, value: &'static str) -> Spec {
    Spec {
        name,
        value: Some(value),
        repeat: false,
    }
}

const fn many(name: &'static str, value: &'static str) -> Spec {
    Spec {
        name,
        value: Some(value),
        repeat: true,
    }
}

const fn flag(name: &'static str) -> Spec {
    Spec {
        name,
        value: None,
        repeat: false,
    }
}

/// A command's parsed arguments.
#[derive(Default)]
struct Args {
    options: Vec<(&'static str, String)>,
    positionals: Vec<String>,
    help: bool,
}

impl Args {
    fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.options
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| *n == name)
    }
}

fn parse_args(command: &'static str, specs: &[Spec], argv: &[String]) -> Result<Args, Fail> {
    let mut args = Args::default();
    let mut items = argv.iter();
    while let Some(arg) = items.next() {
        if arg == "--" {
            args.positionals.extend(items.by_ref().cloned());
            break;
        }
        if arg == "--help" || arg == "-h" {
            args.help = true;
            return Ok(args);
        }
        let Some(body) = arg.strip_prefix("--") else {
            if arg.len() > 1 && arg.starts_with('-') {
                return Err(Fail::usage(
                    command,
                    format!("error: unknown option `{arg}` for `{command}`"),
                ));
            }
            args.positionals.push(arg.clone());
            continue;
        };
        let (name, inline) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (body, None),
        };
        let Some(spec) = specs.iter().find(|s| s.name == name) else {
            return Err(Fail::usage(
                command,
                format!("error: unknown option `--{name}` for `{command}`"),
            ));
        };
        if !spec.repeat && args.has(spec.name) {
            return Err(Fail::usage(
                command,
                format!("error: option `--{name}` is given more than once"),
            ));
        }
        let value = match (spec.value, inline) {
            (None, None) => String::new(),
            (None, Some(_)) => {
                return Err(Fail::usage(
                    command,
                    format!("error: option `--{name}` takes no value"),
                ))
            }
            (Some(_), Some(value)) => value.to_owned(),
            (Some(placeholder), None) => match items.next() {
                Some(value) if !value.starts_with("--") => value.clone(),
                Some(value) => {
                    return Err(Fail::usage(
                        command,
                        format!("error: option `--{name}` needs a value ({placeholder}), not the option `{value}`"),
                    ))
                }
                None => {
                    return Err(Fail::usage(
                        command,
                        format!("error: option `--{name}` needs a value ({placeholder})"),
                    ))
                }
            },
        };
        args.options.push((spec.name, value));
    }
    Ok(args)
}

/// The single positional argument, named `what` in messages.
fn one_positional<'a>(command: &'static str, args: &'a Args, what: &str) -> Result<&'a str, Fail> {
    match args.positionals.as_slice() {
        [one] => Ok(one.as_str()),
        [] => Err(Fail::usage(command, format!("error: missing {what}"))),
        [_, extra, ..] => Err(Fail::usage(
            command,
            format!("error: unexpected argument `{extra}`; `{command}` takes one {what}"),
        )),
    }
}

fn required<'a>(command: &'static str, args: &'a Args, name: &str) -> Result<&'a str, Fail> {
    args.get(name).ok_or_else(|| {
        Fail::usage(
            command,
            format!("error: missing required option `--{name}`"),
        )
    })
}

fn integer(command: &'static str, args: &Args, name: &str) -> Result<Option<i64>, Fail> {
    let Some(text) = args.get(name) else {
        return Ok(None);
    };
    text.trim().parse::<i64>().map(Some).map_err(|_| {
        Fail::usage(
            command,
            format!("error: option `--{name}` must be a whole number of seconds, not `{text}`"),
        )
    })
}

fn non_negative(command: &'static str, args: &Args, name: &str) -> Result<Option<i64>, Fail> {
    match integer(command, args, name)? {
        Some(n) if n < 0 => Err(Fail::usage(
            command,
            format!("error: option `--{name}` must not be negative, not `{n}`"),
        )),
        other => Ok(other),
    }
}

fn positive(command: &'static str, args: &Args, name: &str) -> Result<Option<i64>, Fail> {
    match integer(command, args, name)? {
        Some(n) if n <= 0 => Err(Fail::usage(
            command,
            format!("error: option `--{name}` must be a positive number of seconds, not `{n}`"),
        )),
        other => Ok(other),
    }
}

/// `--now`, else the system clock.
fn now(command: &'static str, args: &Args) -> Result<i64, Fail> {
    if let Some(now) = integer(command, args, "now")? {
        return Ok(now);
    }
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| Fail::Input("error: the system clock is before 1970; pass --now".into()))?;
    Ok(i64::try_from(since.as_secs()).unwrap_or(i64::MAX))
}

/// The verification options shared by verify and check.
fn verify_options(command: &'static str, args: &Args) -> Result<VerifyOptions, Fail> {
    let max_token_bytes = match args.get("max-token-bytes") {
        None => None,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                return Err(Fail::usage(
                    command,
                    format!("error: option `--max-token-bytes` must be a positive whole number, not `{text}`"),
                ))
            }
        },
    };
    let audience = args.all("audience");
    Ok(VerifyOptions {
        now: now(command, args)?,
        clock_tolerance: non_negative(command, args, "clock-tolerance")?.unwrap_or(0),
        issuer: args.get("issuer").map(str::to_owned),
        audience: (!audience.is_empty()).then_some(audience),
        max_token_bytes,
    })
}

/// Two arguments that both read stdin cannot both have it.
fn one_stdin(command: &'static str, sources: &[(&str, Option<&str>)]) -> Result<(), Fail> {
    let readers: Vec<&str> = sources
        .iter()
        .filter(|(_, value)| *value == Some("-"))
        .map(|(name, _)| *name)
        .collect();
    if readers.len() > 1 {
        return Err(Fail::usage(
            command,
            format!(
                "error: only one input can be read from stdin (-), not {}",
                readers.join(" and ")
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Input and output

/// Writes a line to stdout. A closed pipe (`| head`) is not an error.
fn out(text: &str) -> Result<(), Fail> {
    let mut stdout = io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fail::Input(format!(
            "error: cannot write to stdout: {}",
            io_message(&e)
        ))),
    }
}

/// Writes a line to stderr; nothing to do if that fails.
fn note(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

fn io_message(error: &io::Error) -> String {
    let text = error.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

fn pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, Fail> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Fail::Input(format!("error: cannot write JSON: {e}")))
}

/// Reads a file, or stdin for `-`.
fn read_text(path: &str) -> Result<String, Fail> {
    if path == "-" {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Fail::Input(format!("error: cannot read stdin: {}", io_message(&e))))?;
        return Ok(text);
    }
    std::fs::read_to_string(path)
        .map_err(|e| Fail::Input(format!("error: cannot read `{path}`: {}", io_message(&e))))
}

fn source_name(path: &str) -> String {
    if path == "-" {
        "stdin".to_owned()
    } else {
        format!("`{path}`")
    }
}

/// Reads JSON from a file or stdin.
fn read_json(path: &str, what: &str) -> Result<Value<'static>, Fail> {
    let text = read_text(path)?;
    json::parse(text.as_bytes())
        .map(Value::into_owned)
        .map_err(|e| {
            Fail::Input(format!(
                "error: the {what} in {} is not JSON: {e}",
                source_name(path)
            ))
        })
}

/// A token argument: `-` reads stdin, an existing file is read, anything shaped like a compact
/// JWS is the token itself. Surrounding whitespace is trimmed.
fn read_token(arg: &str) -> Result<String, Fail> {
    let text = if arg == "-" || Path::new(arg).is_file() {
        read_text(arg)?
    } else if looks_like_token(arg) {
        arg.to_owned()
    } else {
        return Err(Fail::Input(format!(
            "error: `{arg}` is neither a readable file nor a compact JWS (three base64url parts separated by `.`)"
        )));
    };
    let token = text.trim();
    if token.is_empty() {
        return Err(Fail::Input(format!(
            "error: no token in {}: it is empty",
            source_name(arg)
        )));
    }
    Ok(token.to_owned())
}

fn looks_like_token(text: &str) -> bool {
    let text = text.trim();
    text.bytes().filter(|b| *b == b'.').count() == 2
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

fn read_keys(path: &str) -> Result<KeySet, Fail> {
    let text = read_text(path)?;
    KeySet::parse_str(&text).map_err(|e| {
        Fail::Rejected(AuthzError::new(
            e.code,
            format!("{}: {}", source_name(path), e.message),
        ))
    })
}

/// Writes an output file; refuses to replace one unless `force`. `private` files get mode 0600
/// on unix, also when an existing file is replaced.
fn write_file(path: &str, text: &str, private: bool, force: bool) -> Result<(), Fail> {
    let fail = |e: io::Error| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            Fail::Input(format!(
                "error: `{path}` already exists; pass --force to overwrite it"
            ))
        } else {
            Fail::Input(format!("error: cannot write `{path}`: {}", io_message(&e)))
        }
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
    }
    #[cfg(not(unix))]
    let _ = private;
    file.write_all(text.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.flush())
        .map_err(fail)
}

// ---------------------------------------------------------------------------------------------
// Time

/// Seconds since the epoch as ISO-8601 UTC, e.g. `2025-11-22T08:26:40Z`.
fn utc(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let year = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else {
        format!("{year:+}")
    };
    format!(
        "{year}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// `in 900 s` or `900 s ago`.
fn relative(at: i64, now: i64) -> String {
    let delta = at.saturating_sub(now);
    if delta >= 0 {
        format!("in {delta} s")
    } else {
        format!("{} s ago", delta.saturating_neg())
    }
}

#[derive(Serialize)]
struct Instant {
    seconds: i64,
    utc: String,
}

impl Instant {
    fn new(seconds: i64) -> Self {
        Instant {
            seconds,
            utc: utc(seconds),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// keygen

fn keygen(argv: &[String]) -> Outcome {
    const CMD: &str = "keygen";
    let specs = [
        opt("kid", "KID"),
        opt("out-private", "FILE"),
        opt("out-jwks", "FILE"),
        flag("force"),
    ];
    let args = parse_args(CMD, &specs, argv)?;
    if args.help {
        return help(KEYGEN_HELP);
    }
    if let Some(extra) = args.positionals.first() {
        return Err(Fail::usage(
            CMD,
            format!("error: unexpected argument `{extra}`; keygen takes options only"),
        ));
    }
    let kid = required(CMD, &args, "kid")?;
    if kid.trim().is_empty() {
        return Err(Fail::usage(CMD, "error: option `--kid` must not be empty"));
    }
    let out_private = args.get("out-private");
    let out_jwks = args.get("out-jwks");
    if out_private == Some("-") || out_jwks == Some("-") {
        return Err(Fail::usage(
            CMD,
            "error: leave out --out-private or --out-jwks to print to stdout instead of `-`",
        ));
    }
    if out_private.is_some() && out_private == out_jwks {
        return Err(Fail::usage(
            CMD,
            "error: --out-private and --out-jwks name the same file",
        ));
    }
    let force = args.has("force");
    let key = SigningJwk::generate(kid).map_err(|e| Fail::input("cannot make a key", &e))?;
    let private = key.private_jwk();
    let jwks = Jwks {
        keys: vec![key.public_jwk()],
    };

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Both<'a> {
        private_jwk: &'a jwk::Jwk,
        jwks: &'a Jwks,
    }

    match (out_private, out_jwks) {
        (None, None) => {
            out(&pretty(&Both {
                private_jwk: &private,
                jwks: &jwks,
            })?)?;
            note(&format!(
                "made Ed25519 key `{}`: keep privateJwk secret, publish jwks",
                key.kid
            ));
        }
        (Some(private_path), jwks_path) => {
            write_file(private_path, &pretty(&private)?, true, force)?;
            note(&format!(
                "wrote the private JWK of key `{}` to `{private_path}` (keep it secret)",
                key.kid
            ));
            match jwks_path {
                Some(jwks_path) => {
                    write_file(jwks_path, &pretty(&jwks)?, false, force)?;
                    note(&format!("wrote the public JWKS to `{jwks_path}`"));
                }
                None => out(&pretty(&jwks)?)?,
            }
        }
        (None, Some(jwks_path)) => {
            write_file(jwks_path, &pretty(&jwks)?, false, force)?;
            note(&format!(
                "wrote the public JWKS of key `{}` to `{jwks_path}`; the private JWK is on stdout (keep it secret)",
                key.kid
            ));
            out(&pretty(&private)?)?;
        }
    }
    Ok(0)
}

// ---------------------------------------------------------------------------------------------
// sign

fn sign(argv: &[String]) -> Outcome {
    const CMD: &str = "sign";
    let specs = [
        opt("key", "FILE"),
        opt("ttl", "SECONDS"),
        opt("issuer", "ISS"),
        many("audience", "AUD"),
        opt("now", "SECONDS"),
    ];
    let args = parse_args(CMD, &specs, argv)?;
    if args.help {
        return help(SIGN_HELP);
    }
    let key_path = required(CMD, &args, "key")?;
    let payload_path = one_positional(CMD, &args, "payload file argument (or - for stdin)")?;
    one_stdin(
        CMD,
        &[
            ("--key", Some(key_path)),
            ("the payload", Some(payload_path)),
        ],
    )?;
    let ttl = positive(CMD, &args, "ttl")?;
    let now = now(CMD, &args)?;
    let mut audience = args.all("audience");
    let audience = match audience.len() {
        0 => None,
        1 => audience.pop().map(Audience::One),
        _ => Some(Audience::Many(audience)),
    };

    let key = SigningJwk::parse_str(&read_text(key_path)?)
        .map_err(|e| Fail::input(&format!("the private key in {}", source_name(key_path)), &e))?;
    let payload = read_text(payload_path)?;
    let options = SignOptions {
        now,
        ttl,
        issuer: args.get("issuer").map(str::to_owned),
        audience,
    };
    let token = jws::sign(&payload, &key, &options).map_err(|e| {
        Fail::input(
            &format!("cannot sign the payload in {}", source_name(payload_path)),
            &e,
        )
    })?;
    out(&token)?;
    let exp = jws::inspect(&token)
        .ok()
        .and_then(|(_, payload)| payload.get("exp").and_then(Value::as_i64));
    match exp {
        Some(exp) if exp <= now => note(&format!(
            "warning: signed with key `{}`, but the token is already expired: its exp {} is {} (pass --ttl to set a new one)",
            key.kid,
            utc(exp),
            relative(exp, now)
        )),
        Some(exp) => note(&format!(
            "signed with key `{}`; expires {} ({})",
            key.kid,
            utc(exp),
            relative(exp, now)
        )),
        None => note(&format!("signed with key `{}`", key.kid)),
    }
    Ok(0)
}

// ---------------------------------------------------------------------------------------------
// verify

const VERIFY_SPECS: [Spec; 6] = [
    opt("jwks", "FILE"),
    opt("issuer", "ISS"),
    many("audience", "AUD"),
    opt("now", "SECONDS"),
    opt("clock-tolerance", "SECONDS"),
    opt("max-token-bytes", "N"),
];

const TOKEN_WHAT: &str = "token argument (a token, a file holding one, or - for stdin)";

/// Reads the keys and the token, and verifies.
fn verified(
    options: &VerifyOptions,
    jwks_path: &str,
    token_arg: &str,
) -> Result<(String, VerifiedGrants), Fail> {
    let keys = read_keys(jwks_path)?;
    let token = read_token(token_arg)?;
    let grants = jws::verify(&token, &keys, options).map_err(Fail::Rejected)?;
    Ok((token, grants))
}

fn summary(grants: &VerifiedGrants, now: i64) -> String {
    let payload = grants.payload();
    format!(
        "verified: signed by key `{}` for {} `{}`; expires {} ({})",
        grants.header().kid.as_deref().unwrap_or_default(),
        payload.principal.kind,
        payload.principal.id,
        utc(payload.exp),
        relative(payload.exp, now)
    )
}

fn verify(argv: &[String]) -> Outcome {
    const CMD: &str = "verify";
    let args = parse_args(CMD, &VERIFY_SPECS, argv)?;
    if args.help {
        return help(VERIFY_HELP);
    }
    let jwks_path = required(CMD, &args, "jwks")?;
    let token_arg = one_positional(CMD, &args, TOKEN_WHAT)?;
    one_stdin(
        CMD,
        &[("--jwks", Some(jwks_path)), ("the token", Some(token_arg))],
    )?;
    let options = verify_options(CMD, &args)?;
    let (token, grants) = verified(&options, jwks_path, token_arg)?;
    // The signature holds, so the payload as signed (with members this crate does not know)
    // is what the issuer said.
    let payload = match jws::inspect(&token) {
        Ok((_, payload)) => pretty(&payload)?,
        Err(_) => pretty(grants.payload())?,
    };
    out(&payload)?;
    note(&summary(&grants, options.now));
    Ok(0)
}

// ---------------------------------------------------------------------------------------------
// inspect

const NOT_VERIFIED: &str = "NOT VERIFIED: decoded without checking the signature, the key or any claim; do not trust or act on this content";

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

fn inspect(argv: &[String]) -> Outcome {
    const CMD: &str = "inspect";
    let args = parse_args(CMD, &[opt("now", "SECONDS")], argv)?;
    if args.help {
        return help(INSPECT_HELP);
    }
    let token_arg = one_positional(CMD, &args, TOKEN_WHAT)?;
    let now = now(CMD, &args)?;
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
        Some(exp) if now >= exp => note(&format!("expired {} ({})", utc(exp), relative(exp, now))),
        Some(exp) => note(&format!("expires {} ({})", utc(exp), relative(exp, now))),
        None => note("the payload has no integer `exp`, so verification would reject it"),
    }
    Ok(0)
}

// ---------------------------------------------------------------------------------------------
// check

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
fn operations(command: &'static str, values: &[String]) -> Result<Vec<Operation>, Fail> {
    let mut ops = Vec::new();
    let mut seen = HashSet::new();
    for name in values.iter().flat_map(|v| v.split(',')).map(str::trim) {
        let named: Vec<Operation> = if name == "all" {
            Operation::ALL.to_vec()
        } else {
            vec![Operation::parse(name).map_err(|e| Fail::usage(command, e.to_string()))?]
        };
        for op in named {
            if seen.insert(op) {
                ops.push(op);
            }
        }
    }
    if ops.is_empty() {
        return Err(Fail::usage(
            command,
            "error: option `--operation` names no operation",
        ));
    }
    Ok(ops)
}

/// Reads a grant-set payload file for `--unverified-payload`, filling in the `exp` and `ver`
/// that `sign` would add.
fn unverified_authorizer(path: &str, now: i64) -> Result<Authorizer, Fail> {
    let mut value = read_json(path, "payload")?;
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
        (Some(key), _) => format!("task `{key}`"),
        (None, Some(index)) => format!("task {index}"),
        (None, None) => "the task".to_owned(),
    }
}

fn check(argv: &[String]) -> Outcome {
    const CMD: &str = "check";
    let specs = [
        opt("jwks", "FILE"),
        opt("task", "FILE"),
        many("operation", "OP"),
        opt("issuer", "ISS"),
        many("audience", "AUD"),
        opt("now", "SECONDS"),
        opt("clock-tolerance", "SECONDS"),
        opt("max-token-bytes", "N"),
        opt("unverified-payload", "FILE"),
    ];
    let args = parse_args(CMD, &specs, argv)?;
    if args.help {
        return help(CHECK_HELP);
    }
    let task_path = required(CMD, &args, "task")?;
    let operation_values = args.all("operation");
    if operation_values.is_empty() {
        return Err(Fail::usage(
            CMD,
            "error: missing required option `--operation`",
        ));
    }
    let ops = operations(CMD, &operation_values)?;
    let unverified = args.get("unverified-payload");
    let (jwks_path, token_arg) = match unverified {
        Some(_) => {
            if args.has("jwks") {
                return Err(Fail::usage(
                    CMD,
                    "error: --unverified-payload replaces --jwks and the token; give one or the other",
                ));
            }
            if let Some(extra) = args.positionals.first() {
                return Err(Fail::usage(
                    CMD,
                    format!("error: unexpected argument `{extra}`; with --unverified-payload there is no token"),
                ));
            }
            let verifying = ["issuer", "audience", "clock-tolerance", "max-token-bytes"];
            if let Some(name) = verifying.iter().find(|name| args.has(name)) {
                return Err(Fail::usage(
                    CMD,
                    format!("error: `--{name}` checks a token, and --unverified-payload has none"),
                ));
            }
            (None, None)
        }
        None => (
            Some(required(CMD, &args, "jwks")?),
            Some(one_positional(CMD, &args, TOKEN_WHAT)?),
        ),
    };
    one_stdin(
        CMD,
        &[
            ("--task", Some(task_path)),
            ("--jwks", jwks_path),
            ("the token", token_arg),
            ("--unverified-payload", unverified),
        ],
    )?;
    let options = verify_options(CMD, &args)?;

    // The tasks: one object or an array, each checked before anything is decided.
    let tasks_json = read_json(task_path, "task file")?;
    let file = source_name(task_path);
    let (single, items) = match &tasks_json {
        Value::Array(items) => (false, items.as_slice()),
        object @ Value::Object(_) => (true, std::slice::from_ref(object)),
        other => {
            return Err(Fail::Input(format!(
            "ERR_TASK_INVALID: {file}: a task file holds a task object or an array of them, not {}",
            other.kind()
        )))
        }
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

    let authorizer = match (unverified, jwks_path, token_arg) {
        (Some(path), _, _) => {
            note(&format!(
                "warning: NOT VERIFIED: deciding on the payload in {} without any token or signature; for debugging only",
                source_name(path)
            ));
            unverified_authorizer(path, options.now)?
        }
        (None, Some(jwks_path), Some(token_arg)) => {
            let (_, grants) = verified(&options, jwks_path, token_arg)?;
            note(&summary(&grants, options.now));
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

    let json = if single {
        match results.first().map(Vec::as_slice) {
            Some([decision]) => pretty(decision)?,
            Some(decisions) => pretty(decisions)?,
            None => pretty(&Vec::<Value>::new())?,
        }
    } else {
        let rows: Vec<TaskResult<'_>> = results
            .iter()
            .zip(&tasks)
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
        pretty(&rows)?
    };
    out(&json)?;
    if tasks.is_empty() {
        note(&format!("{file} holds no tasks"));
    }
    Ok(if any_denied { EXIT_DENIED } else { 0 })
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
            decision.reason
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
