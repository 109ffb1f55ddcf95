//! `verify`: a token checked against a JWKS, its payload printed. Also the verification
//! options and steps that `check` shares.

use camunda_authz::jws::{
    self, VerifiedGrants, VerifyOptions, DEFAULT_MAX_LIFETIME_SECONDS, MAX_CLOCK_TOLERANCE_SECONDS,
};
use camunda_authz::time::iso8601;

use crate::args::{self, flag, many, opt, Args, Spec};
use crate::files::{read_keys, read_token};
use crate::output::{note, out, pretty, relative, shown};
use crate::{help, Fail, Outcome};

pub const HELP: &str = concat!(
    "\
usage: camunda-authz verify --jwks JWKS_FILE (--issuer ISS | --any-issuer)
                            (--audience AUD | --any-audience) [options] TOKEN|TOKEN_FILE|-

verifies a grant set strictly (size, format, alg EdDSA, typ, key by kid, signature, then the
payload and its claims: docs/verification.md) and prints the verified payload as JSON on
stdout. on failure it prints `ERR_CODE: message` on stderr and exits 3.

options:
  --jwks FILE                 the public keys: a JWKS, or a single public JWK (required)
",
    verification_options_help!()
);

const CMD: &str = "verify";

/// The options of verify; check has them too.
pub const SPECS: [Spec; 10] = [
    opt("jwks", "FILE"),
    opt("issuer", "ISS"),
    flag("any-issuer"),
    many("audience", "AUD"),
    flag("any-audience"),
    opt("now", "SECONDS"),
    opt("clock-tolerance", "SECONDS"),
    opt("max-token-bytes", "N"),
    opt("max-lifetime", "SECONDS"),
    opt("physical-tenant", "ID"),
];

pub const TOKEN_WHAT: &str = "token argument (a token, a file holding one, or - for stdin)";

/// `--issuer` or `--any-issuer`, `--audience` or `--any-audience`: exactly one of each pair, so
/// that no check is skipped by leaving an option out.
fn claim_checks(command: &'static str, args: &Args) -> Result<(), Fail> {
    for (name, any, what) in [
        ("issuer", "any-issuer", "iss"),
        ("audience", "any-audience", "aud"),
    ] {
        match (args.has(name), args.has(any)) {
            (true, true) => {
                return Err(Fail::usage(
                    command,
                    format!("error: `--{name}` and `--{any}` contradict each other; give one"),
                ))
            }
            (false, false) => {
                return Err(Fail::usage(
                    command,
                    format!(
                        "error: give `--{name}` to check the token's {what}, or `--{any}` to accept any {what} explicitly"
                    ),
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// The verification options shared by verify and check.
pub fn options(command: &'static str, args: &Args) -> Result<VerifyOptions, Fail> {
    claim_checks(command, args)?;
    let audience = args.all("audience");
    Ok(VerifyOptions {
        now: args::now(command, args)?,
        clock_tolerance: args::seconds_up_to(
            command,
            args,
            "clock-tolerance",
            MAX_CLOCK_TOLERANCE_SECONDS,
        )?
        .unwrap_or(0),
        issuer: args.get("issuer").map(str::to_owned),
        audience: (!audience.is_empty()).then_some(audience),
        max_token_bytes: args::positive_count(command, args, "max-token-bytes")?,
        max_lifetime: max_lifetime(command, args)?,
        physical_tenant: args.get("physical-tenant").map(str::to_owned),
    })
}

/// `--max-lifetime SECONDS` (default a day), or `none` to accept any lifetime on purpose.
fn max_lifetime(command: &'static str, args: &Args) -> Result<Option<i64>, Fail> {
    if args.get("max-lifetime").map(str::trim) == Some("none") {
        return Ok(None);
    }
    Ok(Some(
        args::positive(command, args, "max-lifetime")?.unwrap_or(DEFAULT_MAX_LIFETIME_SECONDS),
    ))
}

/// Reads the keys and the token, and verifies.
pub fn verified(
    options: &VerifyOptions,
    jwks_path: &str,
    token_arg: &str,
) -> Result<(String, VerifiedGrants), Fail> {
    let keys = read_keys(jwks_path)?;
    let token = read_token(token_arg)?;
    let grants = jws::verify(&token, &keys, options).map_err(Fail::Rejected)?;
    Ok((token, grants))
}

/// One line on what was verified.
pub fn summary(grants: &VerifiedGrants, now: i64) -> String {
    let payload = grants.payload();
    format!(
        "verified: signed by key `{}` for {} `{}`; expires {} ({})",
        shown(grants.header().kid.as_deref().unwrap_or_default()),
        shown(&payload.principal.kind),
        shown(&payload.principal.id),
        iso8601(payload.exp),
        relative(payload.exp, now)
    )
}

pub fn run(argv: &[String]) -> Outcome {
    let args = args::parse(CMD, &SPECS, argv)?;
    if args.help {
        return help(HELP);
    }
    let jwks_path = args::required(CMD, &args, "jwks")?;
    let token_arg = args::one_positional(CMD, &args, TOKEN_WHAT)?;
    args::one_stdin(
        CMD,
        &[("--jwks", Some(jwks_path)), ("the token", Some(token_arg))],
    )?;
    let options = options(CMD, &args)?;
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
